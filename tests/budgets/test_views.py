"""The budgets pages: lists, line page, forms, tasks, summary, PDF — access, POST rules and query counts."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from budgets import services
from budgets.enums import BudgetLineStatus, DecisionOutcome
from budgets.models import BudgetLine, BudgetSettings, Commitment, Payment
from mdo.enums import Role
from mdo.registry import registry
from tests.budgets.factories import (
    approved_line,
    decide,
    edition_with_district,
    make_line,
    make_project,
    open_task,
    submitted_line,
)
from tests.factories import make_user, mdo_organisation
from tests.helpers import assert_constant_queries, body, excel_csv_rows

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page with French number grouping (narrow or non-breaking spaces) as plain spaces."""
    return response.content.decode().replace("\u202f", " ").replace("\xa0", " ")


TODAY = datetime.date(2026, 11, 28)


# --- list ---------------------------------------------------------------------------------------


def test_list_filters_by_status_and_district_and_exports_the_filtered_rows(
    client, mdo_officer, mdo_manager, project_3e
):
    approved_line(mdo_officer, mdo_manager, label="Bancs place Sathonay", holder_district=1)
    make_line(mdo_officer, label="Jardin de Montchat", project=project_3e)
    client.force_login(mdo_officer)
    page = client.get(reverse("budgets:index"), {"status": "approved"}).text
    assert "Bancs place Sathonay" in page and "Jardin de Montchat" not in page
    page = client.get(reverse("budgets:index"), {"district": "3"}).text
    assert "Jardin de Montchat" in page and "Bancs place Sathonay" not in page
    export = client.get(reverse("budgets:index"), {"district": "3", "_export": "csv"})
    rows = excel_csv_rows(export)
    assert rows[0][0] == "Libellé" and [row[0] for row in rows[1:]] == ["Jardin de Montchat"]


