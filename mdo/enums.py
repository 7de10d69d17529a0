from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    MDO = "mdo", _("Mission Démocratie Ouverte")
    TOWN_HALL = "town_hall", _("Mairie d'arrondissement")
    DIRECTORATE = "directorate", _("Direction opérationnelle")


class Role(models.TextChoices):
    """The roles of the design; each one is a Django group named by its label."""

    MDO_OFFICER = "mdo_officer", _("Chargé·e de mission MDO")
    MDO_MANAGER = "mdo_manager", _("Responsable MDO")
    TOWN_HALL_AGENT = "town_hall_agent", _("Agent de mairie d'arrondissement")
    DIRECTORATE_AGENT = "directorate_agent", _("Agent de direction opérationnelle")
    DIRECTOR = "director", _("Direction / élu·e référent·e")
    ADMIN = "admin", _("Administrateur")


DISTRICTS = [(n, _("Lyon %(n)s") % {"n": "1er" if n == 1 else f"{n}e"}) for n in range(1, 10)]


def district_label(number: int | None) -> str:
    if number is None:
        return str(_("Toute la ville"))
    return "Lyon 1er" if number == 1 else f"Lyon {number}e"


class DirectorySource(models.TextChoices):
    """What a line of the directory mapping looks at in the agent's directory entry."""

    GROUP = "group", _("Groupe de l'annuaire")
    ATTRIBUTE = "attribute", _("Attribut de l'annuaire")
