from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from budgets import selectors, services
from budgets.access import task_refusal
from budgets.charts import summary_bar_chart
from budgets.enums import ApprovalStep
from budgets.filters import BudgetLineFilter
from budgets.flows import STEP_OUTCOMES, needs_director, task_due_on
from budgets.forms import BudgetLineForm, CommitmentForm, DecisionForm, OpinionCorrectionForm, PaymentForm
from budgets.models import BudgetDecision, BudgetLine, BudgetSettings
from budgets.tables import BudgetLineTable
from mdo import access, policy
from mdo.listing import ScopedTableView
from mdo.policy import policy_required
from projects.models import Project
from projects.selectors import openable_project_fields

BUDGETS = (_("Budgets"), None)


def _crumbs(*extra):
    return [(_("Budgets"), reverse("budgets:index")), *extra]


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


class BudgetLineListView(ScopedTableView):
    model = BudgetLine
    table_class = BudgetLineTable
    filterset_class = BudgetLineFilter
    template_name = "budgets/line_list.html"
    export_name = "lignes-budgetaires"
    title = _("Lignes budgétaires")
    breadcrumbs = [BUDGETS]

    def get_queryset(self):
        return selectors.budget_line_list_for_user(user=self.request.user).annotate(
            **openable_project_fields(user=self.request.user, path="project")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_request"] = policy.allows(self.request.user, "create", "budgets.budgetline")
        return context


def _get_line_for_user(request, pk: int) -> BudgetLine:
    return access.get_visible_or_404(
        request.user, selectors.budget_line_list_for_user(user=request.user).select_related("project__edition"), pk=pk
    )


def _get_changeable_line(request, pk: int) -> BudgetLine:
    line = _get_line_for_user(request, pk)
    if not access.can_change(request.user, line):
        raise Http404("Aucune ligne modifiable ne correspond à cette adresse.")
    return line


def _project_url(user, line: BudgetLine) -> str:
    """The line's project page, for those who may open it, else "": a town hall sees the lines of its
    état spécial even for a project it does not see, and then no project (no link, no title, see
    projects.selectors.openable_project_fields)."""
    if not line.project_id:
        return ""
    if access.sees_everything(user) or access.can_view(user, line.project):
        return reverse("projects:detail", args=[line.project_id])
    return ""


def _line_context(request, line: BudgetLine) -> dict:
    open_task = selectors.open_task_of_line(line)
    decisions = list(line.decisions.select_related("decided_by", "organisation").order_by("decided_at", "pk"))
    for pk in services.correctable_opinions(request.user, line, decisions):
        next(decision for decision in decisions if decision.pk == pk).correct_url = reverse(
            "budgets:opinion_correct", args=[pk]
        )
    return {
        "line": line,
        "available": line.available,
        "decisions": decisions,
        "history": selectors.line_history(line),
        "open_task": open_task,
        "open_task_due": task_due_on(open_task) if open_task else None,
        "project_url": _project_url(request.user, line),
        "needs_director": needs_director(line),
    }


def line_detail(request, pk: int):
    line = _get_line_for_user(request, pk)
    can_change = access.can_change(request.user, line)
    commitments, payments = selectors.line_commitments_and_payments(line)
    context = _line_context(request, line) | {
        "can_change": can_change,
        "commitments": commitments,
        "payments": payments,
        "commitment_form": CommitmentForm(initial={"committed_on": timezone.localdate()}) if can_change else None,
        "payment_form": PaymentForm(line=line, initial={"paid_on": timezone.localdate()})
        if can_change and commitments
        else None,
        "breadcrumbs": _crumbs((line.label, None)),
    }
    return render(request, "budgets/line_detail.html", context)


@policy_required("create", "budgets.budgetline")
def line_create(request):
    # "Nouvelle ligne pour ce projet" on the project page comes with ?project=<pk>; the field's
    # queryset is the user's visible projects, so a foreign pk is simply not preselected.
    initial = {"project": request.GET["project"]} if request.GET.get("project", "").isdigit() else {}
    form = BudgetLineForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            line = services.budget_line_create(by=request.user, **form.cleaned_for_service())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Ligne enregistrée en brouillon. Soumettez-la quand elle est prête.")
            return redirect(line)
    return render(
        request,
        "budgets/line_form.html",
        {
            "form": form,
            "title": "Nouvelle ligne budgétaire",
            "breadcrumbs": _crumbs(("Nouvelle ligne", None)),
        },
    )


def line_edit(request, pk: int):
    line = _get_changeable_line(request, pk)
    if not line.is_editable:
        messages.error(request, "Seule une ligne en brouillon ou renvoyée pour modification peut être modifiée.")
        return redirect(line)
    form = BudgetLineForm(request.POST or None, instance=line, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_update(line=line, by=request.user, **form.cleaned_for_service())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Ligne modifiée.")
            return redirect(line)
    return render(
        request,
        "budgets/line_form.html",
        {
            "form": form,
            "title": f"Modifier « {line.label} »",
            "line": line,
            "breadcrumbs": _crumbs((line.label, line.get_absolute_url()), ("Modifier", None)),
        },
    )


@require_POST
@policy_required("change", "budgets.budgetline")
def line_delete(request, pk: int):
    line = _get_changeable_line(request, pk)
    try:
        services.budget_line_delete(line=line, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
        return redirect(line)
    messages.success(request, f"Ligne « {line.label} » supprimée.")
    return redirect("budgets:index")


@require_POST
@policy_required("change", "budgets.budgetline")
def line_submit(request, pk: int):
    line = _get_changeable_line(request, pk)
    try:
        services.budget_line_submit(line=line, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, "Ligne soumise : la Responsable MDO a reçu la tâche de validation.")
    return redirect(line)


@require_POST
@policy_required("change", "budgets.budgetline")
def commitment_add(request, pk: int):
    line = _get_changeable_line(request, pk)
    form = CommitmentForm(request.POST)
    if form.is_valid():
        try:
            services.commitment_create(budget_line=line, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, "Engagement enregistré.")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label} : {' '.join(errors)}" if label else " ".join(errors))
    return redirect(line)


@require_POST
@policy_required("change", "budgets.budgetline")
def payment_add(request, pk: int):
    line = _get_changeable_line(request, pk)
    form = PaymentForm(request.POST, line=line)
    if form.is_valid():
        try:
            services.payment_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, "Mandat enregistré.")
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label} : {' '.join(errors)}" if label else " ".join(errors))
    return redirect(line)


