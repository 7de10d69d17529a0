import calendar as pycalendar
import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import condition, require_GET, require_POST, require_safe

from mdo import access, policy
from mdo.history import history_rows
from mdo.listing import ScopedTableView
from mdo.models import Organisation, User
from mdo.policy import policy_required
from mdo.redirects import safe_next_url
from mdo.registry import registry
from meetings import flows, ical, selectors, services
from meetings.enums import AttendanceStatus, MinutesStatus
from meetings.filters import DecisionFilter, MeetingFilter
from meetings.forms import (
    ActionForm,
    AgendaItemForm,
    AttendanceForm,
    CommentForm,
    DecisionForm,
    InviteForm,
    MeetingEditForm,
    MeetingForm,
    MinutesForm,
    SeriesForm,
    agenda_formset,
)
from meetings.models import ActionItem, AgendaItem, Decision, Meeting, Minutes, MinutesComment
from meetings.pdf import render_pdf
from meetings.registry import render_meeting_sections
from meetings.tables import DecisionTable, MeetingTable

MEETINGS_CRUMB = (_("Réunions"), "/meetings/")


# --- lists --------------------------------------------------------------------------------


class MeetingListView(ScopedTableView):
    model = Meeting
    table_class = MeetingTable
    filterset_class = MeetingFilter
    export_name = "reunions"
    title = _("Réunions")
    template_name = "meetings/meeting_list.html"
    breadcrumbs = [(_("Réunions"), None)]

    def get_queryset(self):
        return selectors.meetings_coming_first(selectors.meeting_list_for_user(user=self.request.user))

    def get_table_kwargs(self):
        # Unsorted by the user, the list opens on the coming meetings (the queryset's order), not the oldest.
        kwargs = super().get_table_kwargs()
        if not self.request.GET.get("sort"):
            kwargs["order_by"] = ()
        return kwargs


class DecisionListView(ScopedTableView):
    model = Decision
    table_class = DecisionTable
    filterset_class = DecisionFilter
    export_name = "registre-des-decisions"
    title = _("Registre des décisions")
    breadcrumbs = [MEETINGS_CRUMB, (_("Registre des décisions"), None)]

    def get_queryset(self):
        return selectors.decisions_for_user(user=self.request.user)


def calendar_month(request):
    """A month of meetings, Monday first."""
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("mois", "").split("-"))
        first = dt.date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start = dt.datetime.combine(weeks[0][0], dt.time.min, tzinfo=ical.PARIS)
    end = dt.datetime.combine(weeks[-1][-1] + dt.timedelta(days=1), dt.time.min, tzinfo=ical.PARIS)
    by_day: dict[dt.date, list] = {}
    filterset = MeetingFilter(
        request.GET or None, queryset=selectors.meeting_list_for_user(user=request.user), request=request
    )
    for field in ("start_after", "start_before"):  # the month chooses the dates
        filterset.form.fields.pop(field, None)
    meetings = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    for meeting in meetings.filter(start__gte=start, start__lt=end).order_by("start"):
        by_day.setdefault(timezone.localtime(meeting.start).date(), []).append(meeting)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    query = request.GET.copy()
    query.pop("mois", None)
    return render(
        request,
        "meetings/calendar_month.html",
        {
            "first": first,
            "today": today,
            "filter": filterset,
            "filter_query": query.urlencode(),
            "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
            "previous": f"{previous:%Y-%m}",
            "following": f"{following:%Y-%m}",
            "breadcrumbs": [MEETINGS_CRUMB, (_("Calendrier"), None)],
        },
    )


def my_actions(request):
    actions = list(selectors.my_actions(user=request.user))
    return render(
        request,
        "meetings/my_actions.html",
        {
            "actions": actions,
            "breadcrumbs": [MEETINGS_CRUMB, (_("Mes actions"), None)],
        },
    )


# --- creating -----------------------------------------------------------------------------


def _duplicate_initial(request) -> tuple[dict, list, Meeting | None]:
    """The form's initial values from the meeting named by ``?depuis=`` (one the user sees): everything but the date."""
    try:
        source_pk = int(request.GET.get("depuis", ""))
    except ValueError:
        return {}, [], None
    source = _get_meeting_for_user(request, source_pk)
    start, end = timezone.localtime(source.start), timezone.localtime(source.end)
    attendees = list(source.attendees.select_related(None))
    guests = "\n".join(f"{a.name} <{a.email}>" if a.name else a.email for a in attendees if not a.user_id)
    initial = {
        "kind": source.kind,
        "title": source.title,
        "start_time": start.time(),
        "end_time": end.time(),
        "place": source.place,
        "online_link": source.online_link,
        "neighbourhood": source.neighbourhood_id,
        "description": source.description,
        "organisations": list(source.invited_organisations.values_list("pk", flat=True)),
        # People invited through an organisation come back with it.
        "users": [a.user_id for a in attendees if a.user_id and not a.via_organisation_id],
        "guests": guests,
    }
    points = list(source.agenda_items.order_by("order", "pk").values_list("title", "duration_minutes"))
    return initial, points, source


