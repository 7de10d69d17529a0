"""On the demo data, each indicator gives the number the matching list gives for the same filter."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from indicators import selectors
from indicators.filters import IndicatorFilters
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
