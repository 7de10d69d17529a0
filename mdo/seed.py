"""Lyon's real structure and the demo users, for ``manage.py seed_demo``."""

import random

from django.db import transaction

from mdo.enums import OrganisationKind, Role
from mdo.models import Neighbourhood, Organisation, User
from mdo.roles import role_group

DEMO_PASSWORD = "mdo-demo-2026"

MDO_NAME = "Mission Démocratie Ouverte"

DIRECTORATES = [
    ("Direction des Espaces verts", "DEV"),
    ("Direction de l'Éclairage urbain", "DEU"),
    ("Direction des Sports", "DSP"),
    ("Direction de l'Éducation", "DEDU"),
    ("Direction de la Construction", "DCO"),
    ("Direction des Affaires culturelles", "DAC"),
    ("Direction du Développement territorial", "DDT"),
    ("Direction de la Logistique, du Garage et des Festivités", "DLGF"),
]

#: The conseils de quartier of Lyon, by arrondissement.
NEIGHBOURHOODS = {
    1: ["Pentes de la Croix-Rousse", "Presqu'île", "Saint-Vincent – Terreaux"],
    2: ["Ainay – Bellecour", "Confluence", "Perrache – Sainte-Blandine", "Cordeliers – Jacobins"],
    3: [
        "Dauphiné – Sans-Souci",
        "Guillotière Nord",
        "Montchat",
        "Part-Dieu",
        "Villette – Paul Bert",
        "Voltaire – Moncey",
    ],
    4: ["Croix-Rousse Centre", "Croix-Rousse Plateau Nord", "Croix-Rousse Saône"],
    5: ["Champvert", "Ménival – La Plaine", "Point du Jour", "Saint-Just – Saint-Irénée", "Vieux Lyon", "Fourvière"],
    6: ["Brotteaux", "Bellecombe", "Parc de la Tête d'Or – Foch"],
    7: ["Guillotière", "Jean Macé", "Gerland"],
    8: ["Bachut – Transvaal", "États-Unis – Langlet-Santy", "Mermoz", "Monplaisir", "Moulin à Vent"],
    9: [
        "La Duchère",
        "Saint-Rambert – Île Barbe",
        "Vaise – Industrie – Rochecardon",
        "Gorge de Loup",
        "Saint-Paul – Observance",
    ],
}

# (username, first name, last name, role, organisation key, job title)
DEMO_USERS = [
    ("mdo.officer", "Camille", "Girard", Role.MDO_OFFICER, "mdo", "Chargée de mission budget participatif"),
    ("mdo.manager", "Nadia", "Benali", Role.MDO_MANAGER, "mdo", "Responsable de la Mission Démocratie Ouverte"),
    ("mairie3.agent", "Julien", "Moreau", Role.TOWN_HALL_AGENT, 3, "Référent démocratie participative"),
    ("mairie5.agent", "Sophie", "Lambert", Role.TOWN_HALL_AGENT, 5, "Chargée de la vie des quartiers"),
    ("dev.agent", "Thomas", "Petit", Role.DIRECTORATE_AGENT, "DEV", "Chef de projet aménagements paysagers"),
    ("direction", "Hélène", "Rousseau", Role.DIRECTOR, "mdo", "Directrice générale adjointe, élue référente"),
    ("admin", "Marc", "Fontaine", Role.ADMIN, "mdo", "Administrateur de l'application"),
]

FIRST_NAMES = [
    "Léa",
    "Hugo",
    "Chloé",
    "Lucas",
    "Manon",
    "Louis",
    "Inès",
    "Gabriel",
    "Jade",
    "Arthur",
    "Emma",
    "Nathan",
    "Sarah",
    "Yanis",
    "Clara",
    "Théo",
    "Lina",
    "Mehdi",
    "Alice",
    "Paul",
    "Zoé",
    "Karim",
    "Anaïs",
    "Antoine",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Durand",
    "Lefebvre",
    "Leroy",
    "Roux",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Blanc",
    "Guerin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "François",
    "Legrand",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clément",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
    "Haddad",
    "Nguyen",
]

