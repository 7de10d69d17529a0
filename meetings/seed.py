"""Demo meetings for ``manage.py seed_demo``: a year of the network, COPILs, conseils de quartier.

Idempotent: the demo part is keyed on fixed UIDs, the large part on the number of meetings.
Written with the ORM directly (no e-mail is sent while seeding).
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from mdo.enums import OrganisationKind
from mdo.models import Neighbourhood, Organisation, User
from mdo.seed import large
from meetings import richtext
from meetings.enums import ActionStatus, AttendanceStatus, MeetingKind, MeetingStatus, MinutesStatus
from meetings.ical import PARIS
from meetings.models import ActionItem, AgendaItem, Attendee, Decision, Meeting, MeetingSeries, Minutes
from meetings.services import expand_rrule

NETWORK_UID = "seed-reseau-bimestriel@mdo-pilotage"
LARGE_MEETINGS = 800
LARGE_AGENDA_ITEMS = 15_000
LARGE_ATTENDANCES = 30_000

NETWORK_AGENDA = [
    ("Tour de table des mairies d'arrondissement", 30),
    ("Budget participatif : avancement des projets lauréats", 30),
    ("Calendrier de la prochaine édition et appel à idées", 25),
    ("Retour d'expérience : conseils de quartier et tirage au sort", 20),
    ("Questions diverses", 15),
]
COPIL_AGENDA = [
    ("Point budgétaire : engagements et mandatements", 20),
    ("Projets en retard et arbitrages", 30),
    ("Validation du calendrier des travaux", 20),
]
COUNCIL_AGENDA = [
    ("Accueil des nouveaux membres", 10),
    ("Présentation des projets du quartier", 30),
    ("Propositions pour le budget participatif", 30),
    ("Vie du conseil et prochaines dates", 15),
]
DECISIONS = [
    "Le réseau valide le calendrier de dépôt des idées du {date}.",
    "Les fiches d'analyse de faisabilité seront partagées avec les mairies avant le vote.",
    "Un atelier commun sur la communication du vote est organisé en mairie du 7e.",
    "Les projets de végétalisation des cours d'école sont regroupés en un lot unique.",
    "La grille d'analyse de recevabilité est adoptée dans sa version 3.",
]
PROJECT_DECISIONS = [
    "Le calendrier des travaux de « {title} » est confirmé ; la mairie informe les riverains.",
    "« {title} » : le surcoût est absorbé par l'enveloppe de l'arrondissement.",
    "Le comité valide le choix du prestataire pour « {title} ».",
]
ACTIONS = [
    "Transmettre la liste des idées recevables de l'arrondissement",
    "Envoyer le bilan des conseils de quartier",
    "Mettre à jour les fiches projet sur Oyé",
    "Préparer la carte des lieux de vote",
    "Relancer la direction pour les chiffrages",
]
PLACES = [
    "Hôtel de Ville de Lyon, salle Henri IV",
    "Mairie du 3e, salle du conseil",
    "Mairie du 5e, salle des mariages",
    "Maison de la Métropole, salle 2.14",
    "En visioconférence",
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute)).replace(tzinfo=PARIS)


def seed_meetings(*, size: str, stdout) -> None:
    _seed_demo()
    if size == "large":
        _seed_large()
    stdout.write(
        f"Réunions : {Meeting.objects.count()} réunions, {AgendaItem.objects.count()} points, "
        f"{Attendee.objects.count()} participations, {Decision.objects.count()} décisions."
    )


@transaction.atomic
def _seed_demo() -> None:
    if MeetingSeries.objects.filter(uid=NETWORK_UID).exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "mdo.officer",
                "mdo.manager",
                "mairie3.agent",
                "mairie5.agent",
                "dev.agent",
                "direction",
                "admin",
            ]
        )
    }
    if len(users) < 7:
        return  # the core seeder did not run
    officer, manager = users["mdo.officer"], users["mdo.manager"]
    town_halls = list(Organisation.objects.filter(kind=OrganisationKind.TOWN_HALL))
    directorates = list(Organisation.objects.filter(kind=OrganisationKind.DIRECTORATE, short_name__in=["DEV", "DDT"]))
    rng = random.Random(6)
    today = timezone.localdate()

    # The network: every two months, the first Tuesday, from seven months ago.
    first = (today.replace(day=1) - dt.timedelta(days=7 * 30)).replace(day=1)
    first += dt.timedelta(days=(1 - first.weekday()) % 7)
    rule = "FREQ=MONTHLY;INTERVAL=2;BYDAY=1TU;COUNT=6"
    starts = expand_rrule(rule, _at(first, 9, 30))
    series = MeetingSeries.objects.create(
        title="Réunion bimestrielle du réseau de la démocratie participative",
        kind=MeetingKind.NETWORK,
        rrule=rule,
        first_start=starts[0],
        duration_minutes=150,
        place=PLACES[0],
        organiser=officer,
        organisation_id=officer.organisation_id,
        uid=NETWORK_UID,
    )
    network = [
        _meeting(series.title, MeetingKind.NETWORK, start, 150, PLACES[0], officer, series=series) for start in starts
    ]
    invited_users = [manager, users["direction"], users["admin"]]
    for meeting in network:
        _invite(meeting, users=invited_users, organisations=town_halls + directorates)
        _agenda(meeting, NETWORK_AGENDA, presenters=[officer, manager])
    # One occurrence moved by a week, as happens before the summer.
    moved = network[-2]
    moved.start += dt.timedelta(days=7)
    moved.end += dt.timedelta(days=7)
    moved.sequence = 1
    moved.save()

    copils = []
    for months in (-8, -5, -2, 1, 4):
        day = today + dt.timedelta(days=30 * months)
        copil = _meeting(
            "COPIL Budget participatif — édition 2", MeetingKind.COPIL, _at(day, 14), 120, PLACES[3], manager
        )
        _invite(copil, users=[officer, users["direction"], users["dev.agent"]], organisations=directorates[:1])
        _agenda(copil, COPIL_AGENDA, presenters=[manager, users["dev.agent"]])
        copils.append(copil)

    councils = []
    for username, neighbourhood_name, district in (
        ("mairie3.agent", "Montchat", 3),
        ("mairie5.agent", "Vieux Lyon", 5),
    ):
        agent = users[username]
        neighbourhood = Neighbourhood.objects.filter(name=neighbourhood_name, district=district).first()
        for months in (-6, -3, 1, 3):
            day = today + dt.timedelta(days=30 * months + 3)
            council = _meeting(
                f"Conseil de quartier {neighbourhood_name}",
                MeetingKind.NEIGHBOURHOOD_COUNCIL,
                _at(day, 19),
                120,
                f"Mairie du {district}e, salle des fêtes",
                agent,
                neighbourhood=neighbourhood,
            )
            _invite(
                council,
                users=[officer],
                organisations=[],
                guests=[
                    (
                        "Présidence du conseil",
                        f"cq-{district}-{neighbourhood_name.lower().replace(' ', '-')}@exemple.fr",
                    )
                ],
            )
            _agenda(council, COUNCIL_AGENDA, presenters=[agent])
            councils.append(council)

    # Points about projects, so that a project's page lists its meetings: the COPILs follow the first winners
    # in progress (those the budgets seed gives lines to), each conseil de quartier one of its district.
    from projects.enums import ProjectStatus
    from projects.models import Project

    winners = Project.objects.filter(
        selected=True, status__in=[ProjectStatus.DESIGN, ProjectStatus.PROCUREMENT, ProjectStatus.WORKS]
    ).order_by("pk")
    project_points = [(copil, project) for copil in copils for project in winners[:3]]
    for council in councils:
        district = 3 if "Montchat" in council.title else 5
        project_points += [(council, project) for project in winners.filter(district=district)[:1]]
    _project_points(project_points, presenter=officer)

    now = timezone.now()
    owners = [users["mairie3.agent"], users["mairie5.agent"], users["dev.agent"], officer]
    for meeting in network + copils + councils:
        if meeting.end < now:
            _hold(meeting, rng, approver=manager, owners=owners)
    Decision.objects.bulk_create(
        [
            Decision(
                meeting=item.meeting,
                agenda_item=item,
                text=rng.choice(PROJECT_DECISIONS).format(title=item.project.title),
            )
            for item in AgendaItem.objects.filter(
                meeting__in=[m for m in copils + councils if m.end < now], project__isnull=False
            ).select_related("meeting", "project")
        ]
    )


def _project_points(points, *, presenter) -> None:
    """One point per (meeting, project), after the meeting's usual agenda."""
    last = {}
    rows = []
    for meeting, project in points:
        if meeting.pk not in last:
            last[meeting.pk] = meeting.agenda_items.count()
        last[meeting.pk] += 1
        rows.append(
            AgendaItem(
                meeting=meeting,
                order=last[meeting.pk],
                title=f"Avancement : {project.title}",
                duration_minutes=10,
                presenter=presenter,
                project=project,
            )
        )
    AgendaItem.objects.bulk_create(rows)


