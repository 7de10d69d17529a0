"""Demo data of the indicators: Lyon's population per arrondissement and the voters of each edition."""

import random

from django.db import transaction

from indicators.models import DistrictPopulation

#: Populations municipales of Lyon's arrondissements (INSEE, 2021 census, rounded to the unit as
#: published); the administrator updates them in the admin when a new census comes out.
LYON_POPULATION_2021 = {
    1: 29_605,
    2: 30_575,
    3: 103_873,
    4: 36_012,
    5: 48_255,
    6: 51_605,
    7: 85_899,
    8: 86_313,
    9: 51_984,
}


@transaction.atomic
def seed_indicators(*, size: str, stdout) -> None:
    from projects.models import EditionDistrict

    for district, population in LYON_POPULATION_2021.items():
        DistrictPopulation.objects.get_or_create(
            district=district, defaults={"population": population, "reference_year": 2021}
        )
    # Voters arrive with the vote file; the demo's voted editions get a plausible 2 to 7 % turnout.
    rng = random.Random(15)
    voted = EditionDistrict.objects.filter(edition__projects__selected=True).values("pk")
    missing = list(
        EditionDistrict.objects.filter(voters__isnull=True, number__isnull=False, pk__in=voted).order_by("pk")
    )
    for district in missing:
        population = LYON_POPULATION_2021.get(district.number)
        if population:
            district.voters = int(population * rng.uniform(0.02, 0.07))
    EditionDistrict.objects.bulk_update(missing, ["voters"])
    stdout.write(
        f"Indicateurs : {DistrictPopulation.objects.count()} populations d'arrondissement, "
        f"{len(missing)} districts d'édition avec leurs votant·e·s."
    )
