import logging
import secrets
import sys

from django.conf import settings
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.db.models import Case, Count, When
from django.http import Http404, HttpResponse, HttpResponseNotFound, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mdo import access, directory, health, jobs
from mdo import help as help_pages
from mdo.filters import OrganisationFilter
from mdo.history import history_rows
from mdo.listing import ScopedTableView
from mdo.models import Job, JobStatus, Neighbourhood, Organisation, User
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
    logger.error(
        "Erreur %s, référence %s, sur %s %s",
        "503" if unavailable else "500",
        reference,
        request.method,
        request.path,
        exc_info=error is not None,
    )
    template = "503.html" if unavailable else "500.html"
    try:
        html = loader.render_to_string(template, {"reference": reference, "admins_notified": bool(settings.ADMINS)})
    except Exception:  # the page itself cannot be drawn (static files missing…): the words still reach the user
        logger.exception("Page d'erreur %s impossible à afficher", template)
        html = (
            f'<!DOCTYPE html><html lang="fr"><title>Erreur</title><h1>Une erreur est survenue</h1>'
            f"<p>Référence à transmettre au support : {reference}</p></html>"
        )
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
        return (
            super()
            .get_queryset()
            .annotate(member_count=Count("members"), kind_rank=kind_rank)
            .order_by("kind_rank", "district", "name")
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
        {
            "person": person,
            "history": history_rows(person) if show_history else None,
            "sections": [html for section in registry.profile_sections if (html := section.render(request, person))],
        },
    )


# --- sign-in -----------------------------------------------------------------------------


def no_role_page(request):
    """Shown instead of the app to an agent the directory knows but whose groups map to no role."""
    return render(request, "registration/no_role.html", status=403)


class CityLoginView(auth_views.LoginView):
    """The login page: the city's directory button when a provider is configured, then the password form."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs, oidc_enabled=directory.oidc_enabled(), ldap_enabled=bool(settings.AUTH_LDAP_SERVER_URI)
        )

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


# --- finding -----------------------------------------------------------------------------

SEARCH_LIMIT = 10
PICKER_LIMIT = 30


@require_GET
def search(request):
    """« Rechercher »: every registered kind of record, each in the user's scope, a few of each."""
    query = request.GET.get("q", "").strip()[:200]
    groups = []
    if query:
        for source in registry.search:
            results = list(source.search(request.user, query, SEARCH_LIMIT + 1))
            if results:
                groups.append(
                    {
                        "key": source.key,
                        "label": source.label,
                        "results": results[:SEARCH_LIMIT],
                        "more": len(results) > SEARCH_LIMIT,
                    }
                )
    return render(
        request,
        "mdo/search.html",
        {
            "query": query,
            "groups": groups,
            "too_short": bool(query) and len(query) < 2,
            "breadcrumbs": [("Rechercher", None)],
        },
    )


@require_GET
def picker_options(request, kind: str):
    """The JSON choices of a type-ahead picker, in the user's scope (the form checks the same scope)."""
    source = registry.pickers.get(kind)
    if source is None:
        return JsonResponse({"error": "Liste de choix inconnue."}, status=404)
    query = request.GET.get("q", "").strip()[:200]
    params = {key: value for key, value in request.GET.items() if key != "q"}
    options = source.options(request.user, query, PICKER_LIMIT, params)
    return JsonResponse({"results": [option.as_json() for option in options]})


# --- long work run by the task queue --------------------------------------------------------------


def _own_job_or_404(request, pk: int) -> Job:
    # A job is its owner's alone (an import's outcome, an export of what they may see): anyone else
    # gets the same 404 as for a job that does not exist.
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Job, pk=pk, owner=request.user)


def _job_state(job: Job) -> dict:
    done, total = jobs.progress_of(job)
    percent = 100 if job.status == JobStatus.DONE else (min(100, done * 100 // total) if total else 0)
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "done": done,
        "total": total,
        "percent": percent,
        "finished": job.finished,
    }


@require_GET
def job_detail(request, pk: int):
    job = _own_job_or_404(request, pk)
    return render(
        request,
        "mdo/job_detail.html",
        {"job": job, "state": _job_state(job), "breadcrumbs": [(_("Traitements"), None), (job.label, None)]},
    )


@never_cache
@require_GET
def job_status(request, pk: int):
    """What the job page's script polls: the state and the percentage, as JSON."""
    return JsonResponse(_job_state(_own_job_or_404(request, pk)))


@require_GET
def job_download(request, pk: int):
    from django.http import FileResponse, Http404

    job = _own_job_or_404(request, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404("Aucun fichier pour ce traitement (pas encore prêt, ou plus conservé).")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404("Le fichier de ce traitement n'est plus conservé.") from None
    return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=job.content_type)


@require_GET
def help_index(request):
    """« Aide »: the sections of the app, each with its page, and the glossary."""
    return render(request, "mdo/aide/index.html", {"sections": help_pages.SECTIONS, "breadcrumbs": [(_("Aide"), None)]})


@require_GET
def help_section(request, slug: str):
    """What a section is for, its usual steps, and what each role may do there (read from the policy table)."""
    section = help_pages.section(slug)
    if section is None:
        raise Http404("Cette rubrique de l'aide n'existe pas.")
    return render(
        request,
        "mdo/aide/section.html",
        {
            "section": section,
            # The reader's own roles first: theirs is the list they came for.
            "rights": sorted(
                help_pages.rights_by_role(section), key=lambda rights: rights.role not in request.user.roles
            ),
            "breadcrumbs": [(_("Aide"), reverse("help_index")), (section.title, None)],
        },
    )


@require_GET
def help_glossary(request):
    return render(
        request,
        "mdo/aide/glossary.html",
        {"terms": help_pages.GLOSSARY, "breadcrumbs": [(_("Aide"), reverse("help_index")), (_("Glossaire"), None)]},
    )
