"""Import of the contracts and orders the MDO keeps today in spreadsheets (see docs/vendors.md).

All or nothing: every line is checked (in its own savepoint, so that one failure does not hide
the next ones); if any line fails, nothing is kept and every error is reported with its line number.

Importing the same file again changes nothing: a contract is matched on its reference, an order on
its number (or, without a number, on its contract, date, subject, amount and budget line). The
first row of a contract in the file describes it; its next rows only name it for their orders. A
row that matches what is recorded is counted as unchanged. A row that contradicts what is recorded is
an error of its line — the whole import is refused — rather than an update: a contract's or an
order's corrections go through their own page, with the checks against the orders, commitments
and invoices that already hang on them, and their history.
"""

import datetime
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budgets.models import BudgetLine
from mdo.money import parse_decimal
from mdo.textfiles import UnreadableFile, csv_records, decode_text
from vendors import services
from vendors.enums import ContractKind
from vendors.models import Contract, PurchaseOrder, Vendor

COLUMNS = [
    "reference_marche",
    "type_marche",
    "objet_marche",
    "siret",
    "titulaire",
    "lot",
    "accord_cadre",
    "notification",
    "debut",
    "fin",
    "reconductions",
    "minimum_ht",
    "maximum_ht",
    "tva",
    "numero_bc",
    "date_bc",
    "objet_bc",
    "montant_bc_ht",
    "imputation",
    "engagement",
]
REQUIRED = ["reference_marche", "type_marche", "objet_marche", "siret", "titulaire", "debut", "fin"]
ORDER_REQUIRED = ["date_bc", "objet_bc", "montant_bc_ht", "imputation"]

logger = logging.getLogger(__name__)

KIND_ALIASES = {
    "amo": ContractKind.AMO,
    "assistance à maîtrise d'ouvrage": ContractKind.AMO,
    "assistance a maitrise d'ouvrage": ContractKind.AMO,
    "bc": ContractKind.FRAMEWORK_ORDERS,
    "bons de commande": ContractKind.FRAMEWORK_ORDERS,
    "accord-cadre à bons de commande": ContractKind.FRAMEWORK_ORDERS,
    "accord-cadre a bons de commande": ContractKind.FRAMEWORK_ORDERS,
    "accord-cadre à marchés subséquents": ContractKind.FRAMEWORK,
    "accord-cadre a marches subsequents": ContractKind.FRAMEWORK,
    "marché subséquent": ContractKind.SUBSEQUENT,
    "marche subsequent": ContractKind.SUBSEQUENT,
    "marché simple": ContractKind.SIMPLE,
    "marche simple": ContractKind.SIMPLE,
    "simple": ContractKind.SIMPLE,
}
KIND_ALIASES.update({kind.value: kind for kind in ContractKind})
IMPUTATION = re.compile(r"^(\d{4})\s*[/ ]\s*([0-9A-Za-z]+)-([0-9A-Za-z]+)-([0-9A-Za-z]+)$")


