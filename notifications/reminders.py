"""Reminders before each due date and notices while it is overdue, for every dated thing.

Each source below lists the open dated items with who holds them (the holder, or the team when
nobody took the item). :func:`send_reminders` applies the lead times of ``ReminderSetting``
(defaults: 3 days before, the day itself, then every 7 days while overdue) and records each
reminder sent in ``SentReminder``, whose unique key (recipient, item, day) keeps a second run of
the day from sending it again.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mdo.models import User
from mdo.registry import registry
from notifications.enums import NotificationKind, ReminderKind
from notifications.models import ReminderSetting, SentReminder

#: A task of « Mes tâches » without a deadline of its own (minutes waiting for approval) is due
#: a week after it reached the inbox.
UNDATED_TASK_DAYS = 7


@dataclass
class Due:
    kind: str  # ReminderKind
    key: str
    due_on: datetime.date
    title: str
    url: str
    recipients: list = field(default_factory=list)
    target: object = None
    note: str = ""


# --- the sources -----------------------------------------------------------------------------


def task_dues(today: datetime.date) -> Iterator[Due]:
    """Every open task of « Mes tâches »: feasibility opinions, budget-line approvals, minutes to approve.

    The inbox of each user already says which tasks are theirs or their team's and applies the
    scopes; a task a colleague took stays visible there but is theirs alone to be reminded of."""
    users = User.objects.filter(is_active=True, groups__role_key__isnull=False).distinct()
    for user in users:
        for source in registry.tasks:
            for item in source.items(user):
                if not item.assigned_to_me and not item.take_url:
                    continue  # a colleague took it: it is theirs to do
                due = item.due or (timezone.localtime(item.created).date() + datetime.timedelta(days=UNDATED_TASK_DAYS))
                yield Due(ReminderKind.TASK, f"task:{item.url}", due, item.title, item.url, [user])


def action_dues(today: datetime.date) -> Iterator[Due]:
    from meetings.enums import ActionStatus
    from meetings.models import ActionItem

    actions = ActionItem.objects.filter(
        status=ActionStatus.OPEN, due_on__isnull=False, owner__isnull=False
    ).select_related("owner", "meeting")
    for action in actions:
        yield Due(
            ReminderKind.ACTION,
            f"action:{action.pk}",
            action.due_on,
            f"Action « {action} »",
            action.meeting.get_absolute_url(),
            [action.owner],
            action.meeting,
        )


def _order_officer(order, contract):
    """The officer who follows an order: the project's officer, else whoever issued the order."""
    if order is not None:
        line = order.commitment.budget_line
        if line.project_id and line.project.officer_id:
            return line.project.officer
        return order.issued_by
    return contract.created_by


def milestone_dues(today: datetime.date) -> Iterator[Due]:
    from vendors.models import Milestone

    milestones = Milestone.objects.filter(delivered_on__isnull=True).select_related(
        "contract__created_by", "order__issued_by", "order__commitment__budget_line__project__officer"
    )
    for milestone in milestones:
        officer = _order_officer(milestone.order, milestone.contract)
        yield Due(
            ReminderKind.MILESTONE,
            f"milestone:{milestone.pk}",
            milestone.due_on,
            f"Jalon « {milestone.label} » ({milestone.contract.reference})",
            milestone.contract.get_absolute_url(),
            [officer],
            milestone,
        )


def invoice_dues(today: datetime.date) -> Iterator[Due]:
    from vendors.models import Invoice

    # A suspended payment deadline runs again only once resumed.
    invoices = (
        Invoice.objects.filter(paid_on__isnull=True)
        .filter(Q(suspended_on__isnull=True) | Q(resumed_on__isnull=False))
        .select_related(
            "order__contract__created_by", "order__issued_by", "order__commitment__budget_line__project__officer"
        )
    )
    for invoice in invoices:
        officer = _order_officer(invoice.order, invoice.order.contract)
        yield Due(
            ReminderKind.INVOICE,
            f"invoice:{invoice.pk}",
            invoice.due_on,
            f"Paiement de la facture {invoice.number} (bon {invoice.order.number})",
            invoice.order.get_absolute_url(),
            [officer],
            invoice,
            note="Au-delà du délai global de paiement, des intérêts moratoires sont dus.",
        )


def contract_dues(today: datetime.date) -> Iterator[Due]:
    from vendors.models import Contract

    for contract in Contract.objects.select_related("created_by"):
        if contract.renewals_done < contract.renewals_allowed:
            decide_by = contract.valid_until - datetime.timedelta(days=contract.renewal_notice_days)
            note = (
                "Reconduction tacite : sans décision contraire notifiée avant cette date, le marché est reconduit."
                if contract.tacit_renewal
                else "Sans décision de reconduction, le marché prend fin."
            )
            yield Due(
                ReminderKind.RENEWAL,
                f"renewal:{contract.pk}:{contract.renewals_done}",
                decide_by,
                f"Décision de reconduction du marché {contract.reference}",
                contract.get_absolute_url(),
                [contract.created_by],
                contract,
                note=note,
            )
        else:
            yield Due(
                ReminderKind.CONTRACT_END,
                f"contract_end:{contract.pk}",
                contract.valid_until,
                f"Fin du marché {contract.reference}",
                contract.get_absolute_url(),
                [contract.created_by],
                contract,
            )


