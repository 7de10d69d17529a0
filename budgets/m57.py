"""The shape of an M57 imputation (instruction budgétaire et comptable M57), checked before a line is saved.

Not the whole nomenclature: what a typing mistake breaks. A chapter is 2 or 3 digits (21, 23, 011,
204); a nature account 3 to 6 digits that opens with its chapter's digits when the chapter is a
two-digit one (chapter 21 holds the 21xx accounts, 204 the 204xx); a function code 1 to 4 digits.
The account's class says the section: classes 1, 2 (and 4, operations for third parties) are
investment, classes 6 and 7 operating.
"""

import re

CHAPTER = re.compile(r"^\d{2,3}$")
NATURE = re.compile(r"^\d{3,6}$")
FUNCTION = re.compile(r"^\d{1,4}$")
INVESTMENT_CLASSES = ("1", "2", "4")
OPERATING_CLASSES = ("6", "7")


def imputation_errors(*, section: str | None, chapter: str, nature: str, function: str) -> dict[str, str]:
    """French messages by field (``chapter``, ``nature``, ``function``); empty when the coding holds."""
    errors = {}
    chapter, nature, function = (chapter or "").strip(), (nature or "").strip(), (function or "").strip()
    if not CHAPTER.match(chapter):
        errors["chapter"] = f"« {chapter} » n'est pas un chapitre M57 : 2 ou 3 chiffres, par ex. 21, 23 ou 011."
    if not NATURE.match(nature):
        errors["nature"] = f"« {nature} » n'est pas un compte par nature M57 : 3 à 6 chiffres, par ex. 2128 ou 6228."
    if not FUNCTION.match(function):
        errors["function"] = f"« {function} » n'est pas un code fonctionnel M57 : 1 à 4 chiffres, par ex. 823."
    if errors:
        return errors
    if (len(chapter) == 2 or chapter == "204") and not nature.startswith(chapter):
        errors["nature"] = (
            f"Le compte {nature} n'appartient pas au chapitre {chapter} (il devrait commencer par {chapter})."
        )
    elif section == "investment" and nature[0] not in INVESTMENT_CLASSES:
        errors["nature"] = (
            f"Le compte {nature} est un compte de fonctionnement (classe {nature[0]}) : la ligne est en investissement."
        )
    elif section == "operating" and nature[0] not in OPERATING_CLASSES:
        errors["nature"] = (
            f"Le compte {nature} est un compte d'investissement (classe {nature[0]}) : la ligne est en fonctionnement."
        )
    return errors