LARGE_USER_COUNT = 400

#: How many times the large volumes are built (``seed_demo --size large --scale 3``): the benchmark
#: checks that each page's cost does not grow with the data.
LARGE_SCALE = 1.0


def large(count: int) -> int:
    """One of the large set's volumes, times ``LARGE_SCALE``."""
    return max(1, round(count * LARGE_SCALE))


def district_suffix(number: int) -> str:
    return "1er" if number == 1 else f"{number}e"


@transaction.atomic
def seed_core(*, size: str, stdout) -> None:
    mdo, _ = Organisation.objects.update_or_create(
        name=MDO_NAME,
        defaults={"short_name": "MDO", "kind": OrganisationKind.MDO, "email": "democratie-ouverte@mairie-lyon.fr"},
    )
    orgs: dict = {"mdo": mdo}
    for number in range(1, 10):
        orgs[number], _ = Organisation.objects.update_or_create(
            kind=OrganisationKind.TOWN_HALL,
            district=number,
            defaults={
                "name": f"Mairie du {district_suffix(number)} arrondissement",
                "short_name": f"Mairie du {district_suffix(number)}",
                "email": f"mairie{number}@mairie-lyon.fr",
            },
        )
    for name, code in DIRECTORATES:
        orgs[code], _ = Organisation.objects.update_or_create(
            name=name, defaults={"short_name": code, "kind": OrganisationKind.DIRECTORATE}
        )
    for district, names in NEIGHBOURHOODS.items():
        for name in names:
            slug = name.lower().replace(" ", "-").replace("'", "")
            Neighbourhood.objects.get_or_create(
                district=district, name=name, defaults={"council_email": f"cq-{slug}@mairie-lyon.fr"[:80]}
            )

    for username, first, last, role, org_key, job in DEMO_USERS:
        _demo_user(username, first, last, role, orgs[org_key], job)

    if size == "large":
        _seed_many_users(orgs)
    stdout.write(
        f"Référentiel : {Organisation.objects.count()} organisations, {Neighbourhood.objects.count()} quartiers, "
        f"{User.objects.count()} utilisateur·rice·s."
    )


def _demo_user(username, first, last, role, organisation, job, *, password=DEMO_PASSWORD) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@mairie-lyon.fr",
            "organisation": organisation,
            "job_title": job,
            "is_staff": role == Role.ADMIN,
            "is_superuser": role == Role.ADMIN,
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    user.groups.add(role_group(role))
    return user


def _seed_many_users(orgs: dict) -> None:
    """Fill up to 400 staff accounts spread over the MDO, the town halls and the directorates."""
    existing = User.objects.count()
    if existing >= LARGE_USER_COUNT:
        return
    rng = random.Random(2026)
    groups = {role: role_group(role) for role in Role.values}
    keys = list(orgs)
    password = User(username="x")
    password.set_password(DEMO_PASSWORD)  # hash once: hashing 400 times would take minutes
    new_users, memberships = [], []
    for index in range(existing, LARGE_USER_COUNT):
        key = rng.choice(keys)
        org = orgs[key]
        if org.is_mdo:
            role = rng.choice([Role.MDO_OFFICER, Role.MDO_OFFICER, Role.MDO_MANAGER])
        elif org.is_town_hall:
            role = Role.TOWN_HALL_AGENT
        else:
            role = Role.DIRECTORATE_AGENT
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        username = f"agent{index:04d}"
        new_users.append(
            User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@mairie-lyon.fr",
                organisation=org,
                password=password.password,
            )
        )
        memberships.append(role)
    created = User.objects.bulk_create(new_users)
    through = User.groups.through
    through.objects.bulk_create(
        [through(user_id=user.pk, group_id=groups[role].pk) for user, role in zip(created, memberships, strict=True)]
    )
