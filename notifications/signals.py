"""The events that notify someone, heard as signals so that the apps that cause them import nothing.

Each receiver writes its notifications (and the outbox row of any e-mail they imply) at once, on the
connection of the change, so inside its transaction: a change rolled back notifies nobody, a committed
change always has its notifications. Only the e-mail's delivery waits for the commit (the outbox's
worker)."""

from django.db.models.signals import post_save, pre_save
from django.urls import reverse

from mdo.enums import Role
from mdo.models import User
from mdo.roles import role_members
from notifications.enums import NotificationKind
from notifications.services import notify, notify_mentions, project_followers


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else "Quelqu'un"


# --- tasks of « Mes tâches » ----------------------------------------------------------------


def _feasibility_task(task):
    from projects.flows import TASK_KINDS, review_of, task_url

    review = review_of(task)
    name = task.flow_task.name
    if task.owner_id:
        people = [task.owner]
    elif name == "directorate_review":
        people = role_members(Role.DIRECTORATE_AGENT).filter(organisation_id=review.directorate_id)
    elif name == "town_hall_opinion":
        people = role_members(Role.TOWN_HALL_AGENT).filter(
            organisation__kind="town_hall", organisation__district=review.district
        )
    else:
        people = role_members(Role.MDO_OFFICER) | role_members(Role.MDO_MANAGER)
    return list(people), TASK_KINDS.get(name, "Tâche"), review.project, task_url(task)


def _budget_task(task):
    from budgets.notifications import task_candidates

    line = task.process.budgetapproval.budget_line
    people = [user for user in task_candidates(task) if user.pk != line.requester_id or task.owner_id]
    return people, str(task.flow_task.task_title), line, reverse("budgets:task_detail", args=[task.pk])


def _order_task(task):
    from vendors.approval import ORDER_PERMISSION_ROLES

    order = task.process.orderapproval.order
    if task.owner_id:
        people = [task.owner]
    else:
        role = ORDER_PERMISSION_ROLES.get(task.owner_permission)
        people = list(role_members(role).exclude(pk=order.issued_by_id)) if role else []
    # Nobody approves an order they issued: its issuer is not told of a task that is not theirs.
    people = [user for user in people if user.pk != order.issued_by_id]
    return people, str(task.flow_task.task_title), order, order.get_absolute_url()


def notify_task_created(*, task_id: int) -> None:
    from viewflow.workflow.models import Task

    from budgets.flows import BudgetApprovalFlow
    from projects.flows import FeasibilityFlow
    from vendors.approval import OrderApprovalFlow

    task = Task.objects.select_related("owner", "process").filter(pk=task_id).first()
    if task is None or task.status not in ("NEW", "ASSIGNED") or task.flow_task is None:
        return
    if task.process.flow_class is FeasibilityFlow:
        people, title, target, url = _feasibility_task(task)
    elif task.process.flow_class is BudgetApprovalFlow:
        if task.flow_task.name == "rework":
            return  # the requester's own rework is told by the decision that sent it back
        people, title, target, url = _budget_task(task)
    elif task.process.flow_class is OrderApprovalFlow:
        people, title, target, url = _order_task(task)
    else:
        return
    verb = f"Nouvelle tâche pour vous{'' if task.owner_id else ' ou votre équipe'} : {title}"
    notify(recipients=people, kind=NotificationKind.TASK, verb=verb, target=target, url=url)


def on_task_saved(sender, instance, created, **kwargs):
    from viewflow.workflow import flow

    # Only the human steps reach « Mes tâches »: start, split, join and function nodes do not.
    if created and isinstance(instance.flow_task, flow.View):
        notify_task_created(task_id=instance.pk)


# --- decisions on my request ----------------------------------------------------------------


