"""Every URL of the project that accepts POST, found in the URL configuration, walked as three people.

The list is not typed by hand: every pattern of ``get_resolver()`` whose view accepts POST is walked,
so a new view cannot be forgotten. Only the views in :data:`OPEN` (signing in and out) are left
out, each with its reason. On the demo data (``seed_demo``):

- a signed-in user **without a role** must be refused (403 or 404) everywhere and write nothing;
- a **town-hall agent of the 5th**, on records out of their scope (another district's project, line,
  order, meeting, consultation…), must be refused and write nothing;
- the **allowed role** (the policy table's first role for a declared action, the MDO manager for the
  others, or the one named in :data:`ALLOWED`) must not be refused.

"Nothing written" is checked on the number of rows of every model and on the record in the URL
(every column); each request runs in a savepoint rolled back after it, so the walk starts from the
same data at each URL.
"""

import io

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mdo import access, policy
from mdo.models import User
from projects.flows import FeasibilityFlow

#: Views open by design, not walked: signing in and out is what someone without a role must be able to do
#: (the OIDC start and callback, the "no role yet" page and the search answer GET only, so they are not here).
OPEN = {
    "login": "la page de connexion (locale) : ouverte à qui n'est pas connecté",
    "logout": "la déconnexion : chacun peut fermer sa session",
    "password_change": "changer son propre mot de passe (local) : le sien seulement",
    "password_reset": "demander la réinitialisation de son mot de passe : avant toute connexion",
    "password_reset_confirm": "le lien reçu par courriel, vérifié par son jeton",
}

#: POST views on the user's own things (their notifications, preferences, calendar link): no one else's
#: record is in the URL, so there is nothing out of scope to refuse; walked for "no 500, no refusal".
OWN = {
    "notifications:read_all": "marque lues ses propres notifications",
    "notifications:preferences": "ses propres préférences de notification",
    "meetings:calendar_revoke": "révoque son propre lien d'agenda",
    "meetings:my_calendar": "sa page d'agenda, qui crée son propre lien à la première visite",
    "indicators:annual_report_job": "lance son propre bilan annuel, calculé sur son périmètre",
}

#: Pages that read only: a POST renders them as a GET would. Walked to prove a POST writes nothing.
READ_ONLY = {
    "dashboard",
    "tasks",
    "organisation_detail",
    "neighbourhood_detail",
    "user_detail",
    "projects:editions",
    "projects:decidim",
    "projects:detail",
    "projects:task",
    "meetings:calendar_month",
    "meetings:my_actions",
    "meetings:detail",
    "meetings:my_calendar",
    "budgets:summary",
    "budgets:report_pdf",
    "budgets:line_detail",
    "budgets:task_detail",
    "indicators:index",
    "indicators:theme",
    "indicators:annual_report",
    "planning:index",
    "vendors:vendor_detail",
    "vendors:contract_detail",
    "vendors:order_detail",
    "vendors:milestone_detail",
    "vendors:invoice_detail",
    "vendors:milestone_penalty_notice_pdf",
    "consultations:evaluations",
    "consultations:resource_detail",
    "consultations:resource_download",
    "consultations:bilan_pdf",
}

