"""Milestones in the personal calendar feed: the due dates of the orders the user issued."""

import datetime

from django.conf import settings
from icalendar import Event

from mdo import access
from vendors.enums import MilestoneStatus
from vendors.models import Milestone


def milestone_uid(milestone: Milestone) -> str:
    return f"milestone-{milestone.pk}@mdo-pilotage"


def build_milestone_vevent(milestone: Milestone) -> Event:
    event = Event()
    event.add("uid", milestone_uid(milestone))
    event.add("dtstamp", milestone.created_at)
    event.add("dtstart", milestone.due_on)  # a DATE: an all-day event
    event.add("dtend", milestone.due_on + datetime.timedelta(days=1))
    event.add("summary", f"Échéance : {milestone.label} ({milestone.order.number})")
    event.add(
        "description",
        f"{milestone.contract.reference} — {milestone.contract.vendor.name}. "
        f"Statut : {milestone.get_status_display()}.",
    )
    event.add("url", settings.SITE_URL + milestone.get_absolute_url())
    event.add("transp", "TRANSPARENT")
    if milestone.status == MilestoneStatus.CERTIFIED:
        event.add("status", "CONFIRMED")
    return event


def milestone_events(user) -> list[Event]:
    """One all-day VEVENT per milestone of the orders ``user`` issued; one query whatever their number."""
    milestones = (
        access.visible(user, Milestone)
        .filter(order__issued_by=user)
        .select_related("order", "contract__vendor")
        .order_by("due_on", "pk")
    )
    return [build_milestone_vevent(milestone) for milestone in milestones]
