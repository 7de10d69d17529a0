"""Every notified event writes its notifications, and the outbox rows of the e-mails they imply, in the
transaction of the change that causes it: a change rolled back notifies nobody and mails nobody; a
committed change has them before any commit callback runs (only the e-mail's delivery waits for it)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, transaction

from budgets.models import BudgetSettings
from mdo.enums import Role
from mdo.models import User
from meetings import services as meeting_services
from notifications.models import Notification, ProjectFollow
from outbox.models import OutboxMessage
from projects.enums import ProjectStatus
from projects.flows import feasibility_review_open
from projects.services import project_transition, timeline_comment_add
from tests.budgets.factories import decide, submitted_line
from tests.factories import directorate, make_user, town_hall
from tests.meetings.factories import make_meeting, paris
from tests.projects.factories import ProjectFactory
from tests.vendors.factories import approved_line, make_contract, make_order
from vendors import services as vendor_services
from vendors.approval import open_order_tasks


class RolledBack(Exception):
    pass


@pytest.fixture
def people(db, mdo_officer, mdo_manager, town_hall_agent):
    green = directorate("Direction des Espaces verts")
    project = ProjectFactory(
        title="Végétalisation de la place Guichard", district=3, lead_directorate=green, officer=mdo_officer
    )
    return {
        "officer": mdo_officer,
        "manager": mdo_manager,
        "julien": town_hall_agent,
        "green_agent": make_user(Role.DIRECTORATE_AGENT, green, username="thomas.vert"),
        "project": project,
    }


def _order_awaiting_approval(people):
    settings = BudgetSettings.load()
    settings.order_threshold_ht, settings.order_director_threshold_ht = Decimal("30000"), Decimal("100000")
    settings.save()
    line = approved_line(project=people["project"], requester=people["manager"])
    contract = make_contract(by=people["officer"], max_amount_ht=Decimal("500000"))
    return contract, line


def _meeting_with_minutes(people, *, status):
    meeting = make_meeting(people["officer"], users=[people["julien"]])
    meeting_services.minutes_save(meeting=meeting, by=people["officer"], summary="Relevé", notes={})
    for name, by in (("submit", "officer"), ("approve", "manager"), ("publish", "officer")):
        if meeting.minutes.status == status:
            break
        meeting_services.minutes_transition(meeting=meeting, by=people[by], name=name)
        meeting.refresh_from_db()
    return meeting


# Each event: its set-up (what exists before the change), then the change, and who the change notifies
# of what (username, kind), and the table the change itself writes.


def feasibility_task(people):
    project = people["project"]
    type(project).objects.filter(pk=project.pk).update(status=ProjectStatus.FEASIBILITY_REVIEW)
    return lambda: feasibility_review_open(project=project, by=people["officer"], due=datetime.date(2027, 3, 10))


def budget_line_task(people):
    return lambda: submitted_line(people["officer"])


def budget_line_decision(people):
    line = submitted_line(people["officer"])
    return lambda: decide(line, people["manager"], "rejected", "Imputation à revoir")


def order_task(people):
    contract, line = _order_awaiting_approval(people)
    return lambda: make_order(contract=contract, line=line, by=people["officer"], amount_ht=Decimal("45000.00"))


def order_decision(people):
    contract, line = _order_awaiting_approval(people)
    order = make_order(contract=contract, line=line, by=people["officer"], amount_ht=Decimal("45000.00"))
    task = open_order_tasks().get(process__orderapproval__order=order)
    return lambda: vendor_services.order_task_decide(
        task=task, by=people["manager"], outcome="refused", comment="Hors enveloppe"
    )


def minutes_to_review(people):
    meeting = _meeting_with_minutes(people, status="draft")
    return lambda: meeting_services.minutes_transition(meeting=meeting, by=people["officer"], name="submit")


def minutes_approved(people):
    meeting = _meeting_with_minutes(people, status="review")
    return lambda: meeting_services.minutes_transition(meeting=meeting, by=people["manager"], name="approve")


def minutes_sent_back(people):
    meeting = _meeting_with_minutes(people, status="review")
    return lambda: meeting_services.minutes_transition(meeting=meeting, by=people["manager"], name="reopen")


def minutes_published(people):
    meeting = _meeting_with_minutes(people, status="approved")
    return lambda: meeting_services.minutes_transition(meeting=meeting, by=people["officer"], name="publish")


def timeline_mention(people):
    return lambda: timeline_comment_add(project=people["project"], by=people["officer"], text="@julien tu confirmes ?")


def minutes_mention(people):
    meeting = make_meeting(people["officer"], organisations=[town_hall(3)])
    meeting_services.minutes_save(meeting=meeting, by=people["officer"], summary="Relevé", notes={})
    meeting_services.minutes_transition(meeting=meeting, by=people["officer"], name="submit")
    return lambda: meeting_services.minutes_comment_add(meeting=meeting, by=people["officer"], text="@julien, relis")


def project_status(people):
    ProjectFollow.objects.create(user=people["julien"], project=people["project"], following=True)
    return lambda: project_transition(project=people["project"], name="declare_admissible", by=people["officer"])


def invitation(people):
    return lambda: make_meeting(people["officer"], users=[people["julien"]])


def meeting_moved(people):
    meeting = make_meeting(people["officer"], users=[people["julien"]])
    return lambda: meeting_services.meeting_update(
        meeting=meeting, by=people["officer"], start=paris(2026, 12, 9, 14), end=paris(2026, 12, 9, 16)
    )


def meeting_cancelled(people):
    meeting = make_meeting(people["officer"], users=[people["julien"]])
    return lambda: meeting_services.meeting_cancel(meeting=meeting, by=people["officer"])


EVENTS = {
    "feasibility_task": (
        feasibility_task,
        {("thomas.vert", "task"), ("julien", "task")},  # the lead directorate's and the district's town hall's
        "viewflow_task",
    ),
    "budget_line_task": (budget_line_task, {("nadia", "task")}, "budgets_budgetdecision"),
    "budget_line_decision": (budget_line_decision, {("camille", "decision")}, "budgets_budgetdecision"),
    "order_task": (order_task, {("nadia", "task")}, "vendors_purchaseorder"),
    "order_decision": (order_decision, {("camille", "decision")}, "vendors_orderdecision"),
    "minutes_to_review": (minutes_to_review, {("nadia", "task")}, "meetings_minutes"),
    "minutes_approved": (minutes_approved, {("camille", "decision")}, "meetings_minutes"),
    "minutes_sent_back": (minutes_sent_back, {("camille", "decision")}, "meetings_minutes"),
    "minutes_published": (minutes_published, {("julien", "invitation")}, "meetings_minutes"),
    "timeline_mention": (timeline_mention, {("julien", "mention")}, "projects_timelineentry"),
    "minutes_mention": (minutes_mention, {("julien", "mention")}, "meetings_minutescomment"),
    "project_status": (
        project_status,
        {("julien", "project_status"), ("thomas.vert", "project_status")},  # by choice, and by default
        "projects_project",
    ),
    "invitation": (invitation, {("julien", "invitation")}, "meetings_meeting"),
    "meeting_moved": (meeting_moved, {("julien", "invitation")}, "meetings_meeting"),
    "meeting_cancelled": (meeting_cancelled, {("julien", "invitation")}, "meetings_meeting"),
}


def _since() -> tuple[int, int]:
    return (
        Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
    )


def _written_after(since: tuple[int, int], kinds: set[str]) -> set[tuple[str, str]]:
    rows = Notification.objects.filter(pk__gt=since[0], kind__in=kinds)
    return set(rows.values_list("recipient__username", "kind"))


def _mails_after(since: tuple[int, int], to: str) -> int:
    return sum(to in row.recipients for row in OutboxMessage.objects.filter(pk__gt=since[1]))


@pytest.fixture
def by_email(people):
    """Every notified person chose the e-mail at once for every kind: each notification implies a mail."""
    from notifications.enums import NotificationKind
    from notifications.models import NotificationPreference

    NotificationPreference.objects.bulk_create(
        NotificationPreference(user=user, kind=kind, channel="email")
        for user in (people["officer"], people["manager"], people["julien"], people["green_agent"])
        for kind in NotificationKind.values
    )


@pytest.mark.parametrize("event", EVENTS)
def test_a_rolled_back_change_leaves_no_notification_and_no_mail(event, people, by_email):
    setup, expected, _table = EVENTS[event]
    change = setup(people)
    since = _since()
    kinds = {kind for _user, kind in expected}
    with pytest.raises(RolledBack), transaction.atomic():
        change()
        inside = _written_after(since, kinds)
        mails_inside = {user: _mails_after(since, User.objects.get(username=user).email) for user, _kind in expected}
        raise RolledBack
    assert inside == expected  # written inside the change's transaction, before any commit
    assert all(count >= 1 for count in mails_inside.values()), mails_inside
    assert _written_after(since, kinds) == set()
    assert _mails_after(since, people["julien"].email) == 0
    assert not OutboxMessage.objects.filter(pk__gt=since[1]).exists()


@pytest.mark.parametrize("event", EVENTS)
def test_a_committed_change_has_its_notifications_before_the_commit_callbacks_run(
    event, people, django_capture_on_commit_callbacks
):
    setup, expected, _table = EVENTS[event]
    change = setup(people)
    since = _since()
    with django_capture_on_commit_callbacks(execute=False):
        change()
    assert _written_after(since, {kind for _user, kind in expected}) == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("event", EVENTS)
def test_the_notification_insert_is_in_the_transaction_of_the_change(event, people, by_email):
    """On a real commit: the change's own write and every notification and outbox INSERT it causes
    run inside one and the same outermost atomic block."""
    setup, expected, table = EVENTS[event]
    change = setup(people)
    writes: list[tuple[str, str, object]] = []

    def record(execute, sql, params, many, context):
        verb = sql.lstrip()[:6].upper()
        if verb in ("UPDATE", "INSERT"):
            outer = connection.atomic_blocks[0] if connection.in_atomic_block else None
            writes.append((verb, sql.split('"')[1], outer))
        return execute(sql, params, many, context)

    since = _since()
    with connection.execute_wrapper(record):
        change()
    assert _written_after(since, {kind for _user, kind in expected}) == expected
    cause = {outer for _verb, name, outer in writes if name == table}
    notifications = {outer for verb, name, outer in writes if (verb, name) == ("INSERT", "notifications_notification")}
    mails = {outer for verb, name, outer in writes if (verb, name) == ("INSERT", "outbox_outboxmessage")}
    assert len(cause) == 1 and None not in cause, cause
    assert notifications == cause and mails == cause
