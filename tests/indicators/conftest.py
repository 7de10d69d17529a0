"""A small, hand-made city: the right answer of every indicator is written in the tests."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from budgets.models import Commitment, Payment
from consultations import services as consultation_services
from consultations.models import ImportBatch, Response
from indicators.models import DistrictPopulation
from meetings.enums import AttendanceStatus, MeetingKind, MeetingStatus
from meetings.models import Attendee, Meeting
from projects.enums import ProjectKind
from projects.enums import ProjectStatus as S
from projects.models import Edition, EditionDistrict, Project, TimelineEntry
from tests.factories import directorate, town_hall
from tests.vendors.factories import VendorFactory, approved_line, make_contract, make_order
from vendors import services as vendor_services
from vendors.models import Invoice, LatePaymentRate, Milestone
from vendors.rules import half_year_start, interest_start

D = Decimal


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def winner(
    edition,
    district_row,
    *,
    title,
    district,
    planned_end,
    actual_end=None,
    status=S.WORKS,
    voted=-400,
    estimated="100000.00",
    lead=None,
):
    project = Project.objects.create(
        title=title,
        kind=ProjectKind.PARTICIPATORY_BUDGET,
        edition=edition,
        edition_district=district_row,
        district=district,
        status=status,
        selected=True,
        votes=500,
        planned_end=planned_end,
        actual_end=actual_end,
        estimated_cost=D(estimated),
        lead_directorate=lead,
    )
    when = timezone.make_aware(datetime.datetime.combine(days(voted), datetime.time(12)))
    TimelineEntry.objects.create(
        project=project, text="Lauréate", to_status=S.WINNER, from_status=S.ON_BALLOT, created_at=when
    )
    return project


def consultation(title, *, districts, contributions, by, target=None, projects=(), start=-30, end=-10):
    """A consultation open to the public from ``start`` to ``end`` days from today, with ``contributions``
    answered questionnaires (one imported file)."""
    created = consultation_services.consultation_create(
        by=by,
        title=title,
        public_question=f"Que voulez-vous pour {title} ?",
        districts=districts,
        start_on=days(start),
        end_on=days(end),
        participation_target=target,
        projects=list(projects),
    )
    batch = ImportBatch.objects.create(
        consultation=created, version=created.versions.get(number=1), filename="reponses.csv", rows=contributions
    )
    Response.objects.bulk_create(
        Response(consultation=created, batch=batch, line=n + 2, district=districts[0] if districts else None)
        for n in range(contributions)
    )
    return created


@pytest.fixture
def city(db, mdo_manager):
    """Edition 2 with districts 3 and 5, projects in every step, money, meetings, contractors.

    The comments give each figure the tests expect.
    """
    green = directorate("Direction des Espaces verts")
    sports = directorate("Direction de l'Éducation")
    edition = Edition.objects.create(
        name="Budget participatif test", number=2, start_year=days(0).year - 1, end_year=days(0).year
    )
    d3 = EditionDistrict.objects.create(
        edition=edition, name="Lyon 3e", number=3, envelope=D("1000000.00"), voters=3000
    )
    d5 = EditionDistrict.objects.create(edition=edition, name="Lyon 5e", number=5, envelope=D("500000.00"), voters=1200)
    DistrictPopulation.objects.create(district=3, population=100_000, reference_year=2021)  # 3.0 %
    DistrictPopulation.objects.create(district=5, population=48_000, reference_year=2021)  # 2.5 %

    def pb(title, district, status, **fields):
        return Project.objects.create(
            title=title,
            kind=ProjectKind.PARTICIPATORY_BUDGET,
            edition=edition,
            district=district,
            status=status,
            **fields,
        )

    # District 3: 6 submitted, 4 admissible, 3 on the ballot, 2 winners.
    pb("Idée irrecevable", 3, S.INADMISSIBLE)
    pb("Idée soumise", 3, S.SUBMITTED)
    pb("Idée non faisable", 3, S.UNFEASIBLE)
    pb("Non retenue", 3, S.NOT_SELECTED, votes=80)
    on_time = winner(
        edition,
        d3,
        title="Jardin livré à l'heure",
        district=3,
        planned_end=days(-30),
        actual_end=days(-40),
        status=S.DELIVERED,
        voted=-400,
        estimated="200000.00",
        lead=green,
    )
    late_delivered = winner(
        edition,
        d3,
        title="Aire de jeux livrée en retard",
        district=3,
        planned_end=days(-100),
        actual_end=days(-50),
        status=S.DELIVERED,
        voted=-450,
        estimated="300000.00",
        lead=green,
    )
    # District 5: 2 submitted, 2 admissible, 2 on the ballot, 2 winners.
    late = winner(
        edition,
        d5,
        title="Fontaine en retard",
        district=5,
        planned_end=days(-10),
        status=S.WORKS,
        estimated="150000.00",
        lead=sports,
    )
    winner(
        edition,
        d5,
        title="Kiosque à venir",
        district=5,
        planned_end=days(200),
        status=S.DESIGN,
        estimated="50000.00",
        lead=sports,
    )
    # A consultation (not in the funnel) and another kind of project.
    Project.objects.create(title="Concertation Part-Dieu", kind=ProjectKind.CONSULTATION, district=3, edition=edition)

    # Money (fiscal year = this year): approved lines on the winners, a commitment and a payment
    # (40 000 €; the three invoices paid below add their mandats of 1 200 € each on the order's commitment).
    year = days(0).year
    line_on_time = approved_line(project=on_time, amount_ttc=D("240000.00"), requester=mdo_manager, year=year)
    approved_line(project=late, amount_ttc=D("120000.00"), requester=mdo_manager, year=year)
    approved_line(project=late_delivered, amount_ttc=D("60000.00"), requester=mdo_manager, year=year - 1)
    commitment = Commitment.objects.create(
        budget_line=line_on_time, amount=D("100000.00"), committed_on=days(-60), created_by=mdo_manager
    )
    Payment.objects.create(
        commitment=commitment, amount=D("40000.00"), paid_on=days(-30), reference="M-1", created_by=mdo_manager
    )

    # Meetings: one held COPIL (2 present, 1 excused, 1 absent → 50 %), one planned (not counted).
    copil = Meeting.objects.create(
        kind=MeetingKind.COPIL,
        title="COPIL",
        start=timezone.now() - datetime.timedelta(days=20),
        end=timezone.now() - datetime.timedelta(days=20, hours=-2),
        organiser=mdo_manager,
        organisation=mdo_manager.organisation,
        status=MeetingStatus.HELD,
    )
    hall3 = town_hall(3)
    for n, status in enumerate(
        [AttendanceStatus.PRESENT, AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT]
    ):
        Attendee.objects.create(
            meeting=copil, email=f"invite{n}@example.org", name=f"Invité {n}", status=status, via_organisation=hall3
        )
    planned = Meeting.objects.create(
        kind=MeetingKind.COPIL,
        title="COPIL à venir",
        start=timezone.now() + datetime.timedelta(days=20),
        end=timezone.now() + datetime.timedelta(days=20, hours=2),
        organiser=mdo_manager,
        organisation=mdo_manager.organisation,
    )
    Attendee.objects.create(meeting=planned, email="futur@example.org", status=AttendanceStatus.ACCEPTED)

    # Consultations of the inhabitants: Guichard (3rd, linked to a winner of the edition) 3 contributions
    # for a target of 10 → 30.0 %; Berges (city-wide) 1 contribution, no target; Cerisaie (5th) none yet.
    consultation("Place Guichard", districts=[3], contributions=3, target=10, projects=[on_time], by=mdo_manager)
    consultation("Berges du Rhône", districts=[], contributions=1, by=mdo_manager)
    consultation("Parc de la Cerisaie", districts=[5], contributions=0, target=50, by=mdo_manager)

    # Contractors: one vendor, one contract, an order on the on-time winner's line (district 3).
    LatePaymentRate.objects.all().delete()
    LatePaymentRate.objects.create(valid_from=datetime.date(2000, 1, 1), ecb_rate=D("4.00"))  # 12 % a year
    vendor = VendorFactory(name="Paysages du Rhône")
    contract = make_contract(by=mdo_manager, vendor=vendor, reference="2026-TEST-001")
    order = make_order(contract=contract, line=line_on_time, by=mdo_manager, amount_ht=D("10000.00"))

    def milestone(label, due, delivered=None, **fields):
        return Milestone.objects.create(
            contract=contract,
            order=order,
            label=label,
            amount_ht=D("1000.00"),
            due_on=days(due),
            delivered_on=days(delivered) if delivered is not None else None,
            created_by=mdo_manager,
            **fields,
        )

    # 5 milestones: on time, 4 days late, 10 days late (penalty applied 50 €), open late, not yet due.
    # The invoices below bill the diagnostic, whose service fait is certified: only then may they be paid.
    diagnostic = milestone(
        "Diagnostic", -50, -55, status="certified", service_done_on=days(-54), service_done_by=mdo_manager
    )
    milestone("Esquisse", -40, -36)
    # The avant-projet's penalty was notified at 60 € (the proposal) and applied at 50 € after the observations.
    milestone(
        "Avant-projet",
        -30,
        -20,
        penalty_notice_amount=D("60.00"),
        penalty_notice_sent_on=days(-18),
        penalty_decision="applied",
        penalty=D("50.00"),
    )
    milestone("Projet", -5)
    milestone("Réception", 30)

    def invoice(number, due, paid, amount="1200.00"):
        created = Invoice.objects.create(
            number=number,
            order=order,
            received_on=days(due - 30),
            amount_ht=D(amount) / D("1.2"),
            amount_ttc=D(amount),
            due_on=days(due),
            created_by=mdo_manager,
        )
        created.milestones.set([diagnostic])
        if paid is not None:
            # Paid through the service, which records the interest owed when late: the indicator sums it.
            if paid > due:
                LatePaymentRate.objects.get_or_create(
                    valid_from=half_year_start(interest_start(days(due))), defaults={"ecb_rate": D("4.00")}
                )
            vendor_services.invoice_pay(invoice=created, paid_on=days(paid), by=mdo_manager)
        return created

    # 3 paid invoices, 2 in time; the late one is 10 days late: 1200 × 12 % × 10 / 365 = 3.95 € and 40 € of fees.
    invoice("F-1", -60, -65)
    invoice("F-2", -40, -40)
    invoice("F-3", -30, -20)
    invoice("F-4", 10, None)  # unpaid, not counted
    return {
        "edition": edition,
        "d3": d3,
        "d5": d5,
        "vendor": vendor,
        "contract": contract,
        "green": green,
        "sports": sports,
        "year": year,
        "consultation_years": (days(-30).year, days(-10).year),
    }
