"""Factories for the cast of the tests (STYLE.md): officer, manager, town-hall agents, directorate agent, outsider."""

import factory
from django.contrib.auth.hashers import make_password

from mdo.enums import OrganisationKind
from mdo.models import Neighbourhood, Organisation, User
from mdo.roles import role_group

TEST_PASSWORD = "mot-de-passe-test-2026"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Direction de test {n}")
    kind = OrganisationKind.DIRECTORATE


def mdo_organisation() -> Organisation:
    return OrganisationFactory(name="Mission Démocratie Ouverte", short_name="MDO", kind=OrganisationKind.MDO)


def town_hall(district: int) -> Organisation:
    org = Organisation.objects.filter(kind=OrganisationKind.TOWN_HALL, district=district).first()
    return org or OrganisationFactory(
        name=f"Mairie du {district}e arrondissement",
        short_name=f"Mairie du {district}e",
        kind=OrganisationKind.TOWN_HALL,
        district=district,
    )


def directorate(name: str = "Direction des Espaces verts") -> Organisation:
    return OrganisationFactory(name=name, kind=OrganisationKind.DIRECTORATE)


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood
        django_get_or_create = ("district", "name")

    name = factory.Sequence(lambda n: f"Quartier {n}")
    district = 3


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Alex"
    last_name = factory.Sequence(lambda n: f"Test{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@mairie-lyon.fr")
    password = factory.LazyFunction(lambda: make_password(TEST_PASSWORD))

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(role_group(extracted))


def make_user(role: str | None, organisation: Organisation | None, **fields) -> User:
    return UserFactory(role=role, organisation=organisation, **fields)
