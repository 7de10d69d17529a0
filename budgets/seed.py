"""Demo budget lines for ``manage.py seed_demo`` (order 20, after the projects).

The demo set goes through the real services, so its tasks are real viewflow tasks in the demo
users' inboxes: mdo.manager has lines to approve, direction lines above the threshold,
mairie3.agent an opinion to give, mdo.officer a line sent back for changes. ``--size large``
adds lines up to 12,000 with ``bulk_create`` (no flow: they stand for past years).
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings

from budgets.enums import BudgetLineStatus, DecisionOutcome, Section
from budgets.models import BudgetLine, Commitment, Payment
from budgets.money import to_cents, ttc_from_ht
from mdo.enums import Role
from mdo.models import User
from mdo.seed import large

LARGE_LINE_COUNT = 12_000

# (label, section, chapter, nature, function)
CATALOGUE = [
    ("Végétalisation de la cour d'école", Section.INVESTMENT, "21", "2128", "213"),
    ("Installation de bancs et d'assises", Section.INVESTMENT, "21", "2152", "844"),
    ("Aire de jeux pour enfants", Section.INVESTMENT, "21", "2128", "823"),
    ("Éclairage du cheminement piéton", Section.INVESTMENT, "21", "21534", "844"),
    ("Composteurs partagés de quartier", Section.INVESTMENT, "21", "2188", "812"),
    ("Rénovation du city-stade", Section.INVESTMENT, "23", "2312", "325"),
    ("Jardinières et plantations de rue", Section.INVESTMENT, "21", "2121", "823"),
    ("Arceaux vélos et abri sécurisé", Section.INVESTMENT, "21", "2152", "845"),
    ("Fresque participative", Section.OPERATING, "011", "611", "311"),
    ("Fête de quartier et animations", Section.OPERATING, "011", "6232", "024"),
    ("Ateliers de concertation", Section.OPERATING, "011", "6228", "020"),
    ("Boîte à livres et mobilier de lecture", Section.INVESTMENT, "21", "2184", "321"),
]
# What a project's line pays for: (label, section, chapter, nature, function).
PROJECT_PHASES = [
    ("travaux", Section.INVESTMENT, "23", "2312", "823"),
    ("fournitures et mobilier", Section.INVESTMENT, "21", "2188", "844"),
    ("études et maîtrise d'œuvre", Section.INVESTMENT, "20", "2031", "823"),
    ("plantations", Section.INVESTMENT, "21", "2121", "823"),
    ("communication et inauguration", Section.OPERATING, "011", "6237", "024"),
]
PLACES = [
    "place Sathonay",
    "parc Blandan",
    "rue Paul Bert",
    "quai Saint-Vincent",
    "Montchat",
    "parc de la Tête d'Or",
    "Gerland",
    "La Duchère",
    "Vaise",
    "Croix-Rousse",
    "Monplaisir",
    "Guillotière",
    "Point du Jour",
    "Confluence",
]


def seed_budgets(*, size: str, stdout) -> None:
    # The demo's e-mails would flood the console: the seed sends none.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        created = _seed_demo_lines(stdout)
    if size == "large":
        _seed_large(stdout)
    stdout.write(
        f"Budgets : {BudgetLine.objects.count()} lignes ({created} créées pour la démo), "
        f"{Commitment.objects.count()} engagements, {Payment.objects.count()} mandats."
    )


def _user(username: str):
    return User.objects.filter(username=username).first()


def _seed_demo_lines(stdout) -> int:
    from budgets import services
    from projects.models import Project

    officer, manager, director, town_hall = (
        _user(n) for n in ("mdo.officer", "mdo.manager", "direction", "mairie3.agent")
    )
    if not (officer and manager and director):
        stdout.write("Budgets : comptes de démo absents, rien à créer.")
        return 0
    if BudgetLine.objects.filter(requester=officer).exists():
        return 0  # idempotent: the demo set is there already
    from projects.enums import ProjectStatus

    # Winners being designed, procured or built are those that need money this year.
    in_progress = [ProjectStatus.DESIGN, ProjectStatus.PROCUREMENT, ProjectStatus.WORKS]
    projects = list(Project.objects.filter(selected=True, status__in=in_progress).order_by("pk")[:40]) or list(
        Project.objects.order_by("-selected", "pk")[:40]
    )
    rng = random.Random(20)
    year = datetime.date.today().year
    count = 0

    def line(index: int, amount: str, *, district=None, project=True, fiscal_year=year):
        nonlocal count
        label, section, chapter, nature, function = CATALOGUE[index % len(CATALOGUE)]
        label = f"{label} — {PLACES[index % len(PLACES)]}"
        chosen = None
        if project and projects:
            # A district's état spécial pays for a project of that district; the line is named after its project.
            same_district = [p for p in projects if p.district == district] if district is not None else projects
            chosen = (same_district or projects)[index % len(same_district or projects)]
            label, section, chapter, nature, function = PROJECT_PHASES[index % len(PROJECT_PHASES)]
            label = f"{chosen.title} — {label}"
        count += 1
        return services.budget_line_create(
            by=officer,
            fiscal_year=fiscal_year,
            section=section,
            chapter=chapter,
            nature=nature,
            function=function,
            label=label[:255],
            amount_ht=Decimal(amount),
            vat_rate=Decimal("20"),
            project=chosen,
            holder_district=district if district is not None else None,
        )

    def task_of(record):
        from budgets.selectors import open_task_of_line

        return open_task_of_line(record)

    def decide(record, user, outcome, comment=""):
        services.approval_task_decide(task=task_of(record), by=user, outcome=outcome, comment=comment)

    with transaction.atomic():
        line(0, "8400.00", project=False)  # a draft
        for index, amount in ((1, "12500.00"), (2, "27800.50"), (3, "6900.00")):
            services.budget_line_submit(line=line(index, amount), by=officer)  # awaiting mdo.manager
        for index, amount in ((4, "58000.00"), (5, "124500.00")):
            record = line(index, amount)
            services.budget_line_submit(line=record, by=officer)
            decide(record, manager, DecisionOutcome.APPROVED, "Projet lauréat, chiffrage de la direction vérifié.")
        if town_hall:
            record = line(6, "18250.00", district=3)
            services.budget_line_submit(line=record, by=officer)
            decide(
                record, manager, DecisionOutcome.APPROVED, "Conforme à l'état spécial du 3e."
            )  # awaiting mairie3.agent
        record = line(7, "15300.00")
        services.budget_line_submit(line=record, by=officer)
        decide(
            record, manager, DecisionOutcome.CHANGES_REQUESTED, "Préciser l'imputation : nature 2152 plutôt que 2128."
        )
        record = line(8, "4200.00", project=False)
        services.budget_line_submit(line=record, by=officer)
        decide(record, manager, DecisionOutcome.REJECTED, "Dépense déjà couverte par le marché d'animation en cours.")
        approved = []
        for index in range(9, 21):
            amount = Decimal(rng.randrange(300_000, 3_800_000)) / 100
            record = line(index, str(amount), project=index % 4 != 0)
            services.budget_line_submit(line=record, by=officer)
            decide(record, manager, DecisionOutcome.APPROVED, "Validé.")
            approved.append(record)
        if town_hall:
            record = line(21, "9800.00", district=3)
            services.budget_line_submit(line=record, by=officer)
            decide(record, manager, DecisionOutcome.APPROVED, "Validé.")
            decide(record, town_hall, DecisionOutcome.FAVOURABLE, "Avis favorable du conseil d'arrondissement.")
            decide(record, manager, DecisionOutcome.APPROVED, "Avis favorable de la mairie : approuvée.")
            approved.append(record)
        for index, record in enumerate(approved):
            record.refresh_from_db()
            share = Decimal(rng.choice(["0.4", "0.6", "0.8", "1"]))
            commitment = services.commitment_create(
                budget_line=record,
                amount=to_cents(record.amount_ttc * share),
                committed_on=datetime.date(year, 2 + index % 9, 3 + index),
                by=manager,
                number=f"EJ{year}-{4100 + index:05d}",
                label="Bon de commande au titulaire du marché",
            )
            if index % 3 != 2:
                services.payment_create(
                    commitment=commitment,
                    amount=to_cents(commitment.amount * Decimal(rng.choice(["0.3", "0.5", "1"]))),
                    paid_on=datetime.date(year, 3 + index % 9, 10),
                    reference=f"M{year}-{7200 + index:05d}",
                    by=manager,
                )
        _age_open_tasks(rng)
    return count


def _age_open_tasks(rng) -> None:
    """Submitted a few days ago rather than at seeding time, one of them past its due date: the
    inbox's waiting times, its oldest-first order and its « en retard » then read as in real life."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    from budgets.selectors import _flow_tasks

    tasks = list(_flow_tasks().filter(status__in=[STATUS.NEW, STATUS.ASSIGNED]).order_by("pk"))
    for index, task in enumerate(tasks):
        days = 12 if index == 0 else rng.randrange(1, 8)
        task.created -= datetime.timedelta(days=days)
        due = (task.data or {}).get("due_on")
        if due:
            task.data["due_on"] = (datetime.date.fromisoformat(due) - datetime.timedelta(days=days)).isoformat()
        Task.objects.filter(pk=task.pk).update(created=task.created, data=task.data)