# --- tasks ------------------------------------------------------------------------------------


def task_detail(request, pk: int):
    task, line = selectors.get_task_for_user_or_404(request.user, pk)
    return _task_page(request, task, line)


def _task_page(request, task, line, *, form: DecisionForm | None = None, status: int = 200):
    """The task's page; ``form``: the decision sent back with its errors at their fields, the choice kept."""
    line = _get_line_for_user(request, line.pk)
    step = task.flow_task.step
    refusal = task_refusal(request.user, task, line)
    context = _line_context(request, line) | {
        "task": task,
        "step": ApprovalStep(step),
        "task_due": task_due_on(task),
        "today": timezone.localdate(),
        "refusal": refusal,
        "form": (form or DecisionForm(outcomes=STEP_OUTCOMES[step], step=step)) if not refusal else None,
        "breadcrumbs": [("Mes tâches", reverse("tasks")), (line.label, None)],
    }
    if context["project_url"]:
        # The approver weighs the request against the project's other lines and its envelope (a
        # project the reader may not open is not shown, neither are its lines nor its envelope).
        project = Project.objects.select_related("edition_district__edition").get(pk=line.project_id)
        lines, totals = selectors.project_budget_lines(user=request.user, project=project)
        context |= {
            "project": project,
            "lines": lines,
            "totals": totals,
            "create_url": "",
            "envelope": selectors.project_envelope(user=request.user, project=project),
        }
    return render(request, "budgets/task_detail.html", context, status=status)


@require_POST
def task_take(request, pk: int):
    task, line = selectors.get_task_for_user_or_404(request.user, pk)
    try:
        services.approval_task_take(task=task, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, "Tâche prise : elle n'apparaît plus dans la boîte des autres.")
    return redirect("budgets:task_detail", pk=task.pk)


