"""The « Aide » pages: per section, what it is for, the usual steps, and who may do what there.

The "who may do what" part is read from the table of ``mdo/policy.py`` (the same data as
``manage.py policy_table`` and ``docs/roles.md``), so that the help cannot disagree with the rules;
only the French wording of each action and the short prose are written here.
"""

from dataclasses import dataclass, field

from mdo import policy
from mdo.enums import Role


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    purpose: str
    steps: tuple[str, ...]
    #: (model label, actions) of the policy table shown here; ``None``: every action of the model.
    rules: tuple[tuple[str, tuple[str, ...] | None], ...]
    url_name: str = ""


@dataclass
class RoleRights:
    role: str
    label: str
    actions: list[tuple[str, str]] = field(default_factory=list)  # (action in French, condition or "")


#: The French wording of each action of the policy table, by (model label, action).
ACTION_LABELS: dict[tuple[str, str], str] = {
    ("projects.project", "create"): "créer un projet",
    ("projects.project", "bulk"): "modifier plusieurs projets à la fois depuis la liste",
    ("projects.project", "import_votes"): "importer les résultats d'un vote",
    ("projects.project", "rescope"): "noter qu'un projet lauréat est redimensionné",
    ("projects.project", "change"): "modifier la fiche d'un projet",
    ("projects.project", "comment"): "écrire dans le fil du projet",
    ("projects.project", "transition:declare_admissible"): "déclarer une idée recevable",
    ("projects.project", "transition:declare_inadmissible"): "déclarer une idée irrecevable",
    ("projects.project", "transition:start_review"): "lancer l'étude de faisabilité",
    ("projects.project", "transition:put_on_ballot"): "soumettre un projet au vote",
    ("projects.project", "transition:declare_winner"): "déclarer un projet lauréat",
    ("projects.project", "transition:declare_not_selected"): "déclarer un projet non retenu",
    ("projects.project", "transition:open_consultation"): "ouvrir une concertation",
    ("projects.project", "transition:start_analysis"): "passer une concertation en analyse",
    ("projects.project", "transition:publish_report"): "publier le bilan d'une concertation",
    ("projects.project", "transition:suspend"): "suspendre un projet",
    ("projects.project", "transition:resume"): "reprendre un projet suspendu",
    ("projects.project", "transition:declare_feasible"): "déclarer un projet faisable",
    ("projects.project", "transition:declare_unfeasible"): "déclarer un projet non faisable",
    ("projects.project", "transition:start_design"): "passer un projet en études",
    ("projects.project", "transition:start_procurement"): "passer un projet en consultation des entreprises",
    ("projects.project", "transition:start_works"): "passer un projet en travaux",
    ("projects.project", "transition:deliver"): "déclarer un projet livré",
    ("projects.project", "transition:close"): "clôturer un projet",
    ("projects.project", "transition:abandon"): "abandonner un projet",
    ("projects.timelineentry", "change"): "corriger un commentaire du fil du projet",
    ("projects.timelineentry", "delete"): "retirer un commentaire du fil du projet",
    ("projects.attachment", "change"): "remplacer une pièce jointe",
    ("projects.attachment", "delete"): "retirer une pièce jointe",
    ("projects.feasibilityreview", "correct:directorate_review"): "corriger l'avis de faisabilité de la direction",
    ("projects.feasibilityreview", "correct:town_hall_opinion"): "corriger l'avis de la mairie sur la faisabilité",
    ("projects.edition", "change"): "modifier une édition du budget participatif et ses enveloppes",
    ("projects.edition", "publish"): "publier une édition dans les données ouvertes",
    ("projects.edition", "decidim"): "échanger les projets avec Decidim",
    ("budgets.budgetline", "create"): "demander une ligne budgétaire",
    ("budgets.budgetline", "change"): "modifier une ligne budgétaire",
    ("budgets.budgetline", "give_opinion"): "donner l'avis de la mairie sur une ligne",
    ("budgets.budgetline", "approve"): "valider une ligne budgétaire",
    ("budgets.budgetline", "approve_above_threshold"): "valider une ligne au-dessus du seuil",
    ("budgets.budgetdecision", "correct"): "corriger son avis sur une ligne",
    ("vendors.vendor", "create"): "créer un titulaire",
    ("vendors.vendor", "change"): "modifier un titulaire",
    ("vendors.vendorcontact", "change"): "modifier les contacts d'un titulaire",
    ("vendors.amendment", "change"): "enregistrer un avenant",
    ("vendors.contract", "create"): "créer un marché",
    ("vendors.contract", "change"): "modifier un marché",
    ("vendors.contract", "import"): "importer des marchés",
    ("vendors.purchaseorder", "create"): "émettre un bon de commande",
    ("vendors.purchaseorder", "change"): "modifier un bon de commande",
    ("vendors.purchaseorder", "approve"): "valider un bon de commande",
    ("vendors.purchaseorder", "approve_above_threshold"): "valider un bon de commande au-dessus du seuil",
    ("vendors.milestone", "change"): "modifier un jalon",
    ("vendors.milestone", "deliver"): "enregistrer la livraison d'un jalon",
    ("vendors.milestone", "certify"): "certifier le service fait",
    ("vendors.milestone", "penalty"): "appliquer des pénalités de retard",
    ("vendors.invoice", "change"): "enregistrer et suivre une facture",
    ("vendors.latepaymentrate", "change"): "saisir le taux des intérêts moratoires",
    ("meetings.meeting", "organise"): "organiser une réunion",
    ("meetings.meeting", "change"): "modifier une réunion",
    ("meetings.meetingseries", "change"): "modifier une série de réunions",
    ("meetings.minutes", "write"): "rédiger le compte rendu",
    ("meetings.minutes", "transition:submit"): "soumettre le compte rendu à la relecture",
    ("meetings.minutes", "transition:reopen"): "rouvrir un compte rendu",
    ("meetings.minutes", "transition:approve"): "valider un compte rendu",
    ("meetings.minutes", "transition:publish"): "diffuser un compte rendu validé",
    ("meetings.decision", "change"): "corriger une décision",
    ("meetings.decision", "delete"): "supprimer une décision",
    ("meetings.actionitem", "change"): "corriger une action à mener",
    ("meetings.actionitem", "delete"): "supprimer une action à mener",
    ("meetings.minutescomment", "change"): "corriger un commentaire de relecture",
    ("meetings.minutescomment", "delete"): "retirer un commentaire de relecture",
    ("consultations.consultation", "create"): "créer une consultation",
    ("consultations.consultation", "change"): "modifier une consultation",
    ("consultations.consultation", "design"): "construire le questionnaire",
    ("consultations.consultation", "reply_comment"): "répondre aux remarques des partenaires",
    ("consultations.consultation", "review"): "relire le questionnaire et faire des remarques",
    ("consultations.consultation", "analyse"): "analyser les réponses",
    ("consultations.consultation", "write_bilan"): "rédiger le bilan",
    ("consultations.consultation", "transition:submit_for_review"): "soumettre le questionnaire à la relecture",
    ("consultations.consultation", "transition:new_version"): "ouvrir une nouvelle version du questionnaire",
    ("consultations.consultation", "transition:validate"): "valider le questionnaire",
    ("consultations.consultation", "transition:open"): "ouvrir la consultation au public",
    ("consultations.consultation", "transition:start_analysis"): "clore la collecte et passer en analyse",
    ("consultations.consultation", "transition:publish_bilan"): "publier le bilan",
    ("consultations.consultation", "transition:close"): "clôturer une consultation",
    ("consultations.evaluation", "change"): "évaluer une consultation",
    ("consultations.evaluationcriterion", "change"): "modifier les critères d'évaluation",
    ("consultations.glossaryterm", "change"): "tenir le glossaire du jargon",
    ("consultations.theme", "change"): "tenir la liste des thèmes",
    ("consultations.resource", "create"): "partager une ressource (fiche, guide)",
    ("consultations.resource", "change"): "mettre à jour une ressource",
    ("planning.projectphase", "change"): "planifier les phases d'un projet",
    ("planning.phasekind", "change"): "tenir la liste des types de phase",
    ("indicators.districtpopulation", "change"): "saisir la population des arrondissements",
}

