"""mdo/policy.py: the table of who may do what, its generated documentation and its template tag."""

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.urls import reverse

from mdo import policy
from mdo.enums import Role
from mdo.management.commands.policy_table import DOC, document_with_table
from tests.factories import directorate, make_user
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_docs_page_is_the_generated_table():
    text = DOC.read_text(encoding="utf-8")
    assert text == document_with_table(text), "docs/roles.md est en retard : python manage.py policy_table --write"


def test_command_prints_one_row_per_declared_action():
    out = StringIO()
    call_command("policy_table", stdout=out)
    rows = [line for line in out.getvalue().splitlines() if line.startswith("| `")]
    assert len(rows) == sum(len(actions) for actions in policy.POLICY.values())
    assert (
        "| `vendors.milestone` | `certify` | si pas sur ses propres bons de commande | si pas sur ses propres bons de commande | — | — | — | — |"
        in rows
    )


def test_an_undeclared_action_is_a_configuration_error(mdo_officer):
    with pytest.raises(ImproperlyConfigured):
        policy.allows(mdo_officer, "delete_everything", "projects.project")


def test_inactive_and_anonymous_users_may_do_nothing(mdo_officer):
    from django.contrib.auth.models import AnonymousUser

    mdo_officer.is_active = False
    assert not policy.allows(mdo_officer, "create", "projects.project")
    assert not policy.allows(AnonymousUser(), "create", "projects.project")


def test_condition_on_the_record_decides_for_a_record(directorate_agent):
    own = ProjectFactory(lead_directorate=directorate_agent.organisation)
    other = ProjectFactory(lead_directorate=directorate("Direction des Sports"))
    assert policy.allows(directorate_agent, "transition:deliver", own)
    assert not policy.allows(directorate_agent, "transition:deliver", other)
    assert policy.role_may(Role.DIRECTORATE_AGENT, "transition:deliver", "projects.project") == policy.LEAD_DIRECTORATE
    assert not policy.allows(directorate_agent, "transition:close", own)


def test_template_tag_shows_the_button_to_whom_the_table_allows(client, admin_user, mdo_officer):
    url = reverse("organisation_detail", args=[mdo_officer.organisation.pk])
    client.force_login(mdo_officer)
    assert "Modifier dans l'administration" not in client.get(url).content.decode()
    client.force_login(admin_user)
    assert "Modifier dans l'administration" in client.get(url).content.decode()


def test_a_role_renamed_group_keeps_its_rights(mdo_manager):
    from mdo.roles import role_group

    group = role_group(Role.MDO_MANAGER)
    group.name = "Cheffe de la Mission"
    group.save()
    manager = type(mdo_manager).objects.get(pk=mdo_manager.pk)
    assert policy.allows(manager, "transition:close", "projects.project")


def test_no_role_user_may_not_organise(no_role_user):
    assert not policy.allows(no_role_user, "organise", "meetings.meeting")
    assert policy.allows(
        make_user(Role.TOWN_HALL_AGENT, directorate("Direction de test"), username="x"), "organise", "meetings.meeting"
    )


def test_the_approval_tasks_go_to_exactly_the_roles_the_table_allows():
    """The inbox routes each approval task to a role; the table decides who may take it: they must agree."""
    from budgets.flows import PERMISSION_ACTIONS, PERMISSION_ROLES
    from vendors.approval import ORDER_PERMISSION_ROLES, STEP_ACTIONS

    assert set(PERMISSION_ACTIONS) == set(PERMISSION_ROLES)
    for permission, role in PERMISSION_ROLES.items():
        assert set(policy.rule("budgets.budgetline", PERMISSION_ACTIONS[permission])) == {role}, permission
    assert {frozenset(policy.rule("vendors.purchaseorder", action)) for action in STEP_ACTIONS.values()} == {
        frozenset({role}) for role in ORDER_PERMISSION_ROLES.values()
    }


def test_an_opinion_is_corrected_by_its_author_or_an_administrator(town_hall_agent, other_town_hall_agent, admin_user):
    from budgets.models import BudgetDecision
    from projects.models import FeasibilityReview

    decision = BudgetDecision(decided_by=town_hall_agent)
    assert policy.allows(town_hall_agent, "correct", decision)
    assert policy.allows(admin_user, "correct", decision)
    assert not policy.allows(other_town_hall_agent, "correct", decision)
    review = FeasibilityReview(town_hall_answered_by=town_hall_agent, directorate_answered_by=other_town_hall_agent)
    assert policy.allows(town_hall_agent, "correct:town_hall_opinion", review)
    assert not policy.allows(town_hall_agent, "correct:directorate_review", review)
    assert policy.allows(admin_user, "correct:directorate_review", review)


def test_the_district_town_hall_comments_on_its_projects_and_the_city_wide_ones(town_hall_agent, other_town_hall_agent):
    own, city_wide = ProjectFactory(district=3), ProjectFactory(district=None)
    assert policy.allows(town_hall_agent, "comment", own)
    assert policy.allows(town_hall_agent, "comment", city_wide)
    assert not policy.allows(other_town_hall_agent, "comment", own)


def test_an_account_is_changed_by_its_owner_or_an_administrator(town_hall_agent, other_town_hall_agent):
    from tests.factories import mdo_organisation

    administrator = make_user(Role.ADMIN, mdo_organisation(), username="administratrice")
    assert policy.allows(town_hall_agent, "change", town_hall_agent)
    assert policy.allows(administrator, "change", town_hall_agent)
    assert not policy.allows(other_town_hall_agent, "change", town_hall_agent)
    assert not policy.allows(town_hall_agent, "change", "vendors.latepaymentrate")
    assert policy.allows(administrator, "change", "vendors.latepaymentrate")
