import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from mdo import access, policy
from mdo.enums import Role
from mdo.history import history_rows
from mdo.listing import ScopedTableView
from mdo.policy import policy_required
from mdo.redirects import safe_next_url
from projects import flows, opendata
from projects.access import project_can_comment
from projects.enums import FINAL_STATUSES
from projects.filters import ProjectFilter
from projects.forms import (
    AttachmentForm,
    BulkTransitionForm,
    CommentForm,
    DecidimLinkForm,
    DecidimResultsImportForm,
    DecidimStatusMappingForm,
    DecisionForm,
    DirectorateAnswerForm,
    ProjectForm,
    RescopeForm,
    TownHallAnswerForm,
    TransitionForm,
    VoteImportForm,
)
from projects.lifecycle import ProjectLifecycle, available_transitions, transition_meta, transition_names
from projects.models import Attachment, Edition, FeasibilityReview, Project
from projects.registry import open_data_files, project_annotations, render_project_sections
from projects.selectors import project_children, project_list_for_user
from projects.services import (
    RESCOPABLE,
    TransitionData,
    TransitionRefused,
    attachment_add,
    attachment_delete,
    attachment_replace,
    edition_publication_set,
    project_bulk_transition,
    project_rescope,
    project_save,
    project_transition,
    timeline_comment_add,
    timeline_comment_delete,
    timeline_comment_update,
)
from projects.tables import ProjectTable

#: Before works start, a planned start in the past is a late start.
LATE_START_STATUSES = {"winner", "design", "procurement"}

#: Transitions offered in bulk: those that need nothing but an optional reason.
BULK_TRANSITIONS = [
    "declare_admissible",
    "put_on_ballot",
    "declare_winner",
    "declare_not_selected",
    "start_design",
    "start_procurement",
    "start_works",
    "close",
    "suspend",
    "resume",
    "abandon",
    "declare_inadmissible",
]


def _get_project_for_user(request, pk: int) -> Project:
    return access.get_visible_or_404(
        request.user,
        Project.objects.select_related(
            "edition", "edition_district", "neighbourhood", "lead_directorate", "officer", "town_hall_contact"
        ),
        pk=pk,
    )


