import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

PARIS = ZoneInfo("Europe/Paris")

#: The suite's reference day for reminders: every due date is set relative to it.
DAY = datetime.date(2027, 3, 10)


def morning(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(6, 30), tzinfo=PARIS)


@pytest.fixture
def clock():
    """The machine's clock pinned to the reference morning (records created now are dated then)."""
    with time_machine.travel(morning(DAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def run_on(clock, django_capture_on_commit_callbacks):
    """Run the day's reminders as if the clock read that morning (their e-mails leave the outbox on commit)."""
    from notifications.reminders import send_reminders

    def run(day: datetime.date) -> int:
        clock.move_to(morning(day))
        with django_capture_on_commit_callbacks(execute=True):
            return send_reminders(now=morning(day))

    return run
