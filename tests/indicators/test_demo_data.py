"""On the demo data, each indicator gives the number the matching list gives for the same filter."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from indicators import selectors
from indicators.filters import IndicatorFilters
from indicators.themes import FUNNEL_STAGES
from mdo.models import User
from meetings.enums import MeetingKind, MeetingStatus
from meetings.models import Attendee, Meeting
from projects.enums import ProjectStatus
from projects.models import Edition

#: Statuses only a winner reaches: the list's count by status is the winners' count.
WINNER_STATUSES = [
    ProjectStatus.WINNER,
    ProjectStatus.DESIGN,
    ProjectStatus.PROCUREMENT,
    ProjectStatus.WORKS,
    ProjectStatus.DELIVERED,
]


@pytest.mark.django_db
def test_every_indicator_matches_its_list_on_the_demo_data():
    """One seed (~30 s), then each comparison for the readers it concerns."""
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    for username, district in [("mdo.manager", None), ("mairie3.agent", 3)]:
        check_project_indicators(username, district)
    check_funnel_per_district()
    for username, district in [("mdo.manager", None), ("mairie3.agent", 3), ("dev.agent", None)]:
        check_budget_execution(username, district)
    for username in ["mdo.manager", "dev.agent"]:
        check_contractor_indicators(username)
    for username, district in [("mdo.manager", None), ("mdo.manager", 5), ("mairie5.agent", 5), ("dev.agent", None)]:
        check_contributions(username, district)
    for username in ["mdo.manager", "mairie3.agent"]:
        check_attendance(username)
    for username in ["mdo.manager", "mairie3.agent"]:
        check_turnout(username)
        check_funnel_links(username)
    for username in ["mdo.manager", "mairie3.agent", "dev.agent"]:
        check_winner_money(username)
        check_envelopes(username)


def _list_count(client, name: str, **query) -> int:
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    return response.context["filter"].qs.count()


def _client(username):
    client = Client()
    user = User.objects.get(username=username)
    client.force_login(user)
    return client, user


def check_project_indicators(username, district):
    client, user = _client(username)
    where = {"kind": "participatory_budget"} | ({"district": district} if district else {})
    for edition in Edition.objects.all():
        filters = IndicatorFilters(edition=edition, district=district, district_locked=bool(district))
        query = where | {"edition": edition.pk}
        funnel = selectors.participation(user=user, filters=filters).funnel_total
        assert funnel.submitted > 0  # the comparison is not between two empty sets
        assert funnel.submitted == _list_count(client, "projects:index", **query)
        delivery = selectors.delivery(user=user, filters=filters)
        counts = dict(delivery.by_edition).get(edition.name, {})
        for status in WINNER_STATUSES:
            assert counts.get(status, 0) == _list_count(client, "projects:index", **query, status=status), status
        assert delivery.total.count(selectors.LATE) == _list_count(client, "projects:index", **query, late="on")
    assert Edition.objects.count() >= 2


def check_funnel_per_district():
    client, user = _client("mdo.manager")
    funnel = selectors.participation(user=user, filters=IndicatorFilters()).funnel
    assert len(funnel) == 10
    for row, district in zip(funnel, [*range(1, 10), "ville"], strict=True):
        assert row.submitted == _list_count(client, "projects:index", kind="participatory_budget", district=district)


def check_budget_execution(username, district):
    client, user = _client(username)
    years = selectors.budget_years(user=user, filters=IndicatorFilters(district=district))
    assert years
    for row in years:
        filters = IndicatorFilters(year=row.year, district=district, district_locked=bool(district))
        data = selectors.budget_execution(user=user, filters=filters)
        query = {"fiscal_year": row.year, "status": "approved"} | ({"district": district} if district else {})
        listed = client.get(reverse("budgets:index"), query).context["filter"].qs.aggregate(total=Sum("amount_ttc"))
        assert data.cross_total == row.approved == (listed["total"] or 0)
        summary = client.get(reverse("budgets:summary"), {"year": row.year, "by": "district"}).context["summary"]
        by_district = {summary_row.key: summary_row for summary_row in summary.rows}
        for label, _values, total in data.cross:
            key = next(k for k in by_district if by_district[k].label == label)
            assert total == by_district[key].approved
        if district is None:
            assert (row.committed, row.paid) == (summary.total.committed, summary.total.paid)


def check_contractor_indicators(username):
    client, user = _client(username)
    data = selectors.contractors(user=user, filters=IndicatorFilters())
    assert data.total.milestones > 0 and data.total.open_late > 0
    assert data.total.invoices_paid > 0 or username != "mdo.manager"
    assert data.total.milestones == _list_count(client, "vendors:milestone_list")
    assert data.total.late == _list_count(client, "vendors:milestone_list", late="yes")
    assert data.total.invoices_paid == _list_count(client, "vendors:invoice_list", paid="yes")
    assert sum(row.milestones for row in data.by_vendor) == data.total.milestones


def check_contributions(username, district):
    """Each consultation's contributions are the answers the consultations list shows for it (« Réponses »)."""
    client, user = _client(username)
    filters = IndicatorFilters(district=district, district_locked=bool(district) and username != "mdo.manager")
    rows = selectors.participation(user=user, filters=filters).contributions
    listed = client.get(reverse("consultations:index"), {"district": district} if district else {})
    assert listed.status_code == 200
    counts = dict(listed.context["filter"].qs.values_list("pk", "response_count"))
    assert rows and {row.pk: row.contributions for row in rows} == counts
    assert sum(counts.values()) > 0  # the demo's imported answers are counted, not only empty consultations