def project_delivery_dues(today: datetime.date) -> Iterator[Due]:
    from projects.enums import FINAL_STATUSES, ProjectStatus
    from projects.models import Project

    projects = (
        Project.objects.filter(planned_end__isnull=False, actual_end__isnull=True, officer__isnull=False)
        .exclude(status__in=[*FINAL_STATUSES, ProjectStatus.DELIVERED, ProjectStatus.SUSPENDED])
        .select_related("officer")
    )
    for project in projects:
        yield Due(
            ReminderKind.PROJECT_DELIVERY,
            f"project:{project.pk}",
            project.planned_end,
            f"Livraison prévue du projet « {project.title} »",
            project.get_absolute_url(),
            [project.officer],
            project,
        )


def phase_dues(today: datetime.date) -> Iterator[Due]:
    """The planned end of each unfinished phase, reminded to its owner (else the project's officer);
    past that date the phase is late (« En retard » on the project page and the planning)."""
    from planning.models import PhaseStatus, ProjectPhase
    from projects.enums import FINAL_STATUSES, ProjectStatus

    phases = (
        ProjectPhase.objects.filter(actual_end__isnull=True)
        .exclude(status=PhaseStatus.DONE)
        .exclude(project__status__in=[*FINAL_STATUSES, ProjectStatus.SUSPENDED])
        .select_related("kind", "owner", "project__officer")
    )
    for phase in phases:
        yield Due(
            ReminderKind.PROJECT_PHASE,
            f"phase:{phase.pk}",
            phase.planned_end,
            f"Fin de la phase « {phase.kind} » du projet « {phase.project.title} »",
            f"{phase.project.get_absolute_url()}#phases",
            [phase.owner or phase.project.officer],
            phase.project,
        )


SOURCES = [task_dues, action_dues, milestone_dues, invoice_dues, contract_dues, project_delivery_dues, phase_dues]


def all_dues(today: datetime.date) -> Iterator[Due]:
    for source in SOURCES:
        yield from source(today)


# --- the lead times --------------------------------------------------------------------------


def stage_for(due: Due, today: datetime.date, setting: ReminderSetting, last_overdue: datetime.date | None) -> str:
    """'before', 'due', 'overdue' or '' (nothing to send today)."""
    days = (due.due_on - today).days
    if days > 0:
        return "before" if setting.days_before and days == setting.days_before else ""
    if days == 0:
        return "due" if setting.on_due_day else ""
    if not setting.overdue_every_days:
        return ""
    # The first notice the day after; then one every N days after the last one actually sent, so
    # that a day the job did not run delays the next notice instead of skipping it.
    if last_overdue is None or (today - last_overdue).days >= setting.overdue_every_days:
        return "overdue"
    return ""


def reminder_text(due: Due, stage: str, today: datetime.date) -> str:
    if stage == "before":
        return f"Échéance dans {(due.due_on - today).days} jours ({due.due_on:%d/%m/%Y}) : {due.title}"
    if stage == "due":
        return f"Échéance aujourd'hui : {due.title}"
    late = (today - due.due_on).days
    return f"En retard de {late} jour{'s' if late > 1 else ''} (échéance du {due.due_on:%d/%m/%Y}) : {due.title}"


def send_reminders(*, now: datetime.datetime | None = None) -> int:
    """Send today's reminders; returns how many were sent.

    Side effects: per reminder, one ``SentReminder`` row and one notification of kind « Rappels »
    (e-mailed or kept for the digest per the recipient's preference), in one transaction."""
    from notifications.services import notify

    today = timezone.localdate(now) if now else timezone.localdate()
    settings = {setting.kind: setting for setting in ReminderSetting.objects.all()}
    last_overdue = {}
    for recipient_id, key, sent_on in SentReminder.objects.filter(stage="overdue").values_list(
        "recipient_id", "key", "sent_on"
    ):
        if (recipient_id, key) not in last_overdue or sent_on > last_overdue[(recipient_id, key)]:
            last_overdue[(recipient_id, key)] = sent_on
    sent = 0
    for due in all_dues(today):
        setting = ReminderSetting.for_kind(due.kind, settings)
        for recipient in due.recipients:
            if recipient is None or not recipient.is_active:
                continue
            stage = stage_for(due, today, setting, last_overdue.get((recipient.pk, due.key)))
            if not stage:
                continue
            try:
                with transaction.atomic():
                    SentReminder.objects.create(
                        recipient=recipient, key=due.key, stage=stage, due_on=due.due_on, sent_on=today
                    )
                    made = notify(
                        recipients=[recipient],
                        kind=NotificationKind.REMINDER,
                        verb=reminder_text(due, stage, today) + (f". {due.note}" if due.note else ""),
                        target=due.target,
                        url=due.url,
                        target_label=due.title,
                    )
                    if not made:
                        raise _NotForThem
            except (IntegrityError, _NotForThem):
                continue  # already reminded today, or the item is out of their scope
            sent += 1
    return sent


class _NotForThem(Exception):
    """Rolls back the sent-reminder row of someone who may not see the item."""