#: The model of a URL's ``pk`` when the view declares no policy action (a declared one names its model).
PK_MODEL = {
    "organisation_detail": "mdo.organisation",
    "neighbourhood_detail": "mdo.neighbourhood",
    "user_detail": "mdo.user",
    "notifications:read": "notifications.notification",
    "notifications:follow": "projects.project",
    "meetings:comment_add": "meetings.meeting",
    "meetings:decision_add": "meetings.meeting",
    "meetings:action_add": "meetings.meeting",
    **{f"meetings:{name}": "meetings.meetingseries" for name in ("series_manage", "series_move", "series_cancel")},
    "vendors:order_create": "vendors.contract",
    "projects:edition_publish": "projects.edition",
    "budgets:task_detail": "viewflow.task",
    "budgets:task_take": "viewflow.task",
    "budgets:task_release": "viewflow.task",
    "budgets:task_decide": "viewflow.task",
    "budgets:opinion_correct": "budgets.budgetdecision",
}
PREFIX_MODEL = [
    ("projects:", "projects.project"),
    ("budgets:line_", "budgets.budgetline"),
    ("vendors:vendor_contact_", "vendors.vendorcontact"),
    ("vendors:vendor_", "vendors.vendor"),
    ("vendors:contract_", "vendors.contract"),
    ("vendors:order_", "vendors.purchaseorder"),
    ("vendors:milestone_", "vendors.milestone"),
    ("vendors:invoice_", "vendors.invoice"),
    ("meetings:decision_", "meetings.decision"),
    ("meetings:action_", "meetings.actionitem"),
    ("meetings:comment_", "meetings.minutescomment"),
    ("meetings:", "meetings.meeting"),
    ("planning:phase_", "planning.projectphase"),
    ("consultations:resource_", "consultations.resource"),
    ("consultations:", "consultations.consultation"),
]
#: A record without a scope of its own is out of scope when its parent is: (parent model, path to it).
PARENT = {
    "vendors.vendorcontact": ("vendors.vendor", "vendor"),
    "meetings.decision": ("meetings.meeting", "meeting"),
    "meetings.minutescomment": ("meetings.meeting", "minutes__meeting"),
    "meetings.agendaitem": ("meetings.meeting", "meeting"),
    "projects.attachment": ("projects.project", "project"),
    "planning.projectphase": ("projects.project", "project"),
    "consultations.partner": ("consultations.consultation", "consultation"),
    "consultations.objective": ("consultations.consultation", "consultation"),
    "consultations.section": ("consultations.consultation", "version__consultation"),
    "consultations.question": ("consultations.consultation", "version__consultation"),
    "consultations.questioncomment": ("consultations.consultation", "question__version__consultation"),
    "consultations.answer": ("consultations.consultation", "response__consultation"),
    "viewflow.task": ("budgets.budgetline", "process__budgetapproval__budget_line"),
    "budgets.budgetdecision": ("budgets.budgetline", "budget_line"),
}
#: A URL's second record (``item_pk``…): its model, and the path from it to the record of ``pk``.
NESTED = {
    "item_pk": ("meetings.agendaitem", "meeting"),
    "attachment_pk": ("projects.attachment", "project"),
    "partner_pk": ("consultations.partner", "consultation"),
    "objective_pk": ("consultations.objective", "consultation"),
    "section_pk": ("consultations.section", "version__consultation"),
    "question_pk": ("consultations.question", "version__consultation"),
    "comment_pk": ("consultations.questioncomment", "question__version__consultation"),
    "answer_pk": ("consultations.answer", "response__consultation"),
    "entry_pk": ("projects.timelineentry", "project"),
}
#: A second record that hangs on no first one: its model.
ALONE = {"term_pk": "consultations.glossaryterm", "project_pk": "projects.project"}
#: Plain values of the other parameters.
VALUES = {"direction": "up", "kind": "projects", "key": "budget"}

#: The questionnaire builder's views: they edit the draft version only.
QUESTIONNAIRE_BUILDER = (
    "section_add",
    "section_delete",
    "question_add",
    "question_edit",
    "question_delete",
    "question_move",
    "questions_reorder",
)

#: The state a URL's record must be in for the allowed role to act (the minutes still written, a task open…).
STATE = {
    **{
        f"meetings:{name}": {"minutes__isnull": True}
        for name in ("minutes_save", "minutes_transition", "decision_add", "action_add")
    },
    **{
        f"meetings:{name}": {"meeting__minutes__status__in": ["draft", "review"]}
        for name in ("decision_edit", "decision_delete", "action_edit", "action_delete")
    },
    "meetings:comment_add": {"minutes__status": "review"},
    "vendors:order_decide": {"status": "awaiting_approval"},
    **{f"consultations:{name}": {"versions__status": "draft"} for name in QUESTIONNAIRE_BUILDER},
    **{name: {"status__in": ["NEW", "ASSIGNED"]} for name in ("projects:task_take", "projects:task_release")},
    **{
        f"budgets:{name}": {"status__in": ["NEW", "ASSIGNED"]}
        for name in ("task_detail", "task_take", "task_release", "task_decide")
    },
    # An answer is corrected while the MDO has not decided; an opinion on a line until its final decision.
    "projects:task_correct": {
        "status": "DONE",
        "flow_task": FeasibilityFlow.directorate_review,
        "process__feasibilityreview__decided_at__isnull": True,
        "process__feasibilityreview__project__status": "feasibility_review",
    },
    "budgets:opinion_correct": {"step": "town_hall_opinion", "budget_line__status": "submitted"},
    # A notification is read by its recipient: the 3rd's agent's, not whichever the demo wrote first.
    "notifications:read": {"recipient__username": "mairie3.agent"},
}

