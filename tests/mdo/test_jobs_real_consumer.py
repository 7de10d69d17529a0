"""A vote import queued by one process and run by a real Huey consumer (`manage.py run_huey`) on the
SQLite queue of the default set-up: the job ends done, with its rows counted and its projects written."""

import os
import sqlite3
import uuid

import pytest

from tests.outbox.test_real_consumer import manage, start_consumer, wait_for

pytestmark = [pytest.mark.real_consumer]


def test_a_real_consumer_runs_the_import_job_to_the_end(tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MDO_TEST", "PYTEST", "REDIS_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "mdo.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "MEDIA_ROOT": str(tmp_path / "media"),
            "HUEY_NAME": f"mdo-test-{uuid.uuid4().hex[:8]}",
            "HUEY_FILE": str(tmp_path / "huey.sqlite3"),
            "HUEY_WORKERS": "1",
            "LOG_LEVEL": "WARNING",
        }
    )
    manage(env, "migrate", "--no-input")
    rows = "".join(f"P{n};Projet {n};{100 + n};{n};{n % 2}\\n" for n in range(300))
    manage(
        env,
        "shell",
        "-c",
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "from mdo import jobs\nfrom mdo.models import User\n"
        "owner = User.objects.create(username='camille')\n"
        f"path = default_storage.save('imports/votes.csv', ContentFile('id;titre;coût;voix;selected\\n{rows}'.encode()))\n"
        "jobs.job_start(kind='projects.vote_import', label='Import', by=owner, params={'path': path, "
        "'filename': 'votes.csv', 'edition_name': 'BP', 'dry_run': False, 'winners_by_rule': None})\n",
    )

    def job_row():
        with sqlite3.connect(tmp_path / "db.sqlite3") as db:
            return db.execute("SELECT status, done, total, error FROM mdo_job").fetchone()

    assert job_row()[0] == "queued"  # nothing runs it in the process that queued it
    consumer = start_consumer(env)
    try:
        wait_for(lambda: job_row()[0] in ("done", "failed"), 120, "le traitement se termine")
    finally:
        consumer.terminate()
        consumer.wait(timeout=30)
    assert job_row() == ("done", 300, 300, "")
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM projects_project").fetchone() == (300,)
    assert not (tmp_path / "media" / "imports" / "votes.csv").exists()  # imported, so no longer kept