def _meeting(title, kind, start, minutes, place, organiser, *, series=None, neighbourhood=None) -> Meeting:
    return Meeting.objects.create(
        title=title,
        kind=kind,
        start=start,
        end=start + dt.timedelta(minutes=minutes),
        place=place,
        organiser=organiser,
        organisation_id=organiser.organisation_id,
        series=series,
        original_start=start if series else None,
        neighbourhood=neighbourhood,
        online_link="https://visio.mairie-lyon.fr/mdo-reseau" if kind == MeetingKind.NETWORK else "",
    )


def _invite(meeting, *, users=(), organisations=(), guests=()) -> None:
    rows, seen = [], set()
    for user in users:
        seen.add(user.pk)
        rows.append(Attendee(meeting=meeting, user=user))
    if organisations:
        meeting.invited_organisations.add(*organisations)
        for member in User.objects.filter(organisation__in=organisations, is_active=True):
            if member.pk not in seen:
                seen.add(member.pk)
                rows.append(Attendee(meeting=meeting, user=member, via_organisation_id=member.organisation_id))
    rows += [Attendee(meeting=meeting, name=name, email=email) for name, email in guests]
    Attendee.objects.bulk_create(rows)


def _agenda(meeting, items, *, presenters) -> None:
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                order=index,
                title=title,
                duration_minutes=minutes,
                presenter=presenters[index % len(presenters)],
            )
            for index, (title, minutes) in enumerate(items, 1)
        ]
    )


