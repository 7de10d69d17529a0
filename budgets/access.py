"""Budget lines follow their project's scope; lines of a district's état spécial are seen by its town hall."""

from django.db.models import Q

from mdo import access, policy
from mdo.enums import Role


def budget_line_scope(user, queryset):
    if access.sees_everything(user):
        return queryset
    org = user.organisation
    if org is None:
        return queryset.none()
    if user.has_role(Role.TOWN_HALL_AGENT) and org.is_town_hall:
        return queryset.filter(
            Q(holder_district=org.district)
            | Q(holder_district__isnull=True, project__district=org.district)
            | Q(holder_district__isnull=True, project__isnull=False, project__district__isnull=True)
        )
    if user.has_role(Role.DIRECTORATE_AGENT):
        return queryset.filter(project__lead_directorate=org)
    return queryset.none()


def budget_line_can_change(user, line) -> bool:
    return policy.allows(user, "change", line)


def task_refusal(user, task, line) -> str | None:
    """Why ``user`` may not take or decide ``task`` of ``line`` (a French message), or None.

    Separation of duties: nobody decides on a line they requested, whatever their roles; the
    director's step is taken by someone else than the manager who approved the line.
    """
    from viewflow.workflow.status import STATUS

    from budgets.enums import ApprovalStep, DecisionOutcome
    from budgets.flows import PERMISSION_ACTIONS, PERMISSION_ROLES
    from budgets.models import BudgetDecision

    if task.status not in (STATUS.NEW, STATUS.ASSIGNED):
        return "Cette tâche est déjà traitée."
    step = task.flow_task.step
    if step == ApprovalStep.REWORK:
        if task.owner_id == user.pk:
            return None
        return "Seul·e la personne qui a demandé la ligne peut la modifier et la soumettre à nouveau."
    if line.requester_id == user.pk:
        return "Vous avez demandé cette ligne : vous ne pouvez ni la valider ni donner un avis sur elle."
    role = PERMISSION_ROLES.get(task.owner_permission)
    action = PERMISSION_ACTIONS.get(task.owner_permission)
    if role is None or action is None or not policy.allows(user, action, line):
        return f"Cette tâche est réservée au rôle « {Role(role).label if role else '—'} »."
    if task.owner_permission_obj_pk and str(user.organisation_id) != str(task.owner_permission_obj_pk):
        return "Cette tâche est réservée à une autre organisation."
    if step == ApprovalStep.TOWN_HALL_OPINION and user.district != line.holder_district:
        return "Seule la mairie de l'arrondissement qui porte la ligne donne son avis."
    if task.owner_id and task.owner_id != user.pk:
        return f"Cette tâche a déjà été prise par {task.owner}."
    if step == ApprovalStep.DIRECTOR_REVIEW:
        manager_approval = (
            BudgetDecision.objects.filter(approval_id=task.process_id, step=ApprovalStep.MANAGER_REVIEW)
            .order_by("-decided_at", "-pk")
            .first()
        )
        if (
            manager_approval
            and manager_approval.outcome == DecisionOutcome.APPROVED
            and manager_approval.decided_by_id == user.pk
        ):
            return "Vous avez déjà validé cette ligne comme Responsable MDO : une autre personne doit la valider pour la Direction."
    return None