class ImportError_(Exception):  # noqa: N801 - "ImportError" is a builtin
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    vendors: int = 0
    contracts: int = 0
    orders: int = 0
    contracts_unchanged: int = 0
    orders_unchanged: int = 0

    @property
    def summary(self) -> str:
        text = f"{self.contracts} marché(s), {self.orders} bon(s) de commande, {self.vendors} titulaire(s) créés"
        if self.contracts_unchanged or self.orders_unchanged:
            text += (
                f" ; déjà enregistrés à l'identique : {self.contracts_unchanged} marché(s), "
                f"{self.orders_unchanged} bon(s) de commande"
            )
        return text


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 — what Excel saves on a city PC."""
    try:
        return decode_text(raw)
    except UnreadableFile as error:
        raise ImportError_([_sentence(str(error))]) from None


def parse_date(value: str) -> datetime.date:
    text = value.strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"date illisible « {value} » (attendu JJ/MM/AAAA, par exemple 28/11/2026)")


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") >= first.count(",") else ","


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ; ".join(
            f"{field} : {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
            for field, msgs in error.message_dict.items()
        )
    return " ".join(error.messages)


def _budget_line(text: str) -> BudgetLine:
    text = text.strip()
    if text.isdigit():
        line = BudgetLine.objects.filter(pk=int(text)).first()
        if line is None:
            raise ValueError(f"ligne budgétaire n° {text} inconnue")
        return line
    match = IMPUTATION.match(text)
    if not match:
        raise ValueError(f"imputation illisible « {text} » (attendu « 2026/21-2128-823 » ou le numéro de la ligne)")
    year, chapter, nature, function = match.groups()
    lines = list(
        BudgetLine.objects.filter(fiscal_year=int(year), chapter=chapter, nature=nature, function=function)[:2]
    )
    if not lines:
        raise ValueError(f"aucune ligne budgétaire {text}")
    if len(lines) > 1:
        raise ValueError(f"plusieurs lignes budgétaires {text} : indiquez le numéro de la ligne")
    return lines[0]


SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?e\+?\d+$", re.IGNORECASE)


def siret_from_cell(text: str) -> str:
    """The SIRET of a cell, or a ValueError that says what Excel did to it.

    A SIRET typed in a cell Excel takes for a number comes back as ``8,12346E+13`` (digits lost) or
    without its leading zero (13 digits); neither can be repaired safely, both are explained."""
    value = "".join(text.split()).replace("\u202f", "").replace("\xa0", "")
    if SCIENTIFIC.match(value):
        raise ValueError(
            f"SIRET « {text} » écrit en notation scientifique par Excel, qui en a perdu des chiffres : mettez la "
            "colonne « siret » au format Texte, ressaisissez les SIRET (14 chiffres) puis enregistrez à nouveau"
        )
    if value.isdigit() and len(value) == 13:
        from stdnum.fr import siret as stdnum_siret

        hint = f" (avec son zéro, {('0' + value)} serait un SIRET valide)" if stdnum_siret.is_valid("0" + value) else ""
        raise ValueError(
            f"SIRET « {text} » de 13 chiffres : Excel a sans doute retiré le zéro initial{hint} ; mettez la colonne "
            "« siret » au format Texte et ressaisissez-le avec ses 14 chiffres"
        )
    return value


def _renewals(text: str) -> int:
    if not text:
        return 0
    if not text.isdigit():
        raise ValueError(f"nombre de reconductions illisible « {text} »")
    return int(text)


#: Rows between two progress reports: often enough for the bar to move, rarely enough to cost nothing.
PROGRESS_EVERY = 100


def import_contracts(raw: bytes, *, by, progress=None) -> ImportResult:
    """The file's contracts and orders, all of them or none (``ImportError_`` lists every line refused).

    ``progress(done, total)``, when given, is told of the data rows checked as the import goes."""
    text = decode(raw)
    try:
        # Read whole before anything is written: an unreadable line refuses the file, nothing half-done.
        records = [(line, values) for line, values in csv_records(text, delimiter=_delimiter(text)) if values]
    except UnreadableFile as error:
        raise ImportError_([_sentence(str(error))]) from None
    header = [name.strip().lower() for name in records[0][1]] if records else []
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportError_([f"Ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}."])
    result = ImportResult()
    errors: list[str] = []
    contracts: dict[str, Contract] = {}
    seen = _Seen()
    total = len(records) - 1
    with transaction.atomic():
        for index, (line, row) in enumerate(records[1:], start=1):
            if progress and index % PROGRESS_EVERY == 0:
                progress(index, total)
            values = {key: (row[index] if index < len(row) else "").strip() for index, key in enumerate(header) if key}
            if not any(values.values()):
                continue
            try:
                with transaction.atomic():
                    _import_row(values, by=by, contracts=contracts, result=result, seen=seen)
            except ValidationError as error:
                errors.append(f"Ligne {line} : {_messages(error)}")
            except (ValueError, IntegrityError) as error:
                errors.append(f"Ligne {line} : {error}")
        if not errors and not (result.contracts or result.orders or contracts or seen.orders):
            errors.append("Le fichier ne contient aucune ligne de données.")
        if errors:
            logger.warning("contracts file refused (%d errors), first: %s", len(errors), errors[:1])
            raise ImportError_(errors)  # leaving the atomic block by an exception rolls every line back
    if progress:
        progress(total, total)
    logger.info("contracts file imported: %s", result.summary)
    return result


@dataclass
class _Seen:
    """What this run already matched, so that a contract is counted once and two identical rows
    without an order number stand for two orders."""

    contracts: set = field(default_factory=set)
    orders: set = field(default_factory=set)


def _fmt(value) -> str:
    if value is None or value == "":
        return "(vide)"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        return f"{value:.2f}".replace(".", ",")
    return str(value)


def _differences(recorded: dict, incoming: dict) -> list[str]:
    return [
        f"{label} : {_fmt(recorded[label])} enregistré, {_fmt(incoming[label])} dans le fichier"
        for label in incoming
        if recorded[label] != incoming[label]
    ]


def _contract_values(values: dict) -> dict:
    """The contract's columns as the application records them (the labels name them to the user)."""
    kind = KIND_ALIASES.get(values["type_marche"].lower())
    if kind is None:
        raise ValueError(f"type de marché inconnu « {values['type_marche']} »")

    def optional(name, parse):
        return parse(values[name]) if values.get(name) else None

    def cents(name):
        number = optional(name, parse_decimal)
        return None if number is None else number.quantize(Decimal("0.01"))

    return {
        "type_marche": kind.value,
        "objet_marche": values["objet_marche"],
        "siret": "".join(values["siret"].split()),
        "lot": values.get("lot", ""),
        "accord_cadre": values.get("accord_cadre", ""),
        "notification": optional("notification", parse_date),
        "debut": parse_date(values["debut"]),
        "fin": parse_date(values["fin"]),
        "reconductions": _renewals(values.get("reconductions", "")),
        "minimum_ht": cents("minimum_ht"),
        "maximum_ht": cents("maximum_ht"),
        "tva": cents("tva") if values.get("tva") else Decimal("20.00"),
    }


