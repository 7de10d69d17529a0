import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from consultations import charts, checks, decidim, imports, selectors, services
from consultations.diff import version_diff
from consultations.enums import TEXT_KINDS, QuestionKind, VersionStatus
from consultations.filters import ConsultationFilter, ResourceFilter
from consultations.forms import (
    BilanForm,
    CommentForm,
    ConsultationForm,
    CriterionForm,
    EvaluationForm,
    GlossaryForm,
    ImportForm,
    NewVersionForm,
    ObjectiveForm,
    PartnerForm,
    QuestionForm,
    ReplyForm,
    ResourceForm,
    ResourceVersionForm,
    ReviewForm,
    SectionForm,
    SubmitForm,
    TagForm,
    errors_to_form,
)
from consultations.lifecycle import available_transitions
from consultations.models import (
    Answer,
    Bilan,
    Consultation,
    Evaluation,
    EvaluationCriterion,
    GlossaryTerm,
    Objective,
    Partner,
    Question,
    QuestionComment,
    QuestionnaireVersion,
    Resource,
    ResourceVersion,
    Section,
)
from consultations.pdf import render_pdf
from consultations.tables import ConsultationTable, ResourceTable
from mdo import access, policy
from mdo.listing import ScopedTableView
from meetings.models import AgendaItem, Meeting
from projects.models import Project

CRUMB = (_("Consultations"), "/consultations/")
LIBRARY_CRUMB = (_("Ressources du réseau"), "/ressources/")


def _consultation(request, pk: int) -> Consultation:
    return access.get_visible_or_404(request.user, Consultation, pk=pk)


def _consultation_for(request, pk: int, action: str) -> Consultation:
    """A visible consultation on which the user may do ``action`` (mdo/policy.py); 404 otherwise."""
    consultation = _consultation(request, pk)
    policy.require(request.user, action, consultation)
    return consultation


def _version(consultation, number: int) -> QuestionnaireVersion:
    return get_object_or_404(QuestionnaireVersion, consultation=consultation, number=number)


def _crumbs(consultation, *rest):
    return [CRUMB, (consultation.title, consultation.get_absolute_url()), *rest]


def _refused(request, error) -> None:
    if isinstance(error, ValidationError):
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(error))


# --- list and file -------------------------------------------------------------------------


class ConsultationListView(ScopedTableView):
    model = Consultation
    table_class = ConsultationTable
    filterset_class = ConsultationFilter
    export_name = "consultations"
    title = _("Consultations")
    template_name = "consultations/consultation_list.html"
    breadcrumbs = [(_("Consultations"), None)]

    def get_queryset(self):
        return selectors.consultation_list_for_user(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_create"] = policy.allows(self.request.user, "create", "consultations.consultation")
        return context


@policy.policy_required("create", "consultations.consultation")
def consultation_create(request):
    form = ConsultationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consultation = services.consultation_create(by=request.user, **data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, "Consultation créée. Ajoutez ses partenaires, ses objectifs et son questionnaire."
            )
            return redirect(consultation)
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "title": "Nouvelle consultation",
            "cancel": reverse("consultations:index"),
            "richtext": True,
            "breadcrumbs": [CRUMB, (_("Nouvelle consultation"), None)],
        },
    )


def consultation_edit(request, pk: int):
    consultation = _consultation_for(request, pk, "change")
    form = ConsultationForm(request.POST or None, instance=consultation, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        consultation = Consultation.objects.get(pk=pk)  # the form changed the instance in place
        try:
            services.consultation_update(consultation=consultation, by=request.user, **data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Consultation mise à jour.")
            return redirect(consultation)
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "title": f"Modifier : {consultation.title}",
            "cancel": consultation.get_absolute_url(),
            "richtext": True,
            "breadcrumbs": _crumbs(consultation, (_("Modifier"), None)),
        },
    )