@policy_required("organise", "meetings.meeting")
def meeting_create(request):
    """A meeting, its agenda and its invitees on one page (``?depuis=<pk>`` duplicates a meeting)."""
    initial, points, source = _duplicate_initial(request)
    form = MeetingForm(request.POST or None, initial=initial)
    agenda = agenda_formset(request.POST if request.method == "POST" else None, points=points)
    if request.method == "POST" and form.is_valid() and agenda.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                meeting = services.meeting_create(
                    by=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    start=data["start"],
                    end=data["end"],
                    place=data["place"],
                    online_link=data["online_link"],
                    description=data["description"],
                    neighbourhood=data["neighbourhood"],
                    users=data["users"],
                    organisations=data["organisations"],
                    guests=data["guests"],
                    agenda=agenda.points(),
                )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, "Réunion créée, invitations envoyées.")
            return redirect(meeting)
    title = f"Dupliquer : {source.title}" if source else "Nouvelle réunion"
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "agenda_formset": agenda,
            "title": title,
            "source": source,
            "breadcrumbs": [MEETINGS_CRUMB, (title, None)],
        },
    )


@policy_required("organise", "meetings.meeting")
def series_create(request):
    form = SeriesForm(request.POST or None)
    agenda = agenda_formset(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and agenda.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                series = services.series_create(
                    by=request.user,
                    kind=data["kind"],
                    title=data["title"],
                    first_start=data["first_start"],
                    duration_minutes=data["duration_minutes"],
                    rrule=data["rrule"],
                    count=data["count"],
                    place=data["place"],
                    online_link=data["online_link"],
                    users=data["users"],
                    organisations=data["organisations"],
                    guests=data["guests"],
                )
                services.series_agenda_template_set(series=series, by=request.user, points=agenda.points())
        except ValidationError as error:
            _errors_to_form(form, error, rename={"rrule": "custom_rrule"})
        else:
            first = series.occurrences.order_by("start").first()
            messages.success(request, f"Série créée : {series.occurrences.count()} réunions, invitations envoyées.")
            return redirect(first)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "agenda_formset": agenda,
            "title": "Nouvelle série de réunions",
            "agenda_help": "L'ordre du jour type de la série : chaque réunion commence avec ces points.",
            "breadcrumbs": [MEETINGS_CRUMB, (_("Nouvelle série"), None)],
        },
    )


def _errors_to_form(form, error: ValidationError, rename: dict | None = None) -> None:
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            field = rename.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- one meeting --------------------------------------------------------------------------


def _get_meeting_for_user(request, pk: int) -> Meeting:
    return access.get_visible_or_404(request.user, selectors.meeting_detail_queryset(user=request.user), pk=pk)


def _get_changeable_meeting(request, pk: int) -> Meeting:
    meeting = _get_meeting_for_user(request, pk)
    if not access.can_change(request.user, meeting):
        raise Http404("Aucune réunion modifiable ne correspond à cette adresse.")
    return meeting


def _minutes_of(meeting):
    """The saved minutes of the meeting, or None.

    An unsaved ``Minutes(meeting=meeting)`` built to check who may write fills the meeting's reverse
    cache; it is not minutes yet, and querying with it would fail.
    """
    try:
        minutes = meeting.minutes
    except Meeting.minutes.RelatedObjectDoesNotExist:
        return None
    return minutes if minutes.pk else None


def _minutes_readable(minutes, user, can_change: bool) -> bool:
    if minutes is None:
        return False
    return can_change or minutes.status != MinutesStatus.DRAFT


def detail(request, pk: int):
    meeting = _get_meeting_for_user(request, pk)
    return _render_detail(request, meeting)


