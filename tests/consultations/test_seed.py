import io

import pytest
from django.core.management import call_command

from consultations.enums import ConsultationStatus
from consultations.models import Bilan, Consultation, Resource, ReviewRequest

pytestmark = pytest.mark.django_db


def test_demo_has_an_open_consultation_one_with_results_and_bilan_and_library_resources():
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    statuses = dict(Consultation.objects.values_list("title", "status"))
    assert statuses["Réaménagement de la place Guichard"] == ConsultationStatus.OPEN
    cerisaie = Consultation.objects.get(title="Avenir du parc de la Cerisaie")
    assert cerisaie.status == ConsultationStatus.REPORT_PUBLISHED
    assert cerisaie.responses.count() == 180
    assert Bilan.objects.get(consultation=cerisaie).published_at is not None
    assert Resource.objects.count() >= 3
    assert ReviewRequest.objects.filter(answered_at__isnull=True, version__status="in_review").exists()
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())  # idempotent
    assert Consultation.objects.count() == 3
