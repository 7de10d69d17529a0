"""Writes on vendors, contracts, orders, milestones and invoices.

Every refusal raises ``ValidationError`` with the message on the field it concerns and changes
nothing (each service is atomic). Lock order, the same everywhere so that concurrent writers never
deadlock: framework agreement → contract → year's order counter → budget line → order.
"""

import contextlib
import datetime
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone

from budgets.models import BudgetLine
from budgets.money import to_cents, ttc_from_ht
from budgets.services import commitment_create, payment_create
from mdo.money import euros
from vendors.enums import (
    FRAMEWORK_KINDS,
    ORDERABLE_KINDS,
    ContractKind,
    MilestoneStatus,
    OrderDecisionOutcome,
    OrderStatus,
    PenaltyDecision,
)
from vendors.flows import MilestoneLifecycle
from vendors.models import (
    PAYMENT_DELAY_DAYS,
    Amendment,
    Contract,
    Invoice,
    Milestone,
    OrderCounter,
    OrderDecision,
    PurchaseOrder,
    Vendor,
    VendorContact,
)
from vendors.rules import missing_rate_message, penalty_proposal, raw_penalty

ZERO = Decimal("0.00")
ORDER_NUMBER = re.compile(r"^BC-(\d{4})-(\d{4,})$")
#: After a suspension, the vendor keeps what remained of the delay, never less than 7 days (R2192-29).
MIN_DELAY_AFTER_SUSPENSION = 7


# --- vendors ------------------------------------------------------------------------------


@transaction.atomic
def vendor_create(
    *,
    name: str,
    siret: str,
    by,
    address: str = "",
    postcode: str = "",
    city: str = "",
    email: str = "",
    phone: str = "",
) -> Vendor:
    """Create a titulaire; the SIRET is checked (Luhn key) and unique. Side effects: none."""
    vendor = Vendor(
        name=name.strip(),
        siret="".join(siret.split()),
        address=address,
        postcode=postcode,
        city=city,
        email=email,
        phone=phone,
    )
    vendor.full_clean()
    vendor.save()
    return vendor


@transaction.atomic
def vendor_contact_create(
    *, vendor: Vendor, name: str, role: str = "", email: str = "", phone: str = "", by
) -> VendorContact:
    contact = VendorContact(vendor=vendor, name=name, role=role, email=email, phone=phone)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def vendor_update(
    *,
    vendor: Vendor,
    by,
    name: str,
    siret: str,
    address: str = "",
    postcode: str = "",
    city: str = "",
    email: str = "",
    phone: str = "",
) -> Vendor:
    """Correct a titulaire; the SIRET is checked again (Luhn key) and stays unique.
    Side effects: a historical record (django-simple-history)."""
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    vendor.name, vendor.siret = name.strip(), "".join(siret.split())
    vendor.address, vendor.postcode, vendor.city, vendor.email, vendor.phone = address, postcode, city, email, phone
    vendor.full_clean()
    vendor.save()
    return vendor


@transaction.atomic
def vendor_contact_update(
    *, contact: VendorContact, by, name: str, role: str = "", email: str = "", phone: str = ""
) -> VendorContact:
    """Correct a contact. Side effects: a historical record."""
    contact = VendorContact.objects.select_for_update().get(pk=contact.pk)
    contact.name, contact.role, contact.email, contact.phone = name.strip(), role, email, phone
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def vendor_contact_delete(*, contact: VendorContact, by) -> None:
    """Remove a contact. Side effects: a historical record of the deletion."""
    contact._history_user = by
    contact.delete()


# --- contracts ----------------------------------------------------------------------------


def _subsequents_total(parent: Contract, *, exclude_pk=None) -> Decimal:
    children = parent.subsequents.exclude(pk=exclude_pk)
    return children.aggregate(total=Sum("max_amount_ht"))["total"] or ZERO


@transaction.atomic
def contract_create(
    *,
    reference: str,
    kind: str,
    subject: str,
    vendor: Vendor,
    starts_on: datetime.date,
    ends_on: datetime.date,
    by,
    parent: Contract | None = None,
    lot: str = "",
    notified_on: datetime.date | None = None,
    renewals_allowed: int = 0,
    renewal_months: int = 12,
    min_amount_ht: Decimal | None = None,
    max_amount_ht: Decimal | None = None,
    vat_rate: Decimal = Decimal("20.00"),
    intellectual_services: bool | None = None,
    tacit_renewal: bool = False,
    renewal_notice_days: int | None = 0,
) -> Contract:
    """Create a contract. A framework agreement needs a maximum; a subsequent contract needs its
    framework (accord-cadre à marchés subséquents), fits in its dates and, with its siblings, in its
    maximum (the framework's row is locked for that). Side effects: none."""
    if intellectual_services is None:
        intellectual_services = kind == ContractKind.AMO
    errors: dict[str, str] = {}
    if kind in FRAMEWORK_KINDS and max_amount_ht is None:
        errors["max_amount_ht"] = "Un accord-cadre doit avoir un montant maximum."
    if min_amount_ht is not None and max_amount_ht is not None and min_amount_ht > max_amount_ht:
        errors["min_amount_ht"] = "Le minimum ne peut pas dépasser le maximum."
    if ends_on < starts_on:
        errors["ends_on"] = "La fin ne peut pas précéder le début."
    if kind == ContractKind.SUBSEQUENT:
        if parent is None:
            errors["parent"] = "Un marché subséquent découle d'un accord-cadre à marchés subséquents."
        else:
            parent = Contract.objects.select_for_update().get(pk=parent.pk)
            if parent.kind != ContractKind.FRAMEWORK:
                errors["parent"] = "Le marché parent doit être un accord-cadre à marchés subséquents."
            elif parent.vendor_id != vendor.pk:
                errors["vendor"] = "Le titulaire d'un marché subséquent est celui de son accord-cadre."
            elif not (parent.is_valid_on(starts_on)):
                errors["starts_on"] = "Un marché subséquent commence pendant la validité de son accord-cadre."
            elif max_amount_ht is not None:
                room = parent.ceiling_ht - _subsequents_total(parent)
                if max_amount_ht > room:
                    errors["max_amount_ht"] = (
                        f"Ce montant dépasse ce qu'il reste sur l'accord-cadre ({euros(to_cents(room), 'HT')})."
                    )
    elif parent is not None:
        errors["parent"] = "Seul un marché subséquent a un accord-cadre parent."
    if errors:
        raise ValidationError(errors)
    contract = Contract(
        reference=reference.strip(),
        kind=kind,
        subject=subject,
        vendor=vendor,
        parent=parent,
        lot=lot,
        notified_on=notified_on,
        starts_on=starts_on,
        ends_on=ends_on,
        renewals_allowed=renewals_allowed,
        renewal_months=renewal_months,
        min_amount_ht=min_amount_ht,
        max_amount_ht=max_amount_ht,
        vat_rate=vat_rate,
        intellectual_services=intellectual_services,
        tacit_renewal=tacit_renewal,
        renewal_notice_days=renewal_notice_days or 0,
        created_by=by,
    )
    contract.full_clean()
    contract.save()
    return contract