def _render_detail(request, meeting: Meeting, status: int = 200, **bound):
    user = request.user
    can_change = access.can_change(user, meeting)
    agenda = selectors.agenda_for(meeting)
    attendees = selectors.attendees_for(meeting)
    minutes = _minutes_of(meeting)
    is_attendee = any(a.user_id == user.pk for a in attendees)
    decisions = list(meeting.decisions.select_related("agenda_item__project"))
    actions = list(meeting.actions.select_related("owner", "agenda_item"))
    comments = list(MinutesComment.objects.filter(minutes=minutes).select_related("author")) if minutes else []
    attendee_users = (
        User.objects.filter(meeting_attendances__meeting=meeting)
        .select_related("organisation")
        .order_by("last_name", "first_name")
    )
    flow = flows.MinutesLifecycle(minutes) if minutes else None
    transitions = []
    if flow is not None:
        for name in ("submit", "reopen", "approve", "publish"):
            method = getattr(flow, name)
            if method.can_proceed() and method.has_perm(user):
                transitions.append((name, method.label))
    writable = minutes is None or minutes.status in (MinutesStatus.DRAFT, MinutesStatus.REVIEW)
    may_write = can_change and writable and flows.may_write(minutes or Minutes(meeting=meeting), user)
    context = {
        "meeting": meeting,
        "can_change": can_change,
        "agenda": agenda,
        "attendees": attendees,
        "linkable_projects": selectors.visible_project_ids(user=user, agenda=agenda),
        "agenda_minutes": sum(item.duration_minutes for item in agenda),
        "carried_actions": selectors.carried_actions_for(meeting),
        "minutes": minutes,
        "minutes_readable": _minutes_readable(minutes, user, can_change),
        "decisions": decisions,
        "actions": actions,
        "comments": comments,
        "transitions": transitions,
        "may_write": may_write,
        "may_comment": minutes is not None and flows.may_comment(minutes, user, is_attendee=is_attendee),
        "today": timezone.localdate(),
        "history": history_rows(meeting, limit=20) if can_change else None,
        "sections": render_meeting_sections(request, meeting),
        "breadcrumbs": [MEETINGS_CRUMB, (meeting.title, None)],
    }
    if can_change and not meeting.is_cancelled:
        context.update(
            {
                "agenda_form": True,
                # The selects are written by the template (one per attendee, fast); the form validates the POST.
                "attendance_form": bound.get("attendance_form") or True,
                "attendance_choices": AttendanceStatus.choices,
            }
        )
    if may_write:
        context.update(
            {
                "minutes_form": bound.get("minutes_form")
                or MinutesForm(
                    agenda=agenda, initial={"summary": minutes.summary if minutes else ""}, prefix="minutes"
                ),
                "minutes_form_id": MINUTES_FORM_ID,
                "decision_form": bound.get("decision_form")
                or DecisionForm(meeting=meeting, prefix="decision", form_id=MINUTES_FORM_ID),
                "action_form": bound.get("action_form")
                or ActionForm(meeting=meeting, owners=attendee_users, prefix="action", form_id=MINUTES_FORM_ID),
                # Correcting a decision or an action: the minutes' writers, until approval (the policy's rule).
                "may_correct": policy.allows(user, "change", Decision(meeting=meeting)),
            }
        )
    if context["may_comment"]:
        context["comment_form"] = bound.get("comment_form") or CommentForm(prefix="comment")
    return render(request, "meetings/meeting_detail.html", context, status=status)


def meeting_edit(request, pk: int):
    meeting = _get_changeable_meeting(request, pk)
    if meeting.is_cancelled:
        messages.error(request, "Une réunion annulée ne se modifie plus.")
        return redirect(meeting)
    form = MeetingEditForm(request.POST or None, initial=MeetingEditForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.meeting_update(
                meeting=meeting,
                by=request.user,
                title=data["title"],
                start=data["start"],
                end=data["end"],
                place=data["place"],
                online_link=data["online_link"],
                description=data["description"],
            )
        except ValidationError as error:
            _errors_to_form(form, error, rename={"end": "end_time"})
        else:
            messages.success(request, "Réunion mise à jour.")
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "title": f"Modifier : {meeting.title}",
            "meeting": meeting,
            "breadcrumbs": [MEETINGS_CRUMB, (meeting.title, meeting.get_absolute_url()), (_("Modifier"), None)],
        },
    )


@require_POST
@policy_required("change", "meetings.meeting")
def meeting_cancel(request, pk: int):
    meeting = _get_changeable_meeting(request, pk)
    try:
        services.meeting_cancel(meeting=meeting, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Réunion annulée : les participant·e·s sont prévenu·e·s.")
    return redirect(meeting)


def invite(request, pk: int):
    """Invite more people (a page of its own: the list of every agent is long)."""
    meeting = _get_changeable_meeting(request, pk)
    if meeting.is_cancelled:
        raise Http404("On n'invite pas à une réunion annulée.")
    form = InviteForm(request.POST or None, prefix="invite")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        added = services.meeting_invite(
            meeting=meeting,
            by=request.user,
            users=data["users"],
            organisations=data["organisations"],
            guests=data["guests"],
        )
        messages.success(request, f"{len(added)} invitation(s) envoyée(s).")
        return redirect(f"{meeting.get_absolute_url()}#presence")
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "title": f"Inviter à : {meeting.title}",
            "meeting": meeting,
            "submit_label": "Envoyer les invitations",
            "breadcrumbs": [MEETINGS_CRUMB, (meeting.title, meeting.get_absolute_url()), (_("Inviter"), None)],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@policy_required("change", "meetings.meeting")
def attendance(request, pk: int):
    meeting = _get_changeable_meeting(request, pk)
    form = AttendanceForm(request.POST, attendees=selectors.attendees_for(meeting), prefix="presence")
    if not form.is_valid():
        return _render_detail(request, meeting, status=400, attendance_form=form)
    try:
        services.attendance_record(meeting=meeting, by=request.user, statuses=form.statuses())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Feuille de présence enregistrée.")
    return redirect(f"{meeting.get_absolute_url()}#presence")


def agenda_add(request, pk: int):
    """Add a point (a page of its own: the choice of a linked project can be long)."""
    meeting = _get_changeable_meeting(request, pk)
    attendee_users = User.objects.filter(meeting_attendances__meeting=meeting).select_related("organisation")
    form = AgendaItemForm(request.POST or None, user=request.user, attendee_users=attendee_users, prefix="agenda")
    if request.method == "POST" and form.is_valid():
        services.agenda_item_add(meeting=meeting, by=request.user, **form.cleaned_data)
        messages.success(request, "Point ajouté à l'ordre du jour.")
        return redirect(f"{meeting.get_absolute_url()}#ordre-du-jour")
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "title": f"Ordre du jour : {meeting.title}",
            "meeting": meeting,
            "submit_label": "Ajouter le point",
            "breadcrumbs": [MEETINGS_CRUMB, (meeting.title, meeting.get_absolute_url()), (_("Ajouter un point"), None)],
        },
        status=400 if request.method == "POST" else 200,
    )