#: The state of a URL's second record (the questionnaire's draft, the only one that is edited).
CHILD_STATE = {
    "section_pk": {"version__status": "draft"},
    "question_pk": {"version__status": "draft"},
    # A project's comments are corrected, not its other timeline entries; by an author still involved in the
    # project (the MDO's staff: a directorate's agent who only reviewed it may no longer write in its story).
    "entry_pk": {"kind": "comment", "author__groups__role_key__code__in": ["mdo_officer", "mdo_manager"]},
}

#: What a URL needs in its POST to reach its record (the rest of the form stays empty).
DATA = {
    "consultations:resource_attach": lambda: {
        "agenda_item": apps.get_model("meetings.agendaitem").objects.order_by("pk").values_list("pk", flat=True)[0]
    },
}

#: Who is allowed, when it is not the MDO manager nor the table's first role; "*": whichever demo
#: account the view accepts (a task belongs to one role and organisation, which the data decides).
ALLOWED: dict[str, str] = {
    "notifications:read": "mairie3.agent",
    "projects:task_take": "*",
    "projects:task_release": "*",
    "budgets:task_take": "*",
    "budgets:task_release": "*",
    "budgets:task_decide": "*",
    "vendors:order_decide": "*",
    **{f"consultations:{name}": "*" for name in QUESTIONNAIRE_BUILDER},
}

#: A project comment, or an opinion given in a review or on a budget line, is its author's to correct: the
#: allowed one is the author of the record in the URL, read from it.
AUTHOR = {
    "projects:comment_edit": ("projects.timelineentry", lambda entry: entry.author),
    "projects:comment_delete": ("projects.timelineentry", lambda entry: entry.author),
    "projects:task_correct": ("viewflow.task", lambda task: task.process.feasibilityreview.directorate_answered_by),
    "budgets:opinion_correct": ("budgets.budgetdecision", lambda decision: decision.decided_by),
}

DEMO = ["mdo.manager", "mdo.officer", "admin", "direction", "dev.agent", "mairie3.agent", "mairie5.agent"]


class MissingDemoRow(Exception):
    """The demo data holds no record for the URL's second parameter: :func:`_records_the_demo_lacks` must add it."""