def _hold(meeting, rng, *, approver, owners) -> None:
    """A past meeting: attendance taken, minutes approved and published, decisions and actions."""
    attendees = list(meeting.attendees.all())
    for attendee in attendees:
        attendee.status = rng.choices(
            [AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT], [7, 2, 1]
        )[0]
    Attendee.objects.bulk_update(attendees, ["status"])
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["status", "updated_at"])
    items = list(meeting.agenda_items.all())
    for item in items:
        item.notes = richtext.sanitise(
            f"Échanges sur « {item.title} ».\nLes mairies présentes partagent leurs retours ; "
            "le point sera repris à la prochaine séance si nécessaire."
        )
    AgendaItem.objects.bulk_update(items, ["notes"])
    Minutes.objects.create(
        meeting=meeting,
        status=MinutesStatus.PUBLISHED,
        approved_by=approver,
        approved_at=meeting.end + dt.timedelta(days=5),
        published_at=meeting.end + dt.timedelta(days=6),
        summary=richtext.sanitise("Séance de travail constructive ; les décisions et actions figurent ci-dessous."),
    )
    day = timezone.localtime(meeting.start).date()
    for text in rng.sample(DECISIONS, 2):
        general = [item for item in items if not item.project_id] or items  # a project's point gets its own decision
        Decision.objects.create(
            meeting=meeting,
            agenda_item=rng.choice(general) if general else None,
            text=text.format(date=f"{day + dt.timedelta(days=60):%d/%m/%Y}"),
        )
    for index, title in enumerate(rng.sample(ACTIONS, 2)):
        due = day + dt.timedelta(days=rng.choice([20, 45, 90, 150]))
        status = ActionStatus.DONE if index == 0 and due < timezone.localdate() else ActionStatus.OPEN
        ActionItem.objects.create(
            meeting=meeting,
            title=title,
            owner=rng.choice(owners),
            due_on=due,
            status=status,
            done_on=due if status == ActionStatus.DONE else None,
        )


