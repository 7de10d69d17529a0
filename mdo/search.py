"""Finding text in records whatever the accents: the global search and the type-ahead pickers.

PostgreSQL matches with its full-text search in the ``mdo_french`` configuration (French stemming
after ``unaccent``, created by the migration ``mdo.0005_search_unaccent``), by word prefix, so that
"ecole" finds "École" and "jardins" finds "jardin". SQLite (development, tests) has neither: a
function ``mdo_fold`` registered on each connection folds accents and case, and every word of the
query must occur in one of the fields. Identifiers (SIRET, numbers, references) are matched as
substrings on both databases, because stemming would cut them.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce

from mdo import access

SEARCH_CONFIG = "mdo_french"
MIN_QUERY_LENGTH = 2
_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str | None) -> str:
    """Lower case, without accents: "École Jean-Macé" → "ecole jean-mace"."""
    if text is None:
        return ""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def words(query: str) -> list[str]:
    return [word for word in _WORD.findall(fold(query or ""))][:8]


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: gives SQLite the accent folding PostgreSQL gets from unaccent."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("mdo_fold", 1, fold, deterministic=True)


class Fold(Func):
    """SQL accent and case folding: ``lower(unaccent(x))`` on PostgreSQL, ``mdo_fold(x)`` on SQLite."""

    output_field = TextField()

    def __init__(self, expression, **extra):
        super().__init__(Coalesce(expression, Value(""), output_field=TextField()), **extra)

    def as_sql(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="lower(unaccent(%(expressions)s::text))", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="mdo_fold(%(expressions)s)", **extra)


def text_filter(
    queryset: QuerySet, query: str, *, text_fields: tuple[str, ...], id_fields: tuple[str, ...] = ()
) -> QuerySet:
    """The rows of ``queryset`` matching ``query``: every word in the text fields, or the whole query in an id.

    An empty or one-letter query matches nothing (a search for "a" is not a question).
    """
    terms = words(query)
    if not terms or len("".join(terms)) < MIN_QUERY_LENGTH:
        return queryset.none()
    condition = Q(pk__in=[])
    compact = fold(query).strip()
    for field in id_fields:
        condition |= Q(**{f"{field}__icontains": compact.replace(" ", "")}) | Q(**{f"{field}__icontains": compact})
    if queryset.db == "default" and connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # Prefix search: each word completed (':*'), all words required; the words are \w+ only,
        # so nothing of the user's text reaches the tsquery syntax.
        tsquery = " & ".join(f"{term}:*" for term in terms)
        queryset = queryset.annotate(_search=SearchVector(*text_fields, config=SEARCH_CONFIG))
        condition |= Q(_search=SearchQuery(tsquery, config=SEARCH_CONFIG, search_type="raw"))
    else:
        every_word = Q()
        for term in terms:
            in_some_field = Q(pk__in=[])
            for index in range(len(text_fields)):
                in_some_field |= Q(**{f"_fold_{index}__contains": term})
            every_word &= in_some_field
        queryset = queryset.annotate(**{f"_fold_{index}": Fold(field) for index, field in enumerate(text_fields)})
        condition |= every_word
    return queryset.filter(condition)


@dataclass(frozen=True)
class SearchResult:
    kind: str  # "Projet", "Bon de commande"…
    title: str
    url: str
    context: str = ""  # district, edition, status…


@dataclass(frozen=True)
class PickerOption:
    """One choice of a type-ahead picker: ``value`` is the primary key the form expects."""

    value: int | str
    text: str
    context: str = ""

    def as_json(self) -> dict:
        return {"value": str(self.value), "text": self.text, "context": self.context}


# --- the core's own records: people and organisations -------------------------------------


def _people(user, query: str):
    from mdo.models import User

    people = access.visible(user, User).filter(is_active=True).select_related("organisation")
    if not query:
        return people
    return text_filter(
        people,
        query,
        text_fields=("first_name", "last_name", "organisation__name", "organisation__short_name"),
        id_fields=("username",),
    )


def _person_context(person) -> str:
    return person.organisation.name if person.organisation_id else ""


def search_people(user, query: str, limit: int) -> list[SearchResult]:
    return [
        SearchResult(
            kind="Personne",
            title=person.get_full_name() or person.username,
            url=person.get_absolute_url(),
            context=_person_context(person),
        )
        for person in _people(user, query).order_by("last_name", "first_name")[:limit]
    ]


def people_options(user, query: str, limit: int, params: dict) -> list[PickerOption]:
    return [
        PickerOption(value=person.pk, text=person.get_full_name() or person.username, context=_person_context(person))
        for person in _people(user, query).order_by("last_name", "first_name")[:limit]
    ]


def organisation_options(user, query: str, limit: int, params: dict) -> list[PickerOption]:
    """Organisations by their full name, their acronym as context (« DEV » alone says little)."""
    from mdo.models import Organisation

    organisations = access.visible(user, Organisation)
    if query:
        organisations = text_filter(organisations, query, text_fields=("name", "short_name"))
    return [
        PickerOption(
            value=org.pk,
            text=org.name,
            context=" · ".join(part for part in (org.short_name, org.get_kind_display()) if part),
        )
        for org in organisations.order_by("kind", "district", "name")[:limit]
    ]
