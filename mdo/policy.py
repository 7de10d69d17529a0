"""Who may *do* what: the actions of each model and the roles allowed to do each, declared once.

``mdo/access.py`` decides who may *see* a record (the ``visible()`` scopes); this module decides
who may act on it. Each model (by its label, so the core imports no app) names its actions —
``create``, ``change``, ``transition:<name>``, ``certify``, ``deliver``, ``organise``… — and,
for each action, the roles allowed, with an optional condition on the record (the lead
directorate, the organiser, "not the order's own issuer"). Views check it with
:func:`policy_required` or :func:`require`, templates with ``{% may %}``, services with
:func:`allows`; ``manage.py policy_table`` prints the role × action table of ``docs/roles.md``.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.http import Http404

from mdo.enums import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest, HttpResponse

    from mdo.models import User

logger = logging.getLogger(__name__)

#: A record, a model class or a model label ("vendors.contract").
Target = Model | type[Model] | str
View = Callable[..., "HttpResponse"]


@dataclass(frozen=True)
class When:
    """A condition on the record that narrows a role's right (shown in the table by its label)."""

    label: str
    test: Callable[["User", Any], bool]


OFFICER, MANAGER, TOWN_HALL, DIRECTORATE, DIRECTOR, ADMIN = (
    Role.MDO_OFFICER,
    Role.MDO_MANAGER,
    Role.TOWN_HALL_AGENT,
    Role.DIRECTORATE_AGENT,
    Role.DIRECTOR,
    Role.ADMIN,
)

# --- conditions on the record ---------------------------------------------------------------

LEAD_DIRECTORATE = When(
    "direction pilote du projet",
    lambda user, project: bool(user.organisation_id) and project.lead_directorate_id == user.organisation_id,
)
OWN_DISTRICT = When(
    "son arrondissement",
    lambda user, neighbourhood: user.district is not None and user.district == neighbourhood.district,
)
NOT_THE_ISSUER = When(
    "pas sur ses propres bons de commande",
    lambda user, milestone: (
        (milestone.order.issued_by_id if milestone.order_id else milestone.created_by_id) != user.pk
    ),
)
NOT_THE_ORDER_ISSUER = When("pas sur ses propres bons de commande", lambda user, order: order.issued_by_id != user.pk)


def _milestone_lead_directorate(user: "User", milestone: Any) -> bool:
    order = milestone.order
    project = order.commitment.budget_line.project if order is not None else None
    return bool(user.organisation_id) and project is not None and project.lead_directorate_id == user.organisation_id


PHASE_LEAD_DIRECTORATE = When(
    "direction pilote du projet",
    lambda user, phase: bool(user.organisation_id) and phase.project.lead_directorate_id == user.organisation_id,
)
MILESTONE_LEAD_DIRECTORATE = When("direction pilote du projet du bon de commande", _milestone_lead_directorate)
MEETING_ORGANISER = When("organisateur·rice de la réunion", lambda user, meeting: meeting.organiser_id == user.pk)
MINUTES_ORGANISER = When(
    "organisateur·rice de la réunion",
    lambda user, minutes: minutes.meeting.organiser_id == user.pk,
)
RECORD_MEETING_ORGANISER = When(
    "organisateur·rice de la réunion",
    lambda user, record: record.meeting.organiser_id == user.pk,
)
COMMENT_AUTHOR = When("auteur·rice du commentaire", lambda user, comment: comment.author_id == user.pk)
OWN_PROJECT_COMMENT = When(
    "auteur·rice du commentaire",
    lambda user, entry: entry.author_id == user.pk and entry.kind == "comment",
)
ATTACHMENT_UPLOADER = When("a déposé la pièce", lambda user, attachment: attachment.uploaded_by_id == user.pk)
HAS_ORGANISATION = When("rattaché·e à une organisation", lambda user, obj: user.organisation_id is not None)
RESOURCE_AUTHOR = When("auteur·rice de la ressource", lambda user, resource: resource.author_id == user.pk)
DIRECTORATE_ANSWER_AUTHOR = When(
    "auteur·rice de l'avis", lambda user, review: review.directorate_answered_by_id == user.pk
)
TOWN_HALL_ANSWER_AUTHOR = When("auteur·rice de l'avis", lambda user, review: review.town_hall_answered_by_id == user.pk)
SELF = When("son propre compte", lambda user, other: other.pk == user.pk)
PROJECT_DISTRICT = When(
    "son arrondissement ou un projet de toute la ville",
    lambda user, project: user.district is not None and project.district in (user.district, None),
)
DECISION_AUTHOR = When("auteur·rice de l'avis", lambda user, decision: decision.decided_by_id == user.pk)


