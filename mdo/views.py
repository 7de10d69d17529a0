from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Case, Count, When
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mdo import access, directory
from mdo.filters import OrganisationFilter
from mdo.history import history_rows
from mdo.listing import ScopedTableView
from mdo.models import Neighbourhood, Organisation, User
from mdo.registry import registry
from mdo.tables import OrganisationTable


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """Liveness for the load balancer: 200 when the database answers, 503 naming the part that failed."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def dashboard(request):
    panels = [html for panel in registry.panels if (html := panel.render(request))]
    return render(request, "mdo/dashboard.html", {"panels": panels})


def tasks(request):
    """« Mes tâches »: the tasks of every registered flow that the user may take, oldest first."""
    items = [item for source in registry.tasks for item in source.items(request.user)]
    items.sort(key=lambda item: item.created)
    return render(request, "mdo/tasks.html", {"items": items, "breadcrumbs": [("Mes tâches", None)]})


class OrganisationListView(ScopedTableView):
    model = Organisation
    table_class = OrganisationTable
    filterset_class = OrganisationFilter
    export_name = "organisations"
    title = _("Organisations")
    breadcrumbs = [(_("Organisations"), None)]

    def get_queryset(self):
        # The MDO first, then the town halls by district, then the directorates.
        kind_rank = Case(When(kind="mdo", then=0), When(kind="town_hall", then=1), default=2)
        return super().get_queryset().annotate(member_count=Count("members"), kind_rank=kind_rank).order_by(
            "kind_rank", "district", "name"
        )


def organisation_detail(request, pk: int):
    organisation = access.get_visible_or_404(request.user, Organisation, pk=pk)
    members = organisation.members.filter(is_active=True).order_by("last_name", "first_name")[:200]
    return render(
        request,
        "mdo/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "history": history_rows(organisation),
        },
    )


def neighbourhood_detail(request, pk: int):
    neighbourhood = access.get_visible_or_404(request.user, Neighbourhood, pk=pk)
    town_hall = Organisation.objects.filter(kind="town_hall", district=neighbourhood.district).first()
    return render(
        request,
        "mdo/neighbourhood_detail.html",
        {"neighbourhood": neighbourhood, "town_hall": town_hall, "history": history_rows(neighbourhood)},
    )


def user_detail(request, pk: int):
    person = access.get_visible_or_404(request.user, User.objects.select_related("organisation"), pk=pk)
    # The history of an account (role changes, organisation moves) is for admins and the person.
    show_history = access.can_change(request.user, person)
    return render(
        request,
        "mdo/user_detail.html",
        {"person": person, "history": history_rows(person) if show_history else None},
    )


# --- sign-in -----------------------------------------------------------------------------

def no_role_page(request):
    """Shown instead of the app to an agent the directory knows but whose groups map to no role."""
    return render(request, "registration/no_role.html", status=403)


class CityLoginView(auth_views.LoginView):
    """The login page: the city's directory button when a provider is configured, then the password form."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, oidc_enabled=directory.oidc_enabled(),
                                        ldap_enabled=bool(settings.AUTH_LDAP_SERVER_URI))

    def form_valid(self, form):
        if directory.has_no_role(form.get_user()):
            return no_role_page(self.request)
        return super().form_valid(form)


@login_not_required
@require_POST
def logout(request):
    """Ends the session here, then at the identity provider when the agent came through it."""
    provider_url = directory.provider_logout_url(request)
    auth_logout(request)
    return redirect(provider_url or settings.LOGOUT_REDIRECT_URL)


@login_not_required
@require_GET
def sign_in_failed(request):
    return render(request, "registration/sign_in_failed.html", status=403)
