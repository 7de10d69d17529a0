"""Where a form sends the user back to: only a URL of this site, whatever ``next`` says."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, default: str) -> str:
    """The ``next`` parameter of the request when it points to this site, else ``default``.

    ``//evil.example/``, ``/\\evil.example`` and ``https://evil.example/`` all leave the site in a
    browser; Django's own check (the one the login view uses) refuses them.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site: "0" or "projects" would be taken by redirect() for a URL name.
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