def _roles(*roles: str, when: When | None = None) -> dict[str, When | None]:
    return {role: when for role in roles}


MDO = (OFFICER, MANAGER)
MDO_STAFF = (OFFICER, MANAGER, ADMIN)
EVERYONE = tuple(Role.values)

# --- the table ------------------------------------------------------------------------------
#: model label → action → role → condition (None: always). A role absent from an action may not do it.
POLICY: dict[str, dict[str, dict[str, When | None]]] = {
    "mdo.organisation": {
        "change": _roles(ADMIN),
    },
    "mdo.neighbourhood": {
        "change": {**_roles(*MDO_STAFF), TOWN_HALL: OWN_DISTRICT},
    },
    "mdo.directoryrule": {
        "change": _roles(ADMIN),
    },
    "mdo.user": {
        "change": {**_roles(*EVERYONE, when=SELF), ADMIN: None},
    },
    "projects.project": {
        "create": _roles(*MDO),
        "bulk": _roles(*MDO),
        "import_votes": _roles(*MDO),
        "rescope": _roles(*MDO),
        "change": {**_roles(*MDO_STAFF), DIRECTORATE: LEAD_DIRECTORATE},
        # Anyone involved writes in the project's story: its editors and the district's town hall.
        "comment": {**_roles(*MDO_STAFF), DIRECTORATE: LEAD_DIRECTORATE, TOWN_HALL: PROJECT_DISTRICT},
        **{
            f"transition:{name}": _roles(*MDO)
            for name in (
                "declare_admissible",
                "declare_inadmissible",
                "start_review",
                "put_on_ballot",
                "declare_winner",
                "declare_not_selected",
                "open_consultation",
                "start_analysis",
                "publish_report",
                "suspend",
                "resume",
            )
        },
        **{
            f"transition:{name}": {**_roles(*MDO), DIRECTORATE: LEAD_DIRECTORATE}
            for name in (
                "declare_feasible",
                "declare_unfeasible",
                "start_design",
                "start_procurement",
                "start_works",
                "deliver",
            )
        },
        "transition:close": _roles(MANAGER),
        "transition:abandon": _roles(MANAGER),
    },
    # A comment of the project's story is its author's to correct or withdraw (the story keeps a line saying so).
    "projects.timelineentry": {
        "change": _roles(*EVERYONE, when=OWN_PROJECT_COMMENT),
        "delete": _roles(*EVERYONE, when=OWN_PROJECT_COMMENT),
    },
    # An attachment is replaced or removed by who uploaded it, or by the MDO's staff.
    "projects.attachment": {
        "change": {**_roles(*MDO_STAFF), **_roles(TOWN_HALL, DIRECTORATE, DIRECTOR, when=ATTACHMENT_UPLOADER)},
        "delete": {**_roles(*MDO_STAFF), **_roles(TOWN_HALL, DIRECTORATE, DIRECTOR, when=ATTACHMENT_UPLOADER)},
    },
    # A feasibility answer is its author's to correct (or an administrator's), until the MDO decides.
    "projects.feasibilityreview": {
        "correct:directorate_review": {**_roles(*EVERYONE, when=DIRECTORATE_ANSWER_AUTHOR), ADMIN: None},
        "correct:town_hall_opinion": {**_roles(*EVERYONE, when=TOWN_HALL_ANSWER_AUTHOR), ADMIN: None},
    },
    "projects.edition": {
        "change": _roles(ADMIN, MANAGER),
        # Publishing an edition in the open data set and the Decidim round trip are the MDO's.
        "publish": _roles(*MDO),
        "decidim": _roles(*MDO),
    },
    # A project's planned phases are its editors' to plan: the same people as the project's own change.
    "planning.projectphase": {
        "change": {**_roles(*MDO_STAFF), DIRECTORATE: PHASE_LEAD_DIRECTORATE},
    },
    # Reference data kept by the administrator: the kinds of phases, the late-payment rates, the populations.
    "planning.phasekind": {
        "change": _roles(ADMIN),
    },
    "vendors.latepaymentrate": {
        "change": _roles(ADMIN),
    },
    "indicators.districtpopulation": {
        "change": _roles(ADMIN),
    },
    "budgets.budgetline": {
        "create": _roles(*MDO_STAFF),
        "change": _roles(*MDO_STAFF),
        # The approval steps of a line (who takes each task: budgets/flows.py routes them to these roles).
        "give_opinion": _roles(TOWN_HALL),
        "approve": _roles(MANAGER),
        "approve_above_threshold": _roles(DIRECTOR),
    },
    # The town hall's opinion on a line is its author's to correct (or an administrator's), until the final decision.
    "budgets.budgetdecision": {
        "correct": {**_roles(*EVERYONE, when=DECISION_AUTHOR), ADMIN: None},
    },
    "vendors.vendor": {
        "create": _roles(*MDO_STAFF),
        "change": _roles(*MDO_STAFF),
    },
    "vendors.vendorcontact": {
        "change": _roles(*MDO_STAFF),
    },
    "vendors.amendment": {
        "change": _roles(*MDO_STAFF),
    },
    "vendors.contract": {
        "create": _roles(*MDO_STAFF),
        "change": _roles(*MDO_STAFF),
        "import": _roles(*MDO_STAFF),
    },
    "vendors.purchaseorder": {
        "create": _roles(*MDO_STAFF),
        "change": _roles(*MDO_STAFF),
        # Above the thresholds an order is approved before it is issued, never by the one who issued it.
        "approve": {MANAGER: NOT_THE_ORDER_ISSUER},
        "approve_above_threshold": {DIRECTOR: NOT_THE_ORDER_ISSUER},
    },
    "vendors.milestone": {
        "change": _roles(*MDO_STAFF),
        # The directorate that delivers the project records its milestones' delivery; service fait stays with the MDO.
        "deliver": {**_roles(*MDO_STAFF), DIRECTORATE: MILESTONE_LEAD_DIRECTORATE},
        # Certifying service fait commits the city's money: the MDO's staff, never on their own orders.
        "certify": _roles(*MDO, when=NOT_THE_ISSUER),
        # The penalty letter, the vendor's observations and the decision (CCAG 2021) are the MDO's.
        "penalty": _roles(*MDO),
    },
    "vendors.invoice": {
        "change": _roles(*MDO_STAFF),
    },
    "meetings.meeting": {
        "organise": _roles(*EVERYONE, when=HAS_ORGANISATION),
        "change": {**_roles(*MDO_STAFF), **_roles(TOWN_HALL, DIRECTORATE, DIRECTOR, when=MEETING_ORGANISER)},
    },
    "meetings.meetingseries": {
        "change": {**_roles(*MDO_STAFF), **_roles(TOWN_HALL, DIRECTORATE, DIRECTOR, when=MEETING_ORGANISER)},
    },
    "meetings.minutes": {
        "write": {**_roles(*MDO), **_roles(TOWN_HALL, DIRECTORATE, DIRECTOR, ADMIN, when=MINUTES_ORGANISER)},
        "transition:submit": {
            **_roles(*MDO),
            **_roles(TOWN_HALL, DIRECTORATE, DIRECTOR, ADMIN, when=MINUTES_ORGANISER),
        },
        "transition:reopen": {
            **_roles(*MDO),
            **_roles(TOWN_HALL, DIRECTORATE, DIRECTOR, ADMIN, when=MINUTES_ORGANISER),
        },
        "transition:approve": _roles(MANAGER),
        "transition:publish": {
            MANAGER: None,
            **_roles(OFFICER, TOWN_HALL, DIRECTORATE, DIRECTOR, ADMIN, when=MINUTES_ORGANISER),
        },
    },
    # Decisions and actions are corrected by those who write the minutes, until the minutes are approved.
    "meetings.decision": {
        "change": {**_roles(*MDO), **_roles(TOWN_HALL, DIRECTORATE, DIRECTOR, ADMIN, when=RECORD_MEETING_ORGANISER)},
        "delete": {**_roles(*MDO), **_roles(TOWN_HALL, DIRECTORATE, DIRECTOR, ADMIN, when=RECORD_MEETING_ORGANISER)},
    },
    "meetings.actionitem": {
        "change": {**_roles(*MDO), **_roles(TOWN_HALL, DIRECTORATE, DIRECTOR, ADMIN, when=RECORD_MEETING_ORGANISER)},
        "delete": {**_roles(*MDO), **_roles(TOWN_HALL, DIRECTORATE, DIRECTOR, ADMIN, when=RECORD_MEETING_ORGANISER)},
    },
    # The consultation file, its questionnaire, results and bilan are the MDO's; partners give their review.
    "consultations.consultation": {
        "create": _roles(*MDO),
        "change": _roles(*MDO),
        "design": _roles(*MDO),
        "reply_comment": _roles(*MDO),
        "review": _roles(TOWN_HALL, DIRECTORATE, when=HAS_ORGANISATION),
        "analyse": _roles(*MDO),
        "write_bilan": _roles(*MDO),
        **{
            f"transition:{name}": _roles(*MDO)
            for name in ("submit_for_review", "new_version", "validate", "open", "start_analysis", "publish_bilan")
        },
        "transition:close": _roles(MANAGER),
    },
    "consultations.evaluation": {
        "change": _roles(*MDO),
    },
    "consultations.evaluationcriterion": {
        "change": _roles(*MDO),
    },
    "consultations.glossaryterm": {
        "change": _roles(*MDO),
    },
    "consultations.theme": {
        "change": _roles(*MDO_STAFF),
    },
    # Every agent of the network shares its fiches and guides; the author and the MDO keep them up to date.
    "consultations.resource": {
        "create": _roles(*EVERYONE, when=HAS_ORGANISATION),
        "change": {**_roles(*MDO_STAFF), **_roles(TOWN_HALL, DIRECTORATE, DIRECTOR, when=RESOURCE_AUTHOR)},
    },
    # A review comment is its author's to correct or withdraw while the review runs.
    "meetings.minutescomment": {
        "change": _roles(*EVERYONE, when=COMMENT_AUTHOR),
        "delete": _roles(*EVERYONE, when=COMMENT_AUTHOR),
    },
}


