"""Writing notifications: who is told, only of what they may see, by the channel they chose."""

import re
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mdo import access
from mdo.enums import Role
from mdo.fields import one_line
from notifications.enums import DEFAULT_CHANNELS, Channel, NotificationKind
from notifications.models import Notification, NotificationPreference, ProjectFollow

MENTION = re.compile(r"(?<![\w.@])@([\w.\-]+[\w])")


def channel_for(user, kind: str, known: dict | None = None) -> str:
    if known is not None:
        return known.get((user.pk, kind)) or DEFAULT_CHANNELS[kind]
    chosen = NotificationPreference.objects.filter(user=user, kind=kind).values_list("channel", flat=True).first()
    return chosen or DEFAULT_CHANNELS[kind]


def notify(
    *, recipients: Iterable, kind: str, verb: str, target=None, url: str = "", actor=None, target_label: str = ""
) -> list[Notification]:
    """Notify each recipient who may see ``target``, except the actor.

    Side effects: one ``Notification`` row per recipient; an e-mail at once to those who chose it
    (their preference for ``kind``), as a row of the outbox. Both are written on the caller's
    connection, so in the transaction of the change being told: only the e-mail's delivery waits for
    its commit."""
    seen: set[int] = set()
    people = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active or (actor is not None and user.pk == actor.pk):
            continue
        seen.add(user.pk)
        if target is not None and not access.can_view(user, target):
            continue  # nobody hears of what they may not see
        people.append(user)
    if not people:
        return []
    url = url or (target.get_absolute_url() if target is not None and hasattr(target, "get_absolute_url") else "")
    label = target_label or (str(target) if target is not None else "")
    content_type = ContentType.objects.get_for_model(target) if target is not None else None
    created = []
    with transaction.atomic():
        for user in people:
            by_email = channel_for(user, kind) == Channel.EMAIL and bool(user.email)
            created.append(
                Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    verb=verb[:300],
                    target_type=content_type,
                    target_id=target.pk if target is not None else None,
                    target_label=label[:300],
                    url=url,
                    actor=actor,
                    emailed=by_email,
                )
            )
            if by_email:
                send_mail(
                    subject=one_line(f"[MDO Pilotage] {verb}")[:200],
                    message=_email_body(verb, label, url, actor),
                    from_email=None,
                    recipient_list=[user.email],
                )
    return created


def _email_body(verb: str, label: str, url: str, actor) -> str:
    lines = ["Bonjour,", "", verb + (f" — {label}" if label else "") + "."]
    if actor is not None:
        lines.append(f"Par : {actor.get_full_name() or actor.username}")
    if url:
        lines += ["", settings.SITE_URL + url]
    lines += ["", "Vos préférences de notification se règlent sur votre profil.", "", "— MDO Pilotage"]
    return "\n".join(lines)


def mentioned_users(text: str):
    from mdo.models import User

    names = {name.rstrip(".") for name in MENTION.findall(text or "")}
    if not names:
        return User.objects.none()
    return User.objects.filter(username__in=names, is_active=True)


def notify_mentions(*, text: str, target, url: str, actor, where: str) -> list[Notification]:
    who = (actor.get_full_name() or actor.username) if actor else "Quelqu'un"
    return notify(
        recipients=mentioned_users(text),
        kind=NotificationKind.MENTION,
        verb=f"{who} vous a mentionné·e dans {where}",
        target=target,
        url=url,
        actor=actor,
    )


def mark_read(*, user, pk: int | None = None) -> int:
    """Mark one notification of ``user`` (or all of them) as read; returns how many changed."""
    rows = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        rows = rows.filter(pk=pk)
    return rows.update(read_at=timezone.now())


def set_preferences(*, user, channels: dict[str, str]) -> None:
    with transaction.atomic():
        for kind, channel in channels.items():
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"channel": channel})


# --- following projects ----------------------------------------------------------------------


def default_followers(project):
    """The officer and the lead directorate's agents follow a project without asking."""
    from mdo.models import User

    users = User.objects.filter(is_active=True)
    condition = None
    if project.officer_id:
        condition = Q(pk=project.officer_id)
    if project.lead_directorate_id:
        lead = Q(organisation_id=project.lead_directorate_id, groups__role_key__code=Role.DIRECTORATE_AGENT)
        condition = lead if condition is None else condition | lead
    return users.filter(condition).distinct() if condition is not None else users.none()


def project_followers(project) -> list:
    from mdo.models import User

    choices = dict(ProjectFollow.objects.filter(project=project).values_list("user_id", "following"))
    ids = {user.pk for user in default_followers(project) if choices.get(user.pk, True)}
    ids |= {user_id for user_id, following in choices.items() if following}
    return list(User.objects.filter(pk__in=ids, is_active=True))


def following_choice(*, user):
    """The user's own choice on a project (True, False, or None when they made none): a subquery on
    ``OuterRef("pk")`` that the project page's query carries (``is_following`` then asks nothing)."""
    from django.db.models import OuterRef, Subquery

    choices = ProjectFollow.objects.filter(user=user, project=OuterRef("pk")).order_by("pk").values("following")
    return Subquery(choices[:1])


def is_following(*, user, project) -> bool:
    if hasattr(project, "notifications_following"):
        choice = project.notifications_following
    else:
        choice = ProjectFollow.objects.filter(user=user, project=project).values_list("following", flat=True).first()
    if choice is not None:
        return choice
    # The rule of ``default_followers``, on the user at hand (its roles are already read for the page).
    return project.officer_id == user.pk or bool(
        project.lead_directorate_id
        and user.organisation_id == project.lead_directorate_id
        and user.has_role(Role.DIRECTORATE_AGENT)
    )


def project_follow_set(*, user, project, following: bool) -> ProjectFollow:
    follow, _created = ProjectFollow.objects.update_or_create(
        user=user, project=project, defaults={"following": following}
    )
    return follow
