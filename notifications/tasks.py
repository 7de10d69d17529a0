"""The periodic jobs of the notifications, run by the task engine's scheduler."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, lock_task

from notifications.digest import send_daily_digests
from notifications.reminders import send_reminders

PARIS = ZoneInfo("Europe/Paris")


def paris_crontab(**when):
    """``huey.crontab`` read on the city's clock: the scheduler hands UTC times (``HUEY["utc"]``), and
    6 h 30 in Paris is 5 h 30 UTC in winter but 4 h 30 in summer."""
    matches = crontab(**when)

    def validate(timestamp: datetime.datetime) -> bool:
        zone = datetime.UTC if HUEY.utc else PARIS
        local = timestamp.replace(tzinfo=zone).astimezone(PARIS).replace(tzinfo=None)
        return matches(local)

    return validate


# Before the working day starts, so that « Mes tâches » and the mail agree when agents arrive.
@db_periodic_task(paris_crontab(hour="6", minute="30"))
@lock_task("notifications-reminders")
def daily_reminders() -> int:
    return send_reminders(now=timezone.now())


# After the reminders, so that the digest lists what they found.
@db_periodic_task(paris_crontab(hour="7", minute="0"))
@lock_task("notifications-digest")
def daily_digest() -> int:
    return send_daily_digests(now=timezone.now())