def _label(target: Target) -> str:
    if isinstance(target, str):
        return target
    return str(target._meta.label_lower)


def rule(target: Target, action: str) -> dict[str, When | None]:
    label = _label(target)
    try:
        return POLICY[label][action]
    except KeyError:
        raise ImproperlyConfigured(f"Action « {action} » non déclarée pour {label} dans mdo/policy.py.") from None


def allows(user: "User | AnonymousUser | None", action: str, target: Target) -> bool:
    """May ``user`` do ``action`` on ``target`` (a record, a model, or a model label)?

    On a model or a label, a condition on the record counts as met: the question is whether the
    role may do it at all (for "new" buttons and the table); on a record, the condition decides.
    """
    if not (user and user.is_authenticated and user.is_active):
        return False
    allowed = rule(target, action)
    for role in user.roles:
        if role not in allowed:
            continue
        condition = allowed[role]
        if condition is None or not isinstance(target, Model) or condition.test(user, target):
            return True
    return False


def role_may(role: str, action: str, target: Target) -> When | bool:
    """For the table: True, False, or the condition under which ``role`` may do ``action``."""
    allowed = rule(target, action)
    if role not in allowed:
        return False
    return allowed[role] or True


def require(user: "User | AnonymousUser | None", action: str, target: Target) -> None:
    """Refuse with a 404, as for a record out of scope, so that the refusal leaks nothing."""
    if not allows(user, action, target):
        logger.info("action %s on %s refused to user %s", action, _label(target), getattr(user, "pk", None))
        raise Http404("Aucune action permise ne correspond à cette adresse.")