@transaction.atomic
def contract_update(
    *,
    contract: Contract,
    by,
    subject: str,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    lot: str = "",
    notified_on: datetime.date | None = None,
    min_amount_ht: Decimal | None = None,
    max_amount_ht: Decimal | None = None,
) -> Contract:
    """Correct a contract with the checks of its creation, and against what already hangs on it:
    the ceiling (amendments included) never below what is ordered, the validity still covering
    every order's date, the kind fixed once orders exist (a subsequent contract stays one, tied to
    its framework). The framework's row, then the contract's, are locked. Side effects: a historical record."""
    if contract.parent_id:
        Contract.objects.select_for_update().get(pk=contract.parent_id)
    contract = Contract.objects.select_for_update(of=("self",)).select_related("parent").get(pk=contract.pk)
    orders = PurchaseOrder.objects.filter(Q(contract=contract) | Q(contract__parent=contract))
    errors: dict[str, str] = {}
    if kind != contract.kind:
        if orders.exists():
            errors["kind"] = "Le type ne peut plus changer : des bons de commande ont été émis sur ce marché."
        elif ContractKind.SUBSEQUENT in (kind, contract.kind):
            errors["kind"] = (
                "Un marché subséquent le reste (et un autre marché ne le devient pas) : créez un nouveau marché."
            )
        elif contract.kind == ContractKind.FRAMEWORK and contract.subsequents.exists():
            errors["kind"] = "Cet accord-cadre a des marchés subséquents : son type ne peut plus changer."
    if kind in FRAMEWORK_KINDS and max_amount_ht is None:
        errors["max_amount_ht"] = "Un accord-cadre doit avoir un montant maximum."
    if min_amount_ht is not None and max_amount_ht is not None and min_amount_ht > max_amount_ht:
        errors["min_amount_ht"] = "Le minimum ne peut pas dépasser le maximum."
    if ends_on < starts_on:
        errors["ends_on"] = "La fin ne peut pas précéder le début."
    if contract.parent_id and not contract.parent.is_valid_on(starts_on):
        errors["starts_on"] = "Un marché subséquent commence pendant la validité de son accord-cadre."
    dates = orders.aggregate(first=Min("issued_on"), last=Max("issued_on"))
    if dates["first"] is not None and "ends_on" not in errors:
        valid_until = Contract.validity_end(ends_on, contract.renewal_months, contract.renewals_done)
        if starts_on > dates["first"]:
            errors["starts_on"] = (
                f"Un bon de commande de ce marché est daté du {dates['first']:%d/%m/%Y} : le début ne peut pas être après."
            )
        if valid_until < dates["last"]:
            errors["ends_on"] = (
                f"Un bon de commande de ce marché est daté du {dates['last']:%d/%m/%Y} : la validité doit le couvrir."
            )
    if max_amount_ht is not None and "max_amount_ht" not in errors:
        max_amount_ht = to_cents(max_amount_ht)
        amendments = contract.amendments_ht
        ordered = contract.ordered_ht
        if max_amount_ht + amendments < ordered:
            errors["max_amount_ht"] = (
                f"Le maximum (avec les avenants : {euros(to_cents(max_amount_ht + amendments), 'HT')}) serait inférieur "
                f"au montant déjà commandé ({euros(to_cents(ordered), 'HT')})."
            )
        elif contract.kind == ContractKind.FRAMEWORK and max_amount_ht + amendments < _subsequents_total(contract):
            errors["max_amount_ht"] = (
                f"Les marchés subséquents totalisent déjà {euros(_subsequents_total(contract), 'HT')} : le maximum ne peut être inférieur."
            )
        elif contract.parent_id:
            room = contract.parent.ceiling_ht - _subsequents_total(contract.parent, exclude_pk=contract.pk)
            if max_amount_ht > room:
                errors["max_amount_ht"] = (
                    f"Ce montant dépasse ce qu'il reste sur l'accord-cadre ({euros(to_cents(room), 'HT')})."
                )
    if errors:
        raise ValidationError(errors)
    if kind != contract.kind and kind == ContractKind.AMO:
        contract.intellectual_services = True
    contract.subject, contract.kind, contract.lot, contract.notified_on = subject, kind, lot, notified_on
    contract.starts_on, contract.ends_on = starts_on, ends_on
    contract.min_amount_ht, contract.max_amount_ht = min_amount_ht, max_amount_ht
    contract.full_clean()
    contract.save()
    return contract


