"""Pages of the meetings app measured by ``manage.py bench`` on the large data set."""

from django.db.models import Count
from django.urls import reverse

from mdo.registry import register_bench


def _busiest_meeting_url() -> str:
    from meetings.models import Meeting

    meeting = Meeting.objects.annotate(n=Count("agenda_items")).order_by("-n", "pk").first()
    return reverse("meetings:detail", args=[meeting.pk])


def _busiest_feed_url() -> str:
    """The personal feed of the user invited to the most meetings."""
    from mdo.models import User
    from meetings.models import Attendee
    from meetings.selectors import calendar_token_for

    row = Attendee.objects.exclude(user=None).values("user").annotate(n=Count("pk")).order_by("-n").first()
    user = User.objects.get(pk=row["user"])
    return reverse("meetings:personal_feed", args=[calendar_token_for(user).token])


def register() -> None:
    register_bench(
        "Réunions : liste",
        lambda: reverse("meetings:index"),
        admin_url=lambda: reverse("admin:meetings_meeting_changelist"),
    )
    register_bench("Réunions : fiche d'une réunion", _busiest_meeting_url)
    register_bench("Réunions : flux personnel (.ics)", _busiest_feed_url)
    register_bench("Réunions : registre des décisions", lambda: reverse("meetings:decisions"))