class ProjectListView(ScopedTableView):
    model = Project
    table_class = ProjectTable
    filterset_class = ProjectFilter
    template_name = "projects/project_list.html"
    export_name = "projets"
    title = _("Projets")
    breadcrumbs = [(_("Projets"), None)]

    def get_saved_views(self):
        views = [(_("Projets en retard"), "late=on")]
        if self.request.user.has_role(Role.MDO_OFFICER):
            views = [(_("Mes projets"), "officer={me}"), (_("Mes projets en retard"), "officer={me}&late=on"), *views]
        return views

    def get_queryset(self):
        # The long texts are not columns of the table: left in the database.
        return project_list_for_user(user=self.request.user).defer("description", "public_summary", "rescoped_note")

    def get_table_kwargs(self):
        return {"selectable": policy.allows(self.request.user, "bulk", Project) and not self.request.GET.get("_export")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if policy.allows(self.request.user, "bulk", Project):
            choices = [
                (name, next(iter(getattr(ProjectLifecycle, name).get_transitions())).label) for name in BULK_TRANSITIONS
            ]
            context["bulk_form"] = BulkTransitionForm(choices=choices)
            context["can_import"] = True
            context["can_create"] = True
        from projects.registry import project_list_links

        context["list_links"] = [(link.label, reverse(link.url_name)) for link in project_list_links()]
        return context


@require_POST
@policy_required("bulk", "projects.project")
def project_bulk(request):
    """Bulk status change: each selected project goes through its own transition and checks."""
    choices = [(name, name) for name in BULK_TRANSITIONS]
    form = BulkTransitionForm(request.POST, choices=choices)
    back = safe_next_url(request, reverse("projects:index"))
    ids = [int(pk) for pk in request.POST.getlist("projects") if pk.isdigit()]
    if not form.is_valid() or not ids:
        messages.error(request, "Choisissez une action et au moins un projet.")
        return redirect(back)
    projects = list(project_list_for_user(user=request.user).filter(pk__in=ids))
    data = TransitionData(reason=form.cleaned_data["reason"], comment=form.cleaned_data["comment"])
    result = project_bulk_transition(
        projects=projects, name=form.cleaned_data["transition"], by=request.user, data=data
    )
    if result.done:
        messages.success(request, f"{len(result.done)} projet(s) mis à jour.")
    for project, reason in result.refused[:20]:
        messages.warning(request, f"« {project.title} » : {reason}")
    return redirect(back)


def project_detail(request, pk: int):
    # The count of sub-projects, and whether it has attachments or feasibility reviews, ride on the
    # page's own query: a project without any costs nothing more. So do what the other apps'
    # sections ask for (the follow button's choice, an evaluation, the approved budget line).
    project = access.get_visible_or_404(
        request.user,
        Project.objects.select_related(
            "edition", "edition_district", "neighbourhood", "lead_directorate", "officer", "town_hall_contact", "parent"
        ).annotate(
            child_count=Count("children"),
            has_attachments=Exists(Attachment.objects.filter(project=OuterRef("pk"))),
            has_reviews=Exists(FeasibilityReview.objects.filter(project=OuterRef("pk"))),
            **project_annotations(request.user),
        ),
        pk=pk,
    )
    return render(request, "projects/project_detail.html", _detail_context(request, project))


def _detail_context(request, project, *, attachment_form=None) -> dict:
    user = request.user
    transitions = [
        {
            "name": t.slug,
            "label": t.label,
            "style": t.custom.get("style", "primary"),
            "form": TransitionForm(
                transition=t, prefix=t.slug, initial={"open_review": bool(project.lead_directorate_id)}
            ),
            "needs_input": bool(t.custom.get("fields")),
        }
        for t in available_transitions(project, user)
    ]
    reviews = (
        list(
            project.feasibility_reviews.select_related(
                "directorate", "directorate_answered_by", "town_hall_answered_by", "decided_by"
            ).order_by("-created")[:5]
        )
        if getattr(project, "has_reviews", True)
        else []
    )
    for (review_pk, name), task_pk in flows.correctable_answers(user, reviews).items():
        review = next(review for review in reviews if review.pk == review_pk)
        setattr(review, f"{name}_correct_url", reverse("projects:task_correct", args=[task_pk]))
    today = timezone.localdate()
    child_count = getattr(project, "child_count", None)
    children = project_children(user=user, parent=project) if child_count is None or child_count else None
    return {
        "project": project,
        "children": children,
        "parent_visible": bool(project.parent_id) and access.can_view(user, project.parent),
        "transitions": transitions,
        "timeline": list(project.timeline.select_related("author")[:200]),
        "attachments": list(project.attachments.select_related("uploaded_by"))
        if getattr(project, "has_attachments", True)
        else [],
        "reviews": reviews,
        "my_tasks": [
            (flows.TASK_KINDS[task.flow_task.name], flows.task_url(task))
            for task in flows.open_tasks_for(user).filter(process__feasibilityreview__project=project)
        ]
        if reviews
        else [],
        "history": history_rows(project, limit=30),
        "can_comment": project_can_comment(user, project),
        "can_rescope": policy.allows(user, "rescope", project) and project.status in RESCOPABLE,
        "can_edit": access.can_change(user, project),
        "comment_form": CommentForm(),
        "attachment_form": attachment_form or AttachmentForm(),
        "rescope_form": RescopeForm(),
        "late_start": bool(
            project.planned_start
            and not project.actual_start
            and project.planned_start < today
            and project.status in LATE_START_STATUSES
        ),
        "late_end": project.is_late and project.status not in FINAL_STATUSES,
        "sections": render_project_sections(request, project),
        "breadcrumbs": [(_("Projets"), reverse("projects:index")), (project.title, None)],
    }


@policy_required("create", "projects.project")
def project_create(request):
    form = ProjectForm(request.POST or None, initial={"officer": request.user.pk}, user=request.user)
    if request.method == "POST" and form.is_valid():
        project = project_save(form=form, by=request.user)
        messages.success(request, "Projet créé.")
        return redirect(project)
    return render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            "title": "Nouveau projet",
            "breadcrumbs": [(_("Projets"), reverse("projects:index")), (_("Nouveau projet"), None)],
        },
    )