def _seed_large(stdout) -> None:
    """Fill up to 12,000 lines over six fiscal years, with commitments and payments, in bulk."""
    from projects.models import Project

    existing = BudgetLine.objects.count()
    if existing >= large(LARGE_LINE_COUNT):
        return
    requesters = list(User.objects.filter(groups__role_key__code=Role.MDO_OFFICER).values_list("pk", flat=True))
    if not requesters:
        return
    projects = list(Project.objects.values_list("pk", "district"))
    rng = random.Random(2026)
    this_year = datetime.date.today().year
    statuses = [BudgetLineStatus.APPROVED] * 7 + [BudgetLineStatus.REJECTED, BudgetLineStatus.DRAFT]
    lines = []
    for _ in range(existing, large(LARGE_LINE_COUNT)):
        label, section, chapter, nature, function = rng.choice(CATALOGUE)
        amount_ht = to_cents(Decimal(rng.randrange(50_000, 9_000_000)) / 100)
        project = rng.choice(projects) if projects and rng.random() < 0.8 else None
        status = rng.choice(statuses)
        fiscal_year = this_year - rng.randrange(0, 6)
        lines.append(
            BudgetLine(
                fiscal_year=fiscal_year,
                section=section,
                chapter=chapter,
                nature=nature,
                function=function,
                label=f"{label} — {rng.choice(PLACES)}",
                amount_ht=amount_ht,
                amount_ttc=ttc_from_ht(amount_ht, Decimal("20")),
                project_id=project[0] if project else None,
                holder_district=rng.choice([None, None, None, rng.randint(1, 9)]),
                requester_id=rng.choice(requesters),
                status=status,
                decided_at=datetime.datetime(fiscal_year, 3, 1, tzinfo=datetime.UTC)
                if status != BudgetLineStatus.DRAFT
                else None,
            )
        )
    created = BudgetLine.objects.bulk_create(lines, batch_size=1000)
    commitments = []
    for record in created:
        if record.status == BudgetLineStatus.APPROVED and rng.random() < 0.6:
            commitments.append(
                Commitment(
                    budget_line_id=record.pk,
                    amount=to_cents(record.amount_ttc * Decimal(rng.choice(["0.5", "0.8", "1"]))),
                    committed_on=datetime.date(record.fiscal_year, rng.randint(3, 11), rng.randint(1, 28)),
                    number=f"EJ{record.fiscal_year}-{record.pk:06d}",
                    created_by_id=record.requester_id,
                )
            )
    commitments = Commitment.objects.bulk_create(commitments, batch_size=1000)
    payments = [
        Payment(
            commitment_id=c.pk,
            amount=to_cents(c.amount * Decimal(rng.choice(["0.5", "1"]))),
            paid_on=c.committed_on + datetime.timedelta(days=rng.randint(20, 90)),
            reference=f"M{c.committed_on.year}-{c.pk:06d}",
            created_by_id=c.created_by_id,
        )
        for c in commitments
        if rng.random() < 0.6
    ]
    Payment.objects.bulk_create(payments, batch_size=1000)
