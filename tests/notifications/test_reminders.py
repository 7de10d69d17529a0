"""Reminders before due and notices while overdue: for each dated thing, at its lead times."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from budgets.flows import task_due_on
from meetings.models import ActionItem, Minutes
from notifications.enums import ReminderKind
from notifications.models import Notification, SentReminder
from projects.enums import ProjectStatus
from projects.flows import feasibility_review_open
from tests.budgets.factories import open_task, submitted_line
from tests.factories import directorate, town_hall
from tests.meetings.factories import make_meeting
from tests.notifications.conftest import DAY
from tests.projects.factories import ProjectFactory
from tests.vendors.factories import approved_line, make_contract, make_order
from vendors.models import Contract, Invoice, Milestone

#: Defaults: 3 days before, the day itself, the day after, then every 7 days while overdue.
DEFAULT_DAYS = [-3, 0, 1, 8, 15]
OFFSETS = range(-4, 16)


def reminder_days(run_on, user, key_prefix: str, due: datetime.date, offsets=OFFSETS) -> list[int]:
    """The days (relative to ``due``) on which ``user`` got a reminder about keys starting with ``key_prefix``."""
    days = []
    for offset in offsets:
        before = SentReminder.objects.filter(recipient=user, key__startswith=key_prefix).count()
        run_on(due + datetime.timedelta(days=offset))
        if SentReminder.objects.filter(recipient=user, key__startswith=key_prefix).count() > before:
            days.append(offset)
    return days


@pytest.fixture
def order(mdo_officer, mdo_manager, other_mdo_officer, clock):
    """An order of Léo's project, issued by Camille: Léo is the officer who follows it."""
    project = ProjectFactory(
        title="Végétalisation de la place Guichard",
        district=3,
        officer=other_mdo_officer,
        lead_directorate=directorate("Direction des Espaces verts"),
    )
    line = approved_line(project=project, requester=mdo_manager)
    contract = make_contract(by=mdo_officer, reference="2027-AC-001", max_amount_ht=Decimal("100000.00"))
    return make_order(
        contract=contract,
        line=line,
        by=mdo_officer,
        amount_ht=Decimal("20000.00"),
        issued_on=DAY - datetime.timedelta(days=40),
    )


def test_meeting_action_reminded_to_its_owner_at_the_default_lead_times(run_on, mdo_officer, town_hall_agent, clock):
    meeting = make_meeting(mdo_officer, organisations=[town_hall(3)])
    action = ActionItem.objects.create(
        meeting=meeting, title="Envoyer le plan du square", owner=town_hall_agent, due_on=DAY
    )
    assert reminder_days(run_on, town_hall_agent, f"action:{action.pk}", DAY) == DEFAULT_DAYS
    reminders = Notification.objects.filter(recipient=town_hall_agent, kind="reminder").order_by("created", "pk")
    texts = [n.verb for n in reminders]
    assert texts[0].startswith("Échéance dans 3 jours (10/03/2027) : Action « Envoyer le plan du square")
    assert texts[1].startswith("Échéance aujourd'hui")
    assert texts[2].startswith("En retard de 1 jour (échéance du 10/03/2027)")
    assert texts[3].startswith("En retard de 8 jours")
    assert all(n.url == meeting.get_absolute_url() for n in reminders)
    # Reminders go by e-mail unless the agent chose otherwise.
    assert sum(town_hall_agent.email in m.to for m in mail.outbox) == 5


def test_done_action_is_no_longer_reminded(run_on, mdo_officer, town_hall_agent, clock):
    meeting = make_meeting(mdo_officer, organisations=[town_hall(3)])
    action = ActionItem.objects.create(meeting=meeting, title="Relancer la voirie", owner=town_hall_agent, due_on=DAY)
    run_on(DAY)
    ActionItem.objects.filter(pk=action.pk).update(status="done", done_on=DAY)
    assert run_on(DAY + datetime.timedelta(days=1)) == 0


