import calendar as pycalendar
import datetime as dt
import functools
import hashlib
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import condition, require_GET, require_POST, require_safe

from mdo import access
from mdo.history import history_rows
from mdo.listing import ScopedTableView
from mdo.policy import policy_required
from mdo.models import Organisation, User
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
)
from meetings.models import ActionItem, AgendaItem, Decision, Meeting, Minutes, MinutesComment
from meetings.pdf import render_pdf
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
        return selectors.meeting_list_for_user(user=self.request.user)


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
    filterset = MeetingFilter(request.GET or None, queryset=selectors.meeting_list_for_user(user=request.user),
                              request=request)
    for field in ("start_after", "start_before"):  # the month chooses the dates
        filterset.form.fields.pop(field, None)
    meetings = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    for meeting in meetings.filter(start__gte=start, start__lt=end).order_by("start"):
        by_day.setdefault(timezone.localtime(meeting.start).date(), []).append(meeting)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    query = request.GET.copy()
    query.pop("mois", None)
    return render(request, "meetings/calendar_month.html", {
        "first": first, "today": today, "filter": filterset, "filter_query": query.urlencode(),
        "weeks": [[(day, by_day.get(day, [])) for day in week] for week in weeks],
        "previous": f"{previous:%Y-%m}", "following": f"{following:%Y-%m}",
        "breadcrumbs": [MEETINGS_CRUMB, (_("Calendrier"), None)],
    })


def my_actions(request):
    actions = list(selectors.my_actions(user=request.user))
    return render(request, "meetings/my_actions.html", {
        "actions": actions, "breadcrumbs": [MEETINGS_CRUMB, (_("Mes actions"), None)],
    })


# --- creating -----------------------------------------------------------------------------

@policy_required("organise", "meetings.meeting")
def meeting_create(request):
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(
                by=request.user, kind=data["kind"], title=data["title"], start=data["start"], end=data["end"],
                place=data["place"], online_link=data["online_link"], description=data["description"],
                neighbourhood=data["neighbourhood"], users=data["users"], organisations=data["organisations"],
                guests=data["guests"])
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, "Réunion créée, invitations envoyées.")
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {
        "form": form, "title": "Nouvelle réunion",
        "breadcrumbs": [MEETINGS_CRUMB, (_("Nouvelle réunion"), None)],
    })