def detail(request, pk: int):
    consultation = _consultation(request, pk)
    user = request.user
    may_change = policy.allows(user, "change", consultation)
    versions = list(consultation.versions.all())
    reviews = []
    in_review = next((v for v in versions if v.status == VersionStatus.IN_REVIEW), None)
    if in_review is not None:
        reviews = list(in_review.reviews.select_related("organisation", "answered_by"))
    visible_projects = access.visible(user, consultation.projects.all())
    visible_meetings = access.visible(user, consultation.meetings.all())
    return render(
        request,
        "consultations/detail.html",
        {
            "consultation": consultation,
            "may_change": may_change,
            "partners": consultation.partners.select_related("organisation", "contact"),
            "objectives": consultation.objectives.all(),
            "neighbourhoods": consultation.neighbourhoods.all(),
            "projects": visible_projects,
            "meetings": visible_meetings,
            "amo_order": consultation.amo_order
            if consultation.amo_order_id and access.can_view(user, consultation.amo_order)
            else None,
            "versions": versions,
            "in_review": in_review,
            "reviews": reviews,
            "transitions": available_transitions(consultation, user),
            "events": consultation.events.select_related("author")[:50],
            "respondents": selectors.respondent_count(consultation),
            "bilan": Bilan.objects.filter(consultation=consultation).first(),
            "resources": consultation.resources.all(),
            "partner_form": PartnerForm() if may_change else None,
            "objective_form": ObjectiveForm() if may_change else None,
            "submit_form": SubmitForm(),
            "new_version_form": NewVersionForm(),
            "breadcrumbs": [CRUMB, (consultation.title, None)],
        },
    )


@require_POST
def partner_add(request, pk: int):
    consultation = _consultation_for(request, pk, "change")
    form = PartnerForm(request.POST)
    if form.is_valid():
        try:
            services.partner_add(consultation=consultation, by=request.user, **form.cleaned_data)
            messages.success(request, "Partenaire ajouté.")
        except ValidationError as error:
            _refused(request, error)
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(consultation)


@require_POST
def partner_remove(request, pk: int, partner_pk: int):
    consultation = _consultation_for(request, pk, "change")
    partner = get_object_or_404(Partner, consultation=consultation, pk=partner_pk)
    services.partner_remove(partner=partner, by=request.user)
    messages.success(request, "Partenaire retiré.")
    return redirect(consultation)


@require_POST
def objective_add(request, pk: int):
    consultation = _consultation_for(request, pk, "change")
    form = ObjectiveForm(request.POST)
    if form.is_valid():
        services.objective_add(consultation=consultation, text=form.cleaned_data["text"], by=request.user)
        messages.success(request, "Objectif ajouté.")
    else:
        messages.error(request, "Écrivez l'objectif.")
    return redirect(consultation)


@require_POST
def objective_remove(request, pk: int, objective_pk: int):
    consultation = _consultation_for(request, pk, "change")
    objective = get_object_or_404(Objective, consultation=consultation, pk=objective_pk)
    services.objective_remove(objective=objective, by=request.user)
    return redirect(consultation)


@require_POST
def transition(request, pk: int, name: str):
    consultation = _consultation(request, pk)
    form = SubmitForm(request.POST)
    due_on, note = None, request.POST.get("note", "")
    if form.is_valid():
        due_on = form.cleaned_data["due_on"]
    else:
        messages.error(request, "La date d'échéance n'est pas valide.")
        return redirect(consultation)
    try:
        services.consultation_transition(
            consultation=consultation, name=name, by=request.user, due_on=due_on, note=note
        )
    except (services.ConsultationError, ValidationError) as error:
        _refused(request, error)
    else:
        messages.success(request, "C'est fait.")
    return redirect(consultation)


# --- questionnaire builder -----------------------------------------------------------------


def builder(request, pk: int):
    """The draft questionnaire with its wording advice; read-only once frozen or for partners."""
    consultation = _consultation(request, pk)
    draft = services.draft_of(consultation)
    version = draft or selectors.current_version(consultation)
    sections = selectors.sections_with_questions(version)
    questions = [q for s in sections for q in s.items]
    glossary = list(GlossaryTerm.objects.all())
    advice = checks.check_questionnaire(questions, channels=consultation.channels, glossary=glossary)
    by_question = {}
    for item in advice:
        by_question.setdefault(item.question_id, []).append(item)
    for question in questions:
        question.advice = by_question.get(question.pk, [])
    editable = draft is not None and policy.allows(request.user, "design", consultation)
    return render(
        request,
        "consultations/builder.html",
        {
            "consultation": consultation,
            "version": version,
            "sections": sections,
            "editable": editable,
            "general_advice": by_question.get(None, []),
            "advice_count": len(advice),
            "section_form": SectionForm() if editable else None,
            "breadcrumbs": _crumbs(consultation, (_("Questionnaire"), None)),
        },
    )


