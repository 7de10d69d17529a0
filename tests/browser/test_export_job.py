"""A large export in the browser: the list's button starts a job, its page shows the bar while the
queue holds the work, then reaches its end by itself and offers the file."""

import re
from pathlib import Path

import pytest
from huey.contrib.djhuey import HUEY
from playwright.sync_api import expect

from mdo.models import Job, JobStatus
from tests.browser.conftest import assert_accessible, login
from tests.factories import TEST_PASSWORD
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def held_queue():
    """Work is queued (in memory, for this process) instead of run at once, until the test hands it
    to Huey's own executor as a consumer's worker would."""
    HUEY.immediate_use_memory = False  # keeps the in-memory storage when leaving immediate mode
    HUEY.immediate = False
    yield HUEY
    HUEY.immediate = True
    HUEY.immediate_use_memory = True


def run_queued(huey) -> int:
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def test_a_large_export_runs_as_a_job_whose_page_follows_it_to_the_file(page, mdo_officer, held_queue, settings):
    settings.EXPORT_JOB_MIN_ROWS = 5
    for n in range(12):
        ProjectFactory(title=f"Jardin partagé {n:02d}", district=3)
    ProjectFactory(title="Fontaine du Vieux Lyon", description="Une fontaine.", district=5)
    login(page, "camille", TEST_PASSWORD)
    page.goto("/projects/?q=jardin")
    expect(page.get_by_text("l'export est préparé en arrière-plan")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Exporter en CSV").click()
    job = Job.objects.get()
    expect(page).to_have_url(re.compile(rf"/traitements/{job.pk}/$"))
    progress = page.get_by_test_id("job-progress")
    expect(progress).to_contain_text("Traitement en cours…")
    expect(progress).to_contain_text("En attente")
    assert_accessible(page)

    assert run_queued(held_queue) >= 1
    assert Job.objects.get().status == JobStatus.DONE
    # The page polls its state, sees the end and reloads itself: no click, no reload by the test.
    done = page.get_by_test_id("job-done")
    expect(done).to_be_visible()
    expect(progress).to_have_count(0)
    link = done.get_by_role("link", name=re.compile(r"^Télécharger projets-.*\.csv$"))
    expect(link).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 1 + 12 and "Fontaine du Vieux Lyon" not in "".join(lines)
    assert download.suggested_filename == Job.objects.get().filename == job.params["filename"]
