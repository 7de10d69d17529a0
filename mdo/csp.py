"""The Content-Security-Policy middleware, with the city's sign-in provider allowed as a form target.

Signing out posts to the app, which redirects the browser to the provider's end-session page:
Chromium applies ``form-action`` to that redirect, so the provider's origin must be listed. It is
read from the settings at each response because the provider is configured by environment.
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def _origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None


class CityCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origins = {
            origin
            for origin in (
                _origin(getattr(settings, "OIDC_ISSUER", "")),
                _origin(getattr(settings, "OIDC_OP_END_SESSION_ENDPOINT", "")),
            )
            if origin
        }
        if not origins:
            return parts
        update = dict(parts.update or {})
        update["form-action"] = [*update.get("form-action", []), *sorted(origins)]
        return PolicyParts(parts.config, update, parts.replace, parts.nonce)