@policy_required("organise", "meetings.meeting")
def series_create(request):
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            series = services.series_create(
                by=request.user, kind=data["kind"], title=data["title"], first_start=data["first_start"],
                duration_minutes=data["duration_minutes"], rrule=data["rrule"], count=data["count"],
                place=data["place"], online_link=data["online_link"], users=data["users"],
                organisations=data["organisations"], guests=data["guests"])
        except ValidationError as error:
            _errors_to_form(form, error, rename={"rrule": "custom_rrule"})
        else:
            first = series.occurrences.order_by("start").first()
            messages.success(request, f"Série créée : {series.occurrences.count()} réunions, invitations envoyées.")
            return redirect(first)
    return render(request, "meetings/meeting_form.html", {
        "form": form, "title": "Nouvelle série de réunions",
        "breadcrumbs": [MEETINGS_CRUMB, (_("Nouvelle série"), None)],
    })


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
    try:
        return meeting.minutes
    except Meeting.minutes.RelatedObjectDoesNotExist:
        return None


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
    decisions = list(meeting.decisions.select_related("agenda_item"))
    actions = list(meeting.actions.select_related("owner", "agenda_item"))
    comments = list(MinutesComment.objects.filter(minutes=minutes).select_related("author")) if minutes else []
    attendee_users = (User.objects.filter(meeting_attendances__meeting=meeting).select_related("organisation")
                      .order_by("last_name", "first_name"))
    flow = flows.MinutesFlow(minutes) if minutes else None
    transitions = []
    if flow is not None:
        for name in ("submit", "reopen", "approve", "publish"):
            method = getattr(flow, name)
            if method.can_proceed() and method.has_perm(user):
                transitions.append((name, method.label))
    writable = minutes is None or minutes.status in (MinutesStatus.DRAFT, MinutesStatus.REVIEW)
    may_write = can_change and writable and flows.may_write(minutes or Minutes(meeting=meeting), user)
    context = {
        "meeting": meeting, "can_change": can_change, "agenda": agenda, "attendees": attendees,
        "linkable_projects": selectors.visible_project_ids(user=user, agenda=agenda),
        "agenda_minutes": sum(item.duration_minutes for item in agenda),
        "carried_actions": selectors.carried_actions_for(meeting),
        "minutes": minutes, "minutes_readable": _minutes_readable(minutes, user, can_change),
        "decisions": decisions, "actions": actions, "comments": comments, "transitions": transitions,
        "may_write": may_write, "may_comment": minutes is not None and flows.may_comment(minutes, user, is_attendee=is_attendee),
        "today": timezone.localdate(),
        "history": history_rows(meeting, limit=20) if can_change else None,
        "breadcrumbs": [MEETINGS_CRUMB, (meeting.title, None)],
    }
    if can_change and not meeting.is_cancelled:
        context.update({
            "agenda_form": True,
            # The selects are written by the template (one per attendee, fast); the form validates the POST.
            "attendance_form": bound.get("attendance_form") or True,
            "attendance_choices": AttendanceStatus.choices,
        })
    if may_write:
        context.update({
            "minutes_form": bound.get("minutes_form") or MinutesForm(
                agenda=agenda, initial={"summary": minutes.summary if minutes else ""}, prefix="minutes"),
            "decision_form": bound.get("decision_form") or DecisionForm(meeting=meeting, prefix="decision"),
            "action_form": bound.get("action_form") or ActionForm(meeting=meeting, owners=attendee_users,
                                                                  prefix="action"),
        })
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
            services.meeting_update(meeting=meeting, by=request.user, title=data["title"], start=data["start"],
                                    end=data["end"], place=data["place"], online_link=data["online_link"],
                                    description=data["description"])
        except ValidationError as error:
            _errors_to_form(form, error, rename={"end": "end_time"})
        else:
            messages.success(request, "Réunion mise à jour.")
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {
        "form": form, "title": f"Modifier : {meeting.title}", "meeting": meeting,
        "breadcrumbs": [MEETINGS_CRUMB, (meeting.title, meeting.get_absolute_url()), (_("Modifier"), None)],
    })


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
        added = services.meeting_invite(meeting=meeting, by=request.user, users=data["users"],
                                        organisations=data["organisations"], guests=data["guests"])
        messages.success(request, f"{len(added)} invitation(s) envoyée(s).")
        return redirect(f"{meeting.get_absolute_url()}#presence")
    return render(request, "meetings/meeting_form.html", {
        "form": form, "title": f"Inviter à : {meeting.title}", "meeting": meeting, "submit_label": "Envoyer les invitations",
        "breadcrumbs": [MEETINGS_CRUMB, (meeting.title, meeting.get_absolute_url()), (_("Inviter"), None)],
    }, status=400 if request.method == "POST" else 200)


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
    return render(request, "meetings/meeting_form.html", {
        "form": form, "title": f"Ordre du jour : {meeting.title}", "meeting": meeting,
        "submit_label": "Ajouter le point",
        "breadcrumbs": [MEETINGS_CRUMB, (meeting.title, meeting.get_absolute_url()), (_("Ajouter un point"), None)],
    }, status=400 if request.method == "POST" else 200)


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


@require_POST
def minutes_save(request, pk: int):
    meeting = _get_minutes_writer_meeting(request, pk)
    form = MinutesForm(request.POST, agenda=selectors.agenda_for(meeting), prefix="minutes")
    if not form.is_valid():
        return _render_detail(request, meeting, status=400, minutes_form=form)
    services.minutes_save(meeting=meeting, by=request.user, summary=form.cleaned_data["summary"], notes=form.notes())
    messages.success(request, "Compte rendu enregistré.")
    return redirect(f"{meeting.get_absolute_url()}#compte-rendu")