SECTIONS: tuple[Section, ...] = (
    Section(
        slug="projets",
        title="Projets",
        url_name="projects:index",
        purpose=(
            "Suivre chaque projet de l'idée à la livraison : projets du budget participatif, concertations, "
            "initiatives des conseils de quartier, appels à projets. Chaque fiche montre son statut, son "
            "avancement, ses dates, son fil (commentaires, changements de statut) et ses pièces jointes."
        ),
        steps=(
            "Retrouver un projet avec les filtres de la liste ou la recherche en haut de page.",
            "Ouvrir sa fiche : statut, avancement, direction pilote, contact en mairie.",
            "Faire avancer le projet avec les boutons de statut proposés (seuls ceux permis à votre rôle s'affichent).",
            "Écrire dans le fil du projet pour garder la trace des échanges ; joindre les documents utiles.",
            "Après un vote, importer le fichier des résultats (Pabulib ou CSV) pour désigner les lauréats.",
        ),
        rules=(
            ("projects.project", None),
            ("projects.timelineentry", None),
            ("projects.attachment", None),
            ("projects.feasibilityreview", None),
            ("projects.edition", None),
        ),
    ),
    Section(
        slug="budgets",
        title="Budgets",
        url_name="budgets:index",
        purpose=(
            "Réserver l'argent d'un projet : une ligne budgétaire porte un montant, une année, une section "
            "(investissement ou fonctionnement) et une imputation M57. Elle est validée avant toute dépense."
        ),
        steps=(
            "La MDO demande une ligne sur la fiche du projet ou depuis la liste des budgets.",
            "La mairie d'arrondissement donne son avis dans « Mes tâches ».",
            "Le ou la responsable MDO valide ; au-dessus du seuil, la direction valide à son tour.",
            "La synthèse montre, par édition et par arrondissement, ce qui est réservé et engagé.",
        ),
        rules=(("budgets.budgetline", None), ("budgets.budgetdecision", None)),
    ),
    Section(
        slug="prestataires",
        title="Prestataires et marchés",
        url_name="vendors:index",
        purpose=(
            "Suivre les titulaires (bureaux d'études, AMO, entreprises), leurs marchés, les bons de commande "
            "passés sur ces marchés, les jalons livrés, le service fait et les factures jusqu'au paiement."
        ),
        steps=(
            "Créer le titulaire (avec son SIRET) puis son marché, avec son montant maximum.",
            "Émettre un bon de commande sur une ligne budgétaire validée ; au-dessus du seuil il est validé avant envoi.",
            "Enregistrer la livraison des jalons, puis certifier le service fait.",
            "Enregistrer la facture : son échéance suit le délai global de paiement ; un retard donne des intérêts moratoires.",
        ),
        rules=(
            ("vendors.vendor", None),
            ("vendors.vendorcontact", None),
            ("vendors.contract", None),
            ("vendors.amendment", None),
            ("vendors.purchaseorder", None),
            ("vendors.milestone", None),
            ("vendors.invoice", None),
            ("vendors.latepaymentrate", None),
        ),
    ),
    Section(
        slug="reunions",
        title="Réunions",
        url_name="meetings:index",
        purpose=(
            "Préparer les réunions du réseau (COPIL, COTECH, conseils de quartier…) : ordre du jour, invités, "
            "puis compte rendu avec ses décisions et ses actions à mener, relu, validé et diffusé."
        ),
        steps=(
            "Créer la réunion avec son ordre du jour et ses invités sur une seule page (ou une série de réunions).",
            "Après la réunion, rédiger le compte rendu, ajouter les décisions et les actions à mener.",
            "Soumettre le compte rendu à la relecture ; les participants commentent.",
            "Le ou la responsable MDO valide, puis le compte rendu est diffusé.",
            "Suivre « Mes actions » et s'abonner au calendrier personnel.",
        ),
        rules=(
            ("meetings.meeting", None),
            ("meetings.meetingseries", None),
            ("meetings.minutes", None),
            ("meetings.minutescomment", None),
            ("meetings.decision", None),
            ("meetings.actionitem", None),
        ),
    ),
    Section(
        slug="consultations",
        title="Consultations",
        url_name="consultations:index",
        purpose=(
            "Mener une consultation du public : construire le questionnaire, le faire relire par les mairies et "
            "les directions, l'ouvrir, analyser les réponses et publier le bilan. Les ressources du réseau "
            "(fiches, guides) se partagent ici aussi."
        ),
        steps=(
            "Créer la consultation et construire son questionnaire.",
            "Le soumettre à la relecture : mairies et directions font leurs remarques, la MDO y répond.",
            "Valider le questionnaire puis ouvrir la consultation.",
            "Clore la collecte, analyser les réponses, rédiger et publier le bilan.",
        ),
        rules=(
            ("consultations.consultation", None),
            ("consultations.evaluation", None),
            ("consultations.evaluationcriterion", None),
            ("consultations.glossaryterm", None),
            ("consultations.theme", None),
            ("consultations.resource", None),
        ),
    ),
    Section(
        slug="indicateurs-planning",
        title="Indicateurs et planning",
        url_name="indicators:index",
        purpose=(
            "Voir où en sont les projets et l'argent : indicateurs par édition et par arrondissement, "
            "jalons et factures à l'heure, et le planning des phases de chaque projet."
        ),
        steps=(
            "Choisir l'édition et l'arrondissement dans les filtres des indicateurs.",
            "Télécharger un graphique (image) ou ses données (tableur) pour un rapport.",
            "Sur la fiche d'un projet, planifier ses phases : le planning montre les retards.",
        ),
        rules=(
            ("planning.projectphase", None),
            ("planning.phasekind", None),
            ("indicators.districtpopulation", None),
        ),
    ),
    Section(
        slug="mes-taches",
        title="Mes tâches et notifications",
        url_name="tasks",
        purpose=(
            "« Mes tâches » réunit ce qui attend une réponse de vous ou de votre organisation : avis et "
            "validations de lignes budgétaires, validations de bons de commande, avis de faisabilité. "
            "La cloche liste vos notifications ; un courriel récapitulatif reprend ce qui est à faire."
        ),
        steps=(
            "Ouvrir « Mes tâches » depuis la barre de navigation : les plus anciennes d'abord, les retards signalés.",
            "« Prendre » une tâche pour qu'un collègue ne la traite pas en même temps, ou la « relâcher ».",
            "Répondre (avis, validation, refus motivé) : la tâche disparaît et la suite du circuit est prévenue.",
            "Lire les notifications de la cloche : elles passent en « lues » une fois ouvertes.",
        ),
        rules=(
            ("budgets.budgetline", ("give_opinion", "approve", "approve_above_threshold")),
            ("vendors.purchaseorder", ("approve", "approve_above_threshold")),
            ("projects.project", ("transition:declare_feasible", "transition:declare_unfeasible")),
            ("projects.feasibilityreview", None),
        ),
    ),
)


