"""The public data set of the participatory budget: JSON (paginated) and CSV (the whole file), no personal data.

Field names and contents follow the SCDL (Socle commun des données locales) habits: the collectivity
named with its SIRET, the INSEE code of the arrondissement, ISO 8601 dates, numbers as numbers.
An edition's projects are in the data set once the MDO has published the edition; the timeline
entries marked public go with their project.

Every response is built once per state of the data: ``fingerprint()`` (one aggregate query) gives
the ETag and Last-Modified, and the body is cached under it, so that a portal polling the feed gets
a 304 or a cached body, never a rebuild of 5,000 projects.
"""

import csv
import hashlib
import io
import json

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q
from django.urls import reverse

from mdo.exports import neutralise
from mdo.models import CityIdentity
from projects.enums import ProjectStatus
from projects.models import Edition, TimelineEntry
from projects.selectors import open_data_projects

LICENCE = {
    "nom": "Licence Ouverte / Open Licence version 2.0",
    "identifiant": "etalab-2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}

#: INSEE code of the city → base of its arrondissements' codes (Lyon 69381 … 69389).
ARRONDISSEMENT_BASE = {"69123": 69380, "75056": 75100, "13055": 13200}

FIELDS = [
    ("collectiviteNom", "Nom de la collectivité qui publie le jeu de données", "texte"),
    ("collectiviteSiret", "SIRET de la collectivité", "texte (14 chiffres)"),
    ("id", "Identifiant du projet dans le back office de la ville", "entier"),
    ("idExterne", "Identifiant du projet sur la plateforme de vote (Decidim) ou dans le fichier de vote", "texte"),
    (
        "idParent",
        "Identifiant (champ id) du programme dont le projet est une opération, quand ce programme est publié "
        "dans le jeu de données (vide sinon)",
        "entier",
    ),
    ("edition", "Édition du budget participatif", "texte"),
    ("editionAnnee", "Année de début de l'édition", "entier"),
    ("titre", "Titre du projet", "texte"),
    ("resume", "Résumé public du projet", "texte"),
    ("arrondissementNom", "District ou arrondissement du projet (vide : toute la ville)", "texte"),
    (
        "codeInsee",
        "Code INSEE de l'arrondissement (69381 à 69389 à Lyon), de la commune pour un projet de toute la ville",
        "texte (5 chiffres)",
    ),
    ("theme", "Thème", "texte"),
    ("statut", "Statut (code)", "texte"),
    ("statutLibelle", "Statut (libellé)", "texte"),
    ("laureat", "Lauréat du vote", "booléen"),
    ("voix", "Nombre de voix obtenues", "entier"),
    ("coutEstime", "Coût estimé TTC", "nombre décimal"),
    ("coutFinal", "Coût final TTC", "nombre décimal"),
    ("devise", "Devise des montants (ISO 4217)", "texte"),
    ("avancement", "Avancement en pourcentage", "entier (0 à 100)"),
    ("dateDebutPrevue", "Début prévu", "date ISO 8601"),
    ("dateLivraisonPrevue", "Livraison prévue", "date ISO 8601"),
    ("dateDebutReelle", "Début réel", "date ISO 8601"),
    ("dateLivraisonReelle", "Livraison réelle", "date ISO 8601"),
    ("dateMiseAJour", "Dernière mise à jour", "date et heure ISO 8601"),
]
CSV_FIELDS = [name for name, _label, _kind in FIELDS]
#: Only in JSON: the public timeline of the project ([{"date", "texte"}]).
TIMELINE_FIELD = ("fil", "Étapes publiques du projet (date ISO 8601 et texte), JSON seulement", "liste")

DEFAULT_PAGE_SIZE = 500
MAX_PAGE_SIZE = 1000
CACHE_SECONDS = 3600


def published_projects(*, edition: str = ""):
    return open_data_projects(edition=edition).filter(edition__published_at__isnull=False)


def fingerprint(*, edition: str = "") -> tuple[str, object]:
    """(ETag, Last-Modified) of the data set: changes with any project, public entry, publication or identity."""
    projects = published_projects(edition=edition)
    state = projects.aggregate(
        count=Count("pk", distinct=True),
        updated=Max("updated_at"),
        edition_published=Max("edition__published_at"),
        last_public_entry=Max("timeline__created_at", filter=Q(timeline__is_public=True)),
        public_entries=Count("timeline", filter=Q(timeline__is_public=True)),
    )
    identity = CityIdentity.current()
    published = Edition.objects.filter(published_at__isnull=False).aggregate(n=Count("pk"), last=Max("published_at"))
    raw = "|".join(
        str(v)
        for v in (
            *state.values(),
            published["n"],
            published["last"],
            identity.name,
            identity.siret,
            identity.insee_code,
            edition,
        )
    )
    moments = [
        m for m in (state["updated"], state["edition_published"], state["last_public_entry"], published["last"]) if m
    ]
    return hashlib.sha256(raw.encode()).hexdigest()[:32], max(moments) if moments else None


def metadata(*, request=None) -> dict:
    identity = CityIdentity.current()
    absolute = request.build_absolute_uri if request is not None else (lambda path: path)
    return {
        "titre": f"Projets du budget participatif — {identity.name}",
        "description": "Les projets du budget participatif soumis au vote, leurs voix, les lauréats et "
        "l'avancement de leur réalisation, par édition publiée.",
        "producteur": {"nom": identity.name, "siret": identity.siret, "codeInsee": identity.insee_code},
        "contact": identity.open_data_contact,
        "licence": LICENCE,
        "frequenceMiseAJour": "continue",
        "documentation": absolute(reverse("projects:open_data")),
        "formats": {
            "json": absolute(reverse("projects:open_data_json")),
            "csv": absolute(reverse("projects:open_data_csv")),
        },
        "champs": [
            {"nom": name, "description": label, "type": kind} for name, label, kind in FIELDS + [TIMELINE_FIELD]
        ],
    }


def _insee_code(identity: CityIdentity, number: int | None) -> str:
    base = ARRONDISSEMENT_BASE.get(identity.insee_code)
    if number and base:
        return str(base + number)
    return identity.insee_code


def _number(value):
    """Amounts as JSON numbers (cents kept): an int when whole, else a float with two decimals."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _date(value) -> str | None:
    return value.isoformat() if value else None


def rows(projects, *, with_timeline: bool) -> list[dict]:
    identity = CityIdentity.current()
    labels = {value: str(label) for value, label in ProjectStatus.choices}
    if with_timeline:
        projects = projects.prefetch_related(
            Prefetch(
                "timeline",
                queryset=TimelineEntry.objects.filter(is_public=True)
                .only("pk", "project_id", "created_at", "text")
                .order_by("created_at", "pk"),
                to_attr="public_timeline",
            )
        )
    result = []
    for project in projects:
        district = project.edition_district
        number = district.number if district else project.district
        row = {
            "collectiviteNom": identity.name,
            "collectiviteSiret": identity.siret,
            "id": project.pk,
            "idExterne": project.external_id,
            "idParent": project.parent_id if project.parent_published else None,
            "edition": project.edition.name,
            "editionAnnee": project.edition.start_year,
            "titre": project.title,
            "resume": project.public_summary,
            "arrondissementNom": district.name if district else (project.district_label if project.district else ""),
            "codeInsee": _insee_code(identity, number),
            "theme": project.theme,
            "statut": project.status,
            "statutLibelle": labels[project.status],
            "laureat": project.selected,
            "voix": project.votes,
            "coutEstime": _number(project.estimated_cost),
            "coutFinal": _number(project.final_cost),
            "devise": project.edition.currency,
            "avancement": project.progress,
            "dateDebutPrevue": _date(project.planned_start),
            "dateLivraisonPrevue": _date(project.planned_end),
            "dateDebutReelle": _date(project.actual_start),
            "dateLivraisonReelle": _date(project.actual_end),
            "dateMiseAJour": project.updated_at.isoformat(timespec="seconds"),
        }
        if with_timeline:
            row["fil"] = [
                {"date": entry.created_at.date().isoformat(), "texte": entry.text} for entry in project.public_timeline
            ]
        result.append(row)
    return result


def _columns(projects):
    """The fields of the data set, and whether the parent is in it too: a parent outside the data set
    (its edition unpublished, a programme that never went to the vote) is not named."""
    parent_published = Exists(published_projects().filter(pk=OuterRef("parent_id")))
    return projects.annotate(parent_published=parent_published).only(
        "pk",
        "external_id",
        "parent",
        "title",
        "public_summary",
        "district",
        "theme",
        "status",
        "selected",
        "votes",
        "estimated_cost",
        "final_cost",
        "progress",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "updated_at",
        "edition__name",
        "edition__start_year",
        "edition__currency",
        "edition_district__name",
        "edition_district__number",
    )


def json_page(*, edition: str, page: int, page_size: int, etag: str, request) -> bytes:
    key = f"opendata:json:{etag}:{page}:{page_size}"
    body = cache.get(key)
    if body is None:
        projects = published_projects(edition=edition)
        count = projects.count()
        pages = max(1, -(-count // page_size))
        page = min(page, pages)
        chunk = _columns(projects)[(page - 1) * page_size : page * page_size]

        def link(number):
            if not 1 <= number <= pages or number == page:
                return None
            query = f"?page={number}&taille={page_size}" + (f"&edition={edition}" if edition else "")
            return request.build_absolute_uri(reverse("projects:open_data_json") + query)

        payload = {
            "metadonnees": metadata(request=request),
            "licence": LICENCE,
            "nombre": count,
            "page": page,
            "pages": pages,
            "taille": page_size,
            "suivante": link(page + 1),
            "precedente": link(page - 1),
            "resultats": rows(chunk, with_timeline=True),
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        cache.set(key, body, CACHE_SECONDS)
    return body


def csv_file(*, edition: str, etag: str) -> bytes:
    """The whole data set, one line per project: RFC 4180 with ``,`` and UTF-8 (what portals read),
    text cells neutralised against spreadsheet formulas."""
    key = f"opendata:csv:{etag}"
    body = cache.get(key)
    if body is None:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\r\n")
        writer.writeheader()
        for row in rows(_columns(published_projects(edition=edition)).iterator(chunk_size=1000), with_timeline=False):
            writer.writerow({k: _csv_value(v) for k, v in row.items()})
        body = out.getvalue().encode()
        cache.set(key, body, CACHE_SECONDS)
    return body


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return neutralise(value)
    return value
