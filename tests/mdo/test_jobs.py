"""Long work run by the task queue: the job's page and its progress, its failure in French, its clean-up."""

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from mdo import jobs
from mdo.models import Job, JobStatus
from projects.jobs import VOTE_IMPORT
from projects.models import Project

#: Session, user with their roles, job; the navigation's badge and bell in one.
PAGE_QUERIES = 4
VOTES = "id;titre;coût;voix;selected\n" + "".join(f"P{n};Projet {n};{100 + n};{n};{n % 2}\n" for n in range(250))


def _import(client, content: bytes, **fields):
    return client.post(
        reverse("projects:vote_import"),
        {"file": SimpleUploadedFile("votes.csv", content), "new_edition": "BP", **fields},
    )


def test_a_queued_job_shows_its_progress_bar_and_polls_its_state_without_inline_script(client, mdo_officer):
    client.force_login(mdo_officer)
    response = _import(client, VOTES.encode())  # the commit callbacks are not run: the job stays queued
    job = Job.objects.get()
    assert response.url == job.get_absolute_url() and job.status == JobStatus.QUEUED
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Traitement en cours…" in page and '<progress id="job-progress-bar"' in page
    assert f'data-job-status-url="{reverse("job_status", args=[job.pk])}"' in page
    assert "/static/mdo/jobs.js" in page and "<script>" not in page and "style=" not in page
    assert client.get(reverse("job_status", args=[job.pk])).json() == {
        "status": "queued",
        "status_label": "En attente",
        "done": 0,
        "total": 0,
        "percent": 0,
        "finished": False,
    }
    # While it runs, the figure comes from the queue's storage (the import's writes are not yet committed).
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    HUEY.put(f"job-progress-{job.pk}", (100, 250))
    state = client.get(reverse("job_status", args=[job.pk])).json()
    assert (state["status"], state["done"], state["total"], state["percent"]) == ("running", 100, 250, 40)
    assert "100 sur 250" in client.get(job.get_absolute_url()).content.decode()
    HUEY.get(f"job-progress-{job.pk}")


def test_the_import_job_reports_its_rows_and_ends_with_the_summary(
    client, mdo_officer, django_capture_on_commit_callbacks
):
    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = _import(client, VOTES.encode())
    job = Job.objects.get()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 250, 250)
    assert job.result["title"] == "Import terminé" and "Projets créés : 250" in job.result["lines"]
    assert client.get(reverse("job_status", args=[job.pk])).json()["percent"] == 100
    page = client.get(response.url).content.decode()
    assert "Projets créés : 250" in page and "Traitement en cours" not in page
    assert Project.objects.count() == 250


def test_a_refused_import_writes_nothing_and_its_page_lists_the_lines(
    client, mdo_officer, django_capture_on_commit_callbacks
):
    content = VOTES + "P7;Doublon;12;3;0\nP999;Sans coût;abc;3;0\n"
    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = _import(client, content.encode())
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.error.startswith("Rien n'a été importé : ")
    assert any(error.startswith("ligne 253") for error in job.result["errors"]), job.result["errors"]
    page = client.get(response.url).content.decode()
    assert "ligne 253" in page and "Corriger et relancer l&#x27;import" in page
    assert not Project.objects.exists()


def test_a_job_whose_file_is_gone_says_why_in_french(mdo_officer, django_capture_on_commit_callbacks):
    params = {"path": "imports/absent.csv", "filename": "v.csv", "edition_name": "BP", "dry_run": False}
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_start(
            kind=VOTE_IMPORT, label="Import", params={**params, "winners_by_rule": None}, by=mdo_officer
        )
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "Le fichier à importer n'est plus conservé : choisissez-le à nouveau."


