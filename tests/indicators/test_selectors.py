"""Each indicator computed on the hand-made city of conftest.py, against the figures worked out by hand."""

from decimal import Decimal

import pytest

from indicators import selectors
from indicators.filters import IndicatorFilters
from vendors.models import Invoice
from vendors.selectors import invoice_interest

D = Decimal
ALL = IndicatorFilters()


def test_turnout_is_voters_over_the_districts_population(city, mdo_manager):
    data = selectors.participation(user=mdo_manager, filters=ALL)
    turnout = {row.district: (row.voters, row.population, row.turnout) for row in data.turnout}
    assert turnout == {"Lyon 3e": (3000, 100_000, D("3.0")), "Lyon 5e": (1200, 48_000, D("2.5"))}


def test_funnel_counts_submitted_admissible_on_ballot_and_winners_per_district(city, mdo_manager):
    data = selectors.participation(user=mdo_manager, filters=ALL)
    funnel = {row.label: (row.submitted, row.admissible, row.on_ballot, row.winners) for row in data.funnel}
    assert funnel == {"Lyon 3e": (6, 4, 3, 2), "Lyon 5e": (2, 2, 2, 2)}
    total = data.funnel_total
    assert (total.submitted, total.admissible, total.on_ballot, total.winners) == (8, 6, 5, 4)
    assert data.consultations == [("En préparation", 1)]


def test_attendance_rate_counts_held_meetings_only(city, mdo_manager):
    data = selectors.participation(user=mdo_manager, filters=ALL)
    [by_org] = data.attendance_by_organisation
    assert (by_org.label, by_org.invited, by_org.present, by_org.excused, by_org.absent) == (
        "Mairie du 3e arrondissement",
        4,
        2,
        1,
        1,
    )
    assert by_org.rate == D("50.0")
    assert [(row.label, row.rate) for row in data.attendance_by_kind] == [("COPIL", D("50.0"))]


def test_contributions_per_consultation_against_its_target(city, mdo_manager):
    data = selectors.participation(user=mdo_manager, filters=ALL)
    rows = [(row.title, row.status, row.contributions, row.target, row.of_target) for row in data.contributions]
    assert rows == [
        ("Place Guichard", "En préparation", 3, 10, D("30.0")),
        ("Berges du Rhône", "En préparation", 1, None, None),
        ("Parc de la Cerisaie", "En préparation", 0, 50, D("0.0")),
    ]
    assert data.contributions_total == 4


def test_contributions_follow_the_district_edition_and_year_filters(city, mdo_manager):
    def titles(**filters):
        rows = selectors.participation(user=mdo_manager, filters=IndicatorFilters(**filters)).contributions
        return [row.title for row in rows]

    # The district is one of the territory's, as the consultations list filters it: not the city-wide one.
    assert titles(district=3) == ["Place Guichard"]
    assert titles(district=5) == ["Parc de la Cerisaie"]
    # The edition: consultations linked to one of its projects.
    assert titles(edition=city["edition"]) == ["Place Guichard"]
    # The year: the period open to the public touches it.
    opened, closed = city["consultation_years"]
    assert titles(year=opened) == titles(year=closed) == ["Place Guichard", "Berges du Rhône", "Parc de la Cerisaie"]
    assert titles(year=opened - 1) == titles(year=closed + 1) == []


def test_a_town_hall_counts_the_contributions_of_the_consultations_it_sees(city, other_town_hall_agent):
    filters = IndicatorFilters(district=5, district_locked=True)
    data = selectors.participation(user=other_town_hall_agent, filters=filters)
    assert [(row.title, row.contributions) for row in data.contributions] == [("Parc de la Cerisaie", 0)]


def test_delivery_on_time_late_and_median_days_from_vote_to_delivery(city, mdo_manager):
    data = selectors.delivery(user=mdo_manager, filters=ALL)
    assert data.total.counts == {"on_time": 1, "late_delivered": 1, "late": 1, "not_yet": 1}
    # 360 days (vote 400 days ago, delivered 40 days ago) and 400 days: the median is 380.
    assert data.total.median_days == 380
    by_district = {row.label: (row.ordered_counts, row.median_days, row.on_time_rate) for row in data.by_district}
    assert by_district == {"Lyon 3e": ([1, 1, 0, 0], 380, D("50.0")), "Lyon 5e": ([0, 0, 1, 1], None, None)}
    by_directorate = {row.label: (row.ordered_counts, row.median_days) for row in data.by_directorate}
    assert by_directorate == {
        "Direction des Espaces verts": ([1, 1, 0, 0], 380),
        "Direction de l'Éducation": ([0, 0, 1, 1], None),
    }
    assert data.by_edition == [("Budget participatif test", {"delivered": 2, "works": 1, "design": 1})]


def test_money_of_the_winners_estimated_approved_committed_paid(city, mdo_manager):
    data = selectors.delivery(user=mdo_manager, filters=ALL)
    money = {row.label: (row.estimated, row.approved, row.committed, row.paid) for row in data.money}
    # District 3's committed money: 100 000 € by hand and the 12 000 € TTC purchase order.
    assert money == {
        "Lyon 3e": (D("500000.00"), D("300000.00"), D("112000.00"), D("43600.00")),
        "Lyon 5e": (D("200000.00"), D("120000.00"), D("0.00"), D("0.00")),
    }
    assert data.money_total.approved == D("420000.00")