def section(slug: str) -> Section | None:
    return next((s for s in SECTIONS if s.slug == slug), None)


def section_actions(sec: Section) -> list[tuple[str, str]]:
    """The (model label, action) pairs of the policy table that ``sec`` explains."""
    pairs = []
    for label, actions in sec.rules:
        for action in actions if actions is not None else policy.POLICY[label]:
            pairs.append((label, action))
    return pairs


def rights_by_role(sec: Section) -> list[RoleRights]:
    """For each role, the actions of ``sec`` it may do, with the condition when there is one."""
    rows = []
    for role, role_label in Role.choices:
        rights = RoleRights(role=role, label=str(role_label))
        for label, action in section_actions(sec):
            verdict = policy.role_may(role, action, label)
            if verdict:
                condition = "" if verdict is True else verdict.label
                rights.actions.append((ACTION_LABELS[label, action], condition))
        rows.append(rights)
    return rows


@dataclass(frozen=True)
class Term:
    acronym: str
    expansion: str
    meaning: str


#: The acronyms a user meets in the app, in alphabetical order.
GLOSSARY: tuple[Term, ...] = (
    Term("AMO", "Assistance à maîtrise d'ouvrage", "Prestataire qui aide la Ville à préparer et conduire un projet."),
    Term("BC", "Bon de commande", "Commande passée à un titulaire sur un marché ; numérotée BC-année-numéro."),
    Term(
        "BCE",
        "Banque centrale européenne",
        "Son taux directeur, majoré de 8 points, fixe les intérêts moratoires d'une facture payée en retard.",
    ),
    Term(
        "CCAG",
        "Cahier des clauses administratives générales",
        "Règles communes des marchés publics (édition 2021) : pénalités, réception, paiement.",
    ),
    Term(
        "CCAG-FCS",
        "CCAG des fournitures courantes et services",
        "Le CCAG appliqué aux marchés de services et de fournitures.",
    ),
    Term(
        "CCAG-PI",
        "CCAG des prestations intellectuelles",
        "Le CCAG appliqué aux études, au conseil et à l'AMO.",
    ),
    Term("COPIL", "Comité de pilotage", "Réunion où les élus et responsables arbitrent et valident."),
    Term("COTECH", "Comité technique", "Réunion de travail des services qui prépare les décisions du COPIL."),
    Term(
        "CORS",
        "Partage entre origines (Cross-Origin Resource Sharing)",
        "Autorise un autre site à lire les données ouvertes.",
    ),
    Term("CSV", "Valeurs séparées par des virgules", "Fichier tableur simple, pour importer ou exporter des listes."),
    Term(
        "Decidim",
        "Plateforme participative libre",
        "Le site public « Oyé » où les habitants déposent leurs idées et votent.",
    ),
    Term(
        "DGP",
        "Délai global de paiement",
        "30 jours entre la réception d'une facture et son paiement ; au-delà, des intérêts sont dus.",
    ),
    Term("HT", "Hors taxes", "Montant avant TVA ; les montants des marchés et des commandes sont en HT."),
    Term("INSEE", "Institut national de la statistique et des études économiques", "Attribue les codes des communes."),
    Term("ISO", "Organisation internationale de normalisation", "Ses normes fixent par exemple l'écriture des dates."),
    Term("JSON", "JavaScript Object Notation", "Format de fichier des données ouvertes, lu par les programmes."),
    Term(
        "M57",
        "Instruction budgétaire et comptable M57",
        "Nomenclature des collectivités : chapitre, nature et fonction de chaque ligne budgétaire.",
    ),
    Term(
        "MDO",
        "Mission Démocratie Ouverte",
        "L'équipe de la Ville qui pilote budget participatif, consultations et conseils de quartier.",
    ),
    Term(
        "PB",
        "Budget participatif",
        "Les habitants proposent puis votent des projets financés par la Ville (fichiers Pabulib « .pb »).",
    ),
    Term("PDF", "Portable Document Format", "Document prêt à imprimer ou à envoyer (comptes rendus, courriers)."),
    Term("PI", "Prestations intellectuelles", "Études, conseil, AMO : voir CCAG-PI."),
    Term("PNG", "Portable Network Graphics", "Format d'image pour télécharger un graphique."),
    Term(
        "SIRET",
        "Système d'identification du répertoire des établissements",
        "Numéro à 14 chiffres d'un établissement d'entreprise.",
    ),
    Term("SVG", "Scalable Vector Graphics", "Format d'image qui reste net à toutes les tailles."),
    Term("TTC", "Toutes taxes comprises", "Montant TVA incluse : ce que la Ville paie réellement."),
    Term("TVA", "Taxe sur la valeur ajoutée", "Différence entre le montant TTC et le montant HT."),
    Term("UTF-8", "Codage des caractères", "Le codage à choisir pour un fichier CSV, pour garder les accents."),
    Term("XLSX", "Classeur Excel", "Format de tableur pour les exports."),
)


def glossary_acronyms() -> set[str]:
    """Every acronym defined, and each part of a compound one ("CCAG-PI" defines CCAG and PI too)."""
    found = set()
    for term in GLOSSARY:
        found.add(term.acronym)
        found.update(term.acronym.split("-"))
    return found
