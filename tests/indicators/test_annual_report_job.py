"""The « Bilan annuel » made by the task queue: started from the indicators, followed, downloaded by its owner."""

import io

from django.urls import reverse
from pypdf import PdfReader

from mdo.models import Job


def test_the_annual_report_job_gives_the_pdf_of_the_owners_scope_and_filters(
    client, city, mdo_manager, other_town_hall_agent, django_capture_on_commit_callbacks
):
    client.force_login(mdo_manager)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("indicators:annual_report_job") + f"?edition={city['edition'].pk}")
    job = Job.objects.get()
    assert started.status_code == 302 and started.url == job.get_absolute_url()
    assert job.owner == mdo_manager and job.status == "done" and (job.done, job.total) == (5, 5)
    page = client.get(started.url).content.decode()
    assert "Télécharger bilan-annuel-" in page and reverse("job_download", args=[job.pk]) in page
    download = client.get(reverse("job_download", args=[job.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="bilan-annuel-')
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages)
    assert "Bilan annuel" in text and "Budget participatif test" in text and "Paysages du Rhône" in text

    # Someone else, even one who may read indicators, neither sees the job nor downloads its file.
    client.force_login(other_town_hall_agent)
    for name in ("job_detail", "job_status", "job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name


def test_the_annual_report_job_is_started_by_a_post_only(client, mdo_manager):
    client.force_login(mdo_manager)
    assert client.get(reverse("indicators:annual_report_job")).status_code == 405
    assert not Job.objects.exists()
