from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectKind(models.TextChoices):
    PARTICIPATORY_BUDGET = "participatory_budget", _("Projet du budget participatif")
    CONSULTATION = "consultation", _("Consultation / concertation")
    NEIGHBOURHOOD_INITIATIVE = "neighbourhood_initiative", _("Initiative de conseil de quartier")
    CALL_FOR_PROJECTS = "call_for_projects", _("Appel à projets")


class ProjectStatus(models.TextChoices):
    # Participatory-budget projects and initiatives
    SUBMITTED = "submitted", _("Soumise")
    ADMISSIBLE = "admissible", _("Recevable")
    INADMISSIBLE = "inadmissible", _("Irrecevable")
    FEASIBILITY_REVIEW = "feasibility_review", _("À l'étude")
    FEASIBLE = "feasible", _("Faisable")
    UNFEASIBLE = "unfeasible", _("Non faisable")
    ON_BALLOT = "on_ballot", _("Soumise au vote")
    WINNER = "winner", _("Lauréate")
    NOT_SELECTED = "not_selected", _("Non retenue")
    DESIGN = "design", _("En études")
    PROCUREMENT = "procurement", _("En consultation des entreprises")
    WORKS = "works", _("En travaux")
    DELIVERED = "delivered", _("Livrée")
    CLOSED = "closed", _("Clôturée")
    SUSPENDED = "suspended", _("Suspendue")
    ABANDONED = "abandoned", _("Abandonnée")
    # Consultations
    PREPARATION = "preparation", _("En préparation")
    OPEN = "open", _("Ouverte au public")
    ANALYSIS = "analysis", _("En analyse")
    REPORT_PUBLISHED = "report_published", _("Bilan publié")


#: The progress % a status sets unless the user gives one.
DEFAULT_PROGRESS = {
    ProjectStatus.SUBMITTED: 0,
    ProjectStatus.ADMISSIBLE: 5,
    ProjectStatus.INADMISSIBLE: 0,
    ProjectStatus.FEASIBILITY_REVIEW: 10,
    ProjectStatus.FEASIBLE: 15,
    ProjectStatus.UNFEASIBLE: 0,
    ProjectStatus.ON_BALLOT: 20,
    ProjectStatus.WINNER: 25,
    ProjectStatus.NOT_SELECTED: 0,
    ProjectStatus.DESIGN: 40,
    ProjectStatus.PROCUREMENT: 55,
    ProjectStatus.WORKS: 75,
    ProjectStatus.DELIVERED: 100,
    ProjectStatus.CLOSED: 100,
    ProjectStatus.PREPARATION: 10,
    ProjectStatus.OPEN: 40,
    ProjectStatus.ANALYSIS: 70,
    ProjectStatus.REPORT_PUBLISHED: 100,
}

#: States from which nothing moves on (suspension and abandonment do not apply).
FINAL_STATUSES = {
    ProjectStatus.INADMISSIBLE,
    ProjectStatus.UNFEASIBLE,
    ProjectStatus.NOT_SELECTED,
    ProjectStatus.CLOSED,
    ProjectStatus.ABANDONED,
}