def _recorded_contract_values(contract: Contract) -> dict:
    return {
        "type_marche": contract.kind,
        "objet_marche": contract.subject,
        "siret": contract.vendor.siret,
        "lot": contract.lot,
        "accord_cadre": contract.parent.reference if contract.parent_id else "",
        "notification": contract.notified_on,
        "debut": contract.starts_on,
        "fin": contract.ends_on,
        "reconductions": contract.renewals_allowed,
        "minimum_ht": contract.min_amount_ht,
        "maximum_ht": contract.max_amount_ht,
        "tva": contract.vat_rate,
    }


def _matching_contract(values: dict, *, contracts: dict, seen: _Seen, result: ImportResult) -> Contract | None:
    reference = values["reference_marche"]
    contract = contracts.get(reference) or (
        Contract.objects.select_related("vendor", "parent").filter(reference=reference).first()
    )
    if contract is None:
        return None
    if reference in contracts or contract.pk in seen.contracts:
        return contract  # the contract's first row in the file describes it; the next ones only name it
    differences = _differences(_recorded_contract_values(contract), _contract_values(values))
    if differences:
        raise ValueError(
            f"le marché {reference} est déjà enregistré avec d'autres valeurs ({' ; '.join(differences)}) : "
            f"corrigez-le depuis sa fiche (« Modifier ») ou alignez le fichier ; rien n'est remplacé par l'import"
        )
    result.contracts_unchanged += 1
    seen.contracts.add(contract.pk)
    return contract


