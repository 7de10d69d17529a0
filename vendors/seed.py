"""Demo contractors for ``manage.py seed_demo`` (order 30, after projects and budgets).

``demo``: a handful of Lyon-looking vendors, AMO contracts and framework agreements with their
orders (through the real services: numbering, commitments, ceilings), milestones late or awaiting
certification, invoices due soon or late. ``large``: the volumes of DESIGN.md (400 contracts,
6 000 orders, 20 000 milestones, 15 000 invoices) with ``bulk_create``. Idempotent.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from stdnum import luhn

from budgets.models import BudgetLine, Commitment, Payment
from budgets.money import to_cents, ttc_from_ht
from mdo.enums import Role
from mdo.models import Organisation, User
from mdo.seed import large
from projects.models import Project
from vendors import services
from vendors.enums import ContractKind, MilestoneStatus
from vendors.models import (
    PAYMENT_DELAY_DAYS,
    Contract,
    Invoice,
    LatePaymentRate,
    Milestone,
    OrderCounter,
    PurchaseOrder,
    Vendor,
    VendorContact,
    add_months,
)
from vendors.rules import half_year_start
from vendors.selectors import interest_owed, late_payment_rates

DEMO_MARKER = "2026-AMO-001"
LARGE = {"contracts": 400, "orders": 6000, "milestones": 20000, "invoices": 15000}

VENDORS = [
    ("Ville Ouverte Conseil", "12 rue de la République", "69002", "Lyon", "Claire Vasseur", "Directrice associée"),
    ("Traces Urbaines SCOP", "5 quai Perrache", "69002", "Lyon", "Romain Gilles", "Chef de projet concertation"),
    (
        "Atelier Mobilier Urbain Lyonnais",
        "48 avenue Jean Jaurès",
        "69007",
        "Lyon",
        "Patrick Dumas",
        "Chargé d'affaires",
    ),
    (
        "Les Jardins de Saône Paysage",
        "3 chemin de Montessuy",
        "69004",
        "Lyon",
        "Inès Berthier",
        "Paysagiste conceptrice",
    ),
    ("Signalétique Rhône-Alpes", "22 rue Paul Bert", "69003", "Lyon", "Yann Collet", "Responsable commercial"),
    ("Médiation & Territoires", "9 place Bellecour", "69002", "Lyon", "Samira Ould", "Consultante senior"),
    ("Lumière Urbaine Ingénierie", "140 rue Garibaldi", "69006", "Lyon", "Bruno Lacroix", "Ingénieur éclairagiste"),
    ("Parcours Citoyens", "17 montée de la Grande Côte", "69001", "Lyon", "Élodie Marchand", "Facilitatrice"),
]

SUBJECTS = [
    "Animation d'ateliers de concertation",
    "Fourniture et pose de mobilier urbain",
    "Végétalisation de cours d'école",
    "Signalétique des projets lauréats",
    "Éclairage de cheminements piétons",
    "Évaluation des conseils de quartier",
    "Aménagement d'aires de jeux",
    "Installation de composteurs collectifs",
    "Création de fresques participatives",
    "Études de faisabilité paysagères",
    "Accompagnement des porteurs de projets",
    "Rapport de synthèse de consultation",
]
DELIVERABLES = [
    "Compte rendu d'atelier",
    "Rapport d'étape",
    "Livraison et pose",
    "Plans d'exécution",
    "Synthèse",
    "Procès-verbal de réception",
    "Bilan de concertation",
    "Dossier de consultation",
]


def siret_for(rng: random.Random) -> str:
    """A real-looking SIRET: a SIREN with its Luhn key, an establishment number, the SIRET's Luhn key."""
    siren = str(rng.randint(30_000_000, 99_999_999))
    siren += luhn.calc_check_digit(siren)
    prefix = siren + f"{rng.randint(1, 99):04d}"
    return prefix + luhn.calc_check_digit(prefix)


