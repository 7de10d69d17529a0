"""What the meetings app shows on the dashboard and in « Mes tâches »."""

from django.template.loader import render_to_string
from django.urls import reverse

from mdo import access, policy
from mdo.registry import TaskItem
from meetings import selectors
from meetings.enums import ActionStatus, MinutesStatus
from meetings.models import Minutes


def upcoming_meetings_panel(request) -> str:
    meetings = selectors.upcoming_meetings_for(user=request.user, limit=5)
    return render_to_string("meetings/_panel_upcoming.html", {"meetings": meetings}, request=request)


def my_actions_panel(request) -> str:
    actions = list(selectors.my_actions(user=request.user).filter(status=ActionStatus.OPEN)[:8])
    if not actions:
        return ""  # an empty card among the others is noise; « Mes actions » stays in the Réunions pages
    return render_to_string("meetings/_panel_actions.html", {"actions": actions}, request=request)


def minutes_to_approve(user):
    if not policy.allows(user, "transition:approve", Minutes):
        return Minutes.objects.none()
    return access.visible(user, Minutes).filter(status=MinutesStatus.REVIEW)


def minutes_task_count(user) -> int:
    return minutes_to_approve(user).count()


def minutes_task_items(user) -> list[TaskItem]:
    return [
        TaskItem(
            title=f"Valider le compte rendu : {m.meeting}",
            url=reverse("meetings:detail", args=[m.meeting_id]),
            created=m.updated_at,
            kind="Validation de compte rendu",
            assigned_to_me=True,
        )
        for m in minutes_to_approve(user).select_related("meeting")
    ]


def project_meetings_section(request, project) -> str:
    """The project page's « Réunions »: meetings with a point about the project, and the decisions
    taken on it; nothing when the user sees none of them. Three queries."""
    upcoming, past = selectors.project_meetings(user=request.user, project=project)
    if not upcoming and not past:
        return ""
    return render_to_string(
        "meetings/_project_section.html",
        {
            "upcoming": upcoming,
            "past": past,
            "decisions": selectors.project_decisions(user=request.user, project=project),
        },
        request=request,
    )
