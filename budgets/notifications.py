"""E-mails of the approval, written to the outbox in the transaction of the step that causes them."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.urls import reverse

from budgets.enums import BudgetLineStatus
from budgets.models import BudgetLine
from mdo.fields import one_line
from mdo.models import User
from mdo.money import euros
from mdo.roles import role_group


def _site(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def task_candidates(task) -> list[User]:
    """Who a task goes to: its owner, else the active users holding its role (in its organisation)."""
    from budgets.flows import PERMISSION_ROLES

    if task.owner_id:
        return [task.owner]
    role = PERMISSION_ROLES.get(task.owner_permission)
    if role is None:
        return []
    users = User.objects.filter(is_active=True, groups=role_group(role))
    if task.owner_permission_obj_pk:
        users = users.filter(organisation_id=task.owner_permission_obj_pk)
    return list(users.exclude(email=""))


def notify_task_created(*, task_id: int) -> None:
    from viewflow.workflow.models import Task

    task = Task.objects.select_related("owner", "process__budgetapproval__budget_line").filter(pk=task_id).first()
    if task is None:
        return
    line = task.process.budgetapproval.budget_line
    requester_id = line.requester_id
    url = _site(reverse("budgets:task_detail", args=[task.pk]))
    subject = f"[MDO Pilotage] {task.flow_task.task_title} : {line.label}"
    body = (
        f"Bonjour,\n\nUne tâche vous attend dans « Mes tâches » : {task.flow_task.task_title}.\n\n"
        f"Ligne : {line}\nMontant : {euros(line.amount_ht, 'HT')} ({euros(line.amount_ttc, 'TTC')})\n"
        f"Porteur : {line.holder_label}\n\n{url}\n\n— MDO Pilotage"
    )
    recipients = [
        user.email for user in task_candidates(task) if user.email and (user.pk != requester_id or task.owner_id)
    ]
    if recipients:
        send_mass_mail(
            [(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients],
            fail_silently=False,
        )


def notify_line_decided(*, line_id: int) -> None:
    line = BudgetLine.objects.select_related("requester").get(pk=line_id)
    if not line.requester.email:
        return
    verdict = "approuvée" if line.status == BudgetLineStatus.APPROVED else "rejetée"
    last = line.decisions.order_by("-decided_at", "-pk").first()
    reason = f"\nMotif : {last.comment}\n" if last and last.comment else ""
    subject = f"[MDO Pilotage] Ligne {verdict} : {line.label}"
    body = (
        f"Bonjour,\n\nVotre ligne budgétaire « {line.label} » ({euros(line.amount_ht, 'HT')}) a été {verdict}.\n{reason}\n"
        f"{_site(line.get_absolute_url())}\n\n— MDO Pilotage"
    )
    send_mass_mail(
        [(one_line(subject), body, settings.DEFAULT_FROM_EMAIL, [line.requester.email])], fail_silently=False
    )