def seed_vendors(*, size: str, stdout) -> None:
    officer = User.objects.filter(username="mdo.officer").first()
    manager = User.objects.filter(username="mdo.manager").first()
    if officer is None or manager is None:
        stdout.write("Prestataires : comptes de démo absents, rien à faire.")
        return
    _demo_ecb_rates()
    if not Contract.objects.filter(reference=DEMO_MARKER).exists():
        _seed_demo(officer, manager)
    if size == "large":
        _seed_large(officer, manager, stdout)
    stdout.write(
        f"Prestataires : {Vendor.objects.count()} titulaires, {Contract.objects.count()} marchés, "
        f"{PurchaseOrder.objects.count()} bons de commande, {Milestone.objects.count()} jalons, "
        f"{Invoice.objects.count()} factures."
    )


def _demo_ecb_rates() -> None:
    """Demo only: the last rate entered carried on to every half-year up to tomorrow's, so that the
    demo's late invoices can be paid. In production the administrator enters each half-year's rate."""
    last = LatePaymentRate.objects.order_by("-valid_from").first()
    if last is None:
        return
    start, end = last.valid_from, half_year_start(timezone.localdate() + datetime.timedelta(days=1))
    while start < end:
        start = add_months(start, 6)
        LatePaymentRate.objects.get_or_create(valid_from=start, defaults={"ecb_rate": last.ecb_rate})


# --- budget lines to charge -----------------------------------------------------------------

DEMO_PROJECTS = [
    (3, "Végétalisation de la place Guichard"),
    (5, "Aire de jeux du parc de Ménival"),
    (7, "Jardin partagé de Gerland"),
    (1, "Fresque participative des Pentes"),
    (9, "Composteurs collectifs de la Duchère"),
]


def _projects() -> list[Project]:
    """Projects to charge: those of the projects seeder when present, else a few of our own."""
    projects = list(Project.objects.filter(district__in=[3, 5, 7, 1, 9]).order_by("pk")[:40])
    if projects:
        return projects
    directorate = Organisation.objects.filter(kind="directorate", short_name="DEV").first()
    return [
        Project.objects.get_or_create(
            title=title,
            district=district,
            defaults={"lead_directorate": directorate, "status": "works", "progress": 75},
        )[0]
        for district, title in DEMO_PROJECTS
    ]


def _demo_lines(requester) -> list[BudgetLine]:
    """Approved lines with room for the demo orders (created when the budgets seeder made none)."""
    year = timezone.localdate().year
    candidates = BudgetLine.objects.filter(status="approved", project__isnull=False, amount_ttc__gte=150000).order_by(
        "pk"
    )
    lines = list(candidates.with_amounts().filter(available__gte=150000)[:10])
    if len(lines) >= 3:
        return lines
    return [
        BudgetLine.objects.create(
            fiscal_year=year,
            section="investment",
            chapter="21",
            nature="2128",
            function="823",
            label=f"Prestations — {project.title}"[:255],
            amount_ht=Decimal("500000.00"),
            amount_ttc=Decimal("600000.00"),
            project=project,
            requester=requester,
            status="approved",
            decided_at=timezone.now(),
        )
        for project in _projects()
    ]


# --- demo -----------------------------------------------------------------------------------