def _draft_for_edit(request, pk: int):
    consultation = _consultation_for(request, pk, "design")
    draft = services.draft_of(consultation)
    if draft is None:
        raise Http404("Aucun brouillon : le questionnaire est figé.")
    return consultation, draft


@require_POST
def section_add(request, pk: int):
    consultation, draft = _draft_for_edit(request, pk)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            services.section_save(version=draft, by=request.user, **form.cleaned_data)
            messages.success(request, "Section ajoutée.")
        except (services.ConsultationError, ValidationError) as error:
            _refused(request, error)
    else:
        messages.error(request, "Donnez un titre à la section.")
    return redirect("consultations:builder", pk=consultation.pk)


@require_POST
def section_delete(request, pk: int, section_pk: int):
    consultation, draft = _draft_for_edit(request, pk)
    section = get_object_or_404(Section, version=draft, pk=section_pk)
    try:
        services.section_delete(section=section, by=request.user)
    except services.ConsultationError as error:
        _refused(request, error)
    return redirect("consultations:builder", pk=consultation.pk)


def question_form(request, pk: int, question_pk: int | None = None):
    consultation, draft = _draft_for_edit(request, pk)
    question = get_object_or_404(Question, version=draft, pk=question_pk) if question_pk else None
    if not draft.sections.exists():
        messages.error(request, "Ajoutez d'abord une section au questionnaire.")
        return redirect("consultations:builder", pk=consultation.pk)
    initial = {}
    if question is not None:
        initial = {
            "section": question.section,
            "kind": question.kind,
            "text": question.text,
            "help_text": question.help_text,
            "required": question.required,
            "options": "\n".join(question.options),
            "has_other": question.has_other,
            "has_dont_know": question.has_dont_know,
            "condition_question": question.condition_question,
            "condition_value": question.condition_value,
        }
    elif _int(request.GET.get("section")) is not None:
        initial = {"section": draft.sections.filter(pk=_int(request.GET["section"])).first()}
    form = QuestionForm(request.POST or None, version=draft, question=question, initial=initial)
    advice = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.question_save(version=draft, question=question, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        except services.ConsultationError as error:
            form.add_error(None, str(error))
        else:
            advice = checks.check_question(saved, glossary=list(GlossaryTerm.objects.all()))
            messages.success(
                request,
                "Question enregistrée." + (f" {len(advice)} conseil(s) de formulation à regarder." if advice else ""),
            )
            return redirect(reverse("consultations:builder", args=[consultation.pk]) + f"#question-{saved.pk}")
    return render(
        request,
        "consultations/question_form.html",
        {
            "consultation": consultation,
            "form": form,
            "question": question,
            "title": "Modifier la question" if question else "Nouvelle question",
            "breadcrumbs": _crumbs(
                consultation, (_("Questionnaire"), reverse("consultations:builder", args=[pk])), (_("Question"), None)
            ),
        },
    )


@require_POST
def question_delete(request, pk: int, question_pk: int):
    consultation, draft = _draft_for_edit(request, pk)
    question = get_object_or_404(Question, version=draft, pk=question_pk)
    services.question_delete(question=question, by=request.user)
    messages.success(request, "Question supprimée.")
    return redirect("consultations:builder", pk=consultation.pk)


@require_POST
def question_move(request, pk: int, question_pk: int, direction: str):
    consultation, draft = _draft_for_edit(request, pk)
    question = get_object_or_404(Question, version=draft, pk=question_pk)
    services.question_move(question=question, direction=direction, by=request.user)
    return redirect(reverse("consultations:builder", args=[consultation.pk]) + f"#question-{question.pk}")


@require_POST
def questions_reorder(request, pk: int):
    """The drag and drop's new order: ``order`` = "section:question,section:question,…"."""
    consultation, draft = _draft_for_edit(request, pk)
    try:
        order = [tuple(int(n) for n in item.split(":")) for item in request.POST.get("order", "").split(",") if item]
        if any(len(pair) != 2 for pair in order):
            raise ValueError
        services.questions_reorder(version=draft, order=order, by=request.user)
    except (ValueError, services.ConsultationError) as error:
        message = str(error) if isinstance(error, services.ConsultationError) else "Ordre illisible."
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"ok": False, "error": message}, status=400)
        messages.error(request, message)
    else:
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"ok": True})
        messages.success(request, "Nouvel ordre enregistré.")
    return redirect("consultations:builder", pk=consultation.pk)


