"""Budget lines, projects and the steps of the approval, for the budgets tests."""

from decimal import Decimal

from budgets import services
from budgets.enums import Section
from budgets.models import BudgetLine
from budgets.selectors import open_task_of_line
from projects.models import Edition, EditionDistrict, Project


def make_project(**fields) -> Project:
    fields.setdefault("title", "Végétalisation de la place Sathonay")
    return Project.objects.create(**fields)


def make_line(requester, *, amount_ht="12500.00", vat_rate="20", **fields) -> BudgetLine:
    values = {
        "fiscal_year": 2026,
        "section": Section.INVESTMENT,
        "chapter": "21",
        "nature": "2128",
        "function": "823",
        "label": "Aire de jeux du parc Blandan",
    }
    values.update(fields)
    return services.budget_line_create(by=requester, amount_ht=Decimal(amount_ht), vat_rate=Decimal(vat_rate), **values)


def submitted_line(requester, **fields) -> BudgetLine:
    line = make_line(requester, **fields)
    services.budget_line_submit(line=line, by=requester)
    line.refresh_from_db()
    return line


def approved_line(requester, manager, **fields) -> BudgetLine:
    """A line taken through every step its amount and holder call for."""
    from budgets.enums import ApprovalStep
    from mdo.enums import Role
    from mdo.models import User
    from tests.factories import make_user, mdo_organisation, town_hall

    line = submitted_line(requester, **fields)
    decide(line, manager, "approved")
    director = None
    while (task := open_task(line)) is not None:
        step = task.flow_task.step
        if step == ApprovalStep.TOWN_HALL_OPINION:
            org = town_hall(line.holder_district)
            agent = User.objects.filter(organisation=org, groups__role_key__code=Role.TOWN_HALL_AGENT).first()
            decide(line, agent or make_user(Role.TOWN_HALL_AGENT, org), "favourable")
            continue
        if step == ApprovalStep.DIRECTOR_REVIEW or (
            step == ApprovalStep.FINAL_DECISION and task.owner_permission.endswith("threshold")
        ):
            director = (
                director
                or User.objects.filter(groups__role_key__code=Role.DIRECTOR).first()
                or make_user(Role.DIRECTOR, mdo_organisation())
            )
            decide(line, director, "approved")
            continue
        decide(line, manager, "approved")
    line.refresh_from_db()
    return line


def open_task(line):
    return open_task_of_line(line)


def decide(line, user, outcome, comment=""):
    return services.approval_task_decide(task=open_task(line), by=user, outcome=outcome, comment=comment)


def edition_with_district(*, number=3, envelope="100000.00") -> EditionDistrict:
    edition = Edition.objects.get_or_create(name="Budget participatif 2025-2026", defaults={"number": 2})[0]
    return EditionDistrict.objects.create(
        edition=edition, name=f"Lyon {number}e", number=number, envelope=Decimal(envelope)
    )