def _get_changeable_item(request, pk: int, item_pk: int) -> AgendaItem:
    meeting = _get_changeable_meeting(request, pk)
    try:
        return AgendaItem.objects.select_related("meeting").get(pk=item_pk, meeting=meeting)
    except AgendaItem.DoesNotExist:
        raise Http404 from None


@require_POST
def agenda_move(request, pk: int, item_pk: int, direction: str):
    item = _get_changeable_item(request, pk, item_pk)
    services.agenda_item_move(item=item, by=request.user, direction=direction)
    return redirect(f"{item.meeting.get_absolute_url()}#ordre-du-jour")


@require_POST
def agenda_delete(request, pk: int, item_pk: int):
    item = _get_changeable_item(request, pk, item_pk)
    meeting = item.meeting
    services.agenda_item_delete(item=item, by=request.user)
    messages.success(request, "Point retiré de l'ordre du jour.")
    return redirect(f"{meeting.get_absolute_url()}#ordre-du-jour")


# --- minutes ------------------------------------------------------------------------------


def _get_minutes_writer_meeting(request, pk: int) -> Meeting:
    meeting = _get_changeable_meeting(request, pk)
    minutes = _minutes_of(meeting) or Minutes(meeting=meeting)
    if not flows.may_write(minutes, request.user):
        raise Http404("Vous ne pouvez pas modifier ce compte rendu.")
    return meeting


MINUTES_FORM_ID = "minutes-form"


def _minutes_page_forms(meeting, data=None):
    owners = User.objects.filter(meeting_attendances__meeting=meeting).select_related("organisation")
    return (
        MinutesForm(data, agenda=selectors.agenda_for(meeting), prefix="minutes"),
        DecisionForm(data, meeting=meeting, prefix="decision", form_id=MINUTES_FORM_ID),
        ActionForm(data, meeting=meeting, owners=owners, prefix="action", form_id=MINUTES_FORM_ID),
    )


def _save_minutes_page(request, pk: int, adding: str | None):
    """The minutes page is one form: the summary and notes typed are saved with the decision or the
    action being added (and a decision or action typed is added with « Enregistrer »), all or nothing.

    A POST without the minutes' fields (an older page, a script) adds only what it carries."""
    meeting = _get_minutes_writer_meeting(request, pk)
    minutes_form, decision_form, action_form = _minutes_page_forms(meeting, request.POST)
    with_minutes = any(key.startswith("minutes-") for key in request.POST)
    with_decision = adding == "decision" or bool(request.POST.get("decision-text", "").strip())
    with_action = adding == "action" or bool(request.POST.get("action-title", "").strip())
    checks = [
        form.is_valid()
        for form, wanted in ((minutes_form, with_minutes), (decision_form, with_decision), (action_form, with_action))
        if wanted
    ]
    if all(checks):
        try:
            with transaction.atomic():
                if with_minutes:
                    services.minutes_save(
                        meeting=meeting,
                        by=request.user,
                        summary=minutes_form.cleaned_data["summary"],
                        notes=minutes_form.notes(),
                    )
                if with_decision:
                    services.decision_add(meeting=meeting, by=request.user, **decision_form.cleaned_data)
                if with_action:
                    services.action_add(meeting=meeting, by=request.user, **action_form.cleaned_data)
        except ValidationError as error:
            target = decision_form if with_decision else action_form if with_action else minutes_form
            _errors_to_form(target, error)
        else:
            done = [
                label
                for label, wanted in (
                    ("compte rendu enregistré", with_minutes),
                    ("décision enregistrée", with_decision),
                    ("action enregistrée", with_action),
                )
                if wanted
            ]
            messages.success(request, (", ".join(done) or "rien à enregistrer").capitalize() + ".")
            anchor = "actions" if with_action else "decisions" if with_decision else "compte-rendu"
            return redirect(f"{meeting.get_absolute_url()}#{anchor}")
    # Redisplay everything typed; only the parts being saved show their errors.
    bound = {
        "minutes_form": minutes_form if with_minutes else None,
        "decision_form": decision_form if with_decision else None,
        "action_form": action_form if with_action else None,
    }
    return _render_detail(request, meeting, status=400, **{k: v for k, v in bound.items() if v is not None})