def post_views(resolver=None, namespace=""):
    """(url name, pattern, declared (label, action) or None) of every URL whose view accepts POST."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin":
                continue  # Django's admin has its own gate (is_staff and model permissions), not the walk's
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from post_views(entry, inner)
        elif isinstance(entry, URLPattern) and "POST" in (_methods(entry.callback) or {"POST"}):
            view = entry.callback
            declared = getattr(view, "policy_action", None) or getattr(
                getattr(view, "view_class", None), "policy_action", None
            )
            yield f"{namespace}{entry.name}", entry, declared


def _methods(view) -> set[str] | None:
    """The HTTP methods a view answers, None for any (Django's default for a function view)."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {name.upper() for name in view_class.http_method_names if hasattr(view_class, name)}
    while view is not None:
        for cell in view.__closure__ or ():
            value = cell.cell_contents
            # require_http_methods / require_POST / require_safe keep the list in their closure.
            if isinstance(value, list) and value and all(isinstance(m, str) and m.isupper() for m in value):
                return set(value)
        view = getattr(view, "__wrapped__", None)
    return None


def _model_of(name, declared):
    if declared:
        return declared[0]
    if name in PK_MODEL:
        return PK_MODEL[name]
    return next(label for prefix, label in PREFIX_MODEL if name.startswith(prefix))


def _out_of_scope(label, user):
    """The rows of ``label`` that ``user`` may not see (through their parent when they have no scope)."""
    model = apps.get_model(label)
    try:
        return model.objects.exclude(pk__in=access.visible(user, model).values("pk"))
    except ImproperlyConfigured:
        parent, path = PARENT[label]
        return model.objects.filter(**{f"{path}__in": _out_of_scope(parent, user)})


def _build(name, pattern, declared, outsider):
    """The URL to post to, and the records it names ({label: pk}), out of ``outsider``'s scope."""
    keys = list(pattern.pattern.converters) or list(pattern.pattern.regex.groupindex)
    if not keys:
        return reverse(name), {}, False, False
    kwargs, records, in_scope, unmet = {}, {}, False, False
    nested = [key for key in keys if key in NESTED]
    if "pk" in keys or "action_pk" in keys or "task_pk" in keys:
        key = "pk" if "pk" in keys else "action_pk" if "action_pk" in keys else "task_pk"
        label = "meetings.actionitem" if key == "action_pk" else _model_of(name, declared)
        if key == "task_pk":
            label = "viewflow.task"
        state = STATE.get(name, {})
        if not apps.get_model(label).objects.filter(**state).exists():
            # The demo holds no record in that state (no questionnaire in draft): walked out of scope
            # on any record, the allowed role's check is left to the view's own tests.
            state, unmet = {}, True
        rows = _out_of_scope(label, outsider).filter(**state)
        if label == "viewflow.task" and name.startswith("projects:"):
            rows = apps.get_model(label).objects.filter(
                process__feasibilityreview__project__in=_out_of_scope("projects.project", outsider),
                **state,
            )
        elif label == "viewflow.task":
            rows = rows.filter(process__budgetapproval__isnull=False)
        if nested:
            child_label, path = NESTED[nested[0]]
            children = apps.get_model(child_label).objects.filter(
                **(CHILD_STATE.get(nested[0], {}) if state or nested[0] == "entry_pk" else {})
            )
            children = children.order_by("pk")
            child = children.filter(**{f"{path}__in": rows}).first()
            if child is None:
                child, in_scope = children.first(), True
            if child is None:
                raise MissingDemoRow(f"{name} : la démonstration n'a aucune ligne de {child_label}")
            assert child is not None, f"{name} : aucune ligne de {child_label} hors du périmètre"
            kwargs[nested[0]] = child.pk
            records[child_label] = child.pk
            parent_pk = apps.get_model(child_label).objects.filter(pk=child.pk).values_list(path, flat=True)[0]
            kwargs[key] = parent_pk
            records[label] = parent_pk
        else:
            record = rows.order_by("pk").first()
            if record is None:
                # Nothing of this model is out of the 5th's scope (editions, resources are the city's):
                # any record, and the role decides.
                record = apps.get_model(label).objects.filter(**state).order_by("pk").first()
                in_scope = True
            assert record is not None, f"{name} : aucune ligne de {label}"
            kwargs[key] = record.pk
            records[label] = record.pk
    for key in keys:
        if key in kwargs:
            continue
        if key == "number":
            version = apps.get_model("consultations.questionnaireversion").objects.filter(consultation=kwargs["pk"])
            kwargs[key] = version.order_by("number").values_list("number", flat=True).first() or 1
        elif key == "name":
            kwargs[key] = _a_transition(name)
        elif key in ALONE:
            kwargs[key] = apps.get_model(ALONE[key]).objects.order_by("pk").values_list("pk", flat=True).first()
            in_scope = True
        elif key in VALUES:
            kwargs[key] = VALUES[key]
        else:
            raise AssertionError(f"{name} : ajoutez ici comment construire le paramètre {key}")
    return reverse(name, kwargs=kwargs), records, in_scope, unmet


def _a_transition(name):
    return {"projects:transition": "declare_admissible", "meetings:minutes_transition": "submit"}.get(
        name, "open_for_review"
    )


def _state(records):
    """What a refused POST must leave as it was: every model's row count and the named records."""
    counts = {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in ("sessions.session", "axes.accesslog", "axes.accessattempt")
    }
    rows = {label: list(apps.get_model(label).objects.filter(pk=pk).values()) for label, pk in records.items()}
    return counts, rows


def _post(client, url, records, data):
    """POST in a savepoint rolled back afterwards: (status, location, written?)."""
    with transaction.atomic():
        before = _state(records)
        response = client.post(url, data)
        after = _state(records)
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", ""), before != after


def _client(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _allowed_users(name, declared, records):
    if name in AUTHOR:
        label, author = AUTHOR[name]
        return [author(apps.get_model(label).objects.get(pk=records[label]))]
    if ALLOWED.get(name) == "*":
        return list(User.objects.filter(username__in=DEMO))
    return [_allowed_user(name, declared, records)]


def _allowed_user(name, declared, records):
    if name in ALLOWED:
        return User.objects.get(username=ALLOWED[name])
    if not declared:
        return User.objects.get(username="mdo.manager")
    label, action = declared
    target = apps.get_model(label).objects.get(pk=records[label]) if label in records else label
    for username in DEMO:
        user = User.objects.get(username=username)
        if policy.allows(user, action, target):
            return user
    raise AssertionError(f"{name} : aucun compte de démonstration n'a le droit {action} sur {label}")


def _records_the_demo_lacks():
    """Out of the 5th's scope: minutes in review (a decision, an action, a comment), a project's attachment, a
    consultation with its questionnaire in draft (a section, a question); a notification of the 3rd's agent."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consultations import services as consultation_services
    from meetings import services as meeting_services
    from meetings.models import Meeting
    from notifications.enums import NotificationKind
    from notifications.models import Notification
    from projects import services as project_services
    from projects.models import Project

    officer = User.objects.get(username="mdo.officer")
    town_hall_5 = User.objects.get(username="mairie5.agent")
    project = Project.objects.exclude(pk__in=access.visible(town_hall_5, Project).values("pk")).order_by("pk").first()
    assert project is not None, "aucun projet hors du 5e dans la démonstration"
    project_services.timeline_comment_add(project=project, by=officer, text="Commentaire de la tournée")
    project_services.attachment_add(
        project=project, by=officer, file=SimpleUploadedFile("note.pdf", b"%PDF-1.4\n", "application/pdf")
    )
    consultation = consultation_services.consultation_create(
        by=officer, title="Consultation de la tournée", public_question="Que faire de la place ?", districts=[3]
    )
    version = consultation_services.draft_of(consultation)
    section = consultation_services.section_save(version=version, title="Votre avis", by=officer)
    consultation_services.question_save(
        version=version, section=section, kind="scale5", text="Êtes-vous satisfait·e ?", by=officer
    )
    _answers_to_correct(town_hall_5)

    town_hall_3 = User.objects.get(username="mairie3.agent")
    Notification.objects.create(recipient=town_hall_3, kind=NotificationKind.values[0], verb="Notification de test")
    # The last meeting out of the 5th's scope gets minutes, in review (the first keeps none, to be written).
    meeting = (
        Meeting.objects.filter(minutes__isnull=True)
        .exclude(pk__in=access.visible(User.objects.get(username="mairie5.agent"), Meeting).values("pk"))
        .order_by("pk")
        .last()
    )
    assert meeting is not None, "aucune réunion sans compte rendu hors du 5e dans la démonstration"
    meeting_services.minutes_save(meeting=meeting, by=meeting.organiser, summary="Compte rendu", notes={})
    meeting_services.decision_add(meeting=meeting, by=meeting.organiser, text="Décision de la tournée")
    meeting_services.action_add(meeting=meeting, by=meeting.organiser, title="Action de la tournée")
    meeting_services.minutes_transition(meeting=meeting, by=meeting.organiser, name="submit")
    meeting_services.minutes_comment_add(meeting=meeting, by=meeting.organiser, text="Relecture de la tournée")


def _answers_to_correct(town_hall_5):
    """Out of the 5th's scope: a directorate's answer given while the MDO has not decided, and a town hall's
    opinion on a line before its final decision (the last open task of each, the first stay open to take)."""
    from viewflow.workflow.status import STATUS

    from budgets import services as budget_services
    from budgets.flows import BudgetApprovalFlow
    from budgets.models import BudgetApproval
    from mdo.enums import Role
    from mdo.roles import role_members
    from projects import flows as project_flows
    from projects.models import Project

    open_status = [STATUS.NEW, STATUS.ASSIGNED]
    review_task = (
        apps.get_model("viewflow.task")
        .objects.filter(
            flow_task=FeasibilityFlow.directorate_review,
            status__in=open_status,
            process__feasibilityreview__project__in=_out_of_scope("projects.project", town_hall_5),
            process__feasibilityreview__project__status="feasibility_review",
        )
        .order_by("pk")
        .last()
    )
    assert review_task is not None, "aucune étude de faisabilité ouverte hors du 5e dans la démonstration"
    review = project_flows.review_of(review_task)
    agent = role_members(Role.DIRECTORATE_AGENT).filter(organisation=review.directorate).first()
    assert agent is not None, f"aucun agent de {review.directorate} dans la démonstration"
    project_flows.directorate_answer(
        task=review_task, by=agent, verdict="feasible", cost_estimate=None, delay_months=None, conditions=""
    )
    assert Project.objects.get(pk=review.project_id).status == "feasibility_review"
    opinion_task = (
        apps.get_model("viewflow.task")
        .objects.filter(
            flow_task=BudgetApprovalFlow.town_hall_opinion,
            status__in=open_status,
            process__budgetapproval__budget_line__in=_out_of_scope("budgets.budgetline", town_hall_5),
        )
        .order_by("pk")
        .last()
    )
    assert opinion_task is not None, "aucun avis de mairie attendu hors du 5e dans la démonstration"
    line = BudgetApproval.objects.get(pk=opinion_task.process_id).budget_line
    town_hall_agent = role_members(Role.TOWN_HALL_AGENT).filter(organisation_id=opinion_task.owner_permission_obj_pk)
    budget_services.approval_task_decide(
        task=opinion_task, by=town_hall_agent.exclude(pk=line.requester_id).first(), outcome="favourable"
    )


def test_every_post_view_is_walked():
    names = {name for name, _, _ in post_views()}
    # The views this walk was written for are found by the URL configuration, not listed by hand.
    assert {"projects:edit", "vendors:order_decide", "meetings:agenda_add", "consultations:builder"} <= names
    stale = (set(OWN) | READ_ONLY | set(OPEN)) - names
    assert not stale, f"Entrées sans vue POST : {stale}"


@pytest.mark.django_db
def test_no_post_view_lets_someone_out_of_scope_or_without_role_write(settings, django_user_model):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    call_command("seed_demo", quiet_logins=True, stdout=io.StringIO())
    town_hall_5 = User.objects.get(username="mairie5.agent")
    no_role = django_user_model.objects.create_user("sans.role", password="x")
    _records_the_demo_lacks()
    walkers = {"sans rôle": _client(no_role), "mairie du 5e": _client(town_hall_5)}
    leaks, blocked, errors, unchecked, absent = [], [], [], [], []
    walked = 0
    for name, pattern, declared in post_views():
        if name in OPEN:
            continue
        try:
            url, records, in_scope, unmet = _build(name, pattern, declared, town_hall_5)
        except AssertionError as error:
            errors.append(str(error))
            continue
        except MissingDemoRow as error:
            absent.append(str(error))
            continue
        walked += 1
        data = DATA[name]() if name in DATA else {}
        for who, client in walkers.items():
            status, location, written = _post(client, url, records, data)
            if status >= 500:
                errors.append(f"{who} {name} {url} : {status}")
            if written and name not in OWN:
                leaks.append(f"{who} {name} {url} : écrit ({status})")
            refused = status in (403, 404)
            # The own-things views and the read-only pages may answer (their GET is scope-tested).
            must_refuse = name not in OWN and name not in READ_ONLY
            if who == "mairie du 5e" and (in_scope or not records) and must_refuse:
                # Nothing out of the 5th's scope in the URL: the role decides (the table, for a declared view).
                must_refuse = bool(declared) and not policy.allows(town_hall_5, declared[1], declared[0])
            if must_refuse and not refused:
                leaks.append(f"{who} {name} {url} : {status} {location}")
        if name in READ_ONLY:
            continue
        if unmet:
            unchecked.append(name)
            continue
        answers = []
        for allowed in _allowed_users(name, declared, records):
            status, location, _ = _post(_client(allowed), url, records, data)
            answers.append(f"{allowed.username} {status} {location}")
            if status >= 500:
                errors.append(f"{allowed.username} {name} {url} : {status}")
            if status not in (403, 404) and status < 500 and not location.startswith("/accounts/login/"):
                break
        else:
            blocked.append(f"{name} {url} : {answers}")
    assert walked > 100, walked
    # Every URL is walked, and its allowed role checked, on records in the state it acts on: what the demo
    # lacks is added by _records_the_demo_lacks, so that no URL is left out silently.
    assert not (absent or unchecked or errors or leaks or blocked), (
        f"Non parcourues (aucune ligne dans la démonstration) : {absent}\n"
        f"Rôle autorisé non vérifié (aucune donnée dans l'état voulu) : {unchecked}\n"
        "Erreurs :\n"
        + "\n".join(errors)
        + "\nRefus manquants ou écritures :\n"
        + "\n".join(leaks)
        + "\nRôle autorisé refusé :\n"
        + "\n".join(blocked)
    )
