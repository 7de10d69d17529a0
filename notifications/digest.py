"""The daily digest: one French e-mail each morning per user who chose it for at least one kind."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from mdo import access
from mdo.models import User
from notifications.enums import DEFAULT_CHANNELS, Channel, NotificationKind
from notifications.models import Notification, NotificationPreference
from notifications.reminders import all_dues


def _digest_kinds_by_user() -> dict[int, set[str]]:
    """The kinds each active user reads in the digest (their choice, else the default)."""
    chosen = defaultdict(dict)
    for user_id, kind, channel in NotificationPreference.objects.values_list("user_id", "kind", "channel"):
        chosen[user_id][kind] = channel
    default_digest = {kind for kind, channel in DEFAULT_CHANNELS.items() if channel == Channel.DIGEST}
    result = {}
    for user_id in User.objects.filter(is_active=True).exclude(email="").values_list("pk", flat=True):
        kinds = {
            kind for kind in NotificationKind if chosen[user_id].get(kind, DEFAULT_CHANNELS[kind]) == Channel.DIGEST
        }
        kinds |= default_digest - set(chosen[user_id])
        if kinds:
            result[user_id] = kinds
    return result


def digest_content(*, user, kinds: set[str], today: datetime.date, dues: list) -> dict:
    start = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=1), datetime.time.min))
    end = start + datetime.timedelta(days=1)
    due_today, overdue = [], []
    if NotificationKind.REMINDER in kinds:
        for due in dues:
            if not any(r is not None and r.pk == user.pk for r in due.recipients):
                continue
            if due.target is not None and not access.can_view(user, due.target):
                continue
            if due.due_on == today:
                due_today.append(due)
            elif due.due_on < today:
                overdue.append(due)
    events = list(
        Notification.objects.filter(
            recipient=user, created__gte=start, created__lt=end, kind__in=kinds - {NotificationKind.REMINDER}
        )
        .select_related("actor")
        .order_by("created", "pk")
    )
    return {
        "person": user,
        "today": today,
        "yesterday": today - datetime.timedelta(days=1),
        "due_today": due_today,
        "overdue": sorted(overdue, key=lambda d: d.due_on),
        "events": events,
        "site_url": settings.SITE_URL,
    }


def send_daily_digests(*, now: datetime.datetime | None = None) -> int:
    """Send each morning's digests; returns how many e-mails went out.

    Side effects: one e-mail per user with something in their digest; the notifications it
    carries are marked as e-mailed."""
    today = timezone.localdate(now) if now else timezone.localdate()
    kinds_by_user = _digest_kinds_by_user()
    if not kinds_by_user:
        return 0
    dues = list(all_dues(today))
    sent = 0
    for user in User.objects.filter(pk__in=kinds_by_user).order_by("pk"):
        context = digest_content(user=user, kinds=kinds_by_user[user.pk], today=today, dues=dues)
        if not (context["due_today"] or context["overdue"] or context["events"]):
            continue
        send_mail(
            subject=f"[MDO Pilotage] Votre récapitulatif du {today:%d/%m/%Y}",
            message=render_to_string("notifications/digest_email.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
        Notification.objects.filter(pk__in=[n.pk for n in context["events"]]).update(emailed=True)
        sent += 1
    return sent
