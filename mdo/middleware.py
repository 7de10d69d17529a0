"""Response headers that keep what a signed-in user sees out of shared caches and browser features."""

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
