from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST, require_safe

from mdo import access
from notifications import selectors, services
from notifications.enums import NotificationKind
from notifications.forms import PreferencesForm
from notifications.models import Notification, NotificationPreference
from projects.models import Project

PAGE_SIZE = 30


@require_safe
def notification_list(request):
    only_unread = request.GET.get("non_lues") == "1"
    rows = selectors.notifications_for(user=request.user)
    if only_unread:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "notifications": list(page.object_list),
            "only_unread": only_unread,
            "breadcrumbs": [("Notifications", None)],
        },
    )


@require_POST
def notification_read(request, pk: int):
    notification = access.get_visible_or_404(request.user, Notification, pk=pk)
    services.mark_read(user=request.user, pk=notification.pk)
    return redirect("notifications:list")


@require_POST
def notification_read_all(request):
    changed = services.mark_read(user=request.user)
    messages.success(request, f"{changed} notification(s) marquée(s) comme lue(s).")
    return redirect("notifications:list")


# --- following a project ------------------------------------------------------------------------


def follow_section(request, project) -> str:
    """The project page's « Suivre ce projet » / « Ne plus suivre » button."""
    following = services.is_following(user=request.user, project=project)
    return render_to_string("notifications/_follow.html", {"project": project, "following": following}, request=request)


@require_POST
def project_follow(request, pk: int):
    project = access.get_visible_or_404(request.user, Project, pk=pk)
    following = request.POST.get("follow") == "1"
    services.project_follow_set(user=request.user, project=project, following=following)
    messages.success(request, "Vous suivez ce projet." if following else "Vous ne suivez plus ce projet.")
    return redirect(project)


# --- preferences (on the profile page) ------------------------------------------------------------


def _current(user) -> dict[str, str]:
    return dict(NotificationPreference.objects.filter(user=user).values_list("kind", "channel"))


def preferences_section(request, person) -> str:
    if person.pk != request.user.pk:
        return ""
    form = PreferencesForm(current=_current(person))
    return render_to_string("notifications/_preferences.html", {"form": form}, request=request)


def preferences(request):
    """The form of the profile page, also served alone so that an error can be shown at its field."""
    form = PreferencesForm(request.POST or None, current=_current(request.user))
    if request.method == "POST":
        if form.is_valid():
            services.set_preferences(
                user=request.user, channels={kind: form.cleaned_data[kind] for kind in NotificationKind}
            )
            messages.success(request, "Préférences de notification enregistrées.")
            return redirect(request.user.get_absolute_url())
        return render(
            request,
            "notifications/preferences.html",
            {
                "form": form,
                "breadcrumbs": [("Mon profil", request.user.get_absolute_url()), ("Préférences de notification", None)],
            },
            status=400,
        )
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "breadcrumbs": [("Mon profil", request.user.get_absolute_url()), ("Préférences de notification", None)],
        },
    )