@transaction.atomic
def contract_renew(*, contract: Contract, by, decided_on: datetime.date | None = None) -> Contract:
    """Exercise one more renewal (reconduction), decided on ``decided_on`` (today by default): while
    the period it extends still runs — a contract that has ended cannot be revived — and not in the
    future. Side effects: a historical record (the validity moves by one renewal)."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    decided_on = decided_on or timezone.localdate()
    if contract.renewals_done >= contract.renewals_allowed:
        raise ValidationError({"renewals_done": "Toutes les reconductions prévues ont été exercées."})
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": "La date de décision de la reconduction ne peut pas être dans le futur."})
    if decided_on < contract.starts_on:
        raise ValidationError(
            {
                "decided_on": f"La reconduction ne peut être décidée avant le début du marché ({contract.starts_on:%d/%m/%Y})."
            }
        )
    if decided_on > contract.valid_until:
        raise ValidationError(
            {
                "decided_on": (
                    f"La reconduction se décide avant la fin de la période qu'elle prolonge : le marché {contract.reference} "
                    f"a pris fin le {contract.valid_until:%d/%m/%Y}. Un marché échu ne peut plus être reconduit."
                )
            }
        )
    contract.renewals_done += 1
    contract.save(update_fields=["renewals_done"])
    return contract


@transaction.atomic
def amendment_create(*, contract: Contract, signed_on: datetime.date, amount_ht: Decimal, reason: str, by) -> Amendment:
    """Add an avenant, signed while the contract runs (within its validity, renewals included, and
    not in the future). The contract's row is locked: an amendment cannot lower the ceiling below
    what is already ordered. Side effects: none."""
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    amount_ht = to_cents(amount_ht)
    if not reason.strip():
        raise ValidationError({"reason": "Le motif de l'avenant est obligatoire."})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "La date de signature de l'avenant ne peut pas être dans le futur."})
    if not contract.is_valid_on(signed_on):
        raise ValidationError(
            {
                "signed_on": (
                    f"Un avenant se signe pendant l'exécution du marché : {contract.reference} est valide du "
                    f"{contract.starts_on:%d/%m/%Y} au {contract.valid_until:%d/%m/%Y}."
                )
            }
        )
    if amount_ht != 0 and contract.max_amount_ht is not None:
        new_ceiling = contract.ceiling_ht + amount_ht
        ordered = contract.ordered_ht
        if new_ceiling < ordered:
            raise ValidationError(
                {
                    "amount_ht": f"Le nouveau maximum ({euros(new_ceiling, 'HT')}) serait inférieur au montant déjà commandé ({euros(ordered, 'HT')})."
                }
            )
        if new_ceiling <= 0:
            raise ValidationError({"amount_ht": "Le maximum du marché doit rester positif."})
    number = (contract.amendments.count() or 0) + 1
    amendment = Amendment(
        contract=contract, number=number, signed_on=signed_on, amount_ht=amount_ht, reason=reason.strip(), created_by=by
    )
    amendment.full_clean()
    amendment.save()
    return amendment


# --- purchase orders ----------------------------------------------------------------------


def _next_order_number(year: int) -> str:
    """Take the next number of the year under the counter's row lock: no gap, no duplicate."""
    with contextlib.suppress(IntegrityError):  # another transaction created the year's row first
        OrderCounter.objects.get_or_create(year=year)
    counter = OrderCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"BC-{year}-{counter.last:04d}"


def _reserve_imported_number(number: str) -> None:
    """An imported order keeps its number; the year's counter moves past it."""
    match = ORDER_NUMBER.match(number)
    if not match:
        return
    year, value = int(match.group(1)), int(match.group(2))
    with contextlib.suppress(IntegrityError):
        OrderCounter.objects.get_or_create(year=year)
    counter = OrderCounter.objects.select_for_update().get(year=year)
    if value > counter.last:
        counter.last = value
        counter.save(update_fields=["last"])


def _check_order_date(contracts: list[Contract], issued_on: datetime.date, *, historical: bool) -> None:
    """An order is dated within its contract's validity (and its framework's), never in the future;
    one entered by hand is also issued while the contract still runs: no order backdated into the
    period of a contract that has ended. ``historical`` orders (the spreadsheets' import) keep their date."""
    today = timezone.localdate()
    if issued_on > today:
        raise ValidationError(
            {
                "issued_on": (
                    f"Un bon de commande ne peut pas être daté dans le futur (aujourd'hui : {today:%d/%m/%Y}) : "
                    f"il est numéroté dans l'année de son émission."
                )
            }
        )
    for checked in contracts:
        if not checked.is_valid_on(issued_on):
            raise ValidationError(
                {
                    "issued_on": (
                        f"Le marché {checked.reference} n'est pas valide à cette date "
                        f"(du {checked.starts_on:%d/%m/%Y} au {checked.valid_until:%d/%m/%Y})."
                    )
                }
            )
        if not historical and not checked.is_valid_on(today):
            raise ValidationError(
                {
                    "issued_on": (
                        f"Le marché {checked.reference} a pris fin le {checked.valid_until:%d/%m/%Y} : on n'y émet plus de bon "
                        f"de commande, même daté de sa période de validité."
                    )
                }
            )


