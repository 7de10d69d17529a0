"""The approval of a purchase order above the threshold (a viewflow ``Flow``, in « Mes tâches »).

Above ``BudgetSettings.order_threshold_ht`` (HT, strictly) an order waits: the Responsable MDO
approves or refuses it; above ``order_director_threshold_ht`` the Direction approves it too. The
order's commitment is taken at once (the money is reserved while it waits) and released when the
order is refused. Nobody approves an order they issued. Our views drive the tasks
(``vendors.services.order_task_decide``), as for the budget lines' approval.
"""

from django.utils import timezone
from viewflow import this
from viewflow.workflow import flow, lock

from budgets.flows import ApprovalTask
from budgets.models import BudgetSettings
from mdo.enums import Role
from vendors.enums import OrderApprovalStep, OrderDecisionOutcome, OrderStatus
from vendors.models import OrderApproval, PurchaseOrder

PERM_ORDER_REVIEW = "vendors.approve_purchaseorder"
PERM_ORDER_ABOVE_THRESHOLD = "vendors.approve_purchaseorder_above_threshold"
#: The role that holds each step's permission.
ORDER_PERMISSION_ROLES = {PERM_ORDER_REVIEW: Role.MDO_MANAGER, PERM_ORDER_ABOVE_THRESHOLD: Role.DIRECTOR}
STEP_ACTIONS = {
    OrderApprovalStep.MANAGER_REVIEW: "approve",
    OrderApprovalStep.DIRECTOR_REVIEW: "approve_above_threshold",
}


def needs_approval(amount_ht, settings: BudgetSettings | None = None) -> bool:
    settings = settings or BudgetSettings.load()
    return amount_ht > settings.order_threshold_ht


def needs_director(order: PurchaseOrder, settings: BudgetSettings | None = None) -> bool:
    settings = settings or BudgetSettings.load()
    return order.amount_ht > settings.order_director_threshold_ht


class OrderApprovalFlow(flow.Flow):
    """Validation d'un bon de commande"""

    process_class = OrderApproval
    lock_impl = lock.select_for_update_lock

    start = flow.StartHandle(this.start_approval).Next(this.manager_review)
    manager_review = (
        ApprovalTask(OrderApprovalStep.MANAGER_REVIEW)
        .Annotation(title=OrderApprovalStep.MANAGER_REVIEW.label)
        .Permission(PERM_ORDER_REVIEW)
        .Next(this.after_manager_review)
    )
    after_manager_review = (
        flow.Switch()
        .Case(this.refuse_order, this.was_refused)
        .Case(this.director_review, this.goes_to_director)
        .Default(this.issue_order)
    )
    director_review = (
        ApprovalTask(OrderApprovalStep.DIRECTOR_REVIEW)
        .Annotation(title=OrderApprovalStep.DIRECTOR_REVIEW.label)
        .Permission(PERM_ORDER_ABOVE_THRESHOLD)
        .Next(this.after_director_review)
    )
    after_director_review = flow.If(this.was_refused).Then(this.refuse_order).Else(this.issue_order)
    issue_order = flow.Function(this.mark_issued).Next(this.end)
    refuse_order = flow.Function(this.mark_refused).Next(this.end)
    end = flow.End()

    def start_approval(self, activation, *, order: PurchaseOrder, by):
        activation.process.order = order
        activation.task.owner = by
        return activation.process

    def was_refused(self, activation):
        return activation.process.outcome == OrderDecisionOutcome.REFUSED

    def goes_to_director(self, activation):
        return needs_director(activation.process.order)

    def mark_issued(self, activation):
        order = PurchaseOrder.objects.select_for_update().get(pk=activation.process.order_id)
        order.status = OrderStatus.ISSUED
        order.save(update_fields=["status"])

    def mark_refused(self, activation):
        from budgets.services import commitment_release

        order = (
            PurchaseOrder.objects.select_for_update().select_related("commitment").get(pk=activation.process.order_id)
        )
        order.status = OrderStatus.REFUSED
        order.save(update_fields=["status"])
        # The money reserved for the order goes back to its budget line.
        refusal = order.decisions.order_by("-decided_at", "-pk").first()
        commitment_release(commitment=order.commitment, on=timezone.localdate(), by=refusal.decided_by)


def open_order_tasks():
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    return Task.objects.filter(process__flow_class=OrderApprovalFlow, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def order_task_refusal(user, task, order) -> str | None:
    """Why ``user`` may not decide ``task`` on ``order`` (French), or None. Nobody approves their own order."""
    from mdo import policy

    step = task.flow_task.step
    if order.issued_by_id == user.pk:
        return "Vous avez émis ce bon de commande : une autre personne doit le valider."
    if not policy.allows(user, STEP_ACTIONS[step], order):
        role = ORDER_PERMISSION_ROLES[task.owner_permission]
        return f"Cette validation est réservée au rôle « {Role(role).label} »."
    if (
        step == OrderApprovalStep.DIRECTOR_REVIEW
        and order.decisions.filter(step=OrderApprovalStep.MANAGER_REVIEW, decided_by=user).exists()
    ):
        return "Vous avez déjà validé ce bon comme Responsable MDO : une autre personne le valide pour la Direction."
    return None