def project_edit(request, pk: int):
    project = access.get_changeable_or_404(request.user, Project, pk=pk)
    form = ProjectForm(request.POST or None, instance=project, user=request.user)
    if request.method == "POST" and form.is_valid():
        project_save(form=form, by=request.user)
        messages.success(request, "Projet mis à jour.")
        return redirect(project)
    return render(
        request,
        "projects/project_form.html",
        {
            "form": form,
            "title": f"Modifier « {project.title} »",
            "project": project,
            "breadcrumbs": [
                (_("Projets"), reverse("projects:index")),
                (project.title, project.get_absolute_url()),
                (_("Modifier"), None),
            ],
        },
    )


def edition_list(request):
    """The editions and their envelopes: per district, the winners' estimated cost against the envelope."""
    editions = list(access.visible(request.user, Edition).prefetch_related("districts"))
    totals = {
        (row["edition_district"], row["edition"]): row
        for row in project_list_for_user(user=request.user)
        .filter(edition__isnull=False)
        .values("edition", "edition_district")
        .annotate(
            projects=Count("pk"),
            winners=Count("pk", filter=Q(selected=True)),
            winners_cost=Sum("estimated_cost", filter=Q(selected=True)),
        )
    }
    for edition in editions:
        edition.rows = [(district, totals.get((district.pk, edition.pk), {})) for district in edition.districts.all()]
        edition.citywide = totals.get((None, edition.pk), {})
    return render(
        request,
        "projects/edition_list.html",
        {
            "editions": editions,
            "can_publish": policy.allows(request.user, "publish", Edition),
            "breadcrumbs": [(_("Projets"), reverse("projects:index")), (_("Éditions"), None)],
        },
    )


@require_POST
def project_transition_view(request, pk: int, name: str):
    project = _get_project_for_user(request, pk)
    if name not in transition_names():
        raise Http404
    transition = transition_meta(name, project.status)
    form = TransitionForm(request.POST, transition=transition, prefix=name)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[f].label} : {' '.join(e)}" if f in form.fields else " ".join(e)
            for f, e in form.errors.items()
        )
        messages.error(request, f"« {transition.label} » n'a pas été faite. {errors}")
        return redirect(project)
    data = TransitionData(**{k: v for k, v in form.cleaned_data.items() if v not in ("",)})
    try:
        project_transition(project=project, name=name, by=request.user, data=data)
    except TransitionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"« {transition.label} » : c'est fait.")
    return redirect(project)


@require_POST
def project_comment(request, pk: int):
    project = _get_project_for_user(request, pk)
    if not project_can_comment(request.user, project):
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        timeline_comment_add(
            project=project, by=request.user, text=form.cleaned_data["text"], is_public=form.cleaned_data["is_public"]
        )
        messages.success(request, "Commentaire ajouté.")
    else:
        messages.error(request, "Le commentaire est vide.")
    return redirect(project)


@require_POST
def attachment_upload(request, pk: int):
    project = _get_project_for_user(request, pk)
    if not project_can_comment(request.user, project):
        raise Http404
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        attachment_add(
            project=project, by=request.user, file=form.cleaned_data["file"], title=form.cleaned_data["title"]
        )
        messages.success(request, "Pièce jointe ajoutée.")
        return redirect(project)
    context = _detail_context(request, project, attachment_form=form)
    return render(request, "projects/project_detail.html", context, status=400)


