"""The outbox's jobs on the task queue: delivery after each commit, and a sweep every minute."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from outbox import delivery


@db_task()
def deliver_outbox(ids: list[int] | None = None) -> dict[str, int]:
    return delivery.deliver(ids)


@db_periodic_task(crontab(minute="*"))
def sweep_outbox() -> dict[str, int]:
    """Everything due: retries whose back-off has passed, rows a dead consumer held, rows never queued."""
    return delivery.deliver()