def notify_budget_decision(*, decision_id: int) -> None:
    from budgets.models import BudgetDecision

    decision = BudgetDecision.objects.select_related("budget_line__requester", "decided_by").get(pk=decision_id)
    line = decision.budget_line
    notify(
        recipients=[line.requester],
        kind=NotificationKind.DECISION,
        verb=f"{decision.get_step_display()} : {decision.get_outcome_display().lower()} sur votre ligne budgétaire"
        + (f" (motif : {decision.comment})" if decision.comment else ""),
        target=line,
        actor=decision.decided_by,
    )


def on_budget_decision_saved(sender, instance, created, **kwargs):
    if created:
        notify_budget_decision(decision_id=instance.pk)


def notify_order_decision(*, decision_id: int) -> None:
    from vendors.models import OrderDecision

    decision = OrderDecision.objects.select_related("order__issued_by", "decided_by").get(pk=decision_id)
    order = decision.order
    notify(
        recipients=[order.issued_by],
        kind=NotificationKind.DECISION,
        verb=f"{decision.get_step_display()} : {decision.get_outcome_display().lower()} sur votre bon de commande"
        + (f" (motif : {decision.comment})" if decision.comment else ""),
        target=order,
        url=order.get_absolute_url(),
        actor=decision.decided_by,
    )


def on_order_decision_saved(sender, instance, created, **kwargs):
    if created:
        notify_order_decision(decision_id=instance.pk)


def remember_minutes_status(sender, instance, **kwargs):
    instance._status_before = (
        type(instance).objects.filter(pk=instance.pk).values_list("status", flat=True).first() if instance.pk else None
    )


MINUTES_VERBS = {
    "review": "Compte rendu à valider",
    "approved": "Votre compte rendu a été validé",
    "published": "Compte rendu diffusé",
    "draft": "Votre compte rendu est repassé en brouillon",
}


def notify_minutes_status(*, minutes_id: int, before: str | None) -> None:
    from mdo import policy
    from meetings.models import Minutes

    minutes = Minutes.objects.select_related("meeting__organiser", "approved_by").get(pk=minutes_id)
    meeting = minutes.meeting
    status = minutes.status
    if status == "review":
        approvers = [
            user
            for user in role_members(Role.MDO_MANAGER).filter(is_active=True)
            if policy.allows(user, "transition:approve", minutes)
        ]
        notify(recipients=approvers, kind=NotificationKind.TASK, verb=MINUTES_VERBS[status], target=meeting)
    elif status in ("approved", "draft") and before == "review":
        notify(
            recipients=[meeting.organiser],
            kind=NotificationKind.DECISION,
            verb=MINUTES_VERBS[status],
            target=meeting,
            actor=minutes.approved_by if status == "approved" else None,
        )
    elif status == "published":
        people = User.objects.filter(meeting_attendances__meeting=meeting)
        notify(recipients=people, kind=NotificationKind.INVITATION, verb=MINUTES_VERBS[status], target=meeting)


def on_minutes_saved(sender, instance, created, **kwargs):
    before = getattr(instance, "_status_before", None)
    if before != instance.status:
        notify_minutes_status(minutes_id=instance.pk, before=before)


# --- the timeline, minutes comments: mentions and status changes ---------------------------------


def notify_timeline_entry(*, entry_id: int) -> None:
    from projects.models import TimelineEntry

    entry = TimelineEntry.objects.select_related("project", "author").filter(pk=entry_id).first()
    if entry is None:
        return
    project = entry.project
    url = project.get_absolute_url()
    mentioned = notify_mentions(text=entry.text, target=project, url=url, actor=entry.author, where="le fil du projet")
    if entry.to_status and entry.to_status != entry.from_status:
        already = {n.recipient_id for n in mentioned}
        followers = [user for user in project_followers(project) if user.pk not in already]
        notify(
            recipients=followers,
            kind=NotificationKind.PROJECT_STATUS,
            verb=f"Nouveau statut : {entry.get_to_status_display()}",
            target=project,
            url=url,
            actor=entry.author,
        )


