"""Who sees a meeting: MDO staff and directors all; others the meetings they organise or are
invited to (personally or through their organisation), and those their organisation organises."""

from django.db.models import Q

from mdo import access, policy


def _involvement(user) -> Q:
    condition = Q(organiser=user) | Q(attendees__user=user)
    if user.organisation_id:
        condition |= Q(invited_organisations=user.organisation_id) | Q(organisation=user.organisation_id)
    return condition


def meeting_scope(user, queryset):
    if access.sees_everything(user):
        return queryset
    from meetings.models import Meeting

    # A subquery rather than DISTINCT: the joins on attendees and organisations multiply rows.
    return queryset.filter(pk__in=Meeting.objects.filter(_involvement(user)).values("pk"))


def meeting_can_change(user, meeting) -> bool:
    return policy.allows(user, "change", meeting)


def _visible_meetings(user):
    from meetings.models import Meeting

    return access.visible(user, Meeting).values("pk")


def child_scope(user, queryset):
    """Agenda items, attendees, minutes and decisions follow their meeting."""
    if access.sees_everything(user):
        return queryset
    return queryset.filter(meeting__in=_visible_meetings(user))


def child_can_change(user, obj) -> bool:
    return meeting_can_change(user, obj.meeting)


def action_scope(user, queryset):
    """An action is seen with its meeting, and always by its owner."""
    if access.sees_everything(user):
        return queryset
    return queryset.filter(Q(meeting__in=_visible_meetings(user)) | Q(owner=user))


def action_can_change(user, action) -> bool:
    return meeting_can_change(user, action.meeting) or action.owner_id == user.pk


def comment_scope(user, queryset):
    """Review comments follow the meeting of their minutes."""
    if access.sees_everything(user):
        return queryset
    return queryset.filter(minutes__meeting__in=_visible_meetings(user))


def series_scope(user, queryset):
    if access.sees_everything(user):
        return queryset
    return queryset.filter(occurrences__in=_visible_meetings(user)).distinct()


def register_policies() -> None:
    from meetings.models import (
        ActionItem,
        AgendaItem,
        Attendee,
        Decision,
        Meeting,
        MeetingSeries,
        Minutes,
        MinutesComment,
    )

    access.register(Meeting, scope=meeting_scope, can_change=meeting_can_change)
    access.register(
        MeetingSeries, scope=series_scope, can_change=lambda user, series: policy.allows(user, "change", series)
    )
    for model in (AgendaItem, Attendee, Minutes, Decision):
        access.register(model, scope=child_scope, can_change=child_can_change)
    access.register(ActionItem, scope=action_scope, can_change=action_can_change)
    access.register(
        MinutesComment, scope=comment_scope, can_change=lambda user, comment: policy.allows(user, "change", comment)
    )