def test_list_exports_xlsx_with_amounts_as_numbers(client, mdo_officer):
    import openpyxl

    make_line(mdo_officer, label="Bancs", amount_ht="1234.56")
    client.force_login(mdo_officer)
    export = client.get(reverse("budgets:index"), {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert row[header.index("Libellé")] == "Bancs"
    assert Decimal(str(row[header.index("Montant HT")])) == Decimal("1234.56")


def test_list_filters_by_year_project_requester_and_directorate(
    client, mdo_officer, other_mdo_officer, directorate_agent
):
    project = make_project(title="Îlot de fraîcheur Guillotière", lead_directorate=directorate_agent.organisation)
    make_line(mdo_officer, label="Ligne A", fiscal_year=2025, project=project)
    make_line(other_mdo_officer, label="Ligne B", fiscal_year=2026)
    client.force_login(mdo_officer)
    url = reverse("budgets:index")
    assert "Ligne B" not in client.get(url, {"fiscal_year": 2025}).text
    assert "Ligne B" not in client.get(url, {"project": "fraîcheur"}).text
    assert "Ligne A" not in client.get(url, {"requester": other_mdo_officer.pk}).text
    page = client.get(url, {"directorate": directorate_agent.organisation.pk}).text
    assert "Ligne A" in page and "Ligne B" not in page


def test_list_filters_the_winners_lines_by_edition_and_citywide(client, mdo_officer, mdo_manager, project_3e):
    """« Lauréats du budget participatif seulement », « Édition du projet » and « Toute la ville »: the lists
    the winners' money of the indicators links to."""
    from tests.projects.factories import EditionFactory

    edition = EditionFactory(name="Budget participatif 2022-2023")
    winner = make_project(title="Lauréat de la ville", edition=edition, selected=True, district=None)
    neighbourhood = make_project(title="Initiative", kind="neighbourhood_initiative", selected=True, district=None)
    make_line(mdo_officer, label="Ligne du lauréat", project=winner)
    make_line(mdo_officer, label="Ligne de l'initiative", project=neighbourhood)
    make_line(mdo_officer, label="Ligne du projet du 3e", project=project_3e)
    make_line(mdo_officer, label="État spécial du 1er", holder_district=1)
    client.force_login(mdo_officer)
    url = reverse("budgets:index")

    def labels(**query):
        return {line.label for line in client.get(url, query).context["filter"].qs}

    assert labels(winners="on") == {"Ligne du lauréat"}
    assert labels(edition=edition.pk) == {"Ligne du lauréat"}
    assert labels(district="ville") == {"Ligne du lauréat", "Ligne de l'initiative"}
    assert len(labels(q="")) == 4


def test_list_is_scoped_town_hall_sees_its_district(client, mdo_officer, town_hall_agent, project_3e, project_5e):
    make_line(mdo_officer, label="État spécial du 3e", holder_district=3)
    make_line(mdo_officer, label="Projet du 3e", project=project_3e)
    make_line(mdo_officer, label="Projet du 5e", project=project_5e)
    make_line(mdo_officer, label="Ligne de la ville sans projet")
    client.force_login(town_hall_agent)
    page = client.get(reverse("budgets:index")).text
    assert "État spécial du 3e" in page and "Projet du 3e" in page
    assert "Projet du 5e" not in page and "Ligne de la ville sans projet" not in page
    export = body(client.get(reverse("budgets:index"), {"_export": "csv"})).decode("utf-8-sig")
    assert "Projet du 5e" not in export


def test_list_keeps_a_constant_number_of_queries(
    client, mdo_officer, mdo_manager, project_3e, django_assert_max_num_queries
):
    approved_line(mdo_officer, mdo_manager, project=project_3e)
    client.force_login(mdo_manager)

    def grow():
        for index in range(4):
            line = approved_line(
                mdo_officer,
                mdo_manager,
                label=f"Ligne {index}",
                project=make_project(title=f"P{index}", district=index + 1),
                holder_district=index + 1,
            )
            commitment = services.commitment_create(
                budget_line=line, amount=Decimal("10"), committed_on=TODAY, by=mdo_manager
            )
            services.payment_create(
                commitment=commitment, amount=Decimal("5"), paid_on=TODAY, reference=f"M{index}", by=mdo_manager
            )

    count = assert_constant_queries(client, reverse("budgets:index"), grow)
    with django_assert_max_num_queries(count):
        client.get(reverse("budgets:index"))
    # The navigation badge costs one query per app that registers tasks in "Mes tâches".
    assert count <= 10 + len(registry.tasks)


# --- line page and forms --------------------------------------------------------------------------


def test_line_page_shows_line_project_decisions_and_history(client, mdo_officer, mdo_manager, project_3e):
    line = submitted_line(mdo_officer, project=project_3e)
    decide(line, mdo_manager, DecisionOutcome.CHANGES_REQUESTED, "Préciser le chiffrage.")
    client.force_login(mdo_officer)
    page = _text(client.get(line.get_absolute_url()))
    assert "Jardin partagé de Montchat" in page
    assert "Préciser le chiffrage." in page and "Renvoyée pour modification" in page
    assert "Historique des modifications" in page
    assert "Soumise" in page and "submitted</" not in page  # statuses in words in the history
    assert "12 500,00 €" in page and "15 000,00 €" in page


@pytest.mark.parametrize("who", ["other_town_hall_agent", "outsider", "no_role_user"])
def test_line_page_is_404_out_of_scope(client, who, request, mdo_officer):
    line = make_line(mdo_officer, holder_district=3)
    client.force_login(request.getfixturevalue(who))
    # An account without a role is stopped before any page, by the no-role page (403), not the page's 404.
    assert client.get(line.get_absolute_url()).status_code == (403 if who == "no_role_user" else 404)


def test_officer_creates_a_draft_line_with_ttc_computed(client, mdo_officer, project_3e):
    client.force_login(mdo_officer)
    assert client.get(reverse("budgets:line_create")).status_code == 200
    response = client.post(
        reverse("budgets:line_create"),
        {
            "fiscal_year": 2026,
            "section": "investment",
            "chapter": "21",
            "nature": "2128",
            "function": "823",
            "label": "Plantations rue Paul Bert",
            "amount_ht": "1000,50",
            "vat_rate": "20",
            "project": project_3e.pk,
            "holder_district": "",
        },
    )
    line = BudgetLine.objects.get(label="Plantations rue Paul Bert")
    assert response.status_code == 302 and response.url == line.get_absolute_url()
    assert line.status == BudgetLineStatus.DRAFT and line.requester == mdo_officer
    assert line.amount_ht == Decimal("1000.50") and line.amount_ttc == Decimal("1200.60")


def test_bad_amount_is_refused_at_its_field_in_french(client, mdo_officer):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("budgets:line_create"),
        {
            "fiscal_year": 2026,
            "section": "investment",
            "chapter": "21",
            "nature": "2128",
            "function": "823",
            "label": "Montant absurde",
            "amount_ht": "-5",
            "vat_rate": "20",
        },
    )
    assert response.status_code == 200
    assert "amount_ht" in response.context["form"].errors
    assert not BudgetLine.objects.filter(label="Montant absurde").exists()


def test_line_create_is_404_for_a_town_hall_agent(client, town_hall_agent):
    client.force_login(town_hall_agent)
    assert client.get(reverse("budgets:line_create")).status_code == 404


def test_edit_a_sent_back_line_then_refused_once_resubmitted(client, mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    decide(line, mdo_manager, DecisionOutcome.CHANGES_REQUESTED, "Revoir le montant.")
    client.force_login(mdo_officer)
    data = {
        "fiscal_year": 2026,
        "section": "investment",
        "chapter": "21",
        "nature": "2152",
        "function": "823",
        "label": line.label,
        "amount_ht": "9000",
        "vat_rate": "10",
    }
    assert client.post(reverse("budgets:line_edit", args=[line.pk]), data).status_code == 302
    line.refresh_from_db()
    assert line.amount_ttc == Decimal("9900.00") and line.nature == "2152"
    decide(line, mdo_officer, DecisionOutcome.RESUBMITTED)
    response = client.post(reverse("budgets:line_edit", args=[line.pk]), {**data, "amount_ht": "1"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.amount_ht == Decimal("9000.00")


def test_submit_post_happy_path(client, mdo_officer):
    line = make_line(mdo_officer)
    client.force_login(mdo_officer)
    response = client.post(reverse("budgets:line_submit", args=[line.pk]))
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.SUBMITTED


def test_submit_is_405_on_get(client, mdo_officer):
    line = make_line(mdo_officer)
    client.force_login(mdo_officer)
    assert client.get(reverse("budgets:line_submit", args=[line.pk])).status_code == 405


@pytest.mark.parametrize("who", ["town_hall_agent", "other_town_hall_agent", "outsider"])
def test_submit_is_refused_out_of_scope(client, who, request, mdo_officer):
    line = make_line(mdo_officer, holder_district=3)
    client.force_login(request.getfixturevalue(who))
    assert client.post(reverse("budgets:line_submit", args=[line.pk])).status_code == 404
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.DRAFT


def test_commitment_and_payment_forms_on_the_line_page(client, mdo_officer, mdo_manager):
    line = approved_line(mdo_officer, mdo_manager, amount_ht="1000")
    client.force_login(mdo_manager)
    assert "Nouvel engagement" in client.get(line.get_absolute_url()).text
    client.post(
        reverse("budgets:commitment_add", args=[line.pk]),
        {"amount": "700,00", "committed_on": "2026-11-02", "number": "EJ2026-00042", "label": "Bon de commande n° 12"},
    )
    commitment = Commitment.objects.get(budget_line=line)
    assert commitment.amount == Decimal("700.00")
    response = client.post(
        reverse("budgets:commitment_add", args=[line.pk]), {"amount": "600", "committed_on": "2026-11-03"}, follow=True
    )
    assert "dépasse le disponible" in response.text
    assert Commitment.objects.filter(budget_line=line).count() == 1
    client.post(
        reverse("budgets:payment_add", args=[line.pk]),
        {"commitment": commitment.pk, "amount": "300", "paid_on": "2026-11-20", "reference": "M2026-0007"},
    )
    assert Payment.objects.get().amount == Decimal("300.00")
    page = _text(client.get(line.get_absolute_url()))
    assert "EJ2026-00042" in page and "M2026-0007" in page and "500,00 €" in page  # available


@pytest.mark.parametrize("name", ["commitment_add", "payment_add"])
def test_money_posts_are_405_on_get(client, name, mdo_officer, mdo_manager):
    line = approved_line(mdo_officer, mdo_manager)
    client.force_login(mdo_manager)
    assert client.get(reverse(f"budgets:{name}", args=[line.pk])).status_code == 405


@pytest.mark.parametrize("who", ["town_hall_agent", "other_town_hall_agent", "directorate_agent"])
def test_commitment_refused_out_of_scope(client, who, request, mdo_officer, mdo_manager):
    line = approved_line(mdo_officer, mdo_manager, holder_district=3)
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("budgets:commitment_add", args=[line.pk]), {"amount": "10", "committed_on": "2026-11-02"}
    )
    assert response.status_code == 404
    assert not Commitment.objects.exists()


def test_payment_refused_out_of_scope(client, mdo_officer, mdo_manager, other_town_hall_agent):
    line = approved_line(mdo_officer, mdo_manager, holder_district=3)
    commitment = services.commitment_create(budget_line=line, amount=Decimal("10"), committed_on=TODAY, by=mdo_manager)
    client.force_login(other_town_hall_agent)
    response = client.post(
        reverse("budgets:payment_add", args=[line.pk]),
        {"commitment": commitment.pk, "amount": "5", "paid_on": "2026-11-20", "reference": "X"},
    )
    assert response.status_code == 404 and not Payment.objects.exists()


# --- tasks ------------------------------------------------------------------------------------


def test_inbox_lists_the_task_with_amount_project_and_take_button(client, mdo_officer, mdo_manager, project_3e):
    line = submitted_line(mdo_officer, project=project_3e, amount_ht="12345.67")
    client.force_login(mdo_manager)
    page = _text(client.get(reverse("tasks")))
    assert line.label in page and "Validation par la Responsable MDO" in page
    assert "12 345,67 €" in page and "Jardin partagé de Montchat" in page
    assert reverse("budgets:task_take", args=[open_task(line).pk]) in page
    assert 'data-testid="task-count">1<' in page


def test_task_page_shows_line_decisions_and_form(client, mdo_officer, mdo_manager, town_hall_agent, project_3e):
    line = submitted_line(mdo_officer, holder_district=3, project=project_3e)
    decide(line, mdo_manager, DecisionOutcome.APPROVED, "Recevable, chiffrage vérifié.")
    client.force_login(town_hall_agent)
    page = client.get(reverse("budgets:task_detail", args=[open_task(line).pk])).text
    assert "Avis de la mairie d&#x27;arrondissement" in page or "Avis de la mairie d'arrondissement" in page
    assert "Recevable, chiffrage vérifié." in page and "Jardin partagé de Montchat" in page
    assert "Avis favorable" in page and "Historique des modifications" in page


@pytest.mark.parametrize("who", ["other_town_hall_agent", "outsider", "no_role_user"])
def test_task_page_is_404_out_of_scope(client, who, request, mdo_officer):
    line = submitted_line(mdo_officer, holder_district=3)
    client.force_login(request.getfixturevalue(who))
    answer = client.get(reverse("budgets:task_detail", args=[open_task(line).pk]))
    assert answer.status_code == (403 if who == "no_role_user" else 404)


def test_task_page_tells_the_requester_why_they_may_not_decide(client, mdo_manager):
    requester = make_user(Role.MDO_MANAGER, mdo_organisation(), username="gabriel")
    line = submitted_line(requester)
    client.force_login(requester)
    page = client.get(reverse("budgets:task_detail", args=[open_task(line).pk])).text
    assert "Vous avez demandé cette ligne" in page
    assert reverse("budgets:task_decide", args=[open_task(line).pk]) not in page


def test_manager_approves_through_the_decide_view(client, mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    client.force_login(mdo_manager)
    response = client.post(
        reverse("budgets:task_decide", args=[open_task(line).pk]), {"outcome": "approved", "comment": "OK"}
    )
    assert response.status_code == 302 and response.url == reverse("tasks")
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.APPROVED


def test_decide_refuses_self_approval_and_changes_nothing(client):
    requester = make_user(Role.MDO_MANAGER, mdo_organisation(), username="gabriel")
    line = submitted_line(requester)
    task = open_task(line)
    client.force_login(requester)
    response = client.post(reverse("budgets:task_decide", args=[task.pk]), {"outcome": "approved"}, follow=True)
    assert "Vous avez demandé cette ligne" in response.text
    line.refresh_from_db()
    task.refresh_from_db()
    assert line.status == BudgetLineStatus.SUBMITTED and task.status == STATUS.NEW


def test_decide_without_reason_shows_the_message(client, mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    client.force_login(mdo_manager)
    response = client.post(
        reverse("budgets:task_decide", args=[open_task(line).pk]), {"outcome": "rejected"}, follow=True
    )
    assert "Indiquez le motif" in response.text
    line.refresh_from_db()
    assert line.status == BudgetLineStatus.SUBMITTED


@pytest.mark.parametrize("name", ["task_take", "task_release", "task_decide"])
def test_task_posts_are_405_on_get(client, name, mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    client.force_login(mdo_manager)
    assert client.get(reverse(f"budgets:{name}", args=[open_task(line).pk])).status_code == 405


@pytest.mark.parametrize("name", ["task_take", "task_release", "task_decide"])
def test_task_posts_are_404_out_of_scope(client, name, mdo_officer, other_town_hall_agent):
    line = submitted_line(mdo_officer, holder_district=3)
    task = open_task(line)
    client.force_login(other_town_hall_agent)
    assert client.post(reverse(f"budgets:{name}", args=[task.pk]), {"outcome": "approved"}).status_code == 404
    task.refresh_from_db()
    assert task.status == STATUS.NEW


def test_take_and_release_through_the_views(client, mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    task = open_task(line)
    client.force_login(mdo_manager)
    client.post(reverse("budgets:task_take", args=[task.pk]))
    task.refresh_from_db()
    assert task.owner == mdo_manager
    assert reverse("budgets:task_release", args=[task.pk]) in client.get(reverse("tasks")).text
    client.post(reverse("budgets:task_release", args=[task.pk]))
    task.refresh_from_db()
    assert task.owner is None and task.status == STATUS.NEW


def test_take_refused_to_a_role_that_does_not_hold_the_step(client, mdo_officer, other_mdo_officer):
    line = submitted_line(mdo_officer)
    task = open_task(line)
    client.force_login(other_mdo_officer)
    response = client.post(reverse("budgets:task_take", args=[task.pk]), follow=True)
    assert "réservée au rôle" in response.text
    task.refresh_from_db()
    assert task.owner is None


def test_inbox_keeps_a_constant_number_of_queries(client, mdo_officer, mdo_manager, django_assert_max_num_queries):
    submitted_line(mdo_officer)
    client.force_login(mdo_manager)

    def grow():
        for index in range(3):
            submitted_line(mdo_officer, label=f"Ligne {index}", project=make_project(title=f"P{index}"))

    count = assert_constant_queries(client, reverse("tasks"), grow)
    with django_assert_max_num_queries(count):
        client.get(reverse("tasks"))


# --- dashboard ----------------------------------------------------------------------------------


def test_dashboard_panel_shows_lines_awaiting_my_decision_and_my_lines(
    client, mdo_officer, mdo_manager, django_assert_max_num_queries
):
    line = submitted_line(mdo_officer)
    client.force_login(mdo_manager)
    page = client.get("/").text
    assert "À traiter (1)" in page and line.label in page
    client.force_login(mdo_officer)
    page = client.get("/").text
    assert "Mes demandes" in page and "Soumise : <strong>1</strong>" in page

    def grow():
        for index in range(3):
            submitted_line(mdo_officer, label=f"L{index}")

    client.force_login(mdo_manager)
    count = assert_constant_queries(client, "/", grow)
    with django_assert_max_num_queries(count):
        client.get("/")


# --- summary, envelopes, PDF ---------------------------------------------------------------------


def _spend(line, manager, committed, paid):
    commitment = services.commitment_create(budget_line=line, amount=Decimal(committed), committed_on=TODAY, by=manager)
    services.payment_create(commitment=commitment, amount=Decimal(paid), paid_on=TODAY, reference="M", by=manager)


def test_summary_by_district_sums_approved_committed_paid_and_rate(client, mdo_officer, mdo_manager, project_3e):
    first = approved_line(mdo_officer, mdo_manager, amount_ht="1000", project=project_3e)  # 1 200 TTC, district 3
    approved_line(mdo_officer, mdo_manager, amount_ht="500", holder_district=3)  # 600 TTC
    _spend(first, mdo_manager, "800", "300")
    submitted_line(mdo_officer, amount_ht="99999", holder_district=3)  # not approved: not counted
    client.force_login(mdo_manager)
    response = client.get(reverse("budgets:summary"), {"year": 2026, "by": "district"})
    rows = {row.label: row for row in response.context["summary"].rows}
    row = rows["Lyon 3e"]
    assert (row.approved, row.committed, row.paid, row.available) == (
        Decimal("1800.00"),
        Decimal("800.00"),
        Decimal("300.00"),
        Decimal("1000.00"),
    )
    assert row.rate == Decimal("16.7")
    assert "16,7 %" in _text(response) and "<svg" in response.text


def test_summary_by_directorate_and_edition(client, mdo_officer, mdo_manager, directorate_agent):
    district = edition_with_district()
    project = make_project(
        title="Forêt urbaine", lead_directorate=directorate_agent.organisation, edition=district.edition
    )
    approved_line(mdo_officer, mdo_manager, amount_ht="100", project=project)
    client.force_login(mdo_manager)
    labels = [r.label for r in client.get(reverse("budgets:summary"), {"by": "directorate"}).context["summary"].rows]
    assert labels == ["Direction des Espaces verts"]
    labels = [r.label for r in client.get(reverse("budgets:summary"), {"by": "edition"}).context["summary"].rows]
    assert labels == ["Budget participatif 2025-2026"]


def test_envelope_overrun_is_shown_in_red_and_in_words(client, mdo_officer, mdo_manager):
    district = edition_with_district(envelope="1000.00")
    winner = make_project(
        title="Lauréat du 3e", district=3, edition=district.edition, edition_district=district, selected=True
    )
    loser = make_project(
        title="Non retenu", district=3, edition=district.edition, edition_district=district, selected=False
    )
    approved_line(mdo_officer, mdo_manager, amount_ht="1000", project=winner)  # 1 200 TTC
    approved_line(mdo_officer, mdo_manager, amount_ht="5000", project=loser)  # not a winner: not counted
    client.force_login(mdo_manager)
    response = client.get(reverse("budgets:summary"), {"year": 2026})
    [row] = response.context["envelopes"]
    assert row.approved == Decimal("1200.00") and row.is_over and row.over == Decimal("200.00")
    assert "Dépassement de 200,00 €" in _text(response) and "text-late" in response.text


def test_summary_keeps_a_constant_number_of_queries(client, mdo_officer, mdo_manager, django_assert_max_num_queries):
    district = edition_with_district()
    approved_line(mdo_officer, mdo_manager, holder_district=1)
    client.force_login(mdo_manager)

    def grow():
        for index in range(2, 6):
            project = make_project(
                title=f"P{index}", district=index, edition=district.edition, edition_district=district, selected=True
            )
            line = approved_line(mdo_officer, mdo_manager, project=project)
            _spend(line, mdo_manager, "10", "5")

    url = reverse("budgets:summary") + "?year=2026"
    count = assert_constant_queries(client, url, grow)
    with django_assert_max_num_queries(count):
        client.get(url)
    # The navigation badge costs one query per app that registers tasks in "Mes tâches".
    assert count <= 11 + len(registry.tasks)


def test_summary_is_scoped(client, mdo_officer, mdo_manager, other_town_hall_agent):
    approved_line(mdo_officer, mdo_manager, holder_district=3, amount_ht="777")
    client.force_login(other_town_hall_agent)
    response = client.get(reverse("budgets:summary"), {"year": 2026})
    assert response.context["summary"].rows == [] and "932,40" not in response.text


def test_pdf_report_holds_the_table_and_the_chart(client, mdo_officer, mdo_manager):
    from pypdf import PdfReader

    approved_line(mdo_officer, mdo_manager, holder_district=3, amount_ht="777")
    client.force_login(mdo_manager)
    response = client.get(reverse("budgets:report_pdf"), {"year": 2026, "by": "district"})
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text().replace("\u202f", " ").replace("\xa0", " ")
    assert "Rapport budgétaire — exercice 2026" in text and "Lyon 3e" in text and "932,40" in text


def test_pdf_report_is_scoped(client, mdo_officer, mdo_manager, other_town_hall_agent):
    from pypdf import PdfReader

    approved_line(mdo_officer, mdo_manager, holder_district=3, amount_ht="777")
    client.force_login(other_town_hall_agent)
    response = client.get(reverse("budgets:report_pdf"), {"year": 2026})
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "932,40" not in text and "Mairie du 5e" in text


# --- admin ----------------------------------------------------------------------------------------


def test_admin_edits_the_threshold_with_history(client, admin_user):
    settings = BudgetSettings.load()
    client.force_login(admin_user)
    url = reverse("admin:budgets_budgetsettings_change", args=[settings.pk])
    response = client.post(
        url,
        {
            "threshold_ht": "50000.00",
            "review_days": "7",
            "opinion_days": "15",
            "order_threshold_ht": "20000,00",
            "order_director_threshold_ht": "80000.00",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert BudgetSettings.load().threshold_ht == Decimal("50000.00")
    assert BudgetSettings.load().order_threshold_ht == Decimal("20000.00")
    refused = client.post(
        url,
        {
            "threshold_ht": "50000.00",
            "review_days": "7",
            "opinion_days": "15",
            "order_threshold_ht": "90000.00",
            "order_director_threshold_ht": "80000.00",
        },
    )
    assert refused.status_code == 200 and "ne peut être inférieur au seuil" in refused.content.decode()
    assert BudgetSettings.load().order_director_threshold_ht == Decimal("80000.00")
    assert client.get(reverse("admin:budgets_budgetsettings_history", args=[settings.pk])).status_code == 200
    assert client.get(reverse("admin:budgets_budgetline_changelist")).status_code == 200


def test_dashboard_panel_says_in_words_that_a_task_is_late(client, mdo_officer, mdo_manager):
    line = submitted_line(mdo_officer)
    task = open_task(line)
    task.data["due_on"] = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    task.save(update_fields=["data"])
    client.force_login(mdo_manager)
    assert "(en retard)" in client.get("/").text


def test_the_approver_sees_the_projects_envelope_and_its_other_lines(client, mdo_officer, mdo_manager):
    district = edition_with_district(number=3, envelope="50000.00")
    project = make_project(
        title="Jardin partagé Sathonay", edition=district.edition, edition_district=district, district=3, selected=True
    )
    approved_line(mdo_officer, mdo_manager, label="Études du jardin", amount_ht="10000", project=project)
    line = submitted_line(mdo_officer, label="Travaux du jardin", amount_ht="20000", project=project)
    client.force_login(mdo_manager)

    response = client.get(reverse("budgets:task_detail", args=[open_task(line).pk]))
    assert response.status_code == 200
    page = response.content.decode().replace("\u202f", " ").replace("\xa0", " ")

    assert 'data-testid="project-envelope"' in page and "50 000,00 €" in page  # the envelope
    assert "12 000,00 €" in page  # the approved study line, TTC, against it
    assert "Études du jardin" in page and "Travaux du jardin" in page  # the project's lines


@pytest.mark.parametrize("name", ["task_detail", "task_take", "task_release", "task_decide"])
def test_the_flow_start_is_no_task_page(client, name, mdo_officer, mdo_manager):
    """The flow's start is a viewflow task too; its address answered 500 (it has no step), now 404."""
    line = submitted_line(mdo_officer)
    start = Task.objects.get(process__budgetapproval__budget_line=line, flow_task_type="START")
    client.force_login(mdo_manager)
    method = client.get if name == "task_detail" else client.post
    assert method(reverse(f"budgets:{name}", args=[start.pk]), {"outcome": "approved"}).status_code == 404
    assert Task.objects.get(pk=start.pk).status == STATUS.DONE
