"""The core's jobs on the task queue: long work started by a user, and the clean-up of its results."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from mdo import jobs


@db_task()
def run_job(job_id: int) -> None:
    jobs.run(job_id)


@db_periodic_task(crontab(minute="17"))
def purge_expired_jobs() -> int:
    """Hourly: the results (files, import outcomes) kept past their time."""
    return jobs.purge_expired()