@transaction.atomic
def _seed_large() -> None:
    """The mandate's volumes: 800 meetings, 15,000 agenda items, 30,000 attendance rows (bulk)."""
    existing = Meeting.objects.count()
    if existing >= large(LARGE_MEETINGS):
        return
    rng = random.Random(2026)
    staff = list(User.objects.filter(is_active=True, organisation__isnull=False).values_list("pk", "organisation_id"))
    mdo_pk = Organisation.objects.filter(kind=OrganisationKind.MDO).values_list("pk", flat=True).first()
    organisers = [row for row in staff if row[1] == mdo_pk] or staff
    busiest = User.objects.filter(username="mairie3.agent").values_list("pk", flat=True).first()
    count = large(LARGE_MEETINGS) - existing
    items_needed = max(count, large(LARGE_AGENDA_ITEMS) - AgendaItem.objects.count())
    attendees_needed = max(2 * count, large(LARGE_ATTENDANCES) - Attendee.objects.count())
    kinds = [
        MeetingKind.NETWORK,
        MeetingKind.COPIL,
        MeetingKind.COTECH,
        MeetingKind.NEIGHBOURHOOD_COUNCIL,
        MeetingKind.PUBLIC,
        MeetingKind.OTHER,
    ]
    titles = {
        MeetingKind.NETWORK: "Réunion du réseau",
        MeetingKind.COPIL: "COPIL projet",
        MeetingKind.COTECH: "COTECH travaux",
        MeetingKind.NEIGHBOURHOOD_COUNCIL: "Conseil de quartier",
        MeetingKind.PUBLIC: "Réunion publique",
        MeetingKind.OTHER: "Atelier",
    }
    origin = timezone.localdate() - dt.timedelta(days=5 * 365)
    now = timezone.now()
    meetings = []
    for index in range(count):
        kind = rng.choice(kinds)
        organiser_pk, organisation_pk = rng.choice(organisers)
        start = _at(origin + dt.timedelta(days=rng.randrange(6 * 365)), rng.choice([9, 10, 14, 17, 19]))
        meetings.append(
            Meeting(
                kind=kind,
                title=f"{titles[kind]} n° {index + 1}",
                start=start,
                end=start + dt.timedelta(hours=2),
                place=rng.choice(PLACES),
                organiser_id=organiser_pk,
                organisation_id=organisation_pk,
                status=MeetingStatus.HELD if start < now else MeetingStatus.PLANNED,
            )
        )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=500)
    items, attendees, decisions, actions, minutes = [], [], [], [], []
    user_pks = [pk for pk, _org in staff]
    for index, meeting in enumerate(meetings):
        # Spread the totals exactly: the first meetings take one row more each.
        item_count = items_needed // count + (index < items_needed % count)
        attendee_count = attendees_needed // count + (index < attendees_needed % count)
        items += [
            AgendaItem(
                meeting_id=meeting.pk,
                order=n,
                title=f"Point {n} : {rng.choice(NETWORK_AGENDA + COPIL_AGENDA)[0]}",
                duration_minutes=rng.choice([10, 15, 20, 30]),
            )
            for n in range(1, item_count + 1)
        ]
        invited = set(rng.sample([pk for pk in user_pks if pk != busiest], min(attendee_count - 1, len(user_pks) - 1)))
        invited.add(busiest or user_pks[0])
        held = meeting.status == MeetingStatus.HELD
        attendees += [
            Attendee(
                meeting_id=meeting.pk,
                user_id=pk,
                status=rng.choice([AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED, AttendanceStatus.ABSENT])
                if held
                else AttendanceStatus.INVITED,
            )
            for pk in invited
        ]
        if held:
            minutes.append(
                Minutes(meeting_id=meeting.pk, status=MinutesStatus.PUBLISHED, summary="<p>Compte rendu de séance.</p>")
            )
            decisions.append(Decision(meeting_id=meeting.pk, text=rng.choice(DECISIONS).format(date="01/03/2027")))
            due = timezone.localtime(meeting.start).date() + dt.timedelta(days=30)
            actions.append(
                ActionItem(
                    meeting_id=meeting.pk,
                    title=rng.choice(ACTIONS),
                    owner_id=rng.choice(list(invited)),
                    due_on=due,
                    status=ActionStatus.DONE if rng.random() < 0.8 else ActionStatus.OPEN,
                )
            )
    AgendaItem.objects.bulk_create(items, batch_size=2000)
    Attendee.objects.bulk_create(attendees, batch_size=2000)
    Minutes.objects.bulk_create(minutes, batch_size=1000)
    Decision.objects.bulk_create(decisions, batch_size=1000)
    ActionItem.objects.bulk_create(actions, batch_size=1000)