@transaction.atomic
def purchase_order_create(
    *,
    contract: Contract,
    budget_line: BudgetLine,
    subject: str,
    amount_ht: Decimal,
    issued_on: datetime.date,
    by,
    number: str = "",
    commitment_number: str = "",
    historical: bool = False,
) -> PurchaseOrder:
    """Issue a bon de commande on ``contract``, charged to ``budget_line``, numbered in the year of its date.

    Refused when dated in the future or outside the contract's validity (see ``_check_order_date``),
    beyond its maximum (amendments included; for a subsequent contract, also beyond its
    framework's) and beyond the line's available amount.
    The contracts' rows, the year's counter and the line are locked in that order, so that two
    orders arriving together never pass a ceiling together nor share a number.
    Side effects: creates the Commitment (engagement) of the order's amount TTC on the line.
    """
    amount_ht = to_cents(amount_ht)
    if amount_ht <= 0:
        raise ValidationError({"amount_ht": "Le montant doit être positif."})
    pks = [contract.pk] + ([contract.parent_id] if contract.parent_id else [])
    locked = {c.pk: c for c in Contract.objects.select_for_update().filter(pk__in=pks).order_by("pk")}
    contract = locked[contract.pk]
    if contract.kind not in ORDERABLE_KINDS:
        raise ValidationError(
            {
                "contract": "On commande sur les marchés subséquents de cet accord-cadre, pas sur l'accord-cadre lui-même."
            }
        )
    checked_contracts = [contract] + ([locked[contract.parent_id]] if contract.parent_id else [])
    _check_order_date(checked_contracts, issued_on, historical=historical)
    for checked in checked_contracts:
        ceiling = checked.ceiling_ht
        if ceiling is not None:
            ordered = checked.ordered_ht
            if ordered + amount_ht > ceiling:
                raise ValidationError(
                    {
                        "amount_ht": (
                            f"Ce bon dépasserait le maximum du marché {checked.reference} : déjà commandé {euros(ordered, 'HT')}, "
                            f"reste {euros(to_cents(ceiling - ordered), 'HT')} sur {euros(ceiling, 'HT')} (avenants compris)."
                        )
                    }
                )
    amount_ttc = ttc_from_ht(amount_ht, contract.vat_rate)
    if number:
        if PurchaseOrder.objects.filter(number=number).exists():
            raise ValidationError({"number": f"Le bon de commande {number} existe déjà."})
        _reserve_imported_number(number)
    else:
        number = _next_order_number(issued_on.year)
    try:
        commitment = commitment_create(
            budget_line=budget_line,
            amount=amount_ttc,
            committed_on=issued_on,
            by=by,
            number=commitment_number,
            label=f"{number} — {subject}"[:255],
        )
    except ValidationError as error:
        messages = error.message_dict
        raise ValidationError(
            {
                "budget_line": messages.get("budget_line", [])
                + [f"Montant TTC du bon : {euros(amount_ttc)}. " + m for m in messages.get("amount", [])]
            }
        ) from None
    from vendors.approval import OrderApprovalFlow, needs_approval

    # Above the threshold the order waits for its approval; its commitment already holds the money.
    waits = not historical and needs_approval(amount_ht)
    order = PurchaseOrder(
        number=number,
        contract=contract,
        commitment=commitment,
        subject=subject,
        issued_on=issued_on,
        amount_ht=amount_ht,
        vat_rate=contract.vat_rate,
        amount_ttc=amount_ttc,
        issued_by=by,
        status=OrderStatus.AWAITING_APPROVAL if waits else OrderStatus.ISSUED,
    )
    order.save()
    if waits:
        OrderApprovalFlow.start.run(order=order, by=by)
    return order


@transaction.atomic
def order_task_decide(*, task, by, outcome: str, comment: str = "") -> OrderDecision:
    """Record ``by``'s decision on an order's approval task and move the flow on: approved, the order
    is issued (or goes to the Direction above the higher threshold); refused (a reason required), it
    is refused and its commitment released. Refused, with nothing changed, when ``by`` issued the
    order, lacks the step's role, or the task is already done. Side effects: the decision recorded,
    the order's status (historical record), the commitment's release."""
    from mdo import workflow
    from vendors.approval import order_task_refusal

    comment = (comment or "").strip()
    if outcome not in OrderDecisionOutcome.values:
        raise ValidationError({"outcome": "Décision inconnue."})
    if outcome == OrderDecisionOutcome.REFUSED and not comment:
        raise ValidationError({"comment": "Indiquez le motif du refus."})

    def refusal(activation):
        order = PurchaseOrder.objects.get(pk=activation.process.order_id)
        return order_task_refusal(by, activation.task, order)

    def apply(activation):
        process = activation.process  # an OrderApproval: the flow's process_class
        order = PurchaseOrder.objects.select_for_update(of=("self",)).get(pk=process.order_id)
        decision = OrderDecision.objects.create(
            order=order, step=activation.task.flow_task.step, outcome=outcome, comment=comment, decided_by=by
        )
        process.outcome = outcome
        process.save(update_fields=["outcome"])
        return decision

    return workflow.task_complete(task=task, by=by, apply=apply, refusal=refusal)


