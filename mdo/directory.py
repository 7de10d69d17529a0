"""Sign-in through the city's directory: OpenID Connect, LDAP / Active Directory, and local passwords.

The directory says who an agent is and which groups they belong to; the administrator's
mapping (:class:`mdo.models.DirectoryRule`) turns those groups and attributes into roles and an
organisation. The mapping is applied at every sign-in, so a group removed in the directory takes
the role away at the next login. Agents whose groups map to no role are not let in: the sign-in
views show them the page that tells them to contact the administrator.
"""

import logging
from collections.abc import Iterable, Mapping
from functools import lru_cache

import jwt
import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django_auth_ldap.backend import LDAPBackend
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from mdo.enums import DirectorySource, Role

logger = logging.getLogger(__name__)


# --- the mapping -------------------------------------------------------------------------


def _lowered(values: Iterable[str]) -> set[str]:
    return {str(value).strip().lower() for value in values if str(value).strip()}


def directory_grants(*, groups: Iterable[str], attributes: Mapping[str, Iterable[str]]):
    """The roles and the organisation that the mapping gives to these groups and attributes.

    ``groups`` holds names and/or DNs; ``attributes`` maps attribute names to their values.
    When several lines give an organisation, a group's wins over an attribute's, then the
    first by value: the mapping stays predictable.
    """
    from mdo.models import DirectoryRule

    group_keys = _lowered(groups)
    attribute_keys = {name.lower(): _lowered(values) for name, values in attributes.items()}
    roles: set[str] = set()
    organisation = None
    for rule in DirectoryRule.objects.select_related("organisation").order_by("source", "value"):
        value = rule.value.strip().lower()
        if rule.source == DirectorySource.GROUP:
            matched = value in group_keys
        else:
            matched = value in attribute_keys.get(rule.attribute.strip().lower(), set())
        if not matched:
            continue
        if rule.role:
            roles.add(rule.role)
        if rule.organisation is not None and organisation is None:
            organisation = rule.organisation
    return roles, organisation


@transaction.atomic
def user_apply_directory(*, user, groups: Iterable[str], attributes: Mapping[str, Iterable[str]]):
    """Give ``user`` exactly the roles and organisation the mapping grants (at every directory sign-in).

    Side effects: replaces the user's role groups (other groups are kept), sets the organisation
    (none when nothing maps to one), sets ``is_staff`` for the administrator role, saves the user
    (a history entry when something changed).
    """
    from mdo.models import RoleKey

    roles, organisation = directory_grants(groups=groups, attributes=attributes)
    keyed = {key.code: key.group for key in RoleKey.objects.select_related("group")}
    current = set(user.groups.filter(role_key__isnull=False))
    wanted = {keyed[code] for code in roles if code in keyed}
    if current - wanted:
        user.groups.remove(*(current - wanted))
    if wanted - current:
        user.groups.add(*(wanted - current))
    is_staff = Role.ADMIN in roles or user.is_superuser
    if user.organisation_id != (organisation.pk if organisation else None) or user.is_staff != is_staff:
        user.organisation = organisation
        user.is_staff = is_staff
        user.save(update_fields=["organisation", "is_staff"])
    user.__dict__.pop("roles", None)
    return user


def has_no_role(user) -> bool:
    return not user.is_superuser and not user.roles


# --- local passwords ---------------------------------------------------------------------


class LocalPasswordBackend(ModelBackend):
    """Django's passwords, which production may switch off except for the named break-glass account."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not settings.LOCAL_PASSWORDS and (
            not settings.BREAK_GLASS_USERNAME or username != settings.BREAK_GLASS_USERNAME
        ):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        # Every page reads the user's organisation and roles (scopes, panels, badge): fetched with the
        # user, in the same query, instead of two more queries on each request.
        from django.contrib.auth import get_user_model

        from mdo.models import with_role_mask

        users = with_role_mask(get_user_model()._default_manager.select_related("organisation"))
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


# --- LDAP / Active Directory -------------------------------------------------------------


class CityLDAPBackend(LDAPBackend):
    """django-auth-ldap, with the city's mapping applied after each successful bind."""

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        groups = set(ldap_user.group_dns) | set(ldap_user.group_names) if self.settings.GROUP_TYPE else set()
        attributes = {name: values for name, values in ldap_user.attrs.items()}
        attributes.setdefault("dn", [ldap_user.dn])
        return user_apply_directory(user=user, groups=groups, attributes=attributes)


# --- OpenID Connect ----------------------------------------------------------------------

#: Endpoint settings that the provider's discovery document fills in when they are not set.
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_END_SESSION_ENDPOINT": "end_session_endpoint",
}


