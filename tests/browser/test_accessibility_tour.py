"""An accessibility tour of the whole product on the demo data, as the MDO and as a town hall.

One test, one seed_demo (~20 s): every main page, one detail page of each kind and the main
creation forms go through axe (WCAG 2.1 A/AA, fails on serious/critical violations).
"""

import io

import pytest
from django.core.management import call_command

from mdo import access
from mdo.models import User
from mdo.seed import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, login

pytestmark = pytest.mark.django_db(transaction=True)

MAIN_PAGES = [
    "/",
    "/tasks/",
    "/projects/",
    "/projects/editions/",
    "/budgets/",
    "/budgets/summary/",
    "/vendors/",
    "/vendors/contracts/",
    "/vendors/orders/",
    "/vendors/milestones/",
    "/meetings/",
    "/meetings/calendrier/",
    "/meetings/decisions/",
    "/meetings/mes-actions/",
    "/calendar/",
    "/organisations/",
    "/open-data/",
    "/consultations/",
    "/consultations/glossaire/",
    "/consultations/evaluations/",
    "/ressources/",
    "/aide/",
    "/aide/projets/",
    "/aide/budgets/",
    "/aide/prestataires/",
    "/aide/reunions/",
    "/aide/consultations/",
    "/aide/indicateurs-planning/",
    "/aide/mes-taches/",
    "/aide/glossaire/",
]
FORMS = [
    "/projects/new/",
    "/budgets/lines/new/",
    "/meetings/nouvelle/",
    "/projects/decidim/",
    "/consultations/nouvelle/",
]


def _tour(user) -> list[str]:
    """The pages of the tour for ``user``: main pages, one visible object of each kind, the forms."""
    from budgets.models import BudgetLine
    from consultations.models import Consultation, Resource
    from meetings.models import Meeting
    from projects.models import Project
    from vendors.models import Contract, PurchaseOrder, Vendor

    paths = list(MAIN_PAGES)
    for model, url in [
        (Project, "/projects/{}/"),
        (BudgetLine, "/budgets/lines/{}/"),
        (Vendor, "/vendors/{}/"),
        (Contract, "/vendors/contracts/{}/"),
        (PurchaseOrder, "/vendors/orders/{}/"),
        (Meeting, "/meetings/{}/"),
        (Consultation, "/consultations/{}/"),
        (Consultation, "/consultations/{}/questionnaire/"),
        (Consultation, "/consultations/{}/versions/1/"),
        (Resource, "/ressources/{}/"),
    ]:
        obj = access.visible(user, model).order_by("pk").first()
        if obj is not None:
            paths.append(url.format(obj.pk))
    answered = access.visible(user, Consultation).filter(responses__isnull=False).order_by("pk").first()
    if answered is not None:
        paths += [f"/consultations/{answered.pk}/resultats/", f"/consultations/{answered.pk}/reponses-libres/"]
    paths += FORMS
    contract = access.visible(user, Contract).order_by("pk").first()
    if contract is not None:
        paths.append(f"/vendors/contracts/{contract.pk}/orders/new/")
    return paths


def test_main_pages_details_and_forms_are_accessible_to_the_mdo_and_a_town_hall(page):
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    violations = []
    for username in ("mdo.manager", "mairie3.agent"):
        page.context.clear_cookies()
        login(page, username, DEMO_PASSWORD)
        checked = 0
        for path in _tour(User.objects.get(username=username)):
            response = page.goto(path)
            # A form this role may not open (refused or redirected) is not part of its tour.
            if response.status != 200 or not page.url.endswith(path):
                assert path in FORMS or "/orders/new/" in path, f"{username} : {path} → {response.status}"
                print(f"{username} : {path} hors de son rôle ({response.status}), non vérifié")
                continue
            try:
                assert_accessible(page)
            except AssertionError as error:  # every page of the tour is reported, not only the first
                violations.append(f"{username} : {error}")
            checked += 1
        assert checked >= len(MAIN_PAGES), username
        print(f"{username} : {checked} pages vérifiées par axe")
    assert not violations, "\n\n".join(violations)