@transaction.atomic
def purchase_order_update(*, order: PurchaseOrder, by, subject: str, issued_on: datetime.date) -> PurchaseOrder:
    """Correct an order's subject and date. Its amount is not corrected here: it is committed on the
    budget line and invoices are checked against it. The date stays in the contract's validity (and
    its framework's) and in the year of the order's number. Side effects: a historical record."""
    order = PurchaseOrder.objects.select_for_update(of=("self",)).select_related("contract__parent").get(pk=order.pk)
    # A correction keeps the order's place in history: the contract may have ended since.
    _check_order_date(
        [order.contract] + ([order.contract.parent] if order.contract.parent_id else []), issued_on, historical=True
    )
    match = ORDER_NUMBER.match(order.number)
    if match and int(match.group(1)) != issued_on.year:
        raise ValidationError(
            {
                "issued_on": f"Le bon {order.number} est numéroté en {match.group(1)} : sa date doit rester dans cette année."
            }
        )
    if not subject.strip():
        raise ValidationError({"subject": "L'objet est obligatoire."})
    order.subject, order.issued_on = subject.strip(), issued_on
    order.save(update_fields=["subject", "issued_on"])
    return order


# --- milestones ---------------------------------------------------------------------------


@transaction.atomic
def milestone_create(
    *,
    label: str,
    due_on: datetime.date,
    by,
    order: PurchaseOrder | None = None,
    contract: Contract | None = None,
    amount_ht: Decimal | None = None,
) -> Milestone:
    """A deliverable of an order (its value defaults to the order's amount) or of a contract. Side effects: none."""
    if order is None and contract is None:
        raise ValidationError({"order": "Un jalon porte sur un marché ou un bon de commande."})
    if order is not None:
        # The order's row is locked: two milestones added together cannot pass its amount together.
        order = PurchaseOrder.objects.select_for_update(of=("self",)).select_related("contract").get(pk=order.pk)
        contract = order.contract
        if not order.is_issued:
            raise ValidationError(
                {"label": f"Le bon {order.number} n'est pas émis ({order.get_status_display().lower()})."}
            )
        planned = to_cents(order.milestones.aggregate(total=Sum("amount_ht"))["total"] or ZERO)
        remaining = order.amount_ht - planned
        if amount_ht is None:
            amount_ht = remaining
        if remaining <= 0:
            raise ValidationError(
                {
                    "amount_ht": (
                        f"Les jalons du bon couvrent déjà tout son montant ({euros(order.amount_ht, 'HT')}) : aucun autre ne peut s'y ajouter."
                    )
                }
            )
        if to_cents(amount_ht) > remaining:
            raise ValidationError(
                {
                    "amount_ht": (
                        f"La valeur du jalon ne peut dépasser ce qui reste du bon de commande : {euros(remaining, 'HT')} "
                        f"(montant {euros(order.amount_ht, 'HT')}, déjà {euros(planned, 'HT')} en jalons)."
                    )
                }
            )
    if amount_ht is None:
        raise ValidationError({"amount_ht": "Indiquez la valeur HT des prestations du jalon."})
    milestone = Milestone(
        contract=contract, order=order, label=label, due_on=due_on, amount_ht=to_cents(amount_ht), created_by=by
    )
    milestone.full_clean()
    milestone.save()
    return milestone


def _locked_milestone(milestone: Milestone) -> Milestone:
    return Milestone.objects.select_for_update(of=("self",)).select_related("order", "contract").get(pk=milestone.pk)


@transaction.atomic
def milestone_deliver(*, milestone: Milestone, delivered_on: datetime.date, by) -> Milestone:
    """Record the delivery of a deliverable; it joins the queue of milestones to certify. Side effects: none."""
    milestone = _locked_milestone(milestone)
    if milestone.status != MilestoneStatus.PENDING:
        raise ValidationError({"delivered_on": "Ce jalon est déjà livré."})
    if delivered_on > timezone.localdate():
        raise ValidationError({"delivered_on": "La date de livraison ne peut pas être dans le futur."})
    MilestoneLifecycle(milestone).deliver(delivered_on=delivered_on)
    milestone.save(update_fields=["status", "delivered_on"])
    return milestone


@transaction.atomic
def milestone_certify(*, milestone: Milestone, by, on: datetime.date | None = None) -> Milestone:
    """Certify the service fait. Only an MDO officer or manager other than the order's issuer may.
    Side effects: none (the proposed penalty is then shown for a decision)."""
    milestone = _locked_milestone(milestone)
    flow = MilestoneLifecycle(milestone)
    on = on or timezone.localdate()
    if milestone.status == MilestoneStatus.CERTIFIED:
        raise ValidationError({"service_done_on": "Le service fait de ce jalon est déjà certifié."})
    if milestone.status != MilestoneStatus.DELIVERED:
        raise ValidationError({"service_done_on": "Le jalon doit être livré avant que le service fait soit certifié."})
    if flow.is_issuer(by):
        raise ValidationError(
            {
                "service_done_by": "Vous avez émis ce bon de commande : un·e autre agent·e de la MDO doit certifier le service fait."
            }
        )
    if not flow.certify.has_perm(by):
        raise ValidationError({"service_done_by": "Seul·e un·e agent·e de la MDO peut certifier le service fait."})
    if on < milestone.delivered_on:
        raise ValidationError({"service_done_on": "Le service fait ne peut précéder la livraison."})
    if on > timezone.localdate():
        raise ValidationError({"service_done_on": "Le service fait ne peut pas être certifié à une date future."})
    flow.certify(by=by, on=on)
    milestone.save(update_fields=["status", "service_done_by", "service_done_on"])
    return milestone