@lru_cache(maxsize=4)
def _discovery(url: str) -> dict:
    response = requests.get(url, timeout=10, verify=settings.OIDC_VERIFY_SSL)
    response.raise_for_status()
    return response.json()


def oidc_setting(attr: str, *default):
    """A mozilla-django-oidc setting, or the provider's discovery document for an unset endpoint."""
    value = getattr(settings, attr, None)
    if not value and attr in DISCOVERED and settings.OIDC_ISSUER:
        url = settings.OIDC_ISSUER.rstrip("/") + "/.well-known/openid-configuration"
        return _discovery(url).get(DISCOVERED[attr], *default)
    return import_from_settings(attr, *default)


def oidc_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID)


def _claim_values(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        return [str(item) for item in value]
    return [str(value)]


class CityOIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc with the checks it leaves out (issuer, audience) and the city's mapping."""

    get_settings = staticmethod(oidc_setting)

    def authenticate(self, request, **kwargs):
        # A forged or tampered token, a replayed code or a provider that does not answer ends on
        # the French failure page, not on an error page.
        try:
            return super().authenticate(request, **kwargs)
        except (SuspiciousOperation, requests.RequestException, jwt.PyJWTError) as exc:
            logger.warning("Connexion OIDC refusée : %s", exc)
            return None

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        issuer = settings.OIDC_ISSUER.rstrip("/")
        if issuer and str(payload.get("iss", "")).rstrip("/") != issuer:
            raise SuspiciousOperation("Émetteur du jeton d'identité inattendu.")
        audience = _claim_values(payload.get("aud"))
        if self.OIDC_RP_CLIENT_ID not in audience:
            raise SuspiciousOperation("Le jeton d'identité n'est pas destiné à cette application.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        # Entra ID puts the groups in the ID token, Keycloak and LemonLDAP::NG in userinfo: read both.
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            claims.update(super().get_userinfo(access_token, id_token, payload))
        return claims

    def _username(self, claims) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("sub"))[:150]

    def filter_users_by_claims(self, claims):
        username = self._username(claims)
        if settings.BREAK_GLASS_USERNAME and username.lower() == settings.BREAK_GLASS_USERNAME.lower():
            # The break-glass account stays local: a provider's claim never signs in as it.
            raise SuspiciousOperation("Le compte de secours ne se connecte pas par le fournisseur d'identité.")
        return self.UserModel.objects.filter(username__iexact=username)

    def verify_claims(self, claims):
        return bool(claims.get(settings.OIDC_USERNAME_CLAIM) or claims.get("sub"))

    def create_user(self, claims):
        user = self.UserModel(username=self._username(claims))
        user.set_unusable_password()
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        user.first_name = str(claims.get("given_name", user.first_name))[:150]
        user.last_name = str(claims.get("family_name", user.last_name))[:150]
        user.email = str(claims.get("email", user.email))[:254]
        user.save()
        groups = _claim_values(claims.get(settings.OIDC_GROUPS_CLAIM))
        attributes = {
            name: _claim_values(value) for name, value in claims.items() if name != settings.OIDC_GROUPS_CLAIM
        }
        return user_apply_directory(user=user, groups=groups, attributes=attributes)

    def get_or_create_user(self, access_token, id_token, payload):
        user = super().get_or_create_user(access_token, id_token, payload)
        if user is not None and not user.is_active:
            logger.info("Connexion OIDC refusée pour le compte désactivé %s", user.username)
            return None
        return user


@method_decorator(login_not_required, name="dispatch")
class CityOIDCRequestView(OIDCAuthenticationRequestView):
    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not oidc_enabled():
            raise Http404("Aucun fournisseur d'identité n'est configuré.")
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class CityOIDCCallbackView(OIDCAuthenticationCallbackView):
    get_settings = staticmethod(oidc_setting)

    def get(self, request):
        if not oidc_enabled():
            raise Http404("Aucun fournisseur d'identité n'est configuré.")
        return super().get(request)

    @property
    def failure_url(self):
        return resolve_url(self.get_settings("LOGIN_REDIRECT_URL_FAILURE", "login"))

    def login_success(self):
        from mdo.views import no_role_page

        if has_no_role(self.user):
            return no_role_page(self.request)
        return super().login_success()


def provider_logout_url(request) -> str | None:
    """The provider's end-session address (RP-initiated logout) for the signed-in OIDC session."""
    endpoint = oidc_setting("OIDC_OP_END_SESSION_ENDPOINT", None) if oidc_enabled() else None
    id_token = request.session.get("oidc_id_token")
    if not endpoint or not id_token:
        return None
    query = {
        "id_token_hint": id_token,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL)),
    }
    return f"{endpoint}?{urlencode(query)}"
