"""Response headers that keep what a signed-in user sees out of shared caches and browser features."""

import contextvars

from django.conf import settings
from django.utils.cache import patch_cache_control


class PrivacyHeadersMiddleware:
    """``Permissions-Policy`` on every response; ``Cache-Control: private, no-store`` for a signed-in user.

    A page of the back office holds scoped data: neither a proxy nor the browser's history cache
    (back button after logging out on a shared computer) may keep it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if response.status_code >= 500:
            return response  # an error page holds no data; the user may be unreadable (database down)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class FrenchNotFoundMiddleware:
    """A record out of scope (``Http404`` raised by a view) shows the app's French page, DEBUG on or off.

    With DEBUG on, Django would answer its English technical page, listing the URL patterns: under
    ``make run`` an agent following a link to another district's project must read the same page as
    in production. An unknown address (no view at all) keeps Django's debug page for developers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.http import Http404

        if isinstance(exception, Http404) and settings.DEBUG:
            from mdo.views import page_not_found

            return page_not_found(request, exception)
        return None


_served_site = contextvars.ContextVar("served_site", default="")


def site_url() -> str:
    """The app's public address for links: ``SITE_URL``, or in development the host of the request being served."""
    return _served_site.get() or settings.SITE_URL


class ServedSiteMiddleware:
    """With ``SITE_URL_FOLLOWS_REQUEST`` (development), :func:`site_url` answers the request's own origin."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.SITE_URL_FOLLOWS_REQUEST:
            return self.get_response(request)
        token = _served_site.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _served_site.reset(token)


# Views a signed-in agent without a role still needs: to leave (logout), to read why a sign-in was
# refused, to manage a local password, and to come back through the city's provider once the
# administrator has mapped the groups (the mapping applies at the next sign-in). A staff account whose
# role was taken away still leaves the admin and changes its password there (the admin's own gate,
# ``is_staff``, still applies to these views).
NO_ROLE_EXEMPT_VIEWS = frozenset(
    {
        "login",
        "logout",
        "admin:logout",
        "admin:password_change",
        "admin:password_change_done",
        "sign_in_failed",
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "oidc_authentication_init",
        "oidc_authentication_callback",
    }
)


class NoRoleMiddleware:
    """A signed-in agent whose directory groups map to no role reads the no-role page (403) everywhere.

    Without it every list would be empty and every action refused one by one, with no word of why.
    Placed right after ``LoginRequiredMiddleware``: the views it lets through unauthenticated
    (``login_not_required``: static files, health check, public feeds and open data) are public
    anyway and stay open.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from mdo import directory

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not getattr(view_func, "login_required", True):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in NO_ROLE_EXEMPT_VIEWS:
            return None
        if directory.has_no_role(user):
            from mdo.views import no_role_page

            return no_role_page(request)
        return None