def _penalty_group(milestone: Milestone):
    """The milestones whose penalties add up under one cap, and that cap's base (HT): the order's, or for
    a contract's own milestones (a marché simple) the contract's amount, amendments included."""
    if milestone.order_id:
        return Milestone.objects.filter(order_id=milestone.order_id), milestone.order.amount_ht
    base = milestone.contract.ceiling_ht if milestone.contract.max_amount_ht is not None else milestone.amount_ht
    return Milestone.objects.filter(contract_id=milestone.contract_id, order__isnull=True), base


def milestone_penalty(milestone: Milestone):
    """The CCAG 2021 penalty proposed for a milestone, the order's other milestones counted (``vendors.rules``).

    One query for the group, whatever the number of milestones."""
    group, base = _penalty_group(milestone)
    intellectual = milestone.contract.intellectual_services
    others_raw = others_held = ZERO
    for other in group.exclude(pk=milestone.pk).only(
        "amount_ht", "due_on", "delivered_on", "penalty_decision", "penalty", "penalty_notice_amount"
    ):
        if other.penalty_decision:
            others_held += other.penalty
            others_raw += other.penalty
        else:
            others_raw += raw_penalty(value_ht=other.amount_ht, late_days=other.late_days, intellectual=intellectual)
            others_held += other.penalty_notice_amount or ZERO
    return penalty_proposal(
        value_ht=milestone.amount_ht,
        late_days=milestone.late_days,
        intellectual=intellectual,
        order_amount_ht=base,
        others_raw=others_raw,
        others_held=others_held,
    )


def _check_penalty_open(milestone: Milestone) -> None:
    if milestone.status == MilestoneStatus.PENDING:
        raise ValidationError({"penalty": "Les pénalités se décident une fois le jalon livré."})
    if milestone.penalty_decision:
        raise ValidationError({"penalty": "Les pénalités de ce jalon ont déjà été décidées."})
    if not milestone.is_late:
        raise ValidationError({"penalty": "Ce jalon a été livré à temps."})


@transaction.atomic
def milestone_penalty_notify(*, milestone: Milestone, sent_on: datetime.date, by) -> Milestone:
    """Record the sending of the penalty letter (its PDF is ``vendors.pdf``): the vendor then has
    15 days for observations. The notified amount is the proposal of that day, the order's cap and
    exemption counted. Side effects: a historical record."""
    milestone = _locked_milestone(milestone)
    _check_penalty_open(milestone)
    if milestone.penalty_notice_sent_on:
        raise ValidationError({"penalty_notice_sent_on": "Le courrier de pénalités de ce jalon est déjà envoyé."})
    if sent_on > timezone.localdate():
        raise ValidationError({"penalty_notice_sent_on": "La date d'envoi ne peut pas être dans le futur."})
    if sent_on < milestone.delivered_on:
        raise ValidationError({"penalty_notice_sent_on": "Le courrier ne peut précéder la livraison du jalon."})
    proposal = milestone_penalty(milestone)
    if proposal.amount <= 0:
        reason = (
            "le total des pénalités du bon ne dépasse pas 1 000 € HT (exonération)"
            if proposal.exempted
            else "le plafond de 10 % du bon est déjà atteint par ses autres jalons"
        )
        raise ValidationError({"penalty_notice_sent_on": f"Aucune pénalité à notifier : {reason}."})
    milestone.penalty_notice_amount = proposal.amount
    milestone.penalty_notice_sent_on = sent_on
    milestone.penalty_notice_sent_by = by
    milestone.save(update_fields=["penalty_notice_amount", "penalty_notice_sent_on", "penalty_notice_sent_by"])
    return milestone


@transaction.atomic
def milestone_penalty_observations(*, milestone: Milestone, received_on: datetime.date, text: str, by) -> Milestone:
    """Record the vendor's observations, received within the 15 days of the notice. Side effects: a historical record."""
    milestone = _locked_milestone(milestone)
    if not milestone.penalty_notice_sent_on:
        raise ValidationError({"penalty_observations": "Aucun courrier de pénalités n'a été envoyé pour ce jalon."})
    if milestone.penalty_decision:
        raise ValidationError({"penalty_observations": "Les pénalités de ce jalon ont déjà été décidées."})
    if milestone.penalty_observations_on:
        raise ValidationError({"penalty_observations": "Les observations du titulaire sont déjà enregistrées."})
    if not text.strip():
        raise ValidationError({"penalty_observations": "Saisissez les observations du titulaire."})
    if received_on > timezone.localdate():
        raise ValidationError({"penalty_observations_on": "La date de réception ne peut pas être dans le futur."})
    if received_on < milestone.penalty_notice_sent_on:
        raise ValidationError({"penalty_observations_on": "Les observations ne peuvent précéder l'envoi du courrier."})
    if received_on > milestone.observations_until:
        raise ValidationError(
            {
                "penalty_observations_on": (
                    f"Le délai d'observations a pris fin le {milestone.observations_until:%d/%m/%Y} (15 jours après le courrier)."
                )
            }
        )
    milestone.penalty_observations_on = received_on
    milestone.penalty_observations = text.strip()
    milestone.save(update_fields=["penalty_observations_on", "penalty_observations"])
    return milestone