@require_POST
def decision_add(request, pk: int):
    meeting = _get_minutes_writer_meeting(request, pk)
    form = DecisionForm(request.POST, meeting=meeting, prefix="decision")
    if not form.is_valid():
        return _render_detail(request, meeting, status=400, decision_form=form)
    services.decision_add(meeting=meeting, by=request.user, **form.cleaned_data)
    messages.success(request, "Décision enregistrée.")
    return redirect(f"{meeting.get_absolute_url()}#decisions")


@require_POST
def action_add(request, pk: int):
    meeting = _get_minutes_writer_meeting(request, pk)
    owners = User.objects.filter(meeting_attendances__meeting=meeting).select_related("organisation")
    form = ActionForm(request.POST, meeting=meeting, owners=owners, prefix="action")
    if not form.is_valid():
        return _render_detail(request, meeting, status=400, action_form=form)
    services.action_add(meeting=meeting, by=request.user, **form.cleaned_data)
    messages.success(request, "Action enregistrée.")
    return redirect(f"{meeting.get_absolute_url()}#actions")


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
    next_url = request.POST.get("next", "")
    return redirect(next_url if next_url.startswith("/") and not next_url.startswith("//") else action.meeting)


@require_POST
def minutes_transition(request, pk: int, name: str):
    meeting = _get_meeting_for_user(request, pk)
    minutes = _minutes_of(meeting)
    if minutes is None and name == "submit" and access.can_change(request.user, meeting):
        minutes = Minutes(meeting=meeting)  # saved by the service, once the permission is checked
    if minutes is None:
        raise Http404
    method = getattr(flows.MinutesFlow(minutes), name)
    if not method.has_perm(request.user):
        raise Http404("Vous ne pouvez pas faire cette étape.")
    if not method.can_proceed():
        messages.error(request, "Cette étape n'est pas possible dans l'état actuel du compte rendu.")
        return redirect(meeting)
    services.minutes_transition(meeting=meeting, by=request.user, name=name)
    labels = {"submit": "Compte rendu soumis à la relecture des participant·e·s.",
              "reopen": "Compte rendu repassé en brouillon.", "approve": "Compte rendu validé.",
              "publish": "Compte rendu diffusé aux participant·e·s."}
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
        "meeting": meeting, "minutes": minutes, "agenda": selectors.agenda_for(meeting),
        "attendees": selectors.attendees_for(meeting), "carried_actions": selectors.carried_actions_for(meeting),
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


#: How long a serialised block of meeting events is kept; its key changes with the meetings anyway.
FEED_CACHE_SECONDS = 6 * 3600


@dataclass
class FeedBody:
    body: bytes
    filename: str
    last_modified: dt.datetime | None
    secret_url: bool = False


def _feed(queryset, *, cache_key: str, name: str, filename: str, extra_events=(), secret_url=False) -> FeedBody:
    """A feed whose meeting events are serialised once per state of those meetings.

    Outlook polls every subscribed feed each hour; rebuilding 800 events each time costs about
    a second, while the fingerprint costs one aggregate query. The events of the other apps'
    sources (action due dates, milestones) are always built fresh: their changes are theirs.
    """
    fingerprint, last_change = selectors.feed_state(queryset)
    key = "meetings:feed:" + hashlib.sha256(f"{cache_key}|{fingerprint}".encode()).hexdigest()
    block = cache.get(key)
    if block is None:
        meetings, hidden = selectors.feed_data(queryset)
        block = ical.serialize_components(ical.meeting_events(meetings, hidden_occurrences=hidden))
        cache.set(key, block, FEED_CACHE_SECONDS)
    extra_events = list(extra_events)
    stamps = [event.decoded("dtstamp") for event in extra_events if "DTSTAMP" in event]
    moments = [m for m in [last_change, *stamps] if m]
    body = ical.serialize_feed(name=name, events_block=block, extra_events=extra_events)
    return FeedBody(body=body, filename=filename, last_modified=max(moments) if moments else None,
                    secret_url=secret_url)