@require_POST
def minutes_save(request, pk: int):
    return _save_minutes_page(request, pk, adding=None)


@require_POST
def decision_add(request, pk: int):
    return _save_minutes_page(request, pk, adding="decision")


@require_POST
def action_add(request, pk: int):
    return _save_minutes_page(request, pk, adding="action")


def _get_writable_record(request, model, pk: int, action: str):
    """A decision or an action of a meeting whose minutes the user may still write, with the right to ``action`` it."""
    record = access.get_visible_or_404(request.user, model.objects.select_related("meeting"), pk=pk)
    policy.require(request.user, action, record)
    _get_minutes_writer_meeting(request, record.meeting_id)
    return record


def _record_edit_page(request, *, record, form, title: str, anchor: str, save):
    meeting = record.meeting
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, f"{title} : modification enregistrée.")
            return redirect(f"{meeting.get_absolute_url()}#{anchor}")
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "title": f"{title} — {meeting.title}",
            "meeting": meeting,
            "submit_label": "Enregistrer",
            "cancel_url": f"{meeting.get_absolute_url()}#{anchor}",
            "breadcrumbs": [MEETINGS_CRUMB, (meeting.title, meeting.get_absolute_url()), (_("Modifier"), None)],
        },
        status=400 if request.method == "POST" else 200,
    )


@policy_required("change", "meetings.decision")
def decision_edit(request, pk: int):
    decision = _get_writable_record(request, Decision, pk, "change")
    form = DecisionForm(
        request.POST or None,
        meeting=decision.meeting,
        prefix="decision",
        initial={"text": decision.text, "agenda_item": decision.agenda_item_id},
    )
    return _record_edit_page(
        request,
        record=decision,
        form=form,
        title="Décision",
        anchor="decisions",
        save=lambda data: services.decision_update(decision=decision, by=request.user, **data),
    )