# --- versions: review, diff, outputs -------------------------------------------------------


def version_detail(request, pk: int, number: int):
    """A frozen version as the partners review it: comments per question, the MDO's answers, opinions."""
    consultation = _consultation(request, pk)
    return _render_version(request, consultation, _version(consultation, number))


def _render_version(request, consultation, version, *, review_form=None, status=200):
    user = request.user
    number = version.number
    sections = selectors.sections_with_questions(version)
    comments = {}
    for comment in QuestionComment.objects.filter(question__version=version).select_related(
        "author", "organisation", "replied_by"
    ):
        comments.setdefault(comment.question_id, []).append(comment)
    for section in sections:
        for question in section.items:
            question.comment_list = comments.get(question.pk, [])
    reviews = list(version.reviews.select_related("organisation", "answered_by"))
    mine = (
        next((r for r in reviews if r.organisation_id == user.organisation_id), None)
        if services.may_review(version, user)
        else None
    )
    may_reply = policy.allows(user, "reply_comment", consultation)
    return render(
        request,
        "consultations/version_detail.html",
        {
            "consultation": consultation,
            "version": version,
            "sections": sections,
            "reviews": reviews,
            "my_review": mine,
            "may_comment": mine is not None or (may_reply and version.status == VersionStatus.IN_REVIEW),
            "may_reply": may_reply,
            "review_form": review_form or ReviewForm(initial={"comment": mine.comment} if mine else None),
            "comment_form": CommentForm(),
            "reply_form": ReplyForm(),
            "previous": consultation.versions.filter(number__lt=number).order_by("-number").first(),
            "breadcrumbs": _crumbs(consultation, (str(version), None)),
        },
        status=status,
    )


