"""Demo and benchmark data for projects (``manage.py seed_demo``): editions, projects, timelines, reviews.

Idempotent: an edition that already has its projects is left alone. Everything is written with
``bulk_create`` (simple-history is not fed for seeded rows: they have no author to record).
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mdo.enums import Role
from mdo.models import Neighbourhood, Organisation, User
from mdo.seed import large
from projects.enums import DEFAULT_PROGRESS, ProjectKind, ProjectStatus
from projects.models import Edition, EditionDistrict, Project, TimelineEntry, TimelineKind

S = ProjectStatus

PB_PATH = [
    S.SUBMITTED,
    S.ADMISSIBLE,
    S.FEASIBILITY_REVIEW,
    S.FEASIBLE,
    S.ON_BALLOT,
    S.WINNER,
    S.DESIGN,
    S.PROCUREMENT,
    S.WORKS,
    S.DELIVERED,
    S.CLOSED,
]
CONSULTATION_PATH = [S.PREPARATION, S.OPEN, S.ANALYSIS, S.REPORT_PUBLISHED, S.CLOSED]
SIDE_EXITS = {S.INADMISSIBLE: S.SUBMITTED, S.UNFEASIBLE: S.FEASIBILITY_REVIEW, S.NOT_SELECTED: S.ON_BALLOT}

OBJECTS = [
    "Végétalisation",
    "Jardin partagé",
    "Fontaine à boire",
    "Aire de jeux inclusive",
    "Piste cyclable sécurisée",
    "Arceaux vélos",
    "Boîte à livres",
    "Composteur collectif",
    "Bancs et tables de pique-nique",
    "Éclairage solaire",
    "Terrain de basket 3x3",
    "Fresque participative",
    "Îlot de fraîcheur",
    "Verger urbain",
    "Nichoirs à oiseaux",
    "Agrès de sport en plein air",
    "Rue aux enfants",
    "Toilettes publiques",
    "Ombrières",
    "Skatepark",
    "Hôtel à insectes",
    "Mobilier d'ombrage",
    "Plantation d'arbres",
    "Désimperméabilisation",
    "Micro-forêt",
]
PLACES = [
    "place Bellecour",
    "rue de la République",
    "quai Saint-Antoine",
    "parc de la Tête d'Or",
    "place Sathonay",
    "square Delestraint",
    "place Guichard",
    "cours Gambetta",
    "rue Garibaldi",
    "place Ambroise-Courtois",
    "parc de Gerland",
    "place Jean-Macé",
    "rue Paul-Bert",
    "place du Marché",
    "parc Sergent-Blandan",
    "montée de la Grande-Côte",
    "place des Terreaux",
    "rue Saint-Jean",
    "place Valmy",
    "parc de la Cerisaie",
    "cour de l'école Michel-Servet",
    "place Carnot",
    "jardin des Chartreux",
    "parc Chambovet",
    "place Colbert",
]
THEMES = [
    "Nature en ville",
    "Mobilités douces",
    "Cadre de vie",
    "Sport et loisirs",
    "Culture",
    "Solidarités",
    "Éducation et jeunesse",
    "Propreté",
]
CONSULTATIONS = [
    "Concertation sur le réaménagement de la {place}",
    "Consultation sur les rues aux écoles ({place})",
    "Atelier participatif pour la {place}",
    "Concertation sur le plan de circulation autour de la {place}",
]

EDITIONS = [
    # name, number, start, end, projects (demo), projects (large)
    ("Budget participatif 2022-2023", 1, 2022, 2023, 120, 1700),
    ("Budget participatif 2024-2025", 3, 2024, 2025, 0, 1600),
    ("Budget participatif 2026-2027", 2, 2026, 2027, 240, 1700),
]


def _status_mix(number: int, rng: random.Random) -> ProjectStatus:
    """Edition 1 is mostly delivered; edition 2 spreads over the whole pipeline."""
    if number == 1:
        return rng.choices(
            [
                S.CLOSED,
                S.DELIVERED,
                S.WORKS,
                S.PROCUREMENT,
                S.ABANDONED,
                S.SUSPENDED,
                S.NOT_SELECTED,
                S.UNFEASIBLE,
                S.INADMISSIBLE,
            ],
            weights=[30, 30, 8, 3, 3, 2, 12, 6, 6],
        )[0]
    return rng.choices(
        [
            S.SUBMITTED,
            S.ADMISSIBLE,
            S.INADMISSIBLE,
            S.FEASIBILITY_REVIEW,
            S.FEASIBLE,
            S.UNFEASIBLE,
            S.ON_BALLOT,
            S.WINNER,
            S.NOT_SELECTED,
            S.DESIGN,
            S.PROCUREMENT,
            S.WORKS,
            S.DELIVERED,
            S.SUSPENDED,
            S.ABANDONED,
        ],
        weights=[6, 6, 4, 10, 6, 4, 6, 10, 8, 10, 8, 8, 6, 3, 3],
    )[0]


def _path(status, kind, before=None) -> list:
    if status in (S.SUSPENDED, S.ABANDONED):
        return _path(before, kind) + [status]
    if kind == ProjectKind.CONSULTATION:
        return CONSULTATION_PATH[: CONSULTATION_PATH.index(status) + 1]
    if status in SIDE_EXITS:
        before = SIDE_EXITS[status]
        return PB_PATH[: PB_PATH.index(before) + 1] + [status]
    return PB_PATH[: PB_PATH.index(status) + 1]


def seed_projects(*, size: str, stdout) -> None:
    rng = random.Random(3)
    people = _people()
    created_projects = created_entries = 0
    for name, number, start, end, demo_count, large_count in EDITIONS:
        count = large(large_count) if size == "large" else demo_count
        if not count:
            continue
        edition, _ = Edition.objects.get_or_create(
            name=name,
            defaults={
                "number": number,
                "start_year": start,
                "end_year": end,
                "total_envelope": Decimal("12500000"),
                "citywide_envelope": Decimal("2000000"),
                # The demo's open data set shows the editions whose vote is over.
                "published_at": timezone.now() if number == 1 else None,
            },
        )
        districts = _districts(edition)
        have = Project.objects.filter(
            Q(external_id__startswith=f"E{number}-") | Q(external_id__startswith=f"C{number}-")
        ).count()
        if have >= count:
            continue
        p, e = _seed_edition(edition, number, districts, count - have, have, people, rng)
        created_projects += p
        created_entries += e
    if size == "demo":
        _seed_reviews(people)
    stdout.write(
        f"Projets : {Project.objects.count()} ({created_projects} créés), "
        f"{TimelineEntry.objects.count()} entrées de fil ({created_entries} créées)."
    )


#: Colleagues of mdo.officer, so that « Mes projets » is hers and not everyone's.
MORE_OFFICERS = [
    ("mdo.officer2", "Léo", "Martin", "Chargé de mission concertation"),
    ("mdo.officer3", "Inès", "Haddad", "Chargée de mission conseils de quartier"),
]


def _people() -> dict:
    from mdo.seed import _demo_user

    mdo = Organisation.objects.filter(kind="mdo").first()
    if mdo is not None:
        for username, first, last, job in MORE_OFFICERS:
            _demo_user(username, first, last, Role.MDO_OFFICER, mdo, job)
    officers = list(User.objects.filter(groups__role_key__code=Role.MDO_OFFICER).order_by("pk"))
    main = User.objects.filter(username="mdo.officer").first()
    town_hall = {
        u.organisation.district: u
        for u in User.objects.filter(
            groups__role_key__code=Role.TOWN_HALL_AGENT, organisation__kind="town_hall"
        ).select_related("organisation")
    }
    directorates = list(Organisation.objects.filter(kind="directorate").order_by("pk"))
    neighbourhoods: dict[int, list] = {}
    for hood in Neighbourhood.objects.all():
        neighbourhoods.setdefault(hood.district, []).append(hood)
    return {
        "officers": officers,
        "main": main,
        "town_hall": town_hall,
        "directorates": directorates,
        "dev": Organisation.objects.filter(short_name="DEV").first(),
        "neighbourhoods": neighbourhoods,
        "manager": User.objects.filter(username="mdo.manager").first(),
        "dev_agent": User.objects.filter(username="dev.agent").first(),
    }


def _districts(edition) -> dict:
    envelope = Decimal("10500000") / 9
    for n in range(1, 10):
        EditionDistrict.objects.get_or_create(
            edition=edition,
            name="Lyon 1er" if n == 1 else f"Lyon {n}e",
            defaults={"number": n, "envelope": envelope.quantize(Decimal("1"))},
        )
    return {d.number: d for d in edition.districts.all()}


@transaction.atomic
def _seed_edition(edition, number, districts, count, offset, people, rng) -> tuple[int, int]:
    today = timezone.localdate()
    start = datetime.date(edition.start_year, 1, 15)
    projects, paths = [], []
    # The first projects of the current edition go through every status, whatever the dice say.
    forced = list(ProjectStatus) if number == 2 and offset == 0 else []
    for index in range(offset, offset + count):
        district = rng.choice([None, 1, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9])
        consultation = rng.random() < 0.08
        if index < len(forced):
            consultation = forced[index] in (S.PREPARATION, S.OPEN, S.ANALYSIS, S.REPORT_PUBLISHED)
        kind = (
            ProjectKind.CONSULTATION
            if consultation
            else rng.choices(
                [ProjectKind.PARTICIPATORY_BUDGET, ProjectKind.NEIGHBOURHOOD_INITIATIVE, ProjectKind.CALL_FOR_PROJECTS],
                weights=[85, 10, 5],
            )[0]
        )
        place = rng.choice(PLACES)
        if index < len(forced):
            status = forced[index]
            title = rng.choice(CONSULTATIONS).format(place=place) if consultation else f"{rng.choice(OBJECTS)} {place}"
        elif consultation:
            status = rng.choice(CONSULTATION_PATH) if number != 1 else S.CLOSED
            title = rng.choice(CONSULTATIONS).format(place=place)
        else:
            status = _status_mix(number, rng)
            title = f"{rng.choice(OBJECTS)} {place}"
        before = rng.choice([S.DESIGN, S.WORKS, S.ADMISSIBLE]) if not consultation else S.OPEN
        path = _path(status, kind, before)
        officer = people["main"] if rng.random() < 0.4 or not people["officers"] else rng.choice(people["officers"])
        directorate = (
            people["dev"]
            if rng.random() < 0.25
            else (rng.choice(people["directorates"]) if people["directorates"] else None)
        )
        cost = Decimal(rng.choice([5, 8, 12, 15, 20, 30, 45, 60, 80, 120, 150, 250])) * 1000
        voted = S.ON_BALLOT in path or S.NOT_SELECTED in path
        planned_end = start + datetime.timedelta(days=rng.randint(500, 1200))
        actual_start = (
            min(
                today - datetime.timedelta(days=rng.randint(5, 60)),
                start + datetime.timedelta(days=rng.randint(400, 600)),
            )
            if S.WORKS in path or S.OPEN in path
            else None
        )
        actual_end = (
            min(today, planned_end + datetime.timedelta(days=rng.randint(-60, 120)))
            if S.DELIVERED in path or S.REPORT_PUBLISHED in path
            else None
        )
        hoods = people["neighbourhoods"].get(district) or [None]
        projects.append(
            Project(
                kind=kind,
                title=title,
                description=f"{title} : proposition d'habitant·es du quartier, portée au vote "
                f"de l'édition {edition.number or ''}.",
                edition=edition if kind != ProjectKind.CONSULTATION else None,
                edition_district=districts.get(district) if kind != ProjectKind.CONSULTATION else None,
                district=district,
                neighbourhood=rng.choice(hoods),
                theme=rng.choice(THEMES),
                lead_directorate=directorate if kind != ProjectKind.CONSULTATION else None,
                officer=officer,
                town_hall_contact=people["town_hall"].get(district),
                status=status,
                status_before_suspension=before if status == S.SUSPENDED else "",
                progress=DEFAULT_PROGRESS.get(status, 30),
                estimated_cost=cost if S.FEASIBLE in path else None,
                final_cost=(cost * Decimal(rng.choice(["0.92", "1", "1.08", "1.15"]))).quantize(Decimal("0.01"))
                if S.DELIVERED in path
                else None,
                votes=rng.randint(40, 2400) if voted else None,
                selected=S.WINNER in path,
                planned_start=start + datetime.timedelta(days=rng.randint(300, 500)) if S.WINNER in path else None,
                planned_end=planned_end if S.WINNER in path or consultation else None,
                actual_start=actual_start,
                actual_end=actual_end,
                external_id=f"{'C' if consultation else 'E'}{edition.number}-{index + 1:05d}",
                public_summary="",
            )
        )
        paths.append(path)
    created = Project.objects.bulk_create(projects, batch_size=1000)
    entries = []
    authors = [people["main"], people["manager"], people["dev_agent"]]
    for project, path in zip(created, paths, strict=True):
        moment = timezone.make_aware(datetime.datetime.combine(start, datetime.time(9, 30)))
        for previous, status in zip([""] + path[:-1], path, strict=True):
            moment += datetime.timedelta(days=rng.randint(10, 60), hours=rng.randint(0, 8))
            text = (
                f"{ProjectStatus(previous).label} → {ProjectStatus(status).label}"
                if previous
                else "Idée déposée sur la plateforme de participation."
            )
            entries.append(
                TimelineEntry(
                    project=project,
                    kind=TimelineKind.TRANSITION if previous else TimelineKind.COMMENT,
                    author=rng.choice(authors),
                    created_at=min(moment, timezone.now()),
                    text=text,
                    from_status=previous,
                    to_status=status,
                    is_public=rng.random() < 0.2,
                )
            )
        for _ in range(max(0, 8 - len(path))):
            moment += datetime.timedelta(days=rng.randint(3, 30))
            entries.append(
                TimelineEntry(
                    project=project,
                    kind=TimelineKind.COMMENT,
                    author=rng.choice(authors),
                    created_at=min(moment, timezone.now()),
                    text=rng.choice(
                        [
                            "Point fait avec la mairie d'arrondissement.",
                            "Visite de terrain avec les porteurs de l'idée.",
                            "Devis demandé à la direction pilote.",
                            "Relance envoyée au service instructeur.",
                        ]
                    ),
                )
            )
    TimelineEntry.objects.bulk_create(entries, batch_size=2000)
    return len(created), len(entries)


def _seed_reviews(people) -> None:
    """A few open feasibility reviews, so that the demo inbox has tasks for dev.agent, mairie3/5 and the MDO."""
    from projects.flows import feasibility_review_open
    from projects.models import FeasibilityReview

    if FeasibilityReview.objects.exists() or not people["dev"] or not people["main"]:
        return
    candidates = Project.objects.filter(
        status=S.FEASIBILITY_REVIEW, lead_directorate=people["dev"], district__in=[3, 5]
    ).order_by("pk")[:4]
    from viewflow.workflow.models import Task

    today = timezone.localdate()
    for index, project in enumerate(candidates):
        due = today + datetime.timedelta(days=14 - 4 * index if index else -3)  # the first one is late
        with transaction.atomic():
            review = feasibility_review_open(project=project, by=people["main"], due=max(due, today))
            # Opened two weeks before their due date, as the MDO does: the inbox's « en attente depuis »
            # and its oldest-first order then read as they would in real life.
            Task.objects.filter(process_id=review.pk).update(
                created=timezone.now() - datetime.timedelta(days=14 - (due - today).days)
            )
            if index == 0:
                FeasibilityReview.objects.filter(pk=review.pk).update(directorate_due=due, town_hall_due=due)


def bench_project_url() -> str:
    project = Project.objects.order_by("pk").first()
    return reverse("projects:detail", args=[project.pk]) if project else reverse("projects:index")