def policy_required(action: str, target: str) -> Callable[[View], View]:
    """Decorator of a view that does ``action`` on a model (by label) without a record yet (create, import)."""
    rule(target, action)  # a typo fails at import, not at the first request

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: "HttpRequest", *args: Any, **kwargs: Any) -> "HttpResponse":
            require(request.user, action, target)
            return view(request, *args, **kwargs)

        wrapped.policy_action = (target, action)  # type: ignore[attr-defined]  # read by the policy walk
        return wrapped

    return decorator


class PolicyRequiredMixin:
    """For class-based views: ``policy_action = ("vendors.contract", "create")``."""

    policy_action: tuple[str, str]

    def dispatch(self, request: "HttpRequest", *args: Any, **kwargs: Any) -> "HttpResponse":
        target, action = self.policy_action
        require(request.user, action, target)
        response: HttpResponse = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # a View follows
        return response


def permission_for(target: str, action: str, record: Callable[[Any], Model]) -> Callable[[Any, "User"], bool]:
    """The ``permission`` of a viewflow.fsm transition, read from the table (e.g. ``transition:close``)."""
    rule(target, action)  # a typo fails at import

    def permission(flow: Any, user: "User") -> bool:
        return allows(user, action, record(flow))

    return permission


def table_rows() -> list[tuple[str, str, list[str]]]:
    """(model, action, one cell per role in ``Role`` order) for the role × action table."""
    rows = []
    for label, actions in POLICY.items():
        for action in actions:
            cells = []
            for role in Role.values:
                verdict = role_may(role, action, label)
                cells.append("oui" if verdict is True else f"si {verdict.label}" if verdict else "—")
            rows.append((label, action, cells))
    return rows


def table_markdown() -> str:
    header = "| modèle | action | " + " | ".join(str(label) for _, label in Role.choices) + " |"
    lines = [header, "|" + "---|" * (len(Role.values) + 2)]
    lines += [f"| `{label}` | `{action}` | " + " | ".join(cells) + " |" for label, action, cells in table_rows()]
    return "\n".join(lines) + "\n"
