"""The test cast and the suite's clock.

``MDO_TEST_NOW`` runs the whole suite as if the machine's clock read another moment (local time,
Europe/Paris): ``MDO_TEST_NOW=2027-03-28T01:55 make test``. The clock keeps ticking from there, so a
run started at 23:30 on 31 December crosses midnight and the new year while it runs. The live server
of the browser tests runs in the same process and sees the same clock.
"""

import os
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mdo.enums import Role
from tests.factories import directorate, make_user, mdo_organisation, town_hall

_travel = None


def pytest_configure(config):
    global _travel
    moment = os.environ.get("MDO_TEST_NOW", "").strip()
    if not moment:
        return
    import time_machine

    when = datetime.fromisoformat(moment)
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo("Europe/Paris"))
    _travel = time_machine.travel(when, tick=True)
    _travel.start()


def pytest_unconfigure(config):
    if _travel is not None:
        _travel.stop()


def pytest_report_header(config):
    moment = os.environ.get("MDO_TEST_NOW", "").strip()
    return f"horloge des tests : {moment or 'celle de la machine'}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite, the test database is a file of this test process (in RAM where the system offers it),
    not SQLite's in-memory database.

    Django shares an in-memory database's one connection between the test and the live server's
    request threads; two threads on one SQLite connection deadlock as soon as one of them is in a
    Python function of the query (the accent folding of the search, Django's date functions) while
    the other waits for the connection: a type-ahead picker sending a request per key did. With a
    file, each thread has its own connection, as the app has in production, and SQLite's locks order
    the writers."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
        database.setdefault("TEST", {})["NAME"] = str(folder / f"mdo-test-{os.getpid()}.sqlite3")


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Every e-mail goes through the outbox as in production; its delivery (after commit, by the task
    # queue in immediate mode) lands in Django's test mailbox instead of an SMTP server.
    settings.EMAIL_BACKEND = "outbox.backends.OutboxBackend"
    settings.OUTBOX_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The navigation badge is counted on each page (one query): a count kept from an earlier page of
    # the same test would make the pages' query counts depend on the order of the visits.
    settings.TASK_COUNT_CACHE_SECONDS = 0
    # Uploads kept for a job and the jobs' files land in the test's own directory, not the checkout's.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _task_queue_mode(request):
    """Queued work runs at once, in the test's own process and transaction (Huey's immediate mode),
    except in tests marked ``real_consumer``, which start a real consumer process on real storage."""
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = request.node.get_closest_marker("real_consumer") is None
    yield HUEY
    HUEY.immediate = previous


@pytest.fixture
def mdo_officer(db):
    return make_user(Role.MDO_OFFICER, mdo_organisation(), username="camille", first_name="Camille", last_name="Girard")


@pytest.fixture
def other_mdo_officer(db):
    return make_user(Role.MDO_OFFICER, mdo_organisation(), username="leo", first_name="Léo", last_name="Martin")


@pytest.fixture
def mdo_manager(db):
    return make_user(Role.MDO_MANAGER, mdo_organisation(), username="nadia", first_name="Nadia", last_name="Benali")


@pytest.fixture
def director(db):
    return make_user(Role.DIRECTOR, mdo_organisation(), username="helene", first_name="Hélène", last_name="Rousseau")


@pytest.fixture
def admin_user(db):
    return make_user(Role.ADMIN, mdo_organisation(), username="marc", is_staff=True, is_superuser=True)


@pytest.fixture
def town_hall_agent(db):
    """Agent of the 3rd district's town hall."""
    return make_user(Role.TOWN_HALL_AGENT, town_hall(3), username="julien", first_name="Julien", last_name="Moreau")


@pytest.fixture
def other_town_hall_agent(db):
    """Agent of the 5th district's town hall: out of scope of the 3rd's records."""
    return make_user(Role.TOWN_HALL_AGENT, town_hall(5), username="sophie", first_name="Sophie", last_name="Lambert")


@pytest.fixture
def directorate_agent(db):
    return make_user(Role.DIRECTORATE_AGENT, directorate("Direction des Espaces verts"), username="thomas")


@pytest.fixture
def outsider(db):
    """An agent of a directorate that leads and reviews nothing: sees no scoped record."""
    return make_user(Role.DIRECTORATE_AGENT, directorate("Direction des Sports"), username="olivier")


@pytest.fixture
def no_role_user(db):
    return make_user(None, None, username="sans.role")