def _get_own_comment(request, pk: int, entry_pk: int, action: str):
    """A comment of a visible project that the user may correct; anything else is not found (no hint)."""
    project = _get_project_for_user(request, pk)
    entry = project.timeline.filter(pk=entry_pk).select_related("project").first()
    if (
        entry is None
        or not policy.allows(request.user, action, entry)
        or not project_can_comment(request.user, project)
    ):
        raise Http404("Ce commentaire n'est pas le vôtre ou n'existe plus.")
    return project, entry


def comment_edit(request, pk: int, entry_pk: int):
    project, entry = _get_own_comment(request, pk, entry_pk, "change")
    form = CommentForm(request.POST or None, initial={"text": entry.text, "is_public": entry.is_public})
    form.fields.pop("is_public")  # who may read it was said when it was written; only its words are corrected
    if request.method == "POST" and form.is_valid():
        try:
            timeline_comment_update(entry=entry, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Commentaire modifié.")
            return redirect(f"{project.get_absolute_url()}#fil")
    return render(
        request,
        "projects/comment_form.html",
        {
            "form": form,
            "project": project,
            "entry": entry,
            "breadcrumbs": [
                (_("Projets"), reverse("projects:index")),
                (project.title, project.get_absolute_url()),
                (_("Modifier un commentaire"), None),
            ],
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def comment_delete(request, pk: int, entry_pk: int):
    project, entry = _get_own_comment(request, pk, entry_pk, "delete")
    try:
        timeline_comment_delete(entry=entry, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Commentaire retiré.")
    return redirect(f"{project.get_absolute_url()}#fil")


def _get_attachment_for_action(request, pk: int, attachment_pk: int, action: str):
    project = _get_project_for_user(request, pk)
    attachment = project.attachments.filter(pk=attachment_pk).select_related("project").first()
    if attachment is None:
        raise Http404
    if not policy.allows(request.user, action, attachment) or not project_can_comment(request.user, project):
        raise PermissionDenied("Seul·e qui a déposé la pièce, ou la MDO, peut la corriger.")
    return project, attachment


@require_POST
def attachment_replace_view(request, pk: int, attachment_pk: int):
    project, attachment = _get_attachment_for_action(request, pk, attachment_pk, "change")
    form = AttachmentForm(request.POST, request.FILES, prefix=f"replace-{attachment.pk}")
    if form.is_valid():
        try:
            attachment_replace(
                attachment=attachment, by=request.user, file=form.cleaned_data["file"], title=form.cleaned_data["title"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Pièce jointe remplacée.")
    else:
        # The file is refused (too big, wrong kind): the attachment is kept as it was, and the page says why.
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    return redirect(f"{project.get_absolute_url()}#pieces")


@require_POST
def attachment_delete_view(request, pk: int, attachment_pk: int):
    project, attachment = _get_attachment_for_action(request, pk, attachment_pk, "delete")
    try:
        attachment_delete(attachment=attachment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Pièce jointe supprimée.")
    return redirect(f"{project.get_absolute_url()}#pieces")


@require_GET
def attachment_download(request, pk: int, attachment_pk: int):
    project = _get_project_for_user(request, pk)
    attachment = project.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        # The record survived (a database restored without its media folder): say so, not a server error.
        raise Http404(
            "Le fichier de cette pièce jointe est introuvable sur le serveur. "
            "Prévenez l'administrateur : il doit être restauré depuis la sauvegarde des fichiers."
        ) from None
    return FileResponse(handle, as_attachment=True, filename=attachment.filename)


@require_POST
@policy_required("rescope", "projects.project")
def project_rescope_view(request, pk: int):
    project = _get_project_for_user(request, pk)
    form = RescopeForm(request.POST)
    try:
        if not form.is_valid():
            raise TransitionRefused("Décrivez le redimensionnement.")
        project_rescope(project=project, by=request.user, note=form.cleaned_data["note"])
    except TransitionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Redimensionnement enregistré.")
    return redirect(project)


@require_GET
def project_sheet_pdf(request, pk: int):
    from projects.pdf import project_sheet

    project = _get_project_for_user(request, pk)
    response = HttpResponse(project_sheet(project, request=request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fiche-projet-{project.pk}.pdf"'
    return response


# --- feasibility tasks -----------------------------------------------------------------------

TASK_FORMS = {
    "directorate_review": DirectorateAnswerForm,
    "town_hall_opinion": TownHallAnswerForm,
    "decision": DecisionForm,
}


def task_detail(request, task_pk: int):
    task = flows.task_for_user_or_404(request.user, task_pk)
    review = flows.review_of(task)
    name = task.flow_task.name
    form_class = TASK_FORMS[name]
    is_open = task.status in flows.OPEN
    initial = {"estimated_cost": review.cost_estimate} if name == "decision" else {}
    # An empty POST (no answer chosen) is bound too, so that it is refused at the field.
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if not is_open:
            messages.error(request, "Cette tâche est déjà terminée.")
            return redirect("projects:task", task_pk=task.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if name == "directorate_review":
                    flows.directorate_answer(task=task, by=request.user, **data)
                elif name == "town_hall_opinion":
                    flows.town_hall_answer(task=task, by=request.user, **data)
                else:
                    flows.mdo_decision(task=task, by=request.user, **data)
            except (flows.TaskRefused, TransitionRefused) as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "Tâche terminée, merci.")
                return redirect(review.project)
    return render(
        request,
        "projects/task.html",
        {
            "task": task,
            "review": review,
            "project": review.project,
            "form": form,
            "is_open": is_open,
            "kind": flows.TASK_KINDS[name],
            "name": name,
            "due": flows.task_due(task),
            "today": timezone.localdate(),
            "correct_url": ""
            if is_open or flows.answer_correction_refusal(request.user, task)
            else reverse("projects:task_correct", args=[task.pk]),
            "breadcrumbs": [(_("Mes tâches"), reverse("tasks")), (flows.TASK_KINDS[name], None)],
        },
    )


def task_correct(request, task_pk: int):
    """The author corrects their answer (directorate or town hall) while the MDO has not decided."""
    task = flows.answered_task_or_404(task_pk)
    refusal = flows.answer_correction_refusal(request.user, task)
    if refusal:
        raise PermissionDenied(refusal)
    review = flows.review_of(task)
    name = task.flow_task.name
    # The answer itself is chosen again (none in advance); the words written are kept to be corrected.
    if name == "directorate_review":
        initial = {
            "cost_estimate": review.cost_estimate,
            "delay_months": review.delay_months,
            "conditions": review.conditions,
        }
    else:
        initial = {"comment": review.opinion_comment}
    form = TASK_FORMS[name](request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = flows.answer_correct(task=task, by=request.user, **form.cleaned_data)
        except flows.TaskRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Avis corrigé." if changed else "Rien n'a changé : l'avis reste tel quel.")
            return redirect(review.project)
    return render(
        request,
        "projects/answer_correct.html",
        {
            "task": task,
            "review": review,
            "project": review.project,
            "form": form,
            "name": name,
            "kind": flows.TASK_KINDS[name],
            "breadcrumbs": [
                (_("Projets"), reverse("projects:index")),
                (review.project.title, review.project.get_absolute_url()),
                (_("Corriger mon avis"), None),
            ],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def task_take(request, task_pk: int):
    task = flows.task_for_user_or_404(request.user, task_pk)
    try:
        flows.task_take(task=task, by=request.user)
        messages.success(request, "La tâche vous est confiée.")
    except flows.TaskRefused as error:
        messages.error(request, str(error))
    return redirect("tasks")


@require_POST
def task_release(request, task_pk: int):
    task = flows.task_for_user_or_404(request.user, task_pk)
    try:
        flows.task_release(task=task, by=request.user)
        messages.success(request, "Tâche remise à l'équipe.")
    except flows.TaskRefused as error:
        messages.error(request, str(error))
    return redirect("tasks")


# --- vote import ---------------------------------------------------------------------------------

VOTE_FILE_SESSION_KEY = "vote_import_file"
VOTE_CHOICES_SESSION_KEY = "vote_import_choices"


@policy_required("import_votes", "projects.project")
def vote_import(request):
    """The MDO uploads a vote file (.pb or .csv); the import runs as a job (all of it or nothing) and
    the user follows it on the job's page, which shows the outcome or the errors with their lines.

    The file is kept (in the media storage, named in the session) until it is really imported, so that
    after a dry run or a refusal the next try needs only one more click; a new upload replaces it."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from mdo import jobs
    from projects.jobs import VOTE_IMPORT

    kept = request.session.get(VOTE_FILE_SESSION_KEY) or {}
    if kept and not default_storage.exists(kept.get("path", "")):
        request.session.pop(VOTE_FILE_SESSION_KEY, None)
        kept = {}
    choices = request.session.get(VOTE_CHOICES_SESSION_KEY) or {}
    initial = {"kept_file": kept.get("token", "")}
    if kept and choices:
        # The next try runs on the same file and edition, unless the user changes them.
        exists = Edition.objects.filter(name=choices.get("edition", "")).exists()
        initial.update(
            {
                "edition": choices["edition"] if exists else None,
                "new_edition": "" if exists else choices.get("edition", ""),
                "winners": choices.get("winners", ""),
            }
        )
    form = VoteImportForm(request.POST or None, request.FILES or None, kept_name=kept.get("name", ""), initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload:
            if kept:
                default_storage.delete(kept["path"])
            token = secrets.token_hex(8)
            suffix = ".pb" if upload.name.lower().endswith(".pb") else ".csv"
            path = default_storage.save(f"imports/votes-{token}{suffix}", ContentFile(upload.read()))
            kept = {"path": path, "name": upload.name, "token": token}
            request.session[VOTE_FILE_SESSION_KEY] = kept
        request.session[VOTE_CHOICES_SESSION_KEY] = {
            "edition": form.edition_name,
            "winners": form.cleaned_data.get("winners", ""),
        }
        dry_run = form.cleaned_data["dry_run"]
        job = jobs.job_start(
            kind=VOTE_IMPORT,
            label=f"{'Essai à blanc' if dry_run else 'Import'} des résultats de vote : {kept['name']}",
            params={
                "path": kept["path"],
                "filename": kept["name"],
                "edition_name": form.edition_name,
                "dry_run": dry_run,
                "winners_by_rule": form.winners_by_rule(),
            },
            by=request.user,
        )
        return redirect(job)
    return render(
        request,
        "projects/vote_import.html",
        {
            "form": form,
            "breadcrumbs": [(_("Projets"), reverse("projects:index")), (_("Import des résultats de vote"), None)],
        },
        status=400 if form.errors else 200,
    )


# --- open data and exports ------------------------------------------------------------------------

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": "ETag, Last-Modified",
    "Access-Control-Max-Age": "86400",
}


def _open_data_response(request, build, content_type: str, *, filename: str = ""):
    """GET, HEAD and the CORS preflight of a public feed; 304 when the reader's copy is current.

    The ETag and Last-Modified come from one aggregate query (``opendata.fingerprint``); the body is
    built only when the data changed (and cached under that fingerprint)."""
    from django.utils.cache import get_conditional_response, patch_vary_headers
    from django.utils.http import http_date

    if request.method == "OPTIONS":
        response = HttpResponse(status=204)
        for header, value in CORS_HEADERS.items():
            response[header] = value
        return response
    edition = request.GET.get("edition", "")[:200]
    etag, modified = opendata.fingerprint(edition=edition)
    etag = f'"{etag}"'
    timestamp = int(modified.timestamp()) if modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        # HEAD answers the headers of GET: the body is cached anyway, and left out.
        body = build(edition, etag)
        response = HttpResponse(b"" if request.method == "HEAD" else body, content_type=content_type)
    response["ETag"] = etag
    if timestamp:
        response["Last-Modified"] = http_date(timestamp)
    response["Cache-Control"] = "public, max-age=300"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    for header, value in CORS_HEADERS.items():
        response[header] = value
    patch_vary_headers(response, ["Accept-Encoding"])
    return response


def _page_number(value, default: int, maximum: int) -> int:
    return min(int(value), maximum) if str(value).isdigit() and int(value) > 0 else default


@login_not_required
@gzip_page
@require_http_methods(["GET", "HEAD", "OPTIONS"])
def open_data_json(request):
    """The data set in pages (``?page=2&taille=500``), licence and metadata in every page."""
    page = _page_number(request.GET.get("page"), 1, 10**6)
    size = _page_number(request.GET.get("taille"), opendata.DEFAULT_PAGE_SIZE, opendata.MAX_PAGE_SIZE)
    return _open_data_response(
        request,
        lambda edition, etag: opendata.json_page(
            edition=edition, page=page, page_size=size, etag=etag, request=request
        ),
        "application/json; charset=utf-8",
    )


@login_not_required
@gzip_page
@require_http_methods(["GET", "HEAD", "OPTIONS"])
def open_data_csv(request):
    """The whole data set in one CSV file (compressed on the wire)."""
    return _open_data_response(
        request,
        lambda edition, etag: opendata.csv_file(edition=edition, etag=etag),
        "text/csv; charset=utf-8",
        filename="projets-budget-participatif.csv",
    )


@login_not_required
@require_safe
def open_data_page(request):
    """The public page that describes the data set: producer, licence, fields, links."""
    return render(
        request,
        "projects/open_data.html",
        {
            "meta": opendata.metadata(request=request),
            "editions": Edition.objects.filter(published_at__isnull=False).order_by("-number", "name"),
            "companion_files": [
                (item, request.build_absolute_uri(reverse(item.url_name))) for item in open_data_files()
            ],
        },
    )


@require_POST
def edition_publish(request, pk: int):
    """The MDO publishes an edition's projects in the open data set (or withdraws them)."""
    if not policy.allows(request.user, "publish", Edition):
        raise Http404
    edition = access.get_visible_or_404(request.user, Edition, pk=pk)
    if request.POST.get("publish") == "1":
        edition_publication_set(edition=edition, published=True, by=request.user)
        messages.success(request, f"« {edition.name} » est publiée en open data.")
    else:
        edition_publication_set(edition=edition, published=False, by=request.user)
        messages.success(request, f"« {edition.name} » est retirée de l'open data.")
    return redirect("projects:editions")


# --- Decidim round trip (docs/projects.md) ----------------------------------------------------------


def _decidim_edition(request, value) -> Edition:
    if not policy.allows(request.user, "decidim", Edition):
        raise Http404
    editions = access.visible(request.user, Edition)
    if value in (None, ""):
        edition = editions.order_by("-number", "-pk").first()
    else:
        edition = editions.filter(pk=value).first() if str(value).isdigit() else None
    if edition is None:
        raise Http404
    return edition


def decidim_page(request):
    """The MDO's Decidim page for one edition: import of Decidim's results, statuses, what is not matched."""
    from projects import decidim
    from projects.models import DecidimResult, DecidimStatus, DecidimStatusMapping

    edition = _decidim_edition(request, request.GET.get("edition"))
    import_form = DecidimResultsImportForm()
    statuses = list(DecidimStatus.objects.filter(edition=edition))
    mapping = {
        m.status: m.decidim_status
        for m in DecidimStatusMapping.objects.filter(edition=edition).select_related("decidim_status")
    }
    status_form = DecidimStatusMappingForm(
        edition=edition, statuses=statuses, followed=decidim.FOLLOWED_STATUSES, initial_mapping=mapping
    )
    table = decidim.accountability_rows(edition=edition, projects=project_list_for_user(user=request.user))
    loose_results = list(
        DecidimResult.objects.filter(edition=edition, project__isnull=True).only(
            "pk", "decidim_id", "title", "edition_id"
        )
    )
    return render(
        request,
        "projects/decidim.html",
        {
            "edition": edition,
            "editions": access.visible(request.user, Edition).order_by("-number", "-pk"),
            "import_form": import_form,
            "status_form": status_form,
            "statuses": statuses,
            "exported": len(table.rows),
            "unexported": table.unexported,
            "loose_results": loose_results,
            "col_sep": decidim.col_sep(),
            "breadcrumbs": [(_("Projets"), reverse("projects:index")), (_("Decidim : suivi des réalisations"), None)],
        },
    )


@require_POST
def decidim_import(request):
    from projects import decidim
    from projects.imports import ImportFailed

    edition = _decidim_edition(request, request.POST.get("edition"))
    form = DecidimResultsImportForm(request.POST, request.FILES)
    back = f"{reverse('projects:decidim')}?edition={edition.pk}"
    if not form.is_valid():
        messages.error(request, "Choisissez le fichier exporté de Decidim.")
        return redirect(back)
    upload = form.cleaned_data["file"]
    try:
        summary = decidim.decidim_results_import(
            edition=edition, data=upload.read(), filename=upload.name, by=request.user
        )
    except ImportFailed as failure:
        messages.error(request, "Rien n'a été importé : " + " ; ".join(failure.errors[:20]))
    else:
        messages.success(request, " · ".join(summary.lines()))
    return redirect(back)


@require_POST
def decidim_statuses(request):
    from projects import decidim
    from projects.models import DecidimStatus

    edition = _decidim_edition(request, request.POST.get("edition"))
    form = DecidimStatusMappingForm(
        request.POST,
        edition=edition,
        statuses=list(DecidimStatus.objects.filter(edition=edition)),
        followed=decidim.FOLLOWED_STATUSES,
        initial_mapping={},
    )
    if form.is_valid():
        decidim.decidim_status_map(edition=edition, mapping=form.mapping(), by=request.user)
        messages.success(request, "Correspondance des statuts enregistrée.")
    else:
        messages.error(request, "Un des statuts choisis n'est pas un statut Decidim de cette édition.")
    return redirect(f"{reverse('projects:decidim')}?edition={edition.pk}")


@require_POST
def decidim_link(request):
    from projects import decidim
    from projects.models import DecidimResult

    edition = _decidim_edition(request, request.POST.get("edition"))
    form = DecidimLinkForm(request.POST)
    back = f"{reverse('projects:decidim')}?edition={edition.pk}"
    if not form.is_valid():
        messages.error(request, "Choisissez un projet.")
        return redirect(back)
    result = DecidimResult.objects.filter(edition=edition, pk=form.cleaned_data["result"]).first()
    if result is None:
        raise Http404
    project = None
    if form.cleaned_data["project"]:
        project = (
            project_list_for_user(user=request.user).filter(edition=edition, pk=form.cleaned_data["project"]).first()
        )
        if project is None:
            messages.error(request, "Ce projet n'est pas un projet de l'édition.")
            return redirect(back)
    decidim.decidim_result_link(result=result, project=project, by=request.user)
    messages.success(request, f"Résultat Decidim n° {result.decidim_id} relié." if project else "Lien retiré.")
    return redirect(back)


@require_GET
def decidim_accountability_csv(request):
    """What Decidim's accountability import will match: its result ids and status ids, its separator."""
    from projects import decidim

    edition = _decidim_edition(request, request.GET.get("edition"))
    table = decidim.accountability_rows(edition=edition, projects=project_list_for_user(user=request.user))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="decidim-accountability-{edition.pk}.csv"'
    decidim.write_accountability_csv(response, table)
    return response