@transaction.atomic
def _seed_demo(officer, manager) -> None:
    rng = random.Random(30)
    today = timezone.localdate()
    lines = _demo_lines(manager)

    def day(offset: int) -> datetime.date:
        return today + datetime.timedelta(days=offset)

    vendors = []
    for name, address, postcode, city, contact, role in VENDORS:
        vendor = Vendor.objects.filter(name=name).first()
        if vendor is None:
            vendor = Vendor.objects.create(
                name=name,
                siret=siret_for(rng),
                address=address,
                postcode=postcode,
                city=city,
                email=f"contact@{name.lower().split()[0].replace('é', 'e')}.fr",
                phone=f"04 78 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
            )
            first, last = contact.split(" ", 1)
            VendorContact.objects.create(
                vendor=vendor,
                name=contact,
                role=role,
                email=f"{first.lower()}.{last.lower()}@exemple.fr".replace("é", "e").replace("è", "e"),
            )
        vendors.append(vendor)
    ville_ouverte, traces, mobilier, jardins, signaletique, mediation, lumiere, parcours = vendors

    def contract(reference, kind, subject, vendor, start, end, maximum, **kwargs):
        return services.contract_create(
            reference=reference,
            kind=kind,
            subject=subject,
            vendor=vendor,
            starts_on=day(start),
            ends_on=day(end),
            max_amount_ht=Decimal(maximum),
            notified_on=day(start - 10),
            by=officer,
            **kwargs,
        )

    amo = contract(
        DEMO_MARKER,
        ContractKind.AMO,
        "AMO pour l'animation du budget participatif, édition 2",
        ville_ouverte,
        -300,
        430,
        "180000",
    )
    ac_concertation = contract(
        "2025-AC-014",
        ContractKind.FRAMEWORK_ORDERS,
        "Animation de réunions publiques et d'ateliers de concertation",
        traces,
        -420,
        310,
        "250000",
        renewals_allowed=3,
        lot="Lot 1 — Animation",
    )
    ac_mobilier = contract(
        "2025-AC-021",
        ContractKind.FRAMEWORK_ORDERS,
        "Fourniture et pose de mobilier urbain des projets lauréats",
        mobilier,
        -380,
        350,
        "600000",
        min_amount_ht=Decimal("50000"),
        renewals_allowed=1,
    )
    ac_paysage = contract(
        "2026-ACMS-003",
        ContractKind.FRAMEWORK,
        "Maîtrise d'œuvre paysagère — accord-cadre à marchés subséquents",
        jardins,
        -200,
        900,
        "400000",
    )
    subsequent = contract(
        "2026-ACMS-003-01",
        ContractKind.SUBSEQUENT,
        "Végétalisation de cours d'école (MS n° 1)",
        jardins,
        -150,
        200,
        "85000",
        parent=ac_paysage,
    )
    simple = contract(
        "2026-MS-007", ContractKind.SIMPLE, "Signalétique des projets lauréats", signaletique, -120, 240, "45000"
    )
    old_amo = contract(
        "2024-AMO-009", ContractKind.AMO, "AMO évaluation des conseils de quartier", mediation, -900, -170, "60000"
    )
    services.amendment_create(
        contract=ac_concertation,
        signed_on=day(-60),
        amount_ht=Decimal("30000"),
        reason="Ateliers supplémentaires de l'édition 2 (modification de faible montant)",
        by=officer,
    )
    services.amendment_create(
        contract=old_amo,
        signed_on=day(-300),
        amount_ht=Decimal("9000"),
        reason="Prolongation de la mission d'évaluation",
        by=officer,
    )
    contract(
        "2026-AC-030", ContractKind.FRAMEWORK_ORDERS, "Éclairage de cheminements piétons", lumiere, -30, 700, "300000"
    )
    contract(
        "2026-AMO-011", ContractKind.AMO, "Accompagnement des porteurs de projets citoyens", parcours, -10, 720, "75000"
    )

    plans = [
        (amo, "Animation des assemblées de quartier", "38000", -250),
        (amo, "Rapport d'analyse des votes", "22000", -120),
        (ac_concertation, "Ateliers de co-conception — Montchat", "14500", -200),
        (ac_concertation, "Réunion publique — Gerland", "6200", -90),
        (ac_concertation, "Ateliers jeunesse — La Duchère", "18800", -45),
        (ac_mobilier, "Bancs et tables — parc de Ménival", "42000", -160),
        (ac_mobilier, "Composteurs et abris — Duchère", "27500", -75),
        (subsequent, "Cour de l'école Painlevé", "48000", -100),
        (simple, "Panneaux des projets lauréats", "19000", -60),
        (old_amo, "Évaluation des 36 conseils de quartier", "51000", -600),
    ]
    for index, (on, subject, amount, issued) in enumerate(plans):
        order = services.purchase_order_create(
            contract=on,
            budget_line=lines[index % len(lines)],
            subject=subject,
            amount_ht=Decimal(amount),
            issued_on=day(issued),
            by=officer,
            commitment_number=f"ENG-{day(issued).year}-{300 + index:05d}",
            historical=True,
        )  # the demo's past, like an import
        _demo_follow_up(order, index, issued, officer, manager, day)
    _demo_penalty_and_approval(ac_mobilier, lines, officer, manager, day)