@transaction.atomic
def milestone_penalty_decide(
    *, milestone: Milestone, decision: str, by, amount: Decimal | None = None, reason: str = ""
) -> Milestone:
    """The MDO's decision after the contradictory procedure: apply the notified penalty, reduce it
    (a lower amount, with a reason) or waive it (with a reason). Applying or reducing needs the notice
    sent and the observations received or their 15 days run out; waiving is possible at any time.
    Side effects: a historical record."""
    milestone = _locked_milestone(milestone)
    _check_penalty_open(milestone)
    reason = (reason or "").strip()
    if decision == PenaltyDecision.WAIVED:
        if not reason:
            raise ValidationError({"penalty_reason": "Le motif de l'exonération est obligatoire."})
        penalty = ZERO
    elif decision in (PenaltyDecision.APPLIED, PenaltyDecision.REDUCED):
        if not milestone.penalty_notice_sent_on:
            raise ValidationError(
                {
                    "penalty": (
                        "Le titulaire doit d'abord être informé : envoyez le courrier de pénalités, puis attendez ses "
                        "observations (15 jours)."
                    )
                }
            )
        if not milestone.penalty_decidable_on_notice:
            raise ValidationError(
                {
                    "penalty": (
                        f"Le titulaire a jusqu'au {milestone.observations_until:%d/%m/%Y} pour présenter ses observations : "
                        f"la décision attend ses observations ou la fin de ce délai."
                    )
                }
            )
        notified = milestone.penalty_notice_amount
        if decision == PenaltyDecision.APPLIED:
            penalty = notified
        else:
            if amount is None:
                raise ValidationError({"penalty": "Indiquez le montant réduit des pénalités."})
            penalty = to_cents(amount)
            if penalty <= 0 or penalty >= notified:
                raise ValidationError(
                    {
                        "penalty": (
                            f"Le montant réduit est positif et inférieur aux pénalités notifiées ({euros(notified, 'HT')}) ; "
                            f"pour ne rien appliquer, exonérez."
                        )
                    }
                )
            if not reason:
                raise ValidationError({"penalty_reason": "Le motif de la réduction est obligatoire."})
    else:
        raise ValidationError({"penalty_decision": "Décision inconnue."})
    milestone.penalty_decision = decision
    milestone.penalty = penalty
    milestone.penalty_reason = reason
    milestone.penalty_decided_by = by
    milestone.save(update_fields=["penalty_decision", "penalty", "penalty_reason", "penalty_decided_by"])
    return milestone


def milestone_penalty_apply(*, milestone: Milestone, by) -> Milestone:
    return milestone_penalty_decide(milestone=milestone, decision=PenaltyDecision.APPLIED, by=by)


def milestone_penalty_waive(*, milestone: Milestone, reason: str, by) -> Milestone:
    return milestone_penalty_decide(milestone=milestone, decision=PenaltyDecision.WAIVED, reason=reason, by=by)


# --- invoices -----------------------------------------------------------------------------


@transaction.atomic
def invoice_create(
    *,
    order: PurchaseOrder,
    number: str,
    received_on: datetime.date,
    amount_ht: Decimal,
    by,
    amount_ttc: Decimal | None = None,
    milestones=(),
) -> Invoice:
    """Record an invoice; due date = received + 30 days (délai global de paiement).

    Refused when the order's invoiced total would exceed the order's amount, HT or TTC (the order's
    row is locked, so two invoices arriving together cannot pass it together), and when the order
    is not issued. ``milestones``: those of the order it bills (see ``invoice_pay``). Side effects: none.
    """
    order = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    amount_ht = to_cents(amount_ht)
    amount_ttc = ttc_from_ht(amount_ht, order.vat_rate) if amount_ttc is None else to_cents(amount_ttc)
    number = number.strip()
    milestones = list(milestones)
    errors = {}
    if not order.is_issued:
        raise ValidationError(
            {
                "number": f"Le bon {order.number} n'est pas émis ({order.get_status_display().lower()}) : il ne peut pas être facturé."
            }
        )
    if amount_ht <= 0:
        errors["amount_ht"] = "Le montant doit être positif."
    elif amount_ttc < amount_ht:
        errors["amount_ttc"] = "Le montant TTC ne peut être inférieur au montant HT."
    else:
        invoiced = to_cents(order.invoiced_ht)
        invoiced_ttc = to_cents(order.invoiced_ttc)
        if invoiced + amount_ht > order.amount_ht:
            errors["amount_ht"] = (
                f"Cette facture porterait le total facturé du bon à {euros(invoiced + amount_ht, 'HT')}, "
                f"au-delà de son montant ({euros(order.amount_ht, 'HT')} ; déjà facturé {euros(invoiced, 'HT')})."
            )
        elif invoiced_ttc + amount_ttc > order.amount_ttc:
            errors["amount_ttc"] = (
                f"Cette facture porterait le total facturé du bon à {euros(invoiced_ttc + amount_ttc, 'TTC')}, "
                f"au-delà de son montant ({euros(order.amount_ttc, 'TTC')} ; déjà facturé {euros(invoiced_ttc, 'TTC')})."
            )
    if any(milestone.order_id != order.pk for milestone in milestones):
        errors["milestones"] = "Une facture ne porte que sur des jalons de son bon de commande."
    if received_on > timezone.localdate():
        errors["received_on"] = "La date de réception ne peut pas être dans le futur."
    elif received_on < order.issued_on:
        errors["received_on"] = f"La facture ne peut être reçue avant l'émission du bon ({order.issued_on:%d/%m/%Y})."
    if not number:
        errors["number"] = "Le numéro de facture est obligatoire."
    elif order.invoices.filter(number=number).exists():
        errors["number"] = "Une facture de ce numéro est déjà enregistrée sur ce bon."
    if errors:
        raise ValidationError(errors)
    invoice = Invoice.objects.create(
        order=order,
        number=number,
        received_on=received_on,
        amount_ht=amount_ht,
        amount_ttc=amount_ttc,
        due_on=received_on + datetime.timedelta(days=PAYMENT_DELAY_DAYS),
        created_by=by,
    )
    if milestones:
        invoice.milestones.set(milestones)
    return invoice