def test_same_reminder_never_twice_a_day(run_on, mdo_officer, town_hall_agent, clock):
    meeting = make_meeting(mdo_officer, organisations=[town_hall(3)])
    ActionItem.objects.create(meeting=meeting, title="Réserver la salle", owner=town_hall_agent, due_on=DAY)
    mail.outbox.clear()
    assert run_on(DAY) == 1
    assert run_on(DAY) == 0
    assert len(mail.outbox) == 1
    assert SentReminder.objects.filter(recipient=town_hall_agent).count() == 1


def test_lead_times_are_set_in_the_admin(run_on, admin_client, mdo_officer, town_hall_agent, clock):
    response = admin_client.post(
        "/admin/notifications/remindersetting/add/",
        {"kind": ReminderKind.ACTION, "days_before": "5", "on_due_day": "", "overdue_every_days": "3"},
    )
    assert response.status_code == 302
    meeting = make_meeting(mdo_officer, organisations=[town_hall(3)])
    action = ActionItem.objects.create(
        meeting=meeting, title="Préparer la restitution", owner=town_hall_agent, due_on=DAY
    )
    assert reminder_days(run_on, town_hall_agent, f"action:{action.pk}", DAY, range(-6, 11)) == [-5, 1, 4, 7, 10]


def test_overdue_notice_catches_up_after_a_day_without_run(run_on, mdo_officer, town_hall_agent, clock):
    meeting = make_meeting(mdo_officer, organisations=[town_hall(3)])
    ActionItem.objects.create(meeting=meeting, title="Compter les votes papier", owner=town_hall_agent, due_on=DAY)
    assert run_on(DAY + datetime.timedelta(days=4)) == 1  # the days before, the job did not run
    assert run_on(DAY + datetime.timedelta(days=10)) == 0
    assert run_on(DAY + datetime.timedelta(days=11)) == 1


def test_feasibility_opinion_reminded_to_the_team_then_to_whoever_took_it(
    run_on, mdo_officer, directorate_agent, clock
):
    from mdo.enums import Role
    from projects.flows import open_tasks_for, task_take
    from tests.factories import make_user

    colleague = make_user(Role.DIRECTORATE_AGENT, directorate_agent.organisation, username="ines")
    project = ProjectFactory(
        title="Fontaine de la Croix-Rousse",
        district=None,
        officer=mdo_officer,
        lead_directorate=directorate_agent.organisation,
        status=ProjectStatus.FEASIBILITY_REVIEW,
    )
    feasibility_review_open(project=project, by=mdo_officer, due=DAY)
    assert reminder_days(run_on, directorate_agent, "task:", DAY) == DEFAULT_DAYS
    assert SentReminder.objects.filter(recipient=colleague).count() == 5  # nobody took it: the whole team
    task = open_tasks_for(colleague).get()
    task_take(task=task, by=colleague)
    SentReminder.objects.all().delete()
    assert reminder_days(run_on, colleague, "task:", DAY) == DEFAULT_DAYS
    assert not SentReminder.objects.filter(recipient=directorate_agent).exists()


def test_budget_line_approval_reminded_to_the_manager(run_on, mdo_officer, mdo_manager, clock):
    line = submitted_line(mdo_officer)
    due = task_due_on(open_task(line))
    assert reminder_days(run_on, mdo_manager, "task:", due) == DEFAULT_DAYS
    assert not SentReminder.objects.filter(recipient=mdo_officer).exists()  # nobody approves their own request


def test_minutes_waiting_for_approval_reminded_a_week_after_submission(run_on, mdo_officer, mdo_manager, clock):
    meeting = make_meeting(mdo_officer)
    Minutes.objects.create(meeting=meeting, status="review", summary="Relevé des décisions")
    due = DAY + datetime.timedelta(days=7)
    assert reminder_days(run_on, mdo_manager, "task:", due) == DEFAULT_DAYS
    assert "Valider le compte rendu" in Notification.objects.filter(recipient=mdo_manager, kind="reminder").first().verb