def _demo_penalty_and_approval(on, lines, officer, manager, day) -> None:
    """A late delivery whose penalty letter was sent (observations awaited), and an order above the
    approval threshold waiting in the Responsable MDO's « Mes tâches »."""
    from budgets.models import BudgetSettings

    def roomiest():
        return (
            BudgetLine.objects.filter(pk__in=[line.pk for line in lines]).with_amounts().order_by("-available").first()
        )

    order = services.purchase_order_create(
        contract=on,
        budget_line=roomiest(),
        subject="Jardinières — Croix-Rousse",
        amount_ht=Decimal("60000"),
        issued_on=day(-150),
        by=officer,
        commitment_number=f"ENG-{day(-150).year}-00350",
        historical=True,
    )
    milestone = services.milestone_create(order=order, label="Pose des jardinières", due_on=day(-100), by=officer)
    milestone = services.milestone_deliver(milestone=milestone, delivered_on=day(-70), by=officer)
    # 60 000 € × 30 days / 1000 = 1 800 € HT: above the exemption, under the cap (6 000 €).
    services.milestone_penalty_notify(milestone=milestone, sent_on=day(-5), by=manager)
    threshold = BudgetSettings.load().order_threshold_ht
    services.purchase_order_create(
        contract=on,
        budget_line=roomiest(),
        subject="Kiosques de quartier — Gerland",
        amount_ht=to_cents(threshold + Decimal("15000")),
        issued_on=day(0),
        by=officer,
    )


def _demo_follow_up(order, index, issued, officer, manager, day) -> None:
    """Milestones and invoices in every state: late, awaiting certification, certified; invoices due soon, late, paid."""
    half = to_cents(order.amount_ht / 2)
    first = services.milestone_create(
        order=order, label=DELIVERABLES[index % len(DELIVERABLES)], due_on=day(issued + 40), amount_ht=half, by=officer
    )
    second = services.milestone_create(
        order=order,
        label=DELIVERABLES[(index + 3) % len(DELIVERABLES)],
        due_on=day(max(issued + 90, -20) if index % 3 else issued + 120),
        amount_ht=half,
        by=officer,
    )
    # First deliverable: delivered (late one time in three), certified by the manager unless recent.
    delivered_on = min(day(issued + 40 + (12 if index % 3 == 0 else -2)), day(-1))
    services.milestone_deliver(milestone=first, delivered_on=delivered_on, by=officer)
    if index % 4 != 1:
        services.milestone_certify(
            milestone=first, by=manager, on=min(delivered_on + datetime.timedelta(days=3), day(0))
        )
        received = min(delivered_on + datetime.timedelta(days=5), day(0))
        invoice = services.invoice_create(
            order=order,
            number=f"FA-{received.year}-{1000 + index}",
            received_on=received,
            amount_ht=half,
            by=officer,
            milestones=[first],
        )
        if index % 3 == 0 and received + datetime.timedelta(days=20) <= day(0):
            services.invoice_pay(invoice=invoice, paid_on=received + datetime.timedelta(days=20), by=officer)
    # Second deliverable: delivered recently and awaiting certification one time in two (past due ones stay late).
    if index % 2 == 0 and second.due_on <= day(0):
        services.milestone_deliver(milestone=second, delivered_on=day(-2), by=officer)
    if index in (2, 6):  # an invoice due in a few days
        services.invoice_create(
            order=order,
            number=f"FA-{day(0).year}-{2000 + index}",
            received_on=day(-24),
            amount_ht=to_cents(half / 4),
            by=officer,
        )


# --- large ----------------------------------------------------------------------------------