def check_attendance(username):
    """Per year and kind of meeting, the invited the attendance rate counts are those of the meetings the
    meetings list gives as held that year (same reader, same kind)."""
    client, user = _client(username)
    kinds = {str(label): value for value, label in MeetingKind.choices}
    held = Meeting.objects.filter(status=MeetingStatus.HELD).values_list("start", flat=True)
    checked = 0
    for year in sorted({timezone.localtime(start).year for start in held}):
        for row in selectors.participation(user=user, filters=IndicatorFilters(year=year)).attendance_by_kind:
            query = {"status": "held", "kind": kinds[row.label], "start_after": f"{year}-01-01"}
            listed = client.get(reverse("meetings:index"), query | {"start_before": f"{year}-12-31"})
            meetings = listed.context["filter"].qs.values("pk")
            assert row.invited == Attendee.objects.filter(meeting__in=meetings).count(), (username, year, row.label)
            assert row.recorded <= row.invited
            checked += row.invited
    assert checked > 0  # the comparison is not between two empty sets


def _listed(client, url: str):
    """The rows of the list a figure links to, as its filters give them."""
    assert url, "the figure links to no list"
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["filter"].qs


def _page(client, theme: str, edition=None):
    response = client.get(reverse("indicators:theme", args=[theme]), {"edition": edition.pk} if edition else {})
    assert response.status_code == 200
    return response.context


def _editions():
    return [None, *Edition.objects.order_by("number")]


def check_turnout(username):
    """Voters per edition district are those of the editions page; the population is the one the administration
    lists for the arrondissement; the turnout divides one by the other."""
    client, _user = _client(username)
    editions = client.get(reverse("projects:editions")).context["editions"]
    voters = {(edition.name, district.name): district.voters for edition in editions for district, _ in edition.rows}
    admin, _admin_user = _client("admin")
    listed = admin.get(reverse("admin:indicators_districtpopulation_changelist"))
    assert listed.status_code == 200
    populations = {row.district: row.population for row in listed.context["cl"].queryset}
    rows = _page(client, "participation")["data"].turnout
    assert rows and all(row.voters for row in rows)  # the demo's voters are compared, not empty cells
    for row in rows:
        assert row.voters == voters[(row.edition, row.district)], (username, row)
        assert row.population == populations[row.number], (username, row)
        expected = (Decimal(voters[(row.edition, row.district)]) * 100 / populations[row.number]).quantize(
            Decimal("0.1")
        )
        assert row.turnout == expected


def check_funnel_links(username):
    """Each figure of the funnel (submitted, admissible, on the ballot, winners) links to the projects list
    filtered by the same edition, district and « Étape atteinte », and is that list's count. Per district
    without an edition filter; the total for each edition."""
    client, _user = _client(username)
    seen = dict.fromkeys(FUNNEL_STAGES, 0)
    for edition in _editions():
        context = _page(client, "participation", edition)
        rows = [cells for _row, cells in context["funnel_rows"]] if edition is None else []
        for cells in [*rows, context["funnel_total"]]:
            for column, (value, url) in zip(FUNNEL_STAGES, cells, strict=True):
                assert value == _listed(client, url).count(), (username, edition, column, url)
                seen[column] += value
    assert all(seen.values()), seen  # every step is compared on projects that reached it


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _lines_money(client, url: str) -> tuple[Decimal, Decimal, Decimal]:
    """Approved (TTC), committed and paid: the columns of the budget lines list, added up over its rows."""
    rows = _listed(client, url).values_list("amount_ttc", "committed_total", "paid_total")
    return tuple(_money(sum((row[i] or 0 for row in rows), Decimal(0))) for i in range(3))


def _winners_cost(client, url: str) -> Decimal:
    return _money(
        sum((cost or 0 for cost in _listed(client, url).values_list("estimated_cost", flat=True)), Decimal(0))
    )


def check_winner_money(username):
    """The winners' money per district: the estimated cost is the projects list's winners (« Étape atteinte :
    Lauréat »), approved, committed and paid the budget lines list's approved lines of the winners, each
    figure linking to its list."""
    client, _user = _client(username)
    paid = Decimal(0)
    for edition in _editions():
        context = _page(client, "livraison", edition)
        for cells in [*(cells for _row, cells in context["money_rows"]), context["money_total"]]:
            (estimated, projects_url), (approved, lines_url), (committed, committed_url), (paid_on, paid_url) = cells
            assert lines_url == committed_url == paid_url
            assert estimated == _winners_cost(client, projects_url), (username, edition, projects_url)
            assert (approved, committed, paid_on) == _lines_money(client, lines_url), (username, edition, lines_url)
        paid += context["data"].money_total.paid
    assert paid > 0 or username != "mdo.manager"  # the payments are compared, not only empty sums


def check_envelopes(username):
    """Each edition district's envelope is the editions page's; its winners' estimated cost the projects list's
    winners of that edition and district; what was paid on them the budget lines list's approved lines of those
    winners."""
    client, _user = _client(username)
    editions = client.get(reverse("projects:editions")).context["editions"]
    envelopes = {
        (str(edition), district.name): district.envelope for edition in editions for district, _ in edition.rows
    }
    rows = _page(client, "budget")["envelope_rows"]
    assert rows
    for row, ((envelope, _none), (winners, projects_url), (paid, lines_url)) in rows:
        assert envelope == envelopes[(row.edition, row.district)]
        assert winners == _winners_cost(client, projects_url), (username, row)
        assert paid == _lines_money(client, lines_url)[2], (username, row)
    assert sum(row.winners for row, _cells in rows) > 0
    assert sum(row.paid for row, _cells in rows) > 0 or username != "mdo.manager"