def on_timeline_saved(sender, instance, created, **kwargs):
    if created and (instance.to_status or "@" in (instance.text or "")):
        notify_timeline_entry(entry_id=instance.pk)


def notify_minutes_comment(*, comment_id: int) -> None:
    from meetings.models import MinutesComment

    comment = MinutesComment.objects.select_related("minutes__meeting", "author").get(pk=comment_id)
    notify_mentions(
        text=comment.text,
        target=comment.minutes.meeting,
        url=comment.minutes.meeting.get_absolute_url(),
        actor=comment.author,
        where="le compte rendu",
    )


def on_minutes_comment_saved(sender, instance, created, **kwargs):
    if created and "@" in (instance.text or ""):
        notify_minutes_comment(comment_id=instance.pk)


# --- invitations ----------------------------------------------------------------------------------


def notify_invited(*, meeting_id: int, user_ids: list[int]) -> None:
    from meetings.models import Meeting

    meeting = Meeting.objects.select_related("organiser").filter(pk=meeting_id).first()
    if meeting is None:
        return
    notify(
        recipients=User.objects.filter(pk__in=user_ids),
        kind=NotificationKind.INVITATION,
        verb="Vous êtes invité·e à une réunion",
        target=meeting,
        actor=meeting.organiser,
    )


def on_attendees_invited(sender, meeting, attendees, **kwargs):
    user_ids = [attendee.user_id for attendee in attendees if attendee.user_id]
    if user_ids:
        notify_invited(meeting_id=meeting.pk, user_ids=user_ids)


def remember_meeting_state(sender, instance, **kwargs):
    instance._state_before = (
        type(instance).objects.filter(pk=instance.pk).values_list("sequence", "status").first() if instance.pk else None
    )


def notify_meeting_changed(*, meeting_id: int, cancelled: bool) -> None:
    from meetings.models import Meeting

    meeting = Meeting.objects.select_related("organiser").get(pk=meeting_id)
    people = User.objects.filter(meeting_attendances__meeting=meeting)
    verb = "Réunion annulée" if cancelled else "Réunion modifiée (date, horaire ou lieu)"
    notify(recipients=people, kind=NotificationKind.INVITATION, verb=verb, target=meeting, actor=meeting.organiser)


def on_meeting_saved(sender, instance, created, **kwargs):
    before = getattr(instance, "_state_before", None)
    if created or before is None:
        return
    sequence, status = before
    cancelled = instance.status == "cancelled" and status != "cancelled"
    if cancelled or instance.sequence > sequence:
        notify_meeting_changed(meeting_id=instance.pk, cancelled=cancelled)


def connect() -> None:
    from viewflow.workflow.models import Task

    from budgets.models import BudgetDecision
    from meetings.models import Meeting, Minutes, MinutesComment
    from meetings.signals import attendees_invited
    from projects.models import TimelineEntry
    from vendors.models import OrderDecision

    post_save.connect(on_task_saved, sender=Task, dispatch_uid="notifications.task")
    post_save.connect(on_budget_decision_saved, sender=BudgetDecision, dispatch_uid="notifications.budget_decision")
    post_save.connect(on_order_decision_saved, sender=OrderDecision, dispatch_uid="notifications.order_decision")
    pre_save.connect(remember_minutes_status, sender=Minutes, dispatch_uid="notifications.minutes_before")
    post_save.connect(on_minutes_saved, sender=Minutes, dispatch_uid="notifications.minutes")
    post_save.connect(on_timeline_saved, sender=TimelineEntry, dispatch_uid="notifications.timeline")
    post_save.connect(on_minutes_comment_saved, sender=MinutesComment, dispatch_uid="notifications.minutes_comment")
    attendees_invited.connect(on_attendees_invited, dispatch_uid="notifications.attendees")
    pre_save.connect(remember_meeting_state, sender=Meeting, dispatch_uid="notifications.meeting_before")
    post_save.connect(on_meeting_saved, sender=Meeting, dispatch_uid="notifications.meeting")