def missing_service_done(invoice: Invoice) -> str | None:
    """Why ``invoice`` may not be paid yet (a French message naming what is missing), or None.

    What it bills is its milestones, else every milestone of its order; an order without any
    milestone has had no delivery recorded, so nothing of it is certified."""
    order = invoice.order
    milestones = list(invoice.milestones.order_by("due_on", "pk")) or list(order.milestones.order_by("due_on", "pk"))
    if not milestones:
        return (
            f"Le service fait du bon {order.number} n'est pas certifié : aucune livraison n'y est enregistrée. "
            f"Ajoutez au bon le jalon de sa livraison, déclarez-le livré et faites certifier le service fait."
        )
    missing = [m for m in milestones if m.status != MilestoneStatus.CERTIFIED]
    if not missing:
        return None
    names = " ; ".join(f"« {m.label} » ({m.get_status_display().lower()})" for m in missing)
    plural = "des jalons" if len(missing) > 1 else "du jalon"
    return f"Le service fait {plural} facturé{'s' if len(missing) > 1 else ''} n'est pas certifié : {names}."


def _locked_invoice(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update(of=("self",)).select_related("order__commitment").get(pk=invoice.pk)


@transaction.atomic
def invoice_suspend(*, invoice: Invoice, on: datetime.date, reason: str, by) -> Invoice:
    """Suspend the payment delay (once, with a reason: e.g. a missing certificate). Side effects: none."""
    invoice = _locked_invoice(invoice)
    if invoice.paid_on:
        raise ValidationError({"suspension_reason": "Cette facture est déjà payée."})
    if invoice.suspended_on:
        raise ValidationError({"suspension_reason": "Le délai de paiement ne peut être suspendu qu'une fois."})
    if not reason.strip():
        raise ValidationError({"suspension_reason": "Le motif de la suspension est obligatoire."})
    if on < invoice.received_on or on > invoice.due_on:
        raise ValidationError({"suspended_on": "La suspension intervient entre la réception et l'échéance."})
    invoice.suspended_on = on
    invoice.suspension_reason = reason.strip()
    invoice.save(update_fields=["suspended_on", "suspension_reason"])
    return invoice


@transaction.atomic
def invoice_resume(*, invoice: Invoice, on: datetime.date, by) -> Invoice:
    """Resume the delay when the missing elements arrive: the remaining days (at least 7) run again.
    Side effects: none."""
    invoice = _locked_invoice(invoice)
    if not invoice.is_suspended:
        raise ValidationError({"resumed_on": "Le délai de paiement de cette facture n'est pas suspendu."})
    if on < invoice.suspended_on:
        raise ValidationError({"resumed_on": "La reprise ne peut précéder la suspension."})
    remaining = max((invoice.due_on - invoice.suspended_on).days, MIN_DELAY_AFTER_SUSPENSION)
    invoice.resumed_on = on
    invoice.due_on = on + datetime.timedelta(days=remaining)
    invoice.save(update_fields=["resumed_on", "due_on"])
    return invoice


def _record_late_interest(invoice: Invoice) -> list[str]:
    """Set on ``invoice``, being paid, the late-payment interest it owes (days, rate, interest, 40 €
    flat fee); refused when the ECB rate of the half-year the delay starts in is not entered.
    Returns the fields set."""
    from vendors.selectors import interest_owed, late_payment_rates

    interest = interest_owed(
        amount_ttc=invoice.amount_ttc, due_on=invoice.due_on, until=invoice.paid_on, rates=late_payment_rates()
    )
    if interest.missing_rate_from:
        raise ValidationError({"paid_on": missing_rate_message(interest.missing_rate_from)})
    invoice.interest_days = interest.days
    invoice.interest_rate = interest.rate if interest.days else None
    invoice.interest_amount = interest.interest
    invoice.interest_flat_fee = interest.flat_fee
    return ["interest_days", "interest_rate", "interest_amount", "interest_flat_fee"]


@transaction.atomic
def invoice_pay(*, invoice: Invoice, paid_on: datetime.date, by) -> Invoice:
    """Record the payment: refused before the service fait of what it bills is certified
    (``missing_service_done``). Side effects: the budget's mandat (``Payment``) of the invoice's TTC
    on the order's commitment, referenced by the invoice's number, in the same transaction; when
    paid after the due date, the late-payment interest and the 40 € flat fee owed to the vendor."""
    invoice = _locked_invoice(invoice)
    if invoice.paid_on:
        raise ValidationError({"paid_on": "Cette facture est déjà payée."})
    if paid_on < invoice.received_on:
        raise ValidationError({"paid_on": "Le paiement ne peut précéder la réception de la facture."})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "La date de paiement ne peut pas être dans le futur."})
    if invoice.is_suspended:
        raise ValidationError({"paid_on": "Reprenez d'abord le délai suspendu."})
    missing = missing_service_done(invoice)
    if missing:
        raise ValidationError({"paid_on": missing})
    invoice.paid_on = paid_on
    interest_fields = _record_late_interest(invoice)
    try:
        invoice.payment = payment_create(
            commitment=invoice.order.commitment,
            amount=invoice.amount_ttc,
            paid_on=paid_on,
            reference=invoice.number[:50],
            by=by,
            for_invoice=True,
        )
    except ValidationError as error:
        raise ValidationError({"paid_on": error.messages}) from None
    invoice.save(update_fields=["paid_on", "payment", *interest_fields])
    return invoice
