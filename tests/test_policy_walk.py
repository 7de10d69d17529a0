"""Every view that declares an action of mdo/policy.py is posted to as each role: the table decides.

A role the table forbids must get the 404 of a refusal (a user without any role: the no-role page, 403)
and change nothing (rows and history); a role it allows without condition must reach the view (a form
with errors, a redirect — anything but the refusal).
"""

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mdo import policy
from mdo.enums import Role
from tests.factories import directorate, make_user, mdo_organisation, town_hall
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

ORGANISATIONS = {
    Role.TOWN_HALL_AGENT: lambda: town_hall(3),
    Role.DIRECTORATE_AGENT: lambda: directorate("Direction des Espaces verts"),
}


def declared_views(resolver=None, namespace=""):
    """(url name, pattern, (model label, action)) of every URL whose view declares a policy action."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from declared_views(entry, inner)
        elif isinstance(entry, URLPattern):
            view = entry.callback
            declared = getattr(view, "policy_action", None) or getattr(
                getattr(view, "view_class", None), "policy_action", None
            )
            if declared and entry.name:
                yield f"{namespace}{entry.name}", entry, declared


def _url(name, pattern, label):
    keys = list(pattern.pattern.converters)
    if not keys:
        return reverse(name)
    assert keys == ["pk"], f"{name} : ajoutez ici comment construire ses paramètres {keys}"
    obj = apps.get_model(label).objects.order_by("pk").first()
    assert obj is not None, f"{name} : aucune ligne de {label} pour y poster"
    return reverse(name, kwargs={"pk": obj.pk})


def test_the_walk_covers_the_views_that_had_their_own_role_checks():
    names = {name for name, _, _ in declared_views()}
    assert {
        "vendors:vendor_create",
        "vendors:contract_create",
        "vendors:import",
        "projects:create",
        "projects:bulk",
        "projects:rescope",
        "projects:vote_import",
        "meetings:create",
        "meetings:series_create",
        "budgets:line_create",
        "vendors:milestone_deliver",
        "vendors:milestone_certify",
        "vendors:invoice_pay",
        "budgets:line_submit",
        "meetings:cancel",
        "meetings:decision_edit",
        "meetings:decision_delete",
        "meetings:action_edit",
        "meetings:action_delete",
        "meetings:comment_edit",
        "meetings:comment_delete",
    } <= names


@pytest.fixture
def records(db):
    """One record of each model a declared view acts on, issued by an officer who is not the walker."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from tests.budgets.factories import make_line
    from tests.meetings.factories import make_meeting
    from tests.vendors.factories import approved_line, make_contract, make_order
    from vendors import services
    from vendors.models import VendorContact

    issuer = make_user(Role.MDO_OFFICER, mdo_organisation(), username="emetteur")
    project = ProjectFactory(title="Projet de la tournée", district=3)
    order = make_order(
        contract=make_contract(by=issuer), line=approved_line(project=project, requester=issuer), by=issuer
    )
    VendorContact.objects.create(vendor=order.contract.vendor, name="Claire Dupont")
    milestone = services.milestone_create(order=order, label="Rapport", due_on=timezone.localdate(), by=issuer)
    services.milestone_deliver(milestone=milestone, by=issuer, delivered_on=timezone.localdate())
    services.invoice_create(
        order=order, number="F-1", received_on=timezone.localdate(), amount_ht=Decimal("100"), by=issuer
    )
    make_line(issuer, project=project)
    meeting = make_meeting(issuer, start=timezone.now() + datetime.timedelta(days=7))
    from meetings import services as meeting_services

    # A decision, an action and a review comment to correct or delete (the minutes in review).
    meeting_services.decision_add(meeting=meeting, by=issuer, text="Décision de la tournée")
    meeting_services.action_add(meeting=meeting, by=issuer, title="Action de la tournée")
    meeting_services.minutes_transition(meeting=meeting, by=issuer, name="submit")
    meeting_services.minutes_comment_add(meeting=meeting, by=issuer, text="Commentaire de la tournée")


def _snapshot(model):
    """What a refused POST must leave as it was: the rows and their history."""
    history = getattr(model, "history", None)
    return model.objects.count(), history.count() if history is not None else None


def _is_no_role_page(response):
    return response.status_code == 403 and 'data-testid="no-role"' in response.content.decode()


@pytest.mark.parametrize("role", [*Role.values, None])
def test_each_role_may_post_exactly_what_the_table_allows(client, role, records):
    user = make_user(role, ORGANISATIONS.get(role, mdo_organisation)(), username=f"tournee-{role or 'sans-role'}")
    client.force_login(user)
    leaks, blocked = [], []
    for name, pattern, (label, action) in declared_views():
        model = apps.get_model(label)
        url = _url(name, pattern, label)
        before = _snapshot(model)
        response = client.post(url, {})
        verdict = policy.role_may(role, action, label) if role else False
        # Without a role, the no-role page (403) answers before the view's own refusal (404).
        refused = response.status_code == 404 if role else _is_no_role_page(response)
        if not verdict and (not refused or _snapshot(model) != before):
            leaks.append(f"{name} ({label} → {action}) : {response.status_code}")
        # A right under a condition on the record ("si …") may rightly refuse this record.
        if verdict is True and response.status_code in (403, 404):
            blocked.append(f"{name} ({label} → {action}) : {response.status_code}")
    assert not leaks, f"Le rôle {role} passe là où le tableau l'interdit : {leaks}"
    assert not blocked, f"Le rôle {role} est refusé là où le tableau l'autorise : {blocked}"
