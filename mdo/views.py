import logging
import secrets
import sys

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.db.models import Case, Count, When
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mdo import access, directory, health
from mdo.filters import OrganisationFilter
from mdo.history import history_rows
from mdo.listing import ScopedTableView
from mdo.models import Neighbourhood, Organisation, User
from mdo.registry import registry
from mdo.tables import OrganisationTable

logger = logging.getLogger("mdo.errors")


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For the load balancer: 200 when every part a page needs works, 503 naming the parts that failed."""
    healthy, results = health.run_checks()
    return JsonResponse({"status": "ok" if healthy else "error", **results}, status=200 if healthy else 503)


def page_not_found(request, exception):
    """The French 404 page; it repeats the reason a view gave (never Django's English default)."""
    message = exception.args[0] if getattr(exception, "args", None) and isinstance(exception.args[0], str) else ""
    if message.startswith("No ") and message.endswith("matches the given query."):
        message = ""
    return HttpResponseNotFound(loader.render_to_string("404.html", {"message": message}, request))


def server_error(request):
    """The French 500 page, with a reference logged next to the traceback that the user can quote.

    A database that does not answer (down, unreachable) gives 503 "service unavailable" instead:
    nothing is wrong with what the user did, it will work again once the database is back. The
    page is rendered without the request's context processors, which would query the database.
    """
    error = sys.exc_info()[1]
    reference = secrets.token_hex(4).upper()
    unavailable = isinstance(error, (OperationalError, InterfaceError))
    logger.error("Erreur %s, référence %s, sur %s %s", "503" if unavailable else "500", reference,
                 request.method, request.path, exc_info=error is not None)
    template = "503.html" if unavailable else "500.html"
    try:
        html = loader.render_to_string(template, {"reference": reference, "admins_notified": bool(settings.ADMINS)})
    except Exception:  # the page itself cannot be drawn (static files missing…): the words still reach the user
        logger.exception("Page d'erreur %s impossible à afficher", template)
        html = (f"<!DOCTYPE html><html lang=\"fr\"><title>Erreur</title><h1>Une erreur est survenue</h1>"
                f"<p>Référence à transmettre au support : {reference}</p></html>")
    return HttpResponse(html, status=503 if unavailable else 500)


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