def test_a_job_is_its_owners_alone(client, mdo_officer, other_mdo_officer, django_capture_on_commit_callbacks):
    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        _import(client, VOTES.encode())
    job = Job.objects.get()
    # Another officer, who may import votes too, gets the 404 of a job that does not exist.
    client.force_login(other_mdo_officer)
    for name in ("job_detail", "job_status", "job_download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name


def test_the_job_page_reads_a_constant_number_of_queries(
    client, mdo_officer, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        _import(client, VOTES.encode())
    url = Job.objects.get().get_absolute_url()
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == 200


def test_results_are_removed_once_kept_long_enough(mdo_officer, django_capture_on_commit_callbacks, settings):
    from indicators.jobs import ANNUAL_REPORT

    with django_capture_on_commit_callbacks(execute=True):
        report = jobs.job_start(kind=ANNUAL_REPORT, label="Bilan", params={}, by=mdo_officer)
    report.refresh_from_db()
    path = report.file.path
    assert report.status == JobStatus.DONE and Path(path).read_bytes()[:5] == b"%PDF-"
    with time_machine.travel(timezone.now() + jobs.KEEP_FOR - datetime.timedelta(minutes=1)):
        assert jobs.purge_expired() == 0
    with time_machine.travel(timezone.now() + jobs.KEEP_FOR + datetime.timedelta(minutes=1)):
        from mdo.tasks import purge_expired_jobs

        purge_expired_jobs.call_local()
    assert not Job.objects.exists()
    assert not Path(path).exists()


# --- the notification of a job's end ------------------------------------------------------------


def test_the_owner_is_notified_when_a_job_ends_with_a_link_to_its_page(
    client, mdo_officer, other_mdo_officer, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    client.force_login(mdo_officer)
    with django_capture_on_commit_callbacks(execute=True):
        _import(client, VOTES.encode())
    job = Job.objects.get()
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.url) == (mdo_officer, "job", job.get_absolute_url())
    assert notification.verb == "Votre traitement est terminé" and notification.target_label == job.label
    assert notification.read_at is None and not notification.emailed
    page = client.get(reverse("notifications:list")).content.decode()
    assert f'href="{job.get_absolute_url()}"' in page and "Votre traitement est terminé" in page
    client.force_login(other_mdo_officer)
    assert f'href="{job.get_absolute_url()}"' not in client.get(reverse("notifications:list")).content.decode()


def test_a_failed_job_notifies_its_reason_and_a_file_says_it_is_ready(mdo_officer, django_capture_on_commit_callbacks):
    from indicators.jobs import ANNUAL_REPORT
    from notifications.models import Notification

    params = {"path": "imports/absent.csv", "filename": "v.csv", "edition_name": "BP", "dry_run": False}
    with django_capture_on_commit_callbacks(execute=True):
        failed = jobs.job_start(
            kind=VOTE_IMPORT, label="Import", params={**params, "winners_by_rule": None}, by=mdo_officer
        )
        report = jobs.job_start(kind=ANNUAL_REPORT, label="Bilan", params={}, by=mdo_officer)
    verbs = dict(Notification.objects.values_list("url", "verb"))
    assert verbs == {
        failed.get_absolute_url(): "Votre traitement a échoué : Le fichier à importer n'est plus conservé : "
        "choisissez-le à nouveau.",
        report.get_absolute_url(): "Votre fichier est prêt à télécharger",
    }


def test_a_job_end_is_mailed_to_who_chose_it(mdo_officer, mailoutbox, django_capture_on_commit_callbacks):
    from indicators.jobs import ANNUAL_REPORT
    from notifications.models import NotificationPreference

    NotificationPreference.objects.create(user=mdo_officer, kind="job", channel="email")
    with django_capture_on_commit_callbacks(execute=True):
        report = jobs.job_start(kind=ANNUAL_REPORT, label="Bilan annuel", params={}, by=mdo_officer)
    [message] = mailoutbox
    assert (
        message.to == [mdo_officer.email] and message.subject == "[MDO Pilotage] Votre fichier est prêt à télécharger"
    )
    assert report.get_absolute_url() in message.body and "Bilan annuel" in message.body


@pytest.mark.django_db(transaction=True)
def test_the_notification_is_written_in_the_transaction_of_the_jobs_end(mdo_officer):
    """The job's final save and its notification share one transaction: never one without the other."""
    from django.db import connection

    from indicators.jobs import ANNUAL_REPORT

    job = jobs.job_start(kind=ANNUAL_REPORT, label="Bilan", params={}, by=mdo_officer)  # autocommit: runs at once
    Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
    writes = []

    def record(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(("UPDATE", "INSERT")):
            outer = connection.atomic_blocks[0] if connection.in_atomic_block else None
            writes.append((sql.split('"')[1], outer))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        jobs.run(job.pk)
    final = [outer for table, outer in writes if table == "mdo_job"][-1]
    notification = [outer for table, outer in writes if table == "notifications_notification"]
    assert final is not None and notification == [final]
