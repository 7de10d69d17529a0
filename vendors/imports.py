"""Import of the contracts and orders the MDO keeps today in spreadsheets (see docs/vendors.md).

All or nothing: every line is checked (in its own savepoint, so that one failure does not hide
the next ones); if any line fails, nothing is kept and every error is reported with its line number.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from budgets.models import BudgetLine
from vendors import services
from vendors.enums import ContractKind
from vendors.models import Contract, Vendor

COLUMNS = [
    "reference_marche", "type_marche", "objet_marche", "siret", "titulaire", "lot", "accord_cadre", "notification",
    "debut", "fin", "reconductions", "minimum_ht", "maximum_ht", "tva",
    "numero_bc", "date_bc", "objet_bc", "montant_bc_ht", "imputation", "engagement",
]
REQUIRED = ["reference_marche", "type_marche", "objet_marche", "siret", "titulaire", "debut", "fin"]
ORDER_REQUIRED = ["date_bc", "objet_bc", "montant_bc_ht", "imputation"]

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


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 — what Excel saves on a city PC."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def parse_decimal(value: str) -> Decimal:
    """French amounts: « 1 234,56 », « 1 234,56 € », « 1.234,56 »; also « 1234.56 »."""
    text = value.replace("€", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "").strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"montant illisible « {value} » (attendu par exemple 1 234,56)") from None
    if not number.is_finite():
        raise ValueError(f"montant illisible « {value} »")
    return number


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
        return " ; ".join(f"{field} : {' '.join(msgs)}" if field != "__all__" else " ".join(msgs)
                          for field, msgs in error.message_dict.items())
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
    lines = list(BudgetLine.objects.filter(fiscal_year=int(year), chapter=chapter, nature=nature, function=function)[:2])
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
            "colonne « siret » au format Texte, ressaisissez les SIRET (14 chiffres) puis enregistrez à nouveau")
    if value.isdigit() and len(value) == 13:
        from stdnum.fr import siret as stdnum_siret

        hint = (f" (avec son zéro, {('0' + value)} serait un SIRET valide)"
                if stdnum_siret.is_valid("0" + value) else "")
        raise ValueError(
            f"SIRET « {text} » de 13 chiffres : Excel a sans doute retiré le zéro initial{hint} ; mettez la colonne "
            "« siret » au format Texte et ressaisissez-le avec ses 14 chiffres")
    return value


def _renewals(text: str) -> int:
    if not text:
        return 0
    if not text.isdigit():
        raise ValueError(f"nombre de reconductions illisible « {text} »")
    return int(text)


def import_contracts(raw: bytes, *, by) -> ImportResult:
    text = decode(raw)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportError_([f"Ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}."])
    reader.fieldnames = header
    result = ImportResult()
    errors: list[str] = []
    contracts: dict[str, Contract] = {}
    with transaction.atomic():
        for row in reader:
            line = reader.line_num
            values = {key: (value or "").strip() for key, value in row.items() if key}
            if not any(values.values()):
                continue
            try:
                with transaction.atomic():
                    _import_row(values, by=by, contracts=contracts, result=result)
            except ValidationError as error:
                errors.append(f"Ligne {line} : {_messages(error)}")
            except (ValueError, IntegrityError) as error:
                errors.append(f"Ligne {line} : {error}")
        if not errors and not (result.contracts or result.orders or contracts):
            errors.append("Le fichier ne contient aucune ligne de données.")
        if errors:
            raise ImportError_(errors)  # leaving the atomic block by an exception rolls every line back
    return result


def _import_row(values: dict, *, by, contracts: dict, result: ImportResult) -> None:
    for name in REQUIRED:
        if not values.get(name):
            raise ValueError(f"la colonne « {name} » est vide")
    reference = values["reference_marche"]
    contract = contracts.get(reference) or Contract.objects.filter(reference=reference).first()
    if contract is None:
        contract = _create_contract(values, by=by, result=result)
        result.contracts += 1
    if not values.get("montant_bc_ht"):
        contracts[reference] = contract
        return
    for name in ORDER_REQUIRED:
        if not values.get(name):
            raise ValueError(f"la colonne « {name} » est vide alors qu'un bon de commande est décrit")
    services.purchase_order_create(
        contract=contract, budget_line=_budget_line(values["imputation"]), subject=values["objet_bc"],
        amount_ht=parse_decimal(values["montant_bc_ht"]), issued_on=parse_date(values["date_bc"]), by=by,
        number=values.get("numero_bc", ""), commitment_number=values.get("engagement", ""),
    )
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
        reference=values["reference_marche"], kind=kind, subject=values["objet_marche"], vendor=vendor, by=by,
        parent=parent, lot=values.get("lot", ""), notified_on=optional("notification", parse_date),
        starts_on=parse_date(values["debut"]), ends_on=parse_date(values["fin"]),
        renewals_allowed=_renewals(values.get("reconductions", "")),
        min_amount_ht=optional("minimum_ht", parse_decimal), max_amount_ht=optional("maximum_ht", parse_decimal),
        vat_rate=optional("tva", parse_decimal) if values.get("tva") else Decimal("20.00"),
    )