@require_POST
def task_release(request, pk: int):
    task, line = selectors.get_task_for_user_or_404(request.user, pk)
    try:
        services.approval_task_release(task=task, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
    else:
        messages.success(request, "Tâche libérée.")
    return redirect("tasks")


@require_POST
def task_decide(request, pk: int):
    task, line = selectors.get_task_for_user_or_404(request.user, pk)
    form = DecisionForm(request.POST, outcomes=STEP_OUTCOMES[task.flow_task.step], step=task.flow_task.step)
    if not form.is_valid():
        return _task_page(request, task, line, form=form, status=400)
    try:
        decision = services.approval_task_decide(
            task=task, by=request.user, outcome=form.cleaned_data["outcome"], comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        # At the field it concerns (a reason missing, at the reason), the choice and the typed reason kept.
        for field, errors in (error.message_dict if hasattr(error, "error_dict") else {None: error.messages}).items():
            form.add_error(field if field in form.fields else None, errors)
        return _task_page(request, task, line, form=form, status=400)
    messages.success(request, f"Décision enregistrée : {decision.get_outcome_display()}.")
    return redirect("tasks")


def opinion_correct(request, pk: int):
    """The town hall's agent corrects their opinion on a line while its final decision is not taken."""
    decision = (
        BudgetDecision.objects.filter(pk=pk, step=ApprovalStep.TOWN_HALL_OPINION)
        .select_related("budget_line", "decided_by")
        .first()
    )
    if decision is None:
        raise Http404("Aucun avis ne correspond à cette adresse.")
    refusal = services.opinion_correction_refusal(request.user, decision)
    if refusal:
        raise PermissionDenied(refusal)
    line = decision.budget_line
    # The answer is chosen again (none in advance); the reason written is kept to be corrected.
    form = OpinionCorrectionForm(
        request.POST if request.method == "POST" else None, initial={"comment": decision.comment}
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.opinion_correct(decision=decision, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Avis corrigé." if changed else "Rien n'a changé : l'avis reste tel quel.")
            return redirect(line)
    return render(
        request,
        "budgets/opinion_correct.html",
        {
            "decision": decision,
            "line": line,
            "form": form,
            "breadcrumbs": _crumbs((line.label, line.get_absolute_url()), (_("Corriger mon avis"), None)),
        },
        status=400 if form.errors else 200,
    )


# --- summary and report -----------------------------------------------------------------------


def _summary_context(request) -> dict:
    grouping = request.GET.get("by", "district")
    if grouping not in selectors.GROUPINGS:
        grouping = "district"
    years = selectors.fiscal_years(user=request.user)
    try:
        year = int(request.GET.get("year") or (years[0] if years else timezone.localdate().year))
    except ValueError:
        year = years[0] if years else timezone.localdate().year
    summary = selectors.budget_summary(user=request.user, year=year, grouping=grouping)
    title = f"Exécution budgétaire {year} par {selectors.GROUPINGS[grouping][0].lower()}"
    return {
        "summary": summary,
        # Strings: an int would be rendered with a thousands separator (« 2 026 »).
        "year": str(year),
        "years": [str(y) for y in years],
        "grouping": grouping,
        "groupings": [(key, label) for key, (label, _expr) in selectors.GROUPINGS.items()],
        "grouping_label": selectors.GROUPINGS[grouping][0],
        "chart": summary_bar_chart(summary.rows, title=title),
        "chart_title": title,
        "envelopes": selectors.envelope_rows(user=request.user, year=year),
        "threshold": BudgetSettings.load().threshold_ht,
    }


def summary(request):
    context = _summary_context(request)
    context["breadcrumbs"] = _crumbs(("Synthèse", None))
    return render(request, "budgets/summary.html", context)


def report_pdf(request):
    context = _summary_context(request)
    context["scope_label"] = _scope_label(request.user)
    pdf = _render_pdf(context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="rapport-budgetaire-{context["year"]}-{context["grouping"]}.pdf"'
    )
    return response


def _render_pdf(context) -> bytes:
    from budgets.pdf import render_budget_report

    return render_budget_report(context=context)


def _scope_label(user) -> str:
    if access.sees_everything(user):
        return "Toute la ville"
    return str(user.organisation) if user.organisation else "—"