@transaction.atomic
def _seed_large(officer, manager, stdout) -> None:
    if Contract.objects.count() >= large(LARGE["contracts"]):
        return
    rng = random.Random(2030)
    today = timezone.localdate()
    projects = list(Project.objects.order_by("pk").values_list("pk", flat=True)[:2000]) or [p.pk for p in _projects()]
    issuers = list(User.objects.filter(groups__role_key__code=Role.MDO_OFFICER).values_list("pk", flat=True)[:40]) or [
        officer.pk
    ]

    n_contracts = large(LARGE["contracts"]) - Contract.objects.count()
    n_orders = max(large(LARGE["orders"]) - PurchaseOrder.objects.count(), 0)
    n_milestones = max(large(LARGE["milestones"]) - Milestone.objects.count(), 0)
    n_invoices = max(large(LARGE["invoices"]) - Invoice.objects.count(), 0)

    existing_sirets = set(Vendor.objects.values_list("siret", flat=True))
    new_vendors = []
    while len(new_vendors) < 120:
        siret = siret_for(rng)
        if siret in existing_sirets:
            continue
        existing_sirets.add(siret)
        new_vendors.append(
            Vendor(
                name=f"{rng.choice(['Atelier', 'Cabinet', 'Agence', 'Société', 'Groupe'])} "
                f"{rng.choice(['Rhône', 'Saône', 'Fourvière', 'Confluence', 'Presqu’île', 'Croix-Rousse'])} "
                f"{rng.choice(['Conseil', 'Paysage', 'Urbanisme', 'Médiation', 'Travaux', 'Design'])} {len(new_vendors) + 1}",
                siret=siret,
                city="Lyon",
                postcode=f"6900{rng.randint(1, 9)}",
            )
        )
    vendors = Vendor.objects.bulk_create(new_vendors, batch_size=1000)

    # Plan the orders first: contracts' maxima and lines' amounts are then sized to hold them.
    kinds = [ContractKind.FRAMEWORK_ORDERS] * 5 + [ContractKind.AMO] * 3 + [ContractKind.SIMPLE] * 2
    contract_plans = []
    for index in range(n_contracts):
        start = today - datetime.timedelta(days=rng.randint(60, 2000))
        contract_plans.append(
            {
                "kind": rng.choice(kinds),
                "start": start,
                "end": start + datetime.timedelta(days=rng.randint(700, 1500)),
                "vendor": rng.choice(vendors),
                "ordered": Decimal(0),
                "index": index,
            }
        )
    order_plans = []
    for index in range(n_orders):
        plan = contract_plans[index % n_contracts]
        span = max((min(plan["end"], today) - plan["start"]).days, 1)
        issued = plan["start"] + datetime.timedelta(days=rng.randint(0, span))
        amount = Decimal(rng.randrange(800, 60000)).quantize(Decimal("1.00"))
        plan["ordered"] += amount
        order_plans.append({"contract": plan, "issued": issued, "amount": amount, "line": index % 300})

    contracts = Contract.objects.bulk_create(
        [
            Contract(
                reference=f"{plan['start'].year}-L{plan['index']:04d}",
                kind=plan["kind"],
                subject=rng.choice(SUBJECTS),
                vendor=plan["vendor"],
                starts_on=plan["start"],
                ends_on=plan["end"],
                valid_until=plan["end"],  # bulk_create skips save(): no renewal exercised yet
                notified_on=plan["start"] - datetime.timedelta(days=10),
                max_amount_ht=to_cents(plan["ordered"] * Decimal("1.25") + 1000),
                intellectual_services=plan["kind"] == ContractKind.AMO,
                created_by=officer,
            )
            for plan in contract_plans
        ],
        batch_size=500,
    )
    for plan, contract in zip(contract_plans, contracts, strict=True):
        plan["obj"] = contract

    line_totals = [Decimal(0)] * 300
    for plan in order_plans:
        plan["ttc"] = ttc_from_ht(plan["amount"], Decimal("20"))
        line_totals[plan["line"]] += plan["ttc"]
    lines = BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                fiscal_year=today.year - (i % 6),
                section="investment" if i % 4 else "operating",
                chapter="21" if i % 4 else "011",
                nature="2128" if i % 4 else "6226",
                function="823",
                label=f"Marchés de prestations — lot budgétaire {i + 1}",
                amount_ht=to_cents(total / Decimal("1.2") + 100),
                amount_ttc=to_cents(total + 120),
                project_id=projects[i % len(projects)],
                requester_id=manager.pk,
                status="approved",
                decided_at=timezone.now(),
            )
            for i, total in enumerate(line_totals)
        ],
        batch_size=500,
    )

    counters = dict(OrderCounter.objects.values_list("year", "last"))
    order_plans.sort(key=lambda plan: plan["issued"])
    numbers = []
    for plan in order_plans:
        year = plan["issued"].year
        counters[year] = counters.get(year, 0) + 1
        numbers.append(f"BC-{year}-{counters[year]:04d}")
    commitments = Commitment.objects.bulk_create(
        [
            Commitment(
                budget_line=lines[plan["line"]],
                amount=plan["ttc"],
                committed_on=plan["issued"],
                label=number,
                created_by=officer,
            )
            for plan, number in zip(order_plans, numbers, strict=True)
        ],
        batch_size=1000,
    )
    orders = PurchaseOrder.objects.bulk_create(
        [
            PurchaseOrder(
                number=number,
                contract=plan["contract"]["obj"],
                commitment=commitment,
                subject=rng.choice(SUBJECTS),
                issued_on=plan["issued"],
                amount_ht=plan["amount"],
                vat_rate=Decimal("20.00"),
                amount_ttc=plan["ttc"],
                issued_by_id=rng.choice(issuers),
            )
            for plan, number, commitment in zip(order_plans, numbers, commitments, strict=True)
        ],
        batch_size=1000,
    )
    for year, last in counters.items():
        OrderCounter.objects.update_or_create(year=year, defaults={"last": last})

    milestones = []
    for index in range(n_milestones):
        order = orders[index % len(orders)]
        due = order.issued_on + datetime.timedelta(days=rng.randint(20, 200))
        state = rng.random()
        delivered = certified = None
        status = MilestoneStatus.PENDING
        if due <= today and state < 0.8:
            delivered = min(due + datetime.timedelta(days=rng.randint(-10, 25)), today)
            status = MilestoneStatus.DELIVERED
            if state < 0.7:
                certified = min(delivered + datetime.timedelta(days=rng.randint(1, 10)), today)
                status = MilestoneStatus.CERTIFIED
        milestones.append(
            Milestone(
                contract_id=order.contract_id,
                order=order,
                label=rng.choice(DELIVERABLES),
                due_on=due,
                amount_ht=to_cents(order.amount_ht / 4),
                delivered_on=delivered,
                status=status,
                service_done_on=certified,
                service_done_by=manager if certified else None,
                created_by=officer,
            )
        )
    Milestone.objects.bulk_create(milestones, batch_size=2000)

    invoices = []
    rates = late_payment_rates()
    for index in range(n_invoices):
        order = orders[index % len(orders)]
        share = to_cents(order.amount_ht / 3)
        received = min(order.issued_on + datetime.timedelta(days=rng.randint(15, 250)), today)
        paid = received + datetime.timedelta(days=rng.randint(10, 55))
        invoice = Invoice(
            order=order,
            number=f"F{index:06d}",
            received_on=received,
            amount_ht=share,
            amount_ttc=ttc_from_ht(share, Decimal("20")),
            due_on=received + datetime.timedelta(days=PAYMENT_DELAY_DAYS),
            paid_on=paid if paid <= today - datetime.timedelta(days=5) else None,
            created_by=officer,
        )
        if (
            invoice.paid_on and invoice.paid_on > invoice.due_on
        ):  # bulk_create skips invoice_pay: record its interest here
            interest = interest_owed(
                amount_ttc=invoice.amount_ttc, due_on=invoice.due_on, until=invoice.paid_on, rates=rates
            )
            if not interest.missing_rate_from:
                invoice.interest_days, invoice.interest_rate = interest.days, interest.rate
                invoice.interest_amount, invoice.interest_flat_fee = interest.interest, interest.flat_fee
        invoices.append(invoice)
    invoices = Invoice.objects.bulk_create(invoices, batch_size=2000)
    # One money chain: each paid invoice is the budget's mandat on its order's commitment (invoice_pay does it one by one).
    paid = [invoice for invoice in invoices if invoice.paid_on]
    payments = Payment.objects.bulk_create(
        [
            Payment(
                commitment_id=invoice.order.commitment_id,
                amount=invoice.amount_ttc,
                paid_on=invoice.paid_on,
                reference=invoice.number,
                created_by=officer,
            )
            for invoice in paid
        ],
        batch_size=2000,
    )
    for invoice, payment in zip(paid, payments, strict=True):
        invoice.payment = payment
    Invoice.objects.bulk_update(paid, ["payment"], batch_size=2000)
