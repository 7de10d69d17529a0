"""Large list exports as jobs: past the threshold the list posts a job, whose file holds the very rows
the immediate export gives (the owner's scope, the same filters and sorting), kept for its owner alone."""

import io

import openpyxl
import pytest
from django.urls import reverse

from mdo.models import Job, JobStatus
from notifications.models import Notification
from tests.helpers import body, excel_csv_rows
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db
INDEX = reverse("projects:index")
#: Filtered and sorted: the job must apply both as the immediate export does.
QUERY = "district=3&q=jardin&sort=-title"


@pytest.fixture
def projects(db):
    """Six 3e gardens, one 3e school (filtered out by ``q``), two 5e gardens (out of a 3e agent's scope)."""
    gardens = [ProjectFactory(title=f"Jardin partagé {n}", district=3) for n in range(6)]
    ProjectFactory(title="École des Pentes", description="Une cour d'école.", district=3)
    ProjectFactory.create_batch(2, district=5)
    return gardens


def _file_of(job: Job) -> bytes:
    with job.file.open("rb") as handle:
        return handle.read()


def test_a_small_export_stays_immediate(client, town_hall_agent, projects, settings):
    settings.EXPORT_JOB_MIN_ROWS = 7
    client.force_login(town_hall_agent)
    page = client.get(f"{INDEX}?{QUERY}").content.decode()
    assert f'href="?{QUERY.replace("&", "&amp;")}&amp;_export=csv"' in page and 'method="post" action="?' not in page
    response = client.get(f"{INDEX}?{QUERY}&_export=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(excel_csv_rows(response)) == 1 + 6
    assert not Job.objects.exists()


def test_a_large_csv_export_is_a_job_whose_file_equals_the_immediate_export(
    client, town_hall_agent, projects, settings, django_capture_on_commit_callbacks
):
    client.force_login(town_hall_agent)
    immediate = body(client.get(f"{INDEX}?{QUERY}&_export=csv"))
    settings.EXPORT_JOB_MIN_ROWS = 6
    page = client.get(f"{INDEX}?{QUERY}").content.decode()
    assert f'<form method="post" action="?{QUERY.replace("&", "&amp;")}&amp;_export=csv">' in page
    assert "l'export est préparé en arrière-plan" in page
    # A link followed to the export (bookmarked, or opened again) offers the job instead of starting it.
    offer = client.get(f"{INDEX}?{QUERY}&_export=csv")
    assert offer["Content-Type"].startswith("text/html") and "Cet export compte 6 lignes" in offer.content.decode()
    assert not Job.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{INDEX}?{QUERY}&_export=csv")
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.kind, job.status, job.done, job.total) == ("mdo.list_export", JobStatus.DONE, 6, 6)
    assert job.label == "Export CSV : Projets" and job.filename.startswith("projets-")
    assert _file_of(job) == immediate
    header, *rows = excel_csv_rows(immediate)
    titles = [row[header.index("Titre")] for row in rows]
    assert titles == [f"Jardin partagé {n}" for n in range(5, -1, -1)]  # 3e only, filtered, sorted
    page = client.get(job.get_absolute_url()).content.decode()
    assert f'href="{reverse("job_download", args=[job.pk])}"' in page
    download = client.get(reverse("job_download", args=[job.pk]))
    assert body(download) == immediate and download["Content-Type"] == "text/csv; charset=utf-8"
    assert Notification.objects.get(recipient=town_hall_agent).url == job.get_absolute_url()


def test_a_large_xlsx_export_job_holds_the_same_cells(
    client, mdo_officer, projects, settings, django_capture_on_commit_callbacks
):
    def cells(content: bytes):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return sheet.title, [[cell.value for cell in row] for row in sheet.iter_rows()]

    client.force_login(mdo_officer)
    immediate = body(client.get(f"{INDEX}?{QUERY}&_export=xlsx"))
    settings.EXPORT_JOB_MIN_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{INDEX}?{QUERY}&_export=xlsx")
    job = Job.objects.get()
    assert job.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert cells(_file_of(job)) == cells(immediate)
    assert len(cells(immediate)[1]) == 1 + 6


