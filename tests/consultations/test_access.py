"""Access scoped like projects: a town hall sees its district's consultations (and those it is a partner
of), anything else answers 404 — pages, PDFs, exports and POSTs alike."""

import pytest
from django.urls import reverse

from consultations import imports, services
from consultations.models import Consultation
from tests.consultations.conftest import build_consultation
from tests.helpers import body

pytestmark = pytest.mark.django_db


def _urls(consultation) -> list[str]:
    pk = consultation.pk
    return [
        reverse(f"consultations:{name}", args=[pk])
        for name in ("detail", "builder", "results", "free_text", "evaluation", "diff", "bilan_pdf")
    ] + [
        reverse("consultations:version", args=[pk, 1]),
        reverse("consultations:version_pdf", args=[pk, 1]),
        reverse("consultations:version_decidim", args=[pk, 1]),
    ]


def test_out_of_scope_town_hall_gets_404_everywhere(client, open_one, mdo_officer, other_town_hall_agent, outsider):
    imports.import_answers(consultation=open_one, data=b"Q1\nOui\n", filename="a.csv", by=mdo_officer)
    for user in (other_town_hall_agent, outsider):
        client.force_login(user)
        for url in _urls(open_one):
            assert client.get(url).status_code == 404, (user, url)
        for url in (
            reverse("consultations:transition", args=[open_one.pk, "start_analysis"]),
            reverse("consultations:comment_add", args=[open_one.pk, 1, open_one.versions.get().questions.first().pk]),
            reverse("consultations:review_answer", args=[open_one.pk, 1]),
        ):
            assert client.post(url, {"opinion": "favourable", "text": "x"}).status_code == 404, url
        page = client.get(reverse("consultations:index")).content.decode()
        assert open_one.title not in page
        export = body(client.get(reverse("consultations:index"), {"_export": "csv"})).decode()
        assert open_one.title not in export
    open_one.refresh_from_db()
    assert open_one.status == "open"


def test_town_hall_sees_its_district_citywide_and_partnered_consultations(
    client, mdo_officer, town_hall_agent, other_town_hall_agent
):
    from tests.factories import town_hall

    third = build_consultation(mdo_officer, districts=[3], title="Place du 3e")
    citywide = build_consultation(mdo_officer, districts=[], title="Toute la ville")
    fifth = build_consultation(mdo_officer, districts=[5], title="Parc du 5e")
    fifth_with_3rd = build_consultation(mdo_officer, districts=[5], title="Berges partagées", partners=[town_hall(3)])
    client.force_login(town_hall_agent)
    page = client.get(reverse("consultations:index")).content.decode()
    for seen in (third, citywide, fifth_with_3rd):
        assert seen.title in page
        assert client.get(seen.get_absolute_url()).status_code == 200
    assert fifth.title not in page
    assert client.get(fifth.get_absolute_url()).status_code == 404
    client.force_login(other_town_hall_agent)
    page = client.get(reverse("consultations:index")).content.decode()
    assert fifth.title in page and third.title not in page


def test_directorate_sees_only_the_consultations_it_is_a_partner_of(
    client, consultation, mdo_officer, directorate_agent, outsider
):
    client.force_login(directorate_agent)
    assert client.get(consultation.get_absolute_url()).status_code == 200
    client.force_login(outsider)
    assert client.get(consultation.get_absolute_url()).status_code == 404


def test_partners_read_but_do_not_build(client, consultation, town_hall_agent):
    client.force_login(town_hall_agent)
    pk = consultation.pk
    question = consultation.versions.get().questions.first()
    assert client.get(reverse("consultations:builder", args=[pk])).status_code == 200
    for url in (
        reverse("consultations:edit", args=[pk]),
        reverse("consultations:question_add", args=[pk]),
        reverse("consultations:question_edit", args=[pk, question.pk]),
        reverse("consultations:import", args=[pk]),
        reverse("consultations:bilan_edit", args=[pk]),
        reverse("consultations:create"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("consultations:question_delete", args=[pk, question.pk])).status_code == 404
    assert consultation.versions.get().questions.filter(pk=question.pk).exists()


def test_a_partner_not_asked_for_this_review_may_not_give_an_opinion(
    client, mdo_officer, mdo_manager, green_directorate, town_hall_agent
):
    # The 3rd's town hall sees a 3rd-district consultation, but only the directorate reviews it.
    consultation = build_consultation(mdo_officer, partners=[green_directorate])
    services.consultation_transition(consultation=consultation, name="submit_for_review", by=mdo_officer)
    client.force_login(town_hall_agent)
    response = client.post(
        reverse("consultations:review_answer", args=[consultation.pk, 1]), {"opinion": "favourable"}, follow=True
    )
    assert "pas sollicitée" in response.content.decode()
    assert not consultation.versions.get().reviews.exclude(opinion="").exists()


def test_anonymous_is_sent_to_login_but_open_data_is_public(client, consultation):
    assert client.get(consultation.get_absolute_url()).status_code == 302
    assert client.get(reverse("consultations:open_data_bilans")).status_code == 200
    assert Consultation.objects.count() == 1
