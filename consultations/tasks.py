"""The partners' reviews of a questionnaire, in « Mes tâches »."""

from django.urls import reverse

from consultations.enums import VersionStatus
from consultations.models import ReviewRequest
from mdo import policy
from mdo.registry import TaskItem


def open_reviews(user):
    if not policy.allows(user, "review", "consultations.consultation") or user.organisation_id is None:
        return ReviewRequest.objects.none()
    return ReviewRequest.objects.filter(
        organisation_id=user.organisation_id, answered_at__isnull=True, version__status=VersionStatus.IN_REVIEW
    )


def review_task_count(user) -> int:
    return open_reviews(user).count()


def review_task_items(user) -> list[TaskItem]:
    items = []
    for review in open_reviews(user).select_related("version__consultation"):
        consultation = review.version.consultation
        items.append(
            TaskItem(
                title=f"Relire le questionnaire (version {review.version.number}) : {consultation}",
                url=reverse("consultations:version", args=[consultation.pk, review.version.number]),
                created=review.created_at,
                kind="Relecture de questionnaire",
                due=review.due_on,
                assigned_to_me=True,
            )
        )
    return items
