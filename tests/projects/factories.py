import factory

from projects.enums import ProjectKind, ProjectStatus
from projects.models import Edition, EditionDistrict, Project


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Budget participatif test {n}")
    number = factory.Sequence(lambda n: n + 10)
    start_year = 2026
    end_year = 2027


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Jardin partagé n° {n}")
    description = "Un jardin partagé au pied des immeubles."
    kind = ProjectKind.PARTICIPATORY_BUDGET
    edition = factory.SubFactory(EditionFactory)
    district = 3
    status = ProjectStatus.SUBMITTED


def lyon_edition(name="Budget participatif 2026-2027") -> Edition:
    edition = EditionFactory(name=name, number=2)
    for n in range(1, 10):
        EditionDistrict.objects.get_or_create(
            edition=edition, name="Lyon 1er" if n == 1 else f"Lyon {n}e", defaults={"number": n}
        )
    return edition
