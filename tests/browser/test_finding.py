"""Finding things: the global search from the keyboard, a type-ahead picker by keyboard, the tasks page on a phone."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, login, screenshot
from tests.budgets.factories import submitted_line
from tests.factories import TEST_PASSWORD
from tests.projects.factories import EditionFactory, ProjectFactory
from tests.vendors.factories import VendorFactory, approved_line, make_contract, valid_siret
from vendors.models import PurchaseOrder

pytestmark = pytest.mark.django_db(transaction=True)


def assert_no_horizontal_scroll(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"la page défile horizontalement : {widths[0]} px pour {widths[1]} px de large"


def pick(page, label: str, typed: str, choice: str) -> None:
    """Choose in a type-ahead picker with the keyboard only: Tab into it, type, arrow down, Enter."""
    box = page.get_by_role("combobox", name=label)
    box.focus()
    page.keyboard.type(typed, delay=30)
    page.locator(".ts-dropdown .option", has_text=choice).first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    # The choice is made when the form's own <select> holds it.
    page.wait_for_function("() => [...document.querySelectorAll('select[data-picker-url]')].some(s => s.value)")


def test_search_from_the_keyboard_finds_a_project_without_its_accents_a_vendor_by_siret_and_an_order_by_number(
    page, mdo_officer
):
    from tests.vendors.factories import make_order

    edition = EditionFactory(name="Budget participatif 2026-2027")
    project = ProjectFactory(title="Végétalisation de la cour de l'école Jean-Macé", edition=edition, district=7)
    siret = valid_siret(515151)
    vendor = VendorFactory(name="Atelier Rhône Concertation", siret=siret)
    order = make_order(
        contract=make_contract(by=mdo_officer, vendor=vendor),
        line=approved_line(project=project, requester=mdo_officer),
        by=mdo_officer,
        subject="Animation de la réunion publique",
    )

    login(page, "camille", TEST_PASSWORD)
    page.keyboard.press("Control+k")
    assert page.evaluate("document.activeElement.id") == "nav-search-q"
    page.keyboard.type("ecole jean mace")
    page.keyboard.press("Enter")
    page.wait_for_url("**/recherche/?q=*")
    result = page.get_by_test_id("search-group-projects").get_by_test_id("search-result")
    assert "Végétalisation de la cour de l'école Jean-Macé" in result.inner_text()
    assert "Lyon 7e" in result.inner_text() and "Budget participatif 2026-2027" in result.inner_text()
    screenshot(page, "search-project")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)

    page.goto("/")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "nav-search-q"
    page.keyboard.type(siret)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/recherche/?q={siret}")
    expect(page.get_by_test_id("search-group-vendors")).to_contain_text(
        "Atelier Rhône Concertation", use_inner_text=True
    )
    page.get_by_role("link", name="Atelier Rhône Concertation").click()
    expect(page.get_by_role("heading", name="Atelier Rhône Concertation")).to_be_visible()

    page.keyboard.press("/")
    page.keyboard.type(order.number)
    page.keyboard.press("Enter")
    found = page.get_by_test_id("search-group-orders").get_by_test_id("search-result")
    expect(found).to_have_count(1)
    expect(found).to_contain_text(order.number, use_inner_text=True)
    found.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name=order.number, exact=False)).to_be_visible()


def test_an_order_is_charged_to_a_line_chosen_by_keyboard_seeing_what_remains(page, mdo_officer):
    approved_line(
        project=ProjectFactory(title="Aire de jeux du parc Blandan", district=7),
        requester=mdo_officer,
        amount_ttc=Decimal("12000.00"),
    )
    chosen = approved_line(
        project=ProjectFactory(title="Bancs de la place Sathonay", district=1),
        requester=mdo_officer,
        amount_ttc=Decimal("48000.00"),
    )
    contract = make_contract(by=mdo_officer, reference="2026-AC-077")

    login(page, "camille", TEST_PASSWORD)
    page.goto(f"/vendors/contracts/{contract.pk}/orders/new/")
    page.get_by_role("combobox", name="Ligne budgétaire (imputation)").focus()
    dropdown = page.locator(".ts-dropdown")
    dropdown.get_by_text("Aire de jeux du parc Blandan").first.wait_for()
    assert "disponible 48\xa0000,00 € TTC" in dropdown.inner_text()  # each line with what remains
    screenshot(page, "picker-budget-line")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    pick(page, "Ligne budgétaire (imputation)", "sathonay", "Bancs de la place Sathonay")
    # With its choice made, the picker keeps its height when it takes the focus: the button under it
    # does not move under the pointer (a click would land beside it and be lost).
    control = page.locator(".ts-control").first
    focused_height = control.bounding_box()["height"]
    page.keyboard.press("Tab")
    assert control.bounding_box()["height"] == focused_height
    page.keyboard.type("Bancs en chêne")
    page.get_by_label("Montant HT (€)").fill("8000")
    page.get_by_role("button", name="Émettre le bon de commande").click()
    page.wait_for_url("**/vendors/orders/*/")
    screenshot(page, "picker-order-sent")
    order = PurchaseOrder.objects.get()
    assert order.commitment.budget_line == chosen and order.subject == "Bancs en chêne"


def test_the_tasks_page_fits_a_phone_and_its_take_button_is_on_screen(page, mdo_officer, mdo_manager):
    submitted_line(mdo_officer, label="Bancs de la place Sathonay et assises du square", amount_ht="8400")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "nadia", TEST_PASSWORD)
    page.goto("/tasks/")
    take = page.get_by_role("button", name="Prendre").first
    take.wait_for()
    box = take.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"« Prendre » hors de l'écran : {box}"
    assert_no_horizontal_scroll(page)
    screenshot(page, "tasks-390")
    assert_accessible(page)
    take.click()
    expect(page.get_by_role("button", name="Libérer").first).to_be_visible()


@pytest.mark.parametrize("path", ["/projects/", "/budgets/", "/vendors/orders/", "/meetings/"])
def test_list_rows_hold_on_at_most_three_lines_at_1366_px(page, mdo_officer, path):
    from tests.meetings.factories import make_meeting
    from tests.vendors.factories import make_order

    long_title = (
        "Végétalisation et désimperméabilisation de la cour de l'école élémentaire Jean-Macé "
        "avec création d'un jardin pédagogique, d'un îlot de fraîcheur et de cheminements accessibles"
    )
    project = ProjectFactory(title=long_title, district=7, edition=EditionFactory(name="Budget participatif 2026-2027"))
    line = approved_line(project=project, requester=mdo_officer)
    make_order(contract=make_contract(by=mdo_officer), line=line, by=mdo_officer, subject=long_title)
    make_meeting(mdo_officer, title=long_title[:200])

    login(page, "camille", TEST_PASSWORD)
    page.goto(path)
    lines = page.evaluate("""() => Array.from(document.querySelectorAll('table.table-list tbody tr')).map(tr => {
        const lineHeight = parseFloat(getComputedStyle(tr.querySelector('td')).lineHeight) || 24;
        return tr.getBoundingClientRect().height / lineHeight;
    })""")
    screenshot(page, "list-1366" + path.replace("/", "-").rstrip("-"))
    assert lines and max(lines) <= 3.5, f"{path} : une ligne du tableau occupe {max(lines):.1f} lignes de texte"
    assert_no_horizontal_scroll(page)