@require_POST
@policy_required("delete", "meetings.decision")
def decision_delete(request, pk: int):
    decision = _get_writable_record(request, Decision, pk, "delete")
    try:
        services.decision_delete(decision=decision, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Décision supprimée (elle reste dans l'historique).")
    return redirect(f"{decision.meeting.get_absolute_url()}#decisions")


@policy_required("change", "meetings.actionitem")
def action_edit(request, pk: int):
    action = _get_writable_record(request, ActionItem, pk, "change")
    owners = User.objects.filter(meeting_attendances__meeting=action.meeting).select_related("organisation")
    form = ActionForm(
        request.POST or None,
        meeting=action.meeting,
        owners=owners,
        prefix="action",
        initial={
            "title": action.title,
            "owner": action.owner_id,
            "due_on": action.due_on,
            "agenda_item": action.agenda_item_id,
        },
    )
    return _record_edit_page(
        request,
        record=action,
        form=form,
        title="Action",
        anchor="actions",
        save=lambda data: services.action_update(action=action, by=request.user, **data),
    )


@require_POST
@policy_required("delete", "meetings.actionitem")
def action_delete(request, pk: int):
    action = _get_writable_record(request, ActionItem, pk, "delete")
    try:
        services.action_delete(action=action, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Action supprimée (elle reste dans l'historique).")
    return redirect(f"{action.meeting.get_absolute_url()}#actions")


@require_POST
def action_status(request, action_pk: int):
    action = access.get_visible_or_404(request.user, ActionItem.objects.select_related("meeting"), pk=action_pk)
    if not access.can_change(request.user, action):
        raise Http404
    try:
        services.action_set_status(action=action, by=request.user, status=request.POST.get("status", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Action « {action.title} » : {action.get_status_display().lower()}.")
    return redirect(safe_next_url(request, action.meeting.get_absolute_url()))


@require_POST
def minutes_transition(request, pk: int, name: str):
    meeting = _get_meeting_for_user(request, pk)
    minutes = _minutes_of(meeting)
    if minutes is None and name == "submit" and access.can_change(request.user, meeting):
        minutes = Minutes(meeting=meeting)  # saved by the service, once the permission is checked
    if minutes is None:
        raise Http404
    method = getattr(flows.MinutesLifecycle(minutes), name)
    if not method.has_perm(request.user):
        raise Http404("Vous ne pouvez pas faire cette étape.")
    if not method.can_proceed():
        messages.error(request, "Cette étape n'est pas possible dans l'état actuel du compte rendu.")
        return redirect(meeting)
    services.minutes_transition(meeting=meeting, by=request.user, name=name)
    labels = {
        "submit": "Compte rendu soumis à la relecture des participant·e·s.",
        "reopen": "Compte rendu repassé en brouillon.",
        "approve": "Compte rendu validé.",
        "publish": "Compte rendu diffusé aux participant·e·s.",
    }
    messages.success(request, labels[name])
    return redirect(f"{meeting.get_absolute_url()}#compte-rendu")


@require_POST
def comment_add(request, pk: int):
    meeting = _get_meeting_for_user(request, pk)
    minutes = _minutes_of(meeting)
    is_attendee = meeting.attendees.filter(user=request.user).exists()
    if minutes is None or not flows.may_comment(minutes, request.user, is_attendee=is_attendee):
        raise Http404
    form = CommentForm(request.POST, prefix="comment")
    if not form.is_valid():
        return _render_detail(request, meeting, status=400, comment_form=form)
    services.minutes_comment_add(meeting=meeting, by=request.user, text=form.cleaned_data["text"])
    messages.success(request, "Commentaire ajouté.")
    return redirect(f"{meeting.get_absolute_url()}#relecture")


def _get_own_comment(request, pk: int, action: str) -> MinutesComment:
    comment = access.get_visible_or_404(request.user, MinutesComment.objects.select_related("minutes__meeting"), pk=pk)
    policy.require(request.user, action, comment)
    return comment


@policy_required("change", "meetings.minutescomment")
def comment_edit(request, pk: int):
    comment = _get_own_comment(request, pk, "change")
    meeting = comment.minutes.meeting
    form = CommentForm(request.POST or None, prefix="comment", initial={"text": comment.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_comment_update(comment=comment, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, "Commentaire modifié.")
            return redirect(f"{meeting.get_absolute_url()}#relecture")
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "form": form,
            "title": f"Modifier mon commentaire — {meeting.title}",
            "meeting": meeting,
            "submit_label": "Enregistrer",
            "cancel_url": f"{meeting.get_absolute_url()}#relecture",
            "breadcrumbs": [MEETINGS_CRUMB, (meeting.title, meeting.get_absolute_url()), (_("Modifier"), None)],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@policy_required("delete", "meetings.minutescomment")
def comment_delete(request, pk: int):
    comment = _get_own_comment(request, pk, "delete")
    meeting = comment.minutes.meeting
    try:
        services.minutes_comment_delete(comment=comment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Commentaire retiré.")
    return redirect(f"{meeting.get_absolute_url()}#relecture")


# --- documents ----------------------------------------------------------------------------


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def minutes_pdf(request, pk: int):
    meeting = _get_meeting_for_user(request, pk)
    minutes = _minutes_of(meeting)
    if minutes is None or not minutes.is_approved:
        raise Http404("Le compte rendu n'est pas encore validé.")
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "agenda": selectors.agenda_for(meeting),
        "attendees": selectors.attendees_for(meeting),
        "carried_actions": selectors.carried_actions_for(meeting),
        "decisions": list(meeting.decisions.select_related("agenda_item")),
        "actions": list(meeting.actions.select_related("owner")),
    }
    start = timezone.localtime(meeting.start)
    return _pdf_response(render_pdf("meetings/pdf/minutes.html", context), f"compte-rendu-{start:%Y-%m-%d}.pdf")


@require_GET
def attendance_pdf(request, pk: int):
    meeting = _get_meeting_for_user(request, pk)
    context = {"meeting": meeting, "attendees": selectors.attendees_for(meeting)}
    start = timezone.localtime(meeting.start)
    return _pdf_response(render_pdf("meetings/pdf/attendance.html", context), f"emargement-{start:%Y-%m-%d}.pdf")


def _ics_response(request, body: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    """The calendar with a strong ETag of its bytes; a matching If-None-Match gets 304."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response


@require_GET
def meeting_ics(request, pk: int):
    meeting = _get_meeting_for_user(request, pk)
    cal = ical.new_calendar()
    cal.add_component(ical.build_meeting_vevent(meeting, agenda_items=selectors.agenda_for(meeting)))
    start = timezone.localtime(meeting.start)
    return _ics_response(request, ical.serialize_calendar(cal), f"reunion-{start:%Y-%m-%d}.ics", inline=False)


@login_not_required
@require_GET
def guest_ics(request, token: str):
    """The one-meeting .ics of an external guest's invitation, behind the signed link of their e-mail."""
    from django.core import signing

    from meetings.emails import GUEST_ICS_SALT
    from meetings.models import Attendee

    try:
        attendee_pk = signing.loads(token, salt=GUEST_ICS_SALT)
    except signing.BadSignature:
        raise Http404 from None
    attendee = (
        Attendee.objects.filter(pk=attendee_pk, user__isnull=True)
        .select_related("meeting__organiser", "meeting__series")
        .first()
    )
    if attendee is None:
        raise Http404
    meeting = attendee.meeting
    cal = ical.new_calendar()
    cal.add_component(ical.build_meeting_vevent(meeting, agenda_items=selectors.agenda_for(meeting)))
    start = timezone.localtime(meeting.start)
    return _ics_response(request, ical.serialize_calendar(cal), f"reunion-{start:%Y-%m-%d}.ics", inline=False)


#: How long a serialised block of meeting events is kept; its key changes with the meetings anyway.
FEED_CACHE_SECONDS = 6 * 3600
#: How long a feed remembers its last ETag and Last-Modified (a few bytes per feed).
FEED_VALIDATOR_SECONDS = 30 * 24 * 3600


@dataclass
class Feed:
    """A feed's validators, known without its body, and how to build the body when a client needs it."""

    etag: str
    last_modified: dt.datetime
    filename: str
    build_body: Callable[[], bytes]
    secret_url: bool = False


def _feed_last_modified(feed_key: str, etag: str, last_change: dt.datetime | None) -> dt.datetime:
    """The feed's Last-Modified, which moves forward whenever its ETag changes.

    The last change of its meetings alone would not move when a meeting is deleted, an invitation
    withdrawn or a meeting leaves the window: a client revalidating with If-Modified-Since only
    would keep a stale feed. So each feed remembers the ETag and Last-Modified of its last state; a
    new state gets the latest of its last change, now, and one second after the previous one (the
    header's grain is the second). A feed nobody remembers (evicted, another process's cache) starts
    from now, which costs a client at most one full download.
    """
    key = "meetings:feed-validator:" + hashlib.sha256(feed_key.encode()).hexdigest()
    remembered = cache.get(key)
    if remembered is not None and remembered[0] == etag:
        return remembered[1]
    moments = [timezone.now().replace(microsecond=0)]
    if last_change is not None:
        moments.append(last_change.replace(microsecond=0))
    if remembered is not None:
        moments.append(remembered[1] + dt.timedelta(seconds=1))
    last_modified = max(moments)
    cache.set(key, (etag, last_modified), FEED_VALIDATOR_SECONDS)
    return last_modified


def _feed(queryset, *, cache_key: str, name: str, filename: str, extra_events=(), secret_url=False) -> Feed:
    """A feed of the meetings of ``queryset`` in the window (:data:`selectors.FEED_WINDOW`: those that
    started at most a year ago, and every later one), plus ``extra_events``.

    Outlook polls every subscribed feed each hour and nearly always gets 304: the validators come
    from one aggregate query over the meetings (:func:`selectors.feed_state`) and the bytes of the
    other apps' events (action due dates, milestones: one query each, small, and built from data a
    single timestamp does not follow); the meeting events — about a second for 800 — are built only
    for a 200, and then serialised once per state of those meetings (cached under the same fingerprint).
    """
    queryset = selectors.feed_window(queryset)
    fingerprint, last_change = selectors.feed_state(queryset)
    site = ical.absolute("")  # the events' links
    extra_events = list(extra_events)
    extra_block = ical.serialize_components(extra_events)
    etag = hashlib.sha256(f"{site}|{name}|{fingerprint}|".encode() + extra_block).hexdigest()[:32]
    stamps = [event.decoded("dtstamp") for event in extra_events if "DTSTAMP" in event]
    moments = [m for m in [last_change, *stamps] if m]

    def build_body() -> bytes:
        key = "meetings:feed:" + hashlib.sha256(f"{cache_key}|{site}|{fingerprint}".encode()).hexdigest()
        block = cache.get(key)
        if block is None:
            meetings, hidden = selectors.feed_data(queryset)
            block = ical.serialize_components(ical.meeting_events(meetings, hidden_occurrences=hidden))
            cache.set(key, block, FEED_CACHE_SECONDS)
        return ical.serialize_feed(name=name, events_block=block + extra_block)

    return Feed(
        etag=etag,
        last_modified=_feed_last_modified(cache_key, etag, max(moments) if moments else None),
        filename=filename,
        build_body=build_body,
        secret_url=secret_url,
    )


def feed_view(plan):
    """A calendar feed view from ``plan(request, **kwargs) -> Feed``: GET and HEAD, an ETag and
    Last-Modified, answered 304 by Django's ``condition`` decorator before any body is built.
    The plan runs once per request; the body is built only for a GET that gets 200."""

    def state(request, **kwargs) -> Feed:
        if not hasattr(request, "_feed"):
            request._feed = plan(request, **kwargs)
        return request._feed

    @functools.wraps(plan)
    @require_safe
    @condition(
        etag_func=lambda request, **kwargs: state(request, **kwargs).etag,
        last_modified_func=lambda request, **kwargs: state(request, **kwargs).last_modified,
    )
    def view(request, **kwargs):
        feed = state(request, **kwargs)
        response = HttpResponse(
            b"" if request.method == "HEAD" else feed.build_body(), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = f'inline; filename="{feed.filename}"'
        response["Cache-Control"] = "private, max-age=0, must-revalidate"
        if feed.secret_url:
            response["X-Robots-Tag"] = "noindex"
        return response

    return view


def _token_user(token: str):
    user = selectors.user_for_token(token)
    if user is None:
        raise Http404("Flux inconnu ou révoqué.")
    return user


def _personal_feed(request, token: str) -> Feed:
    """The secret-URL feed Outlook subscribes to: no session, the token is the credential.

    The meetings the user organises or is invited to (personally or through their organisation)
    that started at most a year ago (:data:`selectors.FEED_WINDOW`) or are to come, and the events
    the other apps register (action due dates, milestones)."""
    user = _token_user(token)
    extra = [event for source in registry.calendars for event in source.events(user)]
    return _feed(
        selectors.personal_feed_queryset(user=user),
        cache_key=f"user:{user.pk}",
        name=f"MDO — {user.get_full_name() or user.username}",
        filename="mon-agenda-mdo.ics",
        extra_events=extra,
        secret_url=True,
    )


def _organisation_feed_for(user, org_pk: int, *, secret_url: bool) -> Feed:
    organisation = access.get_visible_or_404(user, Organisation, pk=org_pk)
    if not selectors.may_see_organisation_feed(user, organisation):
        raise Http404
    return _feed(
        selectors.organisation_feed_queryset(user=user, organisation=organisation),
        cache_key=f"organisation:{organisation.pk}:user:{user.pk}",
        name=f"Réunions — {organisation}",
        filename=f"reunions-{organisation.pk}.ics",
        secret_url=secret_url,
    )


def _network_feed_for(user, *, secret_url: bool) -> Feed:
    return _feed(
        selectors.network_feed_queryset(user=user),
        cache_key=f"network:user:{user.pk}",
        name="Réseau de la démocratie participative",
        filename="reseau-mdo.ics",
        secret_url=secret_url,
    )


personal_feed = login_not_required(feed_view(_personal_feed))
organisation_feed = feed_view(lambda request, org_pk: _organisation_feed_for(request.user, org_pk, secret_url=False))
network_feed = feed_view(lambda request: _network_feed_for(request.user, secret_url=False))
# Outlook sends no cookie: the same feeds behind the user's secret token, revoked with it.
token_organisation_feed = login_not_required(
    feed_view(lambda request, token, org_pk: _organisation_feed_for(_token_user(token), org_pk, secret_url=True))
)
token_network_feed = login_not_required(
    feed_view(lambda request, token: _network_feed_for(_token_user(token), secret_url=True))
)


# --- my calendar --------------------------------------------------------------------------


def my_calendar(request):
    token = selectors.calendar_token_for(request.user)
    feed_url = ical.absolute(reverse("meetings:personal_feed", args=[token.token]))
    organisation = request.user.organisation
    return render(
        request,
        "meetings/my_calendar.html",
        {
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://"),
            "token": token,
            "organisation": organisation,
            "network_url": ical.absolute(reverse("meetings:token_network_feed", args=[token.token])),
            "organisation_url": ical.absolute(
                reverse("meetings:token_organisation_feed", args=[token.token, organisation.pk])
            )
            if organisation
            else "",
            "breadcrumbs": [MEETINGS_CRUMB, (_("Mon calendrier"), None)],
        },
    )


@require_POST
def calendar_revoke(request):
    services.calendar_token_revoke(user=request.user)
    messages.success(request, "L'ancienne adresse ne fonctionne plus : abonnez Outlook à la nouvelle.")
    return redirect("meetings:my_calendar")


# --- a whole series in one step ---------------------------------------------------------------


def _series_page(request, series, *, move_form=None, cancel_form=None, status=200):
    from meetings.forms import SeriesCancelForm, SeriesMoveForm

    occurrences = list(series.occurrences.order_by("start"))
    return render(
        request,
        "meetings/series_manage.html",
        {
            "series": series,
            "occurrences": occurrences,
            "planned": [occ for occ in occurrences if not occ.is_cancelled],
            "move_form": move_form or SeriesMoveForm(initial={"place": series.place}),
            "cancel_form": cancel_form or SeriesCancelForm(),
            "breadcrumbs": [(_("Réunions"), reverse("meetings:index")), (str(series), None)],
        },
        status=status,
    )


def series_manage(request, pk: int):
    """Move or cancel a whole series: each step asks for its confirmation, for whoever may change it."""
    from meetings.models import MeetingSeries

    return _series_page(request, access.get_changeable_or_404(request.user, MeetingSeries, pk=pk))


@require_POST
def series_move(request, pk: int):
    from meetings.forms import SeriesMoveForm
    from meetings.models import MeetingSeries

    series = access.get_changeable_or_404(request.user, MeetingSeries, pk=pk)
    form = SeriesMoveForm(request.POST)
    if form.is_valid():
        place = form.cleaned_data["place"].strip()
        new_place = place if place and place != series.place else None
        try:
            if not form.shift() and new_place is None:
                raise ValidationError({"days": "Indiquez un décalage ou un nouveau lieu."})
            services.series_move(series=series, by=request.user, shift=form.shift(), place=new_place)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Série déplacée : chaque participant·e reçoit la mise à jour de la série.")
            return redirect("meetings:series_manage", pk=series.pk)
    return _series_page(request, series, move_form=form, status=400)


@require_POST
def series_cancel(request, pk: int):
    from meetings.forms import SeriesCancelForm
    from meetings.models import MeetingSeries

    series = access.get_changeable_or_404(request.user, MeetingSeries, pk=pk)
    form = SeriesCancelForm(request.POST)
    if form.is_valid():
        try:
            services.series_cancel(series=series, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Série annulée : chaque participant·e reçoit l'annulation de la série.")
            return redirect("meetings:series_manage", pk=series.pk)
    return _series_page(request, series, cancel_form=form, status=400)