def test_budget_execution_per_year_cross_table_and_envelopes(city, mdo_manager):
    year = city["year"]
    data = selectors.budget_execution(user=mdo_manager, filters=ALL)
    assert [(row.year, row.approved, row.committed, row.paid) for row in data.years] == [
        (year - 1, D("60000.00"), D("0.00"), D("0.00")),
        (year, D("360000.00"), D("112000.00"), D("43600.00")),
    ]
    assert data.directorates == ["Direction de l'Éducation", "Direction des Espaces verts"]
    assert data.cross == [
        ("Lyon 3e", [D("0.00"), D("300000.00")], D("300000.00")),
        ("Lyon 5e", [D("120000.00"), D("0.00")], D("120000.00")),
    ]
    assert data.cross_total == D("420000.00")
    envelopes = {row.district: (row.envelope, row.winners, row.paid) for row in data.envelopes}
    assert envelopes == {
        "Lyon 3e": (D("1000000.00"), D("500000.00"), D("43600.00")),
        "Lyon 5e": (D("500000.00"), D("200000.00"), D("0.00")),
    }
    this_year = selectors.budget_execution(user=mdo_manager, filters=IndicatorFilters(year=year))
    assert this_year.cross == [
        ("Lyon 3e", [D("0.00"), D("240000.00")], D("240000.00")),
        ("Lyon 5e", [D("120000.00"), D("0.00")], D("120000.00")),
    ]


def test_contractors_punctuality_penalties_invoices_and_interest(city, mdo_manager):
    data = selectors.contractors(user=mdo_manager, filters=ALL)
    total = data.total
    assert (total.milestones, total.due, total.on_time, total.open_late) == (5, 4, 1, 1)
    assert total.on_time_rate == D("25.0")
    assert total.median_delay == 4  # delays 0, 4 and 10 days
    assert (
        total.penalties_pending,
        total.penalties_applied,
        total.penalties_applied_amount,
        total.penalties_waived,
    ) == (1, 1, D("50.00"), 0)
    assert (total.penalties_notified, total.penalties_notified_amount) == (1, D("60.00"))
    assert (total.invoices_paid, total.invoices_paid_in_time, total.invoices_in_time_rate) == (3, 2, D("66.7"))
    assert total.interest == D("3.95") and total.flat_fees == D("40.00")
    # The invoice page computes the same interest for the late invoice.
    assert invoice_interest(Invoice.objects.get(number="F-3")).interest == D("3.95")
    [vendor] = data.by_vendor
    [contract] = data.by_contract
    for row in (vendor, contract):
        assert (row.due, row.on_time, row.median_delay, row.invoices_paid, row.interest) == (4, 1, 4, 3, D("3.95"))
        assert (row.penalties_notified, row.penalties_notified_amount) == (1, D("60.00"))
    assert vendor.label == "Paysages du Rhône" and contract.label == "2026-TEST-001"


def test_interest_is_the_one_recorded_on_each_invoice_when_paid(city, mdo_manager):
    """One truth: the indicator sums what the payment recorded, not a figure of its own."""
    invoice = Invoice.objects.get(number="F-3")
    assert (invoice.interest_days, invoice.interest_amount, invoice.interest_flat_fee) == (10, D("3.95"), D("40.00"))
    total = selectors.contractors(user=mdo_manager, filters=ALL).total
    assert (total.interest, total.flat_fees) == (invoice.interest_amount, invoice.interest_flat_fee)
    Invoice.objects.filter(pk=invoice.pk).update(interest_amount=D("7.00"))
    assert selectors.contractors(user=mdo_manager, filters=ALL).total.interest == D("7.00")


def test_a_town_hall_sees_only_its_districts_figures(city, other_town_hall_agent):
    filters = IndicatorFilters(district=5, district_locked=True)
    participation = selectors.participation(user=other_town_hall_agent, filters=filters)
    assert [row.label for row in participation.funnel] == ["Lyon 5e"]
    assert [row.district for row in participation.turnout] == ["Lyon 5e"]
    budget = selectors.budget_execution(user=other_town_hall_agent, filters=filters)
    assert budget.cross_total == D("120000.00")
    assert selectors.contractors(user=other_town_hall_agent, filters=filters).total.milestones == 0


def test_a_directorate_sees_the_figures_of_the_projects_it_leads(city, directorate_agent):
    delivery = selectors.delivery(user=directorate_agent, filters=ALL)
    assert [row.label for row in delivery.by_directorate] == ["Direction des Espaces verts"]
    assert delivery.money_total.approved == D("300000.00")


def test_an_outsider_gets_no_figure(city, outsider):
    assert selectors.participation(user=outsider, filters=ALL).funnel_total.submitted == 0
    assert selectors.delivery(user=outsider, filters=ALL).total.total == 0
    assert selectors.budget_execution(user=outsider, filters=ALL).cross_total == 0
    assert selectors.contractors(user=outsider, filters=ALL).total.milestones == 0
    assert selectors.participation(user=outsider, filters=ALL).contributions == []


@pytest.mark.parametrize("district, expected", [(3, (6, 2)), (5, (2, 2))])
def test_district_filter_narrows_every_theme(city, mdo_manager, district, expected):
    filters = IndicatorFilters(district=district)
    total = selectors.participation(user=mdo_manager, filters=filters).funnel_total
    assert (total.submitted, total.winners) == expected
    assert selectors.delivery(user=mdo_manager, filters=filters).total.total == 2
