"""Who may see or change what: the one place every app asks.

Each app registers, in its ``AppConfig.ready()``, a policy for its models: a ``scope`` that
narrows a queryset to what a user may see and a ``can_change`` predicate. Views, tables,
exports, feeds and PDFs read through :func:`visible` and fetch single objects through
:func:`get_visible_or_404`, so an object out of scope answers 404 and its existence does not leak.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet
from django.http import Http404

from mdo.enums import Role

ScopeFn = Callable[["object", QuerySet], QuerySet]
ChangeFn = Callable[["object", Model], bool]

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


def is_active_user(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def sees_everything(user) -> bool:
    return is_active_user(user) and user.has_role(*CITYWIDE_ROLES)


def is_admin(user) -> bool:
    return is_active_user(user) and user.has_role(Role.ADMIN)


def visible(user, model_or_queryset: type[Model] | QuerySet) -> QuerySet:
    """The selector: the rows of ``model_or_queryset`` that ``user`` may see."""
    queryset = model_or_queryset if isinstance(model_or_queryset, QuerySet) else model_or_queryset._default_manager.all()
    if not is_active_user(user):
        return queryset.none()
    return _policy_for(queryset.model).scope(user, queryset)


def can_view(user, obj: Model) -> bool:
    return visible(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def can_change(user, obj: Model) -> bool:
    if not is_active_user(user):
        return False
    return _policy_for(type(obj)).can_change(user, obj)


def get_visible_or_404(user, model_or_queryset: type[Model] | QuerySet, **lookup) -> Model:
    try:
        return visible(user, model_or_queryset).get(**lookup)
    except _model_of(model_or_queryset).DoesNotExist:
        raise Http404("Aucun objet ne correspond à cette adresse.") from None


def get_changeable_or_404(user, model_or_queryset: type[Model] | QuerySet, **lookup) -> Model:
    """An object the user may see and change; 404 when out of scope or read-only for them."""
    obj = get_visible_or_404(user, model_or_queryset, **lookup)
    if not can_change(user, obj):
        raise Http404("Aucun objet modifiable ne correspond à cette adresse.")
    return obj


def _model_of(model_or_queryset) -> type[Model]:
    return model_or_queryset.model if isinstance(model_or_queryset, QuerySet) else model_or_queryset


def district_scope(
    user,
    queryset: QuerySet,
    *,
    district_field: str | None = "district",
    organisation_fields: tuple[str, ...] = (),
) -> QuerySet:
    """The scope of the design for records tied to a district and to organisations.

    MDO staff, directors and admins see all. A town-hall agent sees the records of its
    district and the city-wide ones (no district). A directorate agent sees the records where
    one of ``organisation_fields`` (e.g. the lead or reviewing directorate) is its organisation.
    Anyone else sees nothing.
    """
    if sees_everything(user):
        return queryset
    org = user.organisation
    if org is None:
        return queryset.none()
    condition = Q(pk__in=[])
    if user.has_role(Role.TOWN_HALL_AGENT) and org.is_town_hall and district_field:
        condition |= Q(**{district_field: org.district}) | Q(**{f"{district_field}__isnull": True})
    if user.has_role(Role.TOWN_HALL_AGENT, Role.DIRECTORATE_AGENT):
        for field in organisation_fields:
            condition |= Q(**{field: org.pk})
    return queryset.filter(condition).distinct() if len(organisation_fields) > 1 else queryset.filter(condition)


# --- the core's own models --------------------------------------------------------------

def _everyone_sees(user, queryset: QuerySet) -> QuerySet:
    return queryset


def _organisation_can_change(user, organisation) -> bool:
    from mdo import policy

    return policy.allows(user, "change", organisation)


def _neighbourhood_can_change(user, neighbourhood) -> bool:
    """The MDO and the district's own town hall keep the conseils de quartier up to date (mdo/policy.py)."""
    from mdo import policy

    return policy.allows(user, "change", neighbourhood)


def _user_can_change(user, other) -> bool:
    return is_admin(user) or user.pk == other.pk


def register_core_policies() -> None:
    from mdo.models import Neighbourhood, Organisation, User

    register(Organisation, scope=_everyone_sees, can_change=_organisation_can_change)
    register(Neighbourhood, scope=_everyone_sees, can_change=_neighbourhood_can_change)
    register(User, scope=_everyone_sees, can_change=_user_can_change)
