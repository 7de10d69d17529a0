"""The consultation file through its edit form: périmètre, publics, budget and the AMO's order, public
meetings, and the partners' contacts, shown on its page to whoever may see them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from consultations.models import Consultation
from tests.factories import town_hall
from tests.meetings.factories import make_meeting
from tests.projects.factories import ProjectFactory
from tests.vendors.factories import approved_line, make_contract, make_order

pytestmark = pytest.mark.django_db


def test_the_file_keeps_scope_publics_budget_amo_order_meetings_and_contacts(
    client, consultation, mdo_officer, mdo_manager, town_hall_agent
):
    project = ProjectFactory(title="Place Guichard végétalisée", district=3, kind="consultation")
    contract = make_contract(by=mdo_officer, reference="2026-AMO-007")
    order = make_order(
        contract=contract,
        line=approved_line(project=project, requester=mdo_manager),
        by=mdo_officer,
        subject="Animation des ateliers Guichard",
    )
    meeting = make_meeting(mdo_officer, title="Réunion publique place Guichard", users=[town_hall_agent])
    client.force_login(mdo_officer)
    response = client.post(
        reverse("consultations:edit", args=[consultation.pk]),
        {
            "title": consultation.title,
            "public_question": consultation.public_question,
            "scope_open": "Les usages, le mobilier, les plantations",
            "scope_fixed": "Le tracé du tramway",
            "publics": "Riverain·e·s, commerçant·e·s, écoles",
            "districts": ["3"],
            "channels": ["platform", "public_meeting"],
            "budget": "18500.50",
            "amo_order": order.pk,
            "projects": [project.pk],
            "meetings": [meeting.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    consultation = Consultation.objects.get(pk=consultation.pk)
    assert consultation.budget == Decimal("18500.50")
    assert consultation.amo_order == order
    assert list(consultation.meetings.all()) == [meeting] and list(consultation.projects.all()) == [project]
    assert consultation.channels == ["platform", "public_meeting"]
    page = client.get(consultation.get_absolute_url()).content.decode()
    for expected in (
        "Les usages, le mobilier, les plantations",
        "Le tracé du tramway",
        "Riverain·e·s, commerçant·e·s, écoles",
        "Plateforme en ligne, Réunions publiques",
        order.get_absolute_url(),
        meeting.get_absolute_url(),
        project.get_absolute_url(),
    ):
        assert expected in page, expected
    # The town hall (partner, contact named) reads the file: its contact, the meeting it is invited to.
    consultation.partners.filter(organisation=town_hall(3)).update(contact=town_hall_agent)
    client.force_login(town_hall_agent)
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert "contact : <a" in page and "Julien Moreau" in page
    assert meeting.get_absolute_url() in page and "Le tracé du tramway" in page


def test_a_negative_budget_or_an_unknown_order_is_refused_and_nothing_is_saved(client, consultation, mdo_officer):
    client.force_login(mdo_officer)
    base = {"title": consultation.title, "public_question": consultation.public_question, "districts": ["3"]}
    response = client.post(reverse("consultations:edit", args=[consultation.pk]), {**base, "budget": "-10"})
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur est supérieure ou égale à 0" in response.content.decode()
    response = client.post(reverse("consultations:edit", args=[consultation.pk]), {**base, "amo_order": "999999"})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    consultation.refresh_from_db()
    assert consultation.budget is None and consultation.amo_order is None