def test_milestone_reminded_to_the_officer_who_follows_the_order(run_on, order, mdo_officer, other_mdo_officer):
    milestone = Milestone.objects.create(
        contract=order.contract,
        order=order,
        label="Rapport de diagnostic",
        amount_ht=Decimal("5000.00"),
        due_on=DAY,
        created_by=mdo_officer,
    )
    assert reminder_days(run_on, other_mdo_officer, f"milestone:{milestone.pk}", DAY) == DEFAULT_DAYS
    assert reminder_days(run_on, mdo_officer, "milestone:", DAY) == []
    Milestone.objects.filter(pk=milestone.pk).update(delivered_on=DAY)
    assert run_on(DAY + datetime.timedelta(days=22)) == 0


def test_invoice_reminded_before_the_legal_payment_deadline(run_on, order, mdo_officer, other_mdo_officer):
    invoice = Invoice.objects.create(
        order=order,
        number="F-2027-118",
        received_on=DAY - datetime.timedelta(days=30),
        amount_ht=Decimal("1000.00"),
        amount_ttc=Decimal("1200.00"),
        due_on=DAY,
        created_by=mdo_officer,
    )
    assert reminder_days(run_on, other_mdo_officer, f"invoice:{invoice.pk}", DAY) == DEFAULT_DAYS
    verbs = list(
        Notification.objects.filter(recipient=other_mdo_officer, kind="reminder").values_list("verb", flat=True)
    )
    assert all("intérêts moratoires" in verb for verb in verbs)


def test_suspended_invoice_deadline_is_not_reminded(run_on, order, mdo_officer, other_mdo_officer):
    Invoice.objects.create(
        order=order,
        number="F-2027-119",
        received_on=DAY - datetime.timedelta(days=30),
        amount_ht=Decimal("1000.00"),
        amount_ttc=Decimal("1200.00"),
        due_on=DAY,
        suspended_on=DAY - datetime.timedelta(days=5),
        created_by=mdo_officer,
    )
    assert reminder_days(run_on, other_mdo_officer, "invoice:", DAY) == []


def test_contract_end_reminded_to_whoever_entered_it(run_on, mdo_officer, clock):
    contract = make_contract(
        by=mdo_officer, reference="2027-MS-004", starts_on=DAY - datetime.timedelta(days=300), ends_on=DAY
    )
    assert reminder_days(run_on, mdo_officer, f"contract_end:{contract.pk}", DAY) == DEFAULT_DAYS


def test_tacit_renewal_needs_a_decision_before_the_notice_period(run_on, mdo_officer, clock):
    contract = make_contract(
        by=mdo_officer,
        reference="2027-AC-009",
        starts_on=DAY - datetime.timedelta(days=300),
        ends_on=DAY + datetime.timedelta(days=90),
        renewals_allowed=2,
    )
    Contract.objects.filter(pk=contract.pk).update(tacit_renewal=True, renewal_notice_days=90)
    assert reminder_days(run_on, mdo_officer, f"renewal:{contract.pk}:", DAY) == DEFAULT_DAYS
    first = Notification.objects.filter(recipient=mdo_officer, kind="reminder").order_by("created", "pk").first()
    assert "Décision de reconduction du marché 2027-AC-009" in first.verb and "reconduit" in first.verb
    assert not SentReminder.objects.filter(key__startswith="contract_end:").exists()


def test_project_past_its_planned_delivery_reminded_to_its_officer(run_on, mdo_officer, clock):
    project = ProjectFactory(
        title="Boîte à livres du square", district=3, officer=mdo_officer, status=ProjectStatus.WORKS, planned_end=DAY
    )
    assert reminder_days(run_on, mdo_officer, f"project:{project.pk}", DAY) == DEFAULT_DAYS
    type(project).objects.filter(pk=project.pk).update(status=ProjectStatus.DELIVERED, actual_end=DAY)
    assert run_on(DAY + datetime.timedelta(days=22)) == 0


