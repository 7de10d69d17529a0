"""The lifecycle of the minutes: draft → in review → approved → published.

Who may fire each transition is said here (``permission``) and checked by the views with
``transition.has_perm(user)``; calling a transition does not check it.
"""

from django.utils import timezone
from viewflow.fsm.base import State  # only the dual-licensed base, never fsm/views.py or viewset.py

from mdo import policy
from mdo.policy import permission_for
from meetings.enums import MinutesStatus


def _minutes(flow):
    return flow.minutes


class MinutesLifecycle:
    status = State(MinutesStatus, default=MinutesStatus.DRAFT)

    def __init__(self, minutes):
        self.minutes = minutes

    @status.getter()
    def _get_status(self):
        return self.minutes.status

    @status.setter()
    def _set_status(self, value):
        self.minutes.status = value

    @status.transition(
        source=MinutesStatus.DRAFT,
        target=MinutesStatus.REVIEW,
        label="Soumettre à la relecture",
        permission=permission_for("meetings.minutes", "transition:submit", _minutes),
    )
    def submit(self):
        self.minutes.save(update_fields=["status", "updated_at"])

    @status.transition(
        source=MinutesStatus.REVIEW,
        target=MinutesStatus.DRAFT,
        label="Repasser en brouillon",
        permission=permission_for("meetings.minutes", "transition:reopen", _minutes),
    )
    def reopen(self):
        self.minutes.save(update_fields=["status", "updated_at"])

    @status.transition(
        source=MinutesStatus.REVIEW,
        target=MinutesStatus.APPROVED,
        label="Valider",
        permission=permission_for("meetings.minutes", "transition:approve", _minutes),
    )
    def approve(self, *, by):
        self.minutes.approved_by = by
        self.minutes.approved_at = timezone.now()
        self.minutes.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])

    @status.transition(
        source=MinutesStatus.APPROVED,
        target=MinutesStatus.PUBLISHED,
        label="Diffuser aux participant·e·s",
        permission=permission_for("meetings.minutes", "transition:publish", _minutes),
    )
    def publish(self):
        self.minutes.published_at = timezone.now()
        self.minutes.save(update_fields=["status", "published_at", "updated_at"])


def may_write(minutes, user) -> bool:
    return minutes.status in (MinutesStatus.DRAFT, MinutesStatus.REVIEW) and policy.allows(user, "write", minutes)


def may_comment(minutes, user, *, is_attendee: bool) -> bool:
    """During the review, attendees and the minutes' writers comment."""
    return minutes.status == MinutesStatus.REVIEW and (is_attendee or policy.allows(user, "write", minutes))