def _matching_order(
    contract: Contract,
    *,
    number: str,
    budget_line: BudgetLine,
    subject: str,
    amount_ht: Decimal,
    issued_on: datetime.date,
    seen: _Seen,
) -> PurchaseOrder | None:
    incoming = {
        "marché": contract.reference,
        "date": issued_on,
        "objet": subject,
        "montant HT": amount_ht.quantize(Decimal("0.01")),
        "imputation": budget_line.pk,
    }
    if number:
        order = PurchaseOrder.objects.select_related("contract", "commitment").filter(number=number).first()
        if order is None:
            return None
        recorded = {
            "marché": order.contract.reference,
            "date": order.issued_on,
            "objet": order.subject,
            "montant HT": order.amount_ht,
            "imputation": order.commitment.budget_line_id,
        }
        differences = _differences(recorded, incoming)
        if differences:
            raise ValueError(
                f"le bon de commande {number} est déjà enregistré avec d'autres valeurs ({' ; '.join(differences)}) : "
                f"rien n'est remplacé par l'import"
            )
        return order
    return (
        PurchaseOrder.objects.filter(
            contract=contract,
            issued_on=issued_on,
            subject=subject,
            amount_ht=incoming["montant HT"],
            commitment__budget_line=budget_line,
        )
        .exclude(pk__in=seen.orders)
        .order_by("pk")
        .first()
    )


def _import_row(values: dict, *, by, contracts: dict, result: ImportResult, seen: _Seen) -> None:
    for name in REQUIRED:
        if not values.get(name):
            raise ValueError(f"la colonne « {name} » est vide")
    reference = values["reference_marche"]
    contract = _matching_contract(values, contracts=contracts, seen=seen, result=result)
    if contract is None:
        contract = _create_contract(values, by=by, result=result)
        result.contracts += 1
    if not values.get("montant_bc_ht"):
        contracts[reference] = contract
        return
    for name in ORDER_REQUIRED:
        if not values.get(name):
            raise ValueError(f"la colonne « {name} » est vide alors qu'un bon de commande est décrit")
    order_fields = {
        "budget_line": _budget_line(values["imputation"]),
        "subject": values["objet_bc"],
        "amount_ht": parse_decimal(values["montant_bc_ht"]),
        "issued_on": parse_date(values["date_bc"]),
    }
    number = values.get("numero_bc", "")
    existing = _matching_order(contract, number=number, seen=seen, **order_fields)
    if existing is not None:
        seen.orders.add(existing.pk)
        result.orders_unchanged += 1
    else:
        order = services.purchase_order_create(
            contract=contract,
            by=by,
            number=number,
            commitment_number=values.get("engagement", ""),
            historical=True,
            **order_fields,
        )
        seen.orders.add(order.pk)
        result.orders += 1
    contracts[reference] = contract  # only once the whole line has passed: a failed line is rolled back


def _create_contract(values: dict, *, by, result: ImportResult) -> Contract:
    kind = KIND_ALIASES.get(values["type_marche"].lower())
    if kind is None:
        raise ValueError(f"type de marché inconnu « {values['type_marche']} »")
    siret = siret_from_cell(values["siret"])
    vendor = Vendor.objects.filter(siret=siret).first()
    if vendor is None:
        vendor = services.vendor_create(name=values["titulaire"], siret=siret, by=by)
        result.vendors += 1
    parent = None
    if values.get("accord_cadre"):
        parent = Contract.objects.filter(reference=values["accord_cadre"]).first()
        if parent is None:
            raise ValueError(f"accord-cadre « {values['accord_cadre']} » inconnu (placez-le plus haut dans le fichier)")

    def optional(name, parse):
        return parse(values[name]) if values.get(name) else None

    return services.contract_create(
        reference=values["reference_marche"],
        kind=kind,
        subject=values["objet_marche"],
        vendor=vendor,
        by=by,
        parent=parent,
        lot=values.get("lot", ""),
        notified_on=optional("notification", parse_date),
        starts_on=parse_date(values["debut"]),
        ends_on=parse_date(values["fin"]),
        renewals_allowed=_renewals(values.get("reconductions", "")),
        min_amount_ht=optional("minimum_ht", parse_decimal),
        max_amount_ht=optional("maximum_ht", parse_decimal),
        vat_rate=optional("tva", parse_decimal) if values.get("tva") else Decimal("20.00"),
    )