def test_late_phase_reminded_to_its_owner_until_it_ends(run_on, mdo_officer, other_mdo_officer, clock):
    from planning.models import PhaseKind, PhaseStatus, ProjectPhase

    project = ProjectFactory(title="Jardin partagé Moncey", district=3, officer=mdo_officer, status=ProjectStatus.WORKS)
    kind = PhaseKind.objects.get_or_create(name="Travaux", defaults={"order": 50})[0]
    phase = ProjectPhase.objects.create(
        project=project,
        kind=kind,
        planned_start=DAY - datetime.timedelta(days=30),
        planned_end=DAY,
        owner=other_mdo_officer,
    )
    assert reminder_days(run_on, other_mdo_officer, f"phase:{phase.pk}", DAY) == DEFAULT_DAYS
    assert not SentReminder.objects.filter(recipient=mdo_officer, key=f"phase:{phase.pk}").exists()
    late = Notification.objects.filter(recipient=other_mdo_officer, verb__startswith="En retard de 1 jour").get()
    assert "« Travaux » du projet « Jardin partagé Moncey »" in late.verb and late.url.endswith("#phases")
    ProjectPhase.objects.filter(pk=phase.pk).update(status=PhaseStatus.DONE, actual_start=DAY, actual_end=DAY)
    assert run_on(DAY + datetime.timedelta(days=22)) == 0


def test_phase_without_owner_reminded_to_the_projects_officer(run_on, mdo_officer, clock):
    from planning.models import PhaseKind, ProjectPhase

    project = ProjectFactory(title="Fresque du collège", district=3, officer=mdo_officer, status=ProjectStatus.DESIGN)
    kind = PhaseKind.objects.get_or_create(name="Études", defaults={"order": 20})[0]
    phase = ProjectPhase.objects.create(project=project, kind=kind, planned_start=DAY, planned_end=DAY)
    assert reminder_days(run_on, mdo_officer, f"phase:{phase.pk}", DAY, offsets=[-3, 0, 1]) == [-3, 0, 1]


def test_reminder_of_an_item_out_of_the_holders_scope_is_not_sent(run_on, mdo_officer, other_town_hall_agent, clock):
    """An action left to an agent who no longer sees the meeting (another district's council)."""
    meeting = make_meeting(
        mdo_officer,
        title="Conseil de quartier Croix-Rousse",
        kind="neighbourhood_council",
        organisations=[town_hall(3)],
    )
    ActionItem.objects.create(meeting=meeting, title="Afficher la convocation", owner=other_town_hall_agent, due_on=DAY)
    from mdo import access

    if access.can_view(other_town_hall_agent, meeting):
        pytest.skip("this meeting is visible to the 5th district's agent")
    assert run_on(DAY) == 0
    assert not Notification.objects.filter(recipient=other_town_hall_agent).exists()
    assert not SentReminder.objects.filter(recipient=other_town_hall_agent).exists()


def test_reminders_command_and_periodic_job(mdo_officer, town_hall_agent, clock):
    from io import StringIO

    from django.core.management import call_command

    from notifications import tasks

    meeting = make_meeting(mdo_officer, organisations=[town_hall(3)])
    ActionItem.objects.create(meeting=meeting, title="Commander les badges", owner=town_hall_agent, due_on=DAY)
    out = StringIO()
    call_command("send_task_reminders", stdout=out)
    assert "1 rappel(s) envoyé(s)." in out.getvalue()
    # The scheduler hands UTC times: 6 h 30 in Paris is 5 h 30 UTC in March, 4 h 30 in July.
    reminders, digest = tasks.daily_reminders.task_class(), tasks.daily_digest.task_class()
    assert reminders.validate_datetime(datetime.datetime(2027, 3, 10, 5, 30))
    assert reminders.validate_datetime(datetime.datetime(2027, 7, 10, 4, 30))
    assert not reminders.validate_datetime(datetime.datetime(2027, 3, 10, 6, 30))
    assert digest.validate_datetime(datetime.datetime(2027, 3, 10, 6, 0))