def test_the_job_exports_what_its_owner_sees_not_more(
    client, town_hall_agent, mdo_officer, projects, settings, django_capture_on_commit_callbacks
):
    """The same query by the MDO (every district) and by the 3e town hall: each job keeps its owner's scope."""
    settings.EXPORT_JOB_MIN_ROWS = 1
    for user in (mdo_officer, town_hall_agent):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"{INDEX}?q=jardin&_export=csv")
    by_owner = {job.owner: len(excel_csv_rows(_file_of(job))) - 1 for job in Job.objects.all()}
    assert by_owner == {mdo_officer: 8, town_hall_agent: 6}


def test_an_export_job_is_its_owners_alone(
    client, mdo_officer, other_mdo_officer, projects, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_JOB_MIN_ROWS = 1
    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{INDEX}?_export=csv")
    job = Job.objects.get()
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 200
    client.force_login(other_mdo_officer)
    for name in ("job_detail", "job_status", "job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name


def test_posting_a_list_without_an_export_format_is_refused(client, mdo_officer, projects):
    client.force_login(mdo_officer)
    assert client.post(INDEX).status_code == 405
    assert client.post(f"{INDEX}?_export=pdf").status_code == 405
    assert not Job.objects.exists()


def test_a_large_export_reports_its_rows_as_it_goes(mdo_officer, settings, django_capture_on_commit_callbacks):
    """450 rows: the live figure is written every 200 rows, then the end."""
    from huey.contrib.djhuey import HUEY

    from mdo import jobs
    from mdo.listing import LIST_EXPORT

    ProjectFactory.create_batch(450)
    seen = []
    original_put = HUEY.put

    def recording_put(key, value):
        seen.append(value)
        return original_put(key, value)

    HUEY.put = recording_put
    try:
        with django_capture_on_commit_callbacks(execute=True):
            job = jobs.job_start(
                kind=LIST_EXPORT,
                label="Export",
                params={"path": INDEX, "query": "_export=csv", "format": "csv", "filename": "projets.csv"},
                by=mdo_officer,
            )
    finally:
        HUEY.put = original_put
    job.refresh_from_db()
    assert seen == [(200, 450), (400, 450), (450, 450)]
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 450, 450)


def _list_urls() -> list[str]:
    """Every list of the app (a ``ScopedTableView`` without URL arguments), found in the URLconf."""
    from django.urls import get_resolver

    from mdo.listing import ScopedTableView

    found = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            if hasattr(entry, "url_patterns"):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif issubclass(getattr(entry.callback, "view_class", object), ScopedTableView) and "<" not in str(
                entry.pattern
            ):
                found.append("/" + prefix + str(entry.pattern))

    walk(get_resolver().url_patterns)
    return sorted(found)


def test_every_list_exports_the_same_file_as_a_job(client, django_capture_on_commit_callbacks, settings):
    """On the demo data, for the MDO and a town hall: each list's job writes its immediate export."""
    from django.core.management import call_command

    from mdo.models import User

    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    urls = _list_urls()
    assert len(urls) >= 10
    settings.EXPORT_JOB_MIN_ROWS = 10**9  # the GET below stays immediate whatever the demo's size
    rows = {}
    for username in ("mdo.manager", "mairie3.agent"):
        client.force_login(User.objects.get(username=username))
        for url in urls:
            immediate = body(client.get(f"{url}?_export=csv"))
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(f"{url}?_export=csv")
            job = Job.objects.get(pk=response.url.split("/")[-2])
            assert job.status == JobStatus.DONE, (username, url, job.error)
            assert _file_of(job) == immediate, (username, url)
            assert job.total == len(excel_csv_rows(immediate)) - 1, (username, url)
            rows[username, url] = job.total
    # Rows on every list for the MDO, and a town hall's scope narrower on some.
    assert all(rows["mdo.manager", url] for url in urls), rows
    assert any(rows["mairie3.agent", url] < rows["mdo.manager", url] for url in urls), rows