def feed_view(build):
    """A calendar feed view from ``build(request, **kwargs) -> FeedBody``: GET and HEAD, a weak or
    strong ETag of the bytes and Last-Modified, answered 304 by Django's ``condition`` decorator.
    The body is built once per request, before the condition is evaluated."""

    def state(request, **kwargs) -> FeedBody:
        if not hasattr(request, "_feed_body"):
            request._feed_body = build(request, **kwargs)
        return request._feed_body

    @functools.wraps(build)
    @require_safe
    @condition(etag_func=lambda request, **kwargs: hashlib.sha256(state(request, **kwargs).body).hexdigest()[:32],
               last_modified_func=lambda request, **kwargs: state(request, **kwargs).last_modified)
    def view(request, **kwargs):
        feed = state(request, **kwargs)
        response = HttpResponse(b"" if request.method == "HEAD" else feed.body,
                                content_type="text/calendar; charset=utf-8")
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


def _personal_feed(request, token: str) -> FeedBody:
    """The secret-URL feed Outlook subscribes to: no session, the token is the credential."""
    user = _token_user(token)
    extra = [event for source in registry.calendars for event in source.events(user)]
    return _feed(selectors.personal_feed_queryset(user=user), cache_key=f"user:{user.pk}",
                 name=f"MDO — {user.get_full_name() or user.username}", filename="mon-agenda-mdo.ics",
                 extra_events=extra, secret_url=True)


def _organisation_feed_for(user, org_pk: int, *, secret_url: bool) -> FeedBody:
    organisation = access.get_visible_or_404(user, Organisation, pk=org_pk)
    if not selectors.may_see_organisation_feed(user, organisation):
        raise Http404
    return _feed(selectors.organisation_feed_queryset(user=user, organisation=organisation),
                 cache_key=f"organisation:{organisation.pk}:user:{user.pk}",
                 name=f"Réunions — {organisation}", filename=f"reunions-{organisation.pk}.ics", secret_url=secret_url)


def _network_feed_for(user, *, secret_url: bool) -> FeedBody:
    return _feed(selectors.network_feed_queryset(user=user), cache_key=f"network:user:{user.pk}",
                 name="Réseau de la démocratie participative", filename="reseau-mdo.ics", secret_url=secret_url)


personal_feed = login_not_required(feed_view(_personal_feed))
organisation_feed = feed_view(lambda request, org_pk: _organisation_feed_for(request.user, org_pk, secret_url=False))
network_feed = feed_view(lambda request: _network_feed_for(request.user, secret_url=False))
# Outlook sends no cookie: the same feeds behind the user's secret token, revoked with it.
token_organisation_feed = login_not_required(feed_view(
    lambda request, token, org_pk: _organisation_feed_for(_token_user(token), org_pk, secret_url=True)))
token_network_feed = login_not_required(feed_view(
    lambda request, token: _network_feed_for(_token_user(token), secret_url=True)))


# --- my calendar --------------------------------------------------------------------------

def my_calendar(request):
    token = selectors.calendar_token_for(request.user)
    feed_url = ical.absolute(reverse("meetings:personal_feed", args=[token.token]))
    organisation = request.user.organisation
    return render(request, "meetings/my_calendar.html", {
        "feed_url": feed_url, "webcal_url": feed_url.replace("https://", "webcal://").replace("http://", "webcal://"),
        "token": token, "organisation": organisation,
        "network_url": ical.absolute(reverse("meetings:token_network_feed", args=[token.token])),
        "organisation_url": ical.absolute(reverse("meetings:token_organisation_feed", args=[token.token, organisation.pk]))
        if organisation else "",
        "breadcrumbs": [MEETINGS_CRUMB, (_("Mon calendrier"), None)],
    })


@require_POST
def calendar_revoke(request):
    services.calendar_token_revoke(user=request.user)
    messages.success(request, "L'ancienne adresse ne fonctionne plus : abonnez Outlook à la nouvelle.")
    return redirect("meetings:my_calendar")
