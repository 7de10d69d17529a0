"""Meetings for the tests, built through the services so that they look like real ones."""

import datetime as dt

from meetings import services
from meetings.enums import MeetingKind
from meetings.ical import PARIS
from meetings.models import Meeting


def paris(year, month, day, hour=10, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=PARIS)


def make_meeting(
    organiser,
    *,
    start=None,
    hours=2,
    title="COPIL Budget participatif",
    kind=MeetingKind.COPIL,
    users=(),
    organisations=(),
    guests=(),
    agenda=(),
    place="Hôtel de Ville, salle Henri IV",
) -> Meeting:
    start = start or paris(2026, 12, 8, 14)
    meeting = services.meeting_create(
        by=organiser,
        kind=kind,
        title=title,
        start=start,
        end=start + dt.timedelta(hours=hours),
        place=place,
        users=users,
        organisations=organisations,
        guests=guests,
        # Created with its agenda, as the one-page form does: the first invitation already carries it.
        agenda=[(title_, 15) for title_ in agenda],
    )
    return meeting


def make_series(
    organiser,
    *,
    first_start=None,
    count=6,
    rrule="FREQ=MONTHLY;INTERVAL=2",
    users=(),
    organisations=(),
    title="Réunion bimestrielle du réseau",
):
    return services.series_create(
        by=organiser,
        kind=MeetingKind.NETWORK,
        title=title,
        first_start=first_start or paris(2026, 1, 13, 9, 30),
        duration_minutes=150,
        rrule=rrule,
        count=count,
        place="Hôtel de Ville",
        users=users,
        organisations=organisations,
    )
