"""Who may see or change what: the one place every app asks.

Each app registers, in its ``AppConfig.ready()``, a policy for its models: a ``scope`` that
narrows a queryset to what a user may see and a ``can_change`` predicate. Views, tables,
exports, feeds and PDFs read through :func:`visible` and fetch single objects through
:func:`get_visible_or_404`, so an object out of scope answers 404 and its existence does not leak.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeGuard

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.http import Http404

from mdo.enums import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from mdo.models import Neighbourhood, Organisation, User

Rows = QuerySet[Any]
ScopeFn = Callable[[Any, Rows], Rows]
ChangeFn = Callable[[Any, Any], bool]

#: Roles that see every project, line, contract and meeting of the city.
CITYWIDE_ROLES = (Role.MDO_OFFICER, Role.MDO_MANAGER, Role.DIRECTOR, Role.ADMIN)


@dataclass(frozen=True)
class Policy:
    scope: ScopeFn
    can_change: ChangeFn


_policies: dict[type[Model], Policy] = {}


def register(model: type[Model], *, scope: ScopeFn, can_change: ChangeFn) -> None:
    _policies[model] = Policy(scope=scope, can_change=can_change)


def _policy_for(model: type[Model]) -> Policy:
    for klass in model.__mro__:
        if klass in _policies:
            return _policies[klass]
    raise ImproperlyConfigured(f"Aucune règle d'accès enregistrée pour {model.__name__}.")


def is_active_user(user: "User | AnonymousUser | None") -> TypeGuard["User"]:
    return bool(user and user.is_authenticated and user.is_active)


def sees_everything(user: "User | AnonymousUser | None") -> bool:
    return is_active_user(user) and user.has_role(*CITYWIDE_ROLES)


def is_admin(user: "User | AnonymousUser | None") -> bool:
    return is_active_user(user) and user.has_role(Role.ADMIN)


def visible(user: "User | AnonymousUser | None", model_or_queryset: type[Model] | Rows) -> Rows:
    """The selector: the rows of ``model_or_queryset`` that ``user`` may see."""
    queryset = (
        model_or_queryset if isinstance(model_or_queryset, QuerySet) else model_or_queryset._default_manager.all()
    )
    if not is_active_user(user):
        return queryset.none()
    return _policy_for(queryset.model).scope(user, queryset)


def can_view(user: "User | AnonymousUser | None", obj: Model) -> bool:
    return visible(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def can_change(user: "User | AnonymousUser | None", obj: Model) -> bool:
    if not is_active_user(user):
        return False
    return _policy_for(type(obj)).can_change(user, obj)


def get_visible_or_404(
    user: "User | AnonymousUser | None", model_or_queryset: type[Model] | Rows, **lookup: Any
) -> Any:
    """The record (typed ``Any``: callers know its model), or 404 when out of scope."""
    try:
        return visible(user, model_or_queryset).get(**lookup)
    except _model_of(model_or_queryset).DoesNotExist:  # type: ignore[attr-defined]  # every concrete model has it
        raise Http404("Aucun objet ne correspond à cette adresse.") from None


def get_changeable_or_404(
    user: "User | AnonymousUser | None", model_or_queryset: type[Model] | Rows, **lookup: Any
) -> Any:
    """An object the user may see and change; 404 when out of scope or read-only for them."""
    obj = get_visible_or_404(user, model_or_queryset, **lookup)
    if not can_change(user, obj):
        raise Http404("Aucun objet modifiable ne correspond à cette adresse.")
    return obj


def _model_of(model_or_queryset: type[Model] | Rows) -> type[Model]:
    return model_or_queryset.model if isinstance(model_or_queryset, QuerySet) else model_or_queryset


# --- the core's own models --------------------------------------------------------------


def _everyone_sees(user: "User", queryset: Rows) -> Rows:
    return queryset


def _organisation_can_change(user: "User", organisation: "Organisation") -> bool:
    from mdo import policy

    return policy.allows(user, "change", organisation)


def _neighbourhood_can_change(user: "User", neighbourhood: "Neighbourhood") -> bool:
    """The MDO and the district's own town hall keep the conseils de quartier up to date (mdo/policy.py)."""
    from mdo import policy

    return policy.allows(user, "change", neighbourhood)


def _user_can_change(user: "User", other: "User") -> bool:
    from mdo import policy

    return policy.allows(user, "change", other)


def register_core_policies() -> None:
    from mdo.models import Neighbourhood, Organisation, User

    register(Organisation, scope=_everyone_sees, can_change=_organisation_can_change)
    register(Neighbourhood, scope=_everyone_sees, can_change=_neighbourhood_can_change)
    register(User, scope=_everyone_sees, can_change=_user_can_change)