@require_POST
def comment_add(request, pk: int, number: int, question_pk: int):
    consultation = _consultation(request, pk)
    version = _version(consultation, number)
    question = get_object_or_404(Question, version=version, pk=question_pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Écrivez votre commentaire.")
    else:
        try:
            services.question_comment_add(question=question, text=form.cleaned_data["text"], by=request.user)
            messages.success(request, "Commentaire ajouté.")
        except (services.ConsultationError, ValidationError) as error:
            _refused(request, error)
    return redirect(reverse("consultations:version", args=[pk, number]) + f"#question-{question.pk}")


@require_POST
def comment_reply(request, pk: int, comment_pk: int):
    consultation = _consultation_for(request, pk, "reply_comment")
    comment = get_object_or_404(QuestionComment, question__version__consultation=consultation, pk=comment_pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        services.question_comment_reply(comment=comment, reply=form.cleaned_data["reply"], by=request.user)
        messages.success(request, "Réponse enregistrée.")
    else:
        messages.error(request, "Écrivez la réponse.")
    number = comment.question.version.number
    return redirect(reverse("consultations:version", args=[pk, number]) + f"#question-{comment.question_id}")


@require_POST
def review_answer(request, pk: int, number: int):
    consultation = _consultation(request, pk)
    version = _version(consultation, number)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_answer(version=version, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        except services.ConsultationError as error:
            messages.error(request, str(error))
            return redirect("consultations:version", pk=pk, number=number)
        else:
            messages.success(request, "Avis enregistré. Merci pour votre relecture.")
            return redirect("consultations:version", pk=pk, number=number)
    # The page again, with the errors at their fields and nothing saved.
    return _render_version(request, consultation, version, review_form=form, status=400)


def version_diff_view(request, pk: int):
    consultation = _consultation(request, pk)
    versions = list(consultation.versions.all())
    if len(versions) < 2:
        raise Http404("Une seule version : rien à comparer.")
    try:
        old_number = int(request.GET.get("de", versions[-2].number))
        new_number = int(request.GET.get("a", versions[-1].number))
    except ValueError:
        raise Http404 from None
    old, new = _version(consultation, old_number), _version(consultation, new_number)
    return render(
        request,
        "consultations/diff.html",
        {
            "consultation": consultation,
            "diff": version_diff(old, new),
            "versions": versions,
            "breadcrumbs": _crumbs(consultation, (f"Comparer les versions {old.number} et {new.number}", None)),
        },
    )


def version_pdf(request, pk: int, number: int):
    consultation = _consultation(request, pk)
    version = _version(consultation, number)
    names = selectors.neighbourhood_names(consultation)
    sections = selectors.sections_with_questions(version)
    for section in sections:
        for question in section.items:
            question.choice_list = question.choices(names)
            question.lines = 6 if question.kind == QuestionKind.LONG_TEXT else 1
    pdf = render_pdf(
        "consultations/pdf/questionnaire.html",
        {"consultation": consultation, "version": version, "sections": sections, "text_kinds": TEXT_KINDS},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="questionnaire-{consultation.pk}-v{version.number}.pdf"'
    return response


def version_decidim(request, pk: int, number: int):
    consultation = _consultation(request, pk)
    version = _version(consultation, number)
    response = HttpResponse(
        json.dumps(decidim.questionnaire_json(consultation, version), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="questionnaire-{consultation.pk}-v{version.number}-decidim.json"'
    )
    return response


# --- answers and results -------------------------------------------------------------------


def answers_import(request, pk: int):
    consultation = _consultation_for(request, pk, "analyse")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    version = selectors.answer_version(consultation)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = imports.import_answers(
                consultation=consultation, data=upload.read(), filename=upload.name, by=request.user
            )
        except imports.ImportFailed as error:
            errors = error.errors
        else:
            messages.success(request, f"{batch.rows} réponse(s) importée(s).")
            return redirect("consultations:results", pk=consultation.pk)
    return render(
        request,
        "consultations/import.html",
        {
            "consultation": consultation,
            "form": form,
            "errors": errors,
            "version": version,
            "questions": selectors.numbered_questions(version) if version else [],
            "batches": consultation.imports.select_related("imported_by").order_by("-imported_at"),
            "breadcrumbs": _crumbs(consultation, (_("Importer les réponses"), None)),
        },
        status=400 if errors or form.errors else 200,
    )


def results(request, pk: int):
    consultation = _consultation(request, pk)
    version = selectors.answer_version(consultation)
    if version is None:
        raise Http404("Pas encore de questionnaire validé.")
    rows = selectors.question_results(consultation, version)
    numbers = selectors.number_summaries(consultation, version)
    for result in rows:
        if result["rows"]:
            result["chart"] = charts.results_chart(result)
        result["number"] = numbers.get(result["question"].pk)
    choice_questions = [r["question"] for r in rows if r["rows"]]
    cross = None
    target = _int(request.GET.get("question"))
    by = request.GET.get("par", "")
    question = next((q for q in choice_questions if q.pk == target), None)
    if question is not None and by:
        other = "district" if by == "district" else next((q for q in choice_questions if str(q.pk) == by), None)
        if other is not None and other != question:
            cross = selectors.cross_tab(consultation, question, by=other)
            cross["question"] = question
            cross["by"] = "Arrondissement" if other == "district" else f"Q{other.number}. {other.text}"
    return render(
        request,
        "consultations/results.html",
        {
            "consultation": consultation,
            "version": version,
            "results": rows,
            "respondents": selectors.respondent_count(consultation),
            "choice_questions": choice_questions,
            "cross": cross,
            "selected_question": target,
            "selected_by": by,
            "breadcrumbs": _crumbs(consultation, (_("Résultats"), None)),
        },
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def free_text(request, pk: int):
    consultation = _consultation(request, pk)
    version = selectors.answer_version(consultation)
    if version is None:
        raise Http404
    questions = [q for q in selectors.numbered_questions(version) if q.kind in TEXT_KINDS or q.has_other]
    question = next((q for q in questions if q.pk == _int(request.GET.get("question"))), None)
    tags = list(consultation.tags.all())
    tag = next((t for t in tags if t.pk == _int(request.GET.get("etiquette"))), None)
    search = request.GET.get("q", "").strip()[:200]
    answers = selectors.free_text_answers(consultation, question=question, search=search, tag=tag)
    page = Paginator(answers, 50).get_page(request.GET.get("page"))
    numbers = {q.pk: q.number for q in questions}
    for answer in page:
        answer.question_number = numbers.get(answer.question_id)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consultations/free_text.html",
        {
            "consultation": consultation,
            "questions": questions,
            "page": page,
            "tags": tags,
            "selected_question": question,
            "selected_tag": tag,
            "search": search,
            "query": query.urlencode(),
            "breadcrumbs": _crumbs(consultation, (_("Réponses libres"), None)),
        },
    )


@require_POST
def answer_tags(request, pk: int, answer_pk: int):
    consultation = _consultation_for(request, pk, "analyse")
    answer = get_object_or_404(Answer, response__consultation=consultation, pk=answer_pk)
    form = TagForm(request.POST)
    if form.is_valid():
        services.answer_tag(answer=answer, names=form.cleaned_data["tags"], by=request.user)
        messages.success(request, "Étiquettes enregistrées.")
    else:
        messages.error(request, "Étiquettes trop longues.")
    back = request.POST.get("next", "")
    if not back.startswith("?"):
        back = ""
    return redirect(reverse("consultations:free_text", args=[pk]) + back)


# --- bilan -----------------------------------------------------------------------------------


def bilan_edit(request, pk: int):
    consultation = _consultation_for(request, pk, "write_bilan")
    bilan = Bilan.objects.filter(consultation=consultation).first()
    objectives = consultation.objectives.all()
    form = BilanForm(
        request.POST or None,
        objectives=objectives,
        initial={"heard": bilan.heard, "city_response": bilan.city_response} if bilan else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.bilan_save(
                consultation=consultation,
                heard=form.cleaned_data["heard"],
                city_response=form.cleaned_data["city_response"],
                outcomes=form.outcomes(),
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        except services.ConsultationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Bilan enregistré.")
            return redirect(consultation)
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "title": f"Bilan : {consultation.title}",
            "cancel": consultation.get_absolute_url(),
            "breadcrumbs": _crumbs(consultation, (_("Bilan"), None)),
        },
        status=400 if form.errors else 200,
    )


def bilan_pdf(request, pk: int):
    consultation = _consultation(request, pk)
    bilan = get_object_or_404(Bilan, consultation=consultation)
    version = selectors.answer_version(consultation)
    rows = selectors.question_results(consultation, version) if version else []
    for result in rows:
        if result["rows"]:
            result["chart"] = charts.results_chart(result)
    pdf = render_pdf(
        "consultations/pdf/bilan.html",
        {
            "consultation": consultation,
            "bilan": bilan,
            "objectives": consultation.objectives.all(),
            "results": rows,
            "respondents": selectors.respondent_count(consultation),
            "partners": consultation.partners.select_related("organisation"),
            "today": timezone.localdate(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bilan-consultation-{consultation.pk}.pdf"'
    return response


@login_not_required
@require_GET
def open_data_bilans(request):
    """Public, read-only: the published bilans (no personal data), next to the projects' open data."""
    from consultations.opendata import published_bilans

    return JsonResponse({"consultations": published_bilans()}, json_dumps_params={"ensure_ascii": False})


# --- evaluation ------------------------------------------------------------------------------


def _evaluation_page(request, *, subject, lookup, title, crumbs, back):
    evaluation = Evaluation.objects.filter(**lookup).prefetch_related("scores").first()
    scores = {s.criterion_id: s for s in evaluation.scores.all()} if evaluation else {}
    criteria = EvaluationCriterion.objects.filter(active=True)
    may_evaluate = policy.allows(request.user, "change", "consultations.evaluation")
    form = EvaluationForm(
        request.POST or None,
        criteria=criteria,
        scores=scores,
        initial={"summary": evaluation.summary} if evaluation else None,
    )
    if request.method == "POST":
        policy.require(request.user, "change", "consultations.evaluation")
        if form.is_valid():
            try:
                services.evaluation_save(
                    scores=form.scores(), summary=form.cleaned_data["summary"], by=request.user, **lookup
                )
            except ValidationError as error:
                errors_to_form(form, error)
            except services.ConsultationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Évaluation enregistrée.")
                return redirect(back)
    return render(
        request,
        "consultations/evaluation.html",
        {
            "subject": subject,
            "form": form if may_evaluate else None,
            "evaluation": evaluation,
            "rows": [(c, scores.get(c.pk)) for c in criteria],
            "title": title,
            "back": back,
            "breadcrumbs": crumbs,
        },
        status=400 if form.errors else 200,
    )


def evaluation(request, pk: int):
    consultation = _consultation(request, pk)
    return _evaluation_page(
        request,
        subject=consultation,
        lookup={"consultation": consultation},
        title=f"Évaluation : {consultation.title}",
        back=consultation.get_absolute_url(),
        crumbs=_crumbs(consultation, (_("Évaluation"), None)),
    )


def project_evaluation(request, project_pk: int):
    project = access.get_visible_or_404(request.user, Project, pk=project_pk)
    return _evaluation_page(
        request,
        subject=project,
        lookup={"project": project},
        title=f"Évaluation : {project.title}",
        back=project.get_absolute_url(),
        crumbs=[(_("Évaluations"), reverse("consultations:evaluations")), (project.title, None)],
    )


def evaluations(request):
    """Every evaluated consultation and project the user sees, criteria side by side (four queries)."""
    criteria = list(EvaluationCriterion.objects.filter(active=True))
    rows = []
    evaluations = (
        Evaluation.objects.filter(_visible_subjects(request.user, Consultation, Project))
        .select_related("consultation", "project")
        .prefetch_related("scores")
        .order_by("-updated_at")
    )
    for item in evaluations:
        scores = {s.criterion_id: s.score for s in item.scores.all()}
        values = [scores.get(c.pk) for c in criteria]
        given = [v for v in values if v is not None]
        rows.append(
            {
                "evaluation": item,
                "subject": item.subject,
                "scores": values,
                "mean": round(sum(given) / len(given), 1) if given else None,
            }
        )
    means = []
    for index in range(len(criteria)):
        given = [row["scores"][index] for row in rows if row["scores"][index] is not None]
        means.append(round(sum(given) / len(given), 1) if given else None)
    return render(
        request,
        "consultations/evaluations.html",
        {
            "criteria": criteria,
            "rows": rows,
            "means": means,
            "breadcrumbs": [CRUMB, (_("Évaluations comparées"), None)],
        },
    )


def _visible_subjects(user, consultation_model, project_model):
    from django.db.models import Q

    return Q(consultation__in=access.visible(user, consultation_model).values("pk")) | Q(
        project__in=access.visible(user, project_model).values("pk")
    )


@policy.policy_required("change", "consultations.evaluationcriterion")
def criteria(request):
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_add(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Critère ajouté.")
            return redirect("consultations:criteria")
    return render(
        request,
        "consultations/criteria.html",
        {
            "form": form,
            "criteria": EvaluationCriterion.objects.all(),
            "breadcrumbs": [
                CRUMB,
                (_("Évaluations comparées"), reverse("consultations:evaluations")),
                (_("Critères"), None),
            ],
        },
        status=400 if form.errors else 200,
    )


# --- glossary --------------------------------------------------------------------------------


def glossary(request):
    may_change = policy.allows(request.user, "change", "consultations.glossaryterm")
    form = GlossaryForm(request.POST or None) if may_change else None
    if request.method == "POST":
        policy.require(request.user, "change", "consultations.glossaryterm")
        if form.is_valid():
            try:
                services.glossary_term_add(by=request.user, **form.cleaned_data)
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, "Terme ajouté au glossaire.")
                return redirect("consultations:glossary")
    return render(
        request,
        "consultations/glossary.html",
        {"terms": GlossaryTerm.objects.all(), "form": form, "breadcrumbs": [CRUMB, (_("Glossaire du jargon"), None)]},
        status=400 if form is not None and form.errors else 200,
    )


@require_POST
def glossary_delete(request, term_pk: int):
    term = get_object_or_404(GlossaryTerm, pk=term_pk)
    policy.require(request.user, "change", term)
    services.glossary_term_delete(term=term, by=request.user)
    messages.success(request, f"« {term.term} » retiré du glossaire.")
    return redirect("consultations:glossary")


# --- the network's library -------------------------------------------------------------------


class ResourceListView(ScopedTableView):
    model = Resource
    table_class = ResourceTable
    filterset_class = ResourceFilter
    export_name = "ressources-du-reseau"
    title = _("Ressources du réseau")
    template_name = "consultations/resource_list.html"
    breadcrumbs = [(_("Ressources du réseau"), None)]

    def get_queryset(self):
        return selectors.resource_list_for_user(user=self.request.user)


@policy.policy_required("create", "consultations.resource")
def resource_create(request):
    form = ResourceForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "Ressource ajoutée à la bibliothèque du réseau.")
            return redirect(resource)
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "title": "Nouvelle ressource",
            "multipart": True,
            "cancel": reverse("consultations:resources"),
            "breadcrumbs": [LIBRARY_CRUMB, (_("Nouvelle ressource"), None)],
        },
        status=400 if form.errors else 200,
    )


def resource_detail(request, pk: int):
    resource = access.get_visible_or_404(request.user, Resource, pk=pk)
    meetings_visible = access.visible(request.user, Meeting)
    attachable = (
        AgendaItem.objects.filter(meeting__in=meetings_visible, meeting__start__gte=timezone.now())
        .select_related("meeting")
        .order_by("meeting__start", "order")[:100]
    )
    attachable = (
        [item for item in attachable if access.can_change(request.user, item.meeting)]
        if request.user.organisation_id
        else []
    )
    return render(
        request,
        "consultations/resource_detail.html",
        {
            "resource": resource,
            "attachable": attachable,
            "agenda_items": AgendaItem.objects.filter(resources=resource, meeting__in=meetings_visible)
            .select_related("meeting")
            .order_by("meeting__start"),
            "versions": resource.versions.select_related("uploaded_by"),
            "themes": resource.themes.all(),
            "consultations": access.visible(request.user, resource.consultations.all()),
            "projects": access.visible(request.user, Project.objects.filter(resources=resource)),
            "meetings": access.visible(request.user, Meeting.objects.filter(resources=resource)),
            "can_change": access.can_change(request.user, resource),
            "version_form": ResourceVersionForm() if access.can_change(request.user, resource) else None,
            "breadcrumbs": [LIBRARY_CRUMB, (resource.title, None)],
        },
    )


def resource_edit(request, pk: int):
    resource = access.get_changeable_or_404(request.user, Resource, pk=pk)
    initial = {
        "title": resource.title,
        "kind": resource.kind,
        "summary": resource.summary,
        "themes": ", ".join(t.name for t in resource.themes.all()),
        "consultations": resource.consultations.all(),
        "projects": resource.projects.all(),
        "meetings": resource.meetings.all(),
    }
    form = ResourceForm(request.POST or None, user=request.user, with_file=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.resource_update(resource=resource, by=request.user, **form.cleaned_data)
        messages.success(request, "Ressource mise à jour.")
        return redirect(resource)
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "title": f"Modifier : {resource.title}",
            "cancel": resource.get_absolute_url(),
            "breadcrumbs": [LIBRARY_CRUMB, (resource.title, resource.get_absolute_url()), (_("Modifier"), None)],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def resource_version_add(request, pk: int):
    resource = access.get_changeable_or_404(request.user, Resource, pk=pk)
    form = ResourceVersionForm(request.POST, request.FILES)
    if form.is_valid():
        version = services.resource_version_add(resource=resource, by=request.user, **form.cleaned_data)
        messages.success(request, f"Version {version.number} déposée.")
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect(resource)


@require_POST
def resource_attach(request, pk: int):
    resource = access.get_visible_or_404(request.user, Resource, pk=pk)
    item = get_object_or_404(
        AgendaItem, pk=_int(request.POST.get("agenda_item")), meeting__in=access.visible(request.user, Meeting)
    )
    try:
        services.resource_attach_to_agenda_item(resource=resource, agenda_item=item, by=request.user)
    except services.ConsultationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Ressource jointe au point « {item.title} » de « {item.meeting} ».")
    return redirect(resource)


def resource_download(request, pk: int, number: int):
    resource = access.get_visible_or_404(request.user, Resource, pk=pk)
    version = get_object_or_404(ResourceVersion, resource=resource, number=number)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier de cette version est introuvable.") from None
    return FileResponse(handle, as_attachment=True, filename=version.filename)
