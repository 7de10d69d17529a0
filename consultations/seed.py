"""Demo consultations for ``manage.py seed_demo``: one open, one with its results and bilan, one in review;
the MDO's glossary and evaluation criteria; a few resources of the network's library.

Idempotent: keyed on the consultations' titles. Built through the services, as a user would.
"""

import csv
import io
import random

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from consultations import imports, services
from consultations.enums import Channel, QuestionKind, ResourceKind
from consultations.models import Consultation, EvaluationCriterion, GlossaryTerm, Resource
from consultations.selectors import numbered_questions
from mdo.models import Neighbourhood, Organisation, User

OPEN_TITLE = "Réaménagement de la place Guichard"
BILAN_TITLE = "Avenir du parc de la Cerisaie"
REVIEW_TITLE = "Horaires des bibliothèques du 3e"

GLOSSARY = [
    ("PLU-H", "le plan local d'urbanisme et de l'habitat", "Sigle inconnu de la plupart des habitant·e·s."),
    ("maîtrise d'ouvrage", "la Ville, qui commande les travaux", ""),
    ("mobilités douces", "la marche et le vélo", ""),
    ("espace public", "la rue, la place, le trottoir", ""),
    ("végétalisation", "plantations d'arbres et de fleurs", ""),
    ("concertation préalable", "consultation avant le projet", ""),
]
CRITERIA = [
    ("Diversité des publics", "Âges, quartiers, catégories sociales touchées par rapport à la population."),
    ("Participation au regard de l'objectif", "Nombre de répondant·e·s rapporté à l'objectif fixé."),
    ("Qualité du retour aux habitant·e·s", "Bilan publié, clair, qui dit ce qui est retenu et pourquoi."),
    ("Coût", "Budget engagé rapporté à la participation."),
    ("Influence sur la décision", "Part des objectifs retenus, changements réels du projet."),
]
RESOURCES = [
    (
        "Fiche : rédiger un questionnaire neutre",
        ResourceKind.FICHE,
        ["Questionnaires", "Consultations"],
        "Les dix règles de la MDO pour des questions claires, neutres et courtes.",
    ),
    (
        "Guide de la concertation en mairie d'arrondissement",
        ResourceKind.GUIDE,
        ["Concertation", "Mairies"],
        "Étapes, calendrier type et rôles de chacun pour une concertation de quartier.",
    ),
    (
        "Modèle de bilan de concertation",
        ResourceKind.TEMPLATE,
        ["Bilan", "Consultations"],
        "Trame à compléter : ce qui a été entendu, ce que la ville en fait, objectif par objectif.",
    ),
    (
        "Lettre du réseau n° 12",
        ResourceKind.NEWSLETTER,
        ["Réseau"],
        "Les nouvelles du réseau des agents de la démocratie participative.",
    ),
]


def seed_consultations(*, size: str, stdout) -> None:
    _seed()
    stdout.write(
        f"Consultations : {Consultation.objects.count()} consultations, "
        f"{Resource.objects.count()} ressources du réseau."
    )


def _tiny_pdf(title: str) -> bytes:
    text = title.encode("latin-1", "replace")
    stream = b"BT /F1 14 Tf 40 780 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _questionnaire(consultation, by, spec) -> None:
    draft = services.draft_of(consultation)
    for title, questions in spec:
        section = services.section_save(version=draft, title=title, by=by)
        for kind, text, options, spec_extra in questions:
            extra = dict(spec_extra)  # the spec is a module constant: a second seed (or consultation) reads it intact
            condition = extra.pop("condition", None)
            if condition is not None:
                extra["condition_question"] = numbered_questions(draft)[condition[0] - 1]
                extra["condition_value"] = condition[1]
            services.question_save(
                version=draft, section=section, kind=kind, text=text, options=options, by=by, **extra
            )


GUICHARD = [
    (
        "Vous et la place",
        [
            (
                QuestionKind.MULTIPLE,
                "Quand passez-vous sur la place ?",
                ["Le matin", "À midi", "Le soir", "Le week-end"],
                {"required": True},
            ),
            (
                QuestionKind.SINGLE,
                "Comment venez-vous sur la place ?",
                ["À pied", "À vélo", "En transports en commun", "En voiture"],
                {"has_other": True},
            ),
        ],
    ),
    (
        "Le projet",
        [
            (
                QuestionKind.SCALE5,
                "Êtes-vous satisfait·e de la place aujourd'hui ?",
                [],
                {"has_dont_know": True, "required": True},
            ),
            (
                QuestionKind.RANKING,
                "Classez ces améliorations par ordre de priorité.",
                ["Plus d'arbres", "Plus de bancs", "Des jeux d'enfants", "Une fontaine"],
                {},
            ),
            (QuestionKind.LONG_TEXT, "Avez-vous d'autres idées pour la place ?", [], {}),
        ],
    ),
]

CERISAIE = [
    (
        "Votre usage du parc",
        [
            (QuestionKind.YES_NO, "Fréquentez-vous le parc de la Cerisaie ?", [], {"required": True}),
            (
                QuestionKind.SINGLE,
                "À quelle fréquence ?",
                ["Chaque jour", "Chaque semaine", "Plus rarement"],
                {"condition": (1, "Oui")},
            ),
            (QuestionKind.SCALE10, "Quelle note donnez-vous au parc aujourd'hui ?", [], {"has_dont_know": True}),
        ],
    ),
    (
        "L'avenir du parc",
        [
            (
                QuestionKind.MULTIPLE,
                "Que souhaitez-vous voir dans le parc ?",
                ["Un jardin partagé", "Une aire de jeux", "Un verger", "Des tables de pique-nique"],
                {"has_other": True},
            ),
            (QuestionKind.NUMBER, "Combien d'enfants de moins de 12 ans vivent chez vous ?", [], {}),
            (QuestionKind.LONG_TEXT, "Que voulez-vous dire à la Ville sur le parc ?", [], {}),
        ],
    ),
]

COMMENTS = [
    "Pourquoi ne pas préciser « sans opinion » ?",
    "La formulation est claire pour nous.",
    "Les habitant·e·s âgé·e·s risquent de ne pas comprendre ce terme.",
]
IDEAS = [
    "Plus d'ombre l'été, svp",
    "Un point d'eau pour les enfants",
    "Garder le calme du parc",
    "Des toilettes publiques",
    "Éclairer les allées le soir",
    "Un jardin pour l'école voisine",
]


@transaction.atomic
def _seed() -> None:
    if Consultation.objects.filter(title=OPEN_TITLE).exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["mdo.officer", "mdo.manager", "mairie3.agent", "mairie5.agent", "dev.agent"]
        )
    }
    if len(users) < 5:
        return  # the core seeder did not run
    officer, manager = users["mdo.officer"], users["mdo.manager"]
    town_hall_3 = Organisation.objects.get(kind="town_hall", district=3)
    town_hall_5 = Organisation.objects.get(kind="town_hall", district=5)
    dev = Organisation.objects.get(short_name="DEV")
    today = timezone.localdate()

    for term, suggestion, note in GLOSSARY:
        GlossaryTerm.objects.get_or_create(term=term, defaults={"suggestion": suggestion, "note": note})
    for position, (name, description) in enumerate(CRITERIA, start=1):
        EvaluationCriterion.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )

    # 1. Open: built, reviewed in two versions, validated, open to the public.
    guichard = services.consultation_create(
        by=officer,
        title=OPEN_TITLE,
        districts=[3],
        other_places="Abords de la Bourse du travail",
        public_question="Comment voulez-vous que la place Guichard évolue ?",
        description="La place doit être rénovée en 2027 ; la Ville consulte les habitant·e·s avant les études.",
        scope_open="L'usage de la place, la végétalisation, le mobilier, les jeux.",
        scope_fixed="La station de métro et la circulation des bus.",
        publics="Riverain·e·s, commerçant·e·s, familles.",
        start_on=today - timezone.timedelta(days=10),
        end_on=today + timezone.timedelta(days=30),
        channels=[Channel.PLATFORM, Channel.STREET_STAND],
        participation_target=600,
        neighbourhoods=list(Neighbourhood.objects.filter(district=3)[:2]),
    )
    services.partner_add(
        consultation=guichard, organisation=town_hall_3, contact=users["mairie3.agent"], role="Co-pilote", by=officer
    )
    services.partner_add(
        consultation=guichard, organisation=dev, contact=users["dev.agent"], role="Végétalisation", by=officer
    )
    for text in ("Connaître les usages actuels de la place", "Hiérarchiser les améliorations attendues"):
        services.objective_add(consultation=guichard, text=text, by=officer)
    _questionnaire(guichard, officer, GUICHARD)
    services.consultation_transition(
        consultation=guichard, name="submit_for_review", by=officer, due_on=today + timezone.timedelta(days=7)
    )
    version = guichard.versions.get(number=1)
    satisfaction = numbered_questions(version)[2]
    comment = services.question_comment_add(question=satisfaction, text=COMMENTS[0], by=users["mairie3.agent"])
    services.review_answer(
        version=version, opinion="reserved", comment="Ajouter une question sur la propreté.", by=users["mairie3.agent"]
    )
    services.review_answer(version=version, opinion="favourable", comment="", by=users["dev.agent"])
    services.question_comment_reply(comment=comment, reply="C'est fait dans la version 2.", by=officer)
    services.consultation_transition(
        consultation=guichard, name="new_version", by=officer, note="Question sur la propreté ajoutée."
    )
    draft = services.draft_of(guichard)
    services.question_save(
        version=draft,
        section=draft.sections.first(),
        kind=QuestionKind.SCALE5,
        text="Comment jugez-vous la propreté de la place ?",
        has_dont_know=True,
        by=officer,
    )
    services.consultation_transition(consultation=guichard, name="submit_for_review", by=officer)
    services.consultation_transition(consultation=guichard, name="validate", by=manager)
    services.consultation_transition(consultation=guichard, name="open", by=officer)

    # 2. Results and bilan, in the 5th.
    cerisaie = services.consultation_create(
        by=officer,
        title=BILAN_TITLE,
        districts=[5],
        public_question="Que voulez-vous pour l'avenir du parc de la Cerisaie ?",
        scope_open="Les aménagements du parc et leurs usages.",
        scope_fixed="Les limites du parc, le budget total.",
        publics="Habitant·e·s du 5e, écoles, associations.",
        channels=[Channel.PLATFORM, Channel.PAPER],
        start_on=today - timezone.timedelta(days=120),
        end_on=today - timezone.timedelta(days=60),
        participation_target=300,
    )
    services.partner_add(consultation=cerisaie, organisation=town_hall_5, contact=users["mairie5.agent"], by=officer)
    services.partner_add(consultation=cerisaie, organisation=dev, contact=users["dev.agent"], by=officer)
    for text in ("Créer un jardin partagé", "Installer une aire de jeux", "Fermer le parc la nuit"):
        services.objective_add(consultation=cerisaie, text=text, by=officer)
    _questionnaire(cerisaie, officer, CERISAIE)
    services.consultation_transition(consultation=cerisaie, name="submit_for_review", by=officer)
    version = cerisaie.versions.get(number=1)
    services.review_answer(version=version, opinion="favourable", comment="", by=users["mairie5.agent"])
    services.review_answer(version=version, opinion="favourable", comment="", by=users["dev.agent"])
    services.consultation_transition(consultation=cerisaie, name="validate", by=manager)
    services.consultation_transition(consultation=cerisaie, name="open", by=officer)
    imports.import_answers(
        consultation=cerisaie, data=_answers_csv(random.Random(16), 180), filename="reponses.csv", by=officer
    )
    services.consultation_transition(consultation=cerisaie, name="start_analysis", by=officer)
    outcomes = {}
    for objective in cerisaie.objectives.all():
        if objective.text.startswith("Fermer"):
            outcomes[objective.pk] = ("not_retained", "Le parc reste ouvert : la majorité des répondant·e·s y tient.")
        else:
            outcomes[objective.pk] = ("retained", "Demandé par une large part des répondant·e·s.")
    services.bilan_save(
        consultation=cerisaie,
        by=officer,
        outcomes=outcomes,
        heard="Les habitant·e·s veulent un jardin partagé et une aire de jeux, et un parc ouvert.",
        city_response="Le jardin et l'aire de jeux entrent dans les études de 2027.",
    )
    services.consultation_transition(consultation=cerisaie, name="publish_bilan", by=officer)
    criteria = list(EvaluationCriterion.objects.all())
    services.evaluation_save(
        consultation=cerisaie,
        by=manager,
        summary="Bonne participation, retour clair.",
        scores={c.pk: (4 - i % 2, "") for i, c in enumerate(criteria)},
    )

    # 3. In review: a task in « Mes tâches » for the 3rd's town hall and the Espaces verts.
    libraries = services.consultation_create(
        by=officer,
        title=REVIEW_TITLE,
        districts=[3, 7],
        public_question="Quels horaires pour vos bibliothèques ?",
        channels=[Channel.PLATFORM],
    )
    services.partner_add(consultation=libraries, organisation=town_hall_3, contact=users["mairie3.agent"], by=officer)
    services.partner_add(consultation=libraries, organisation=dev, by=officer)
    _questionnaire(
        libraries,
        officer,
        [
            (
                "Vos horaires",
                [
                    (
                        QuestionKind.SINGLE,
                        "Êtes-vous d'accord pour ouvrir le dimanche et fermer le lundi ?",
                        ["Oui", "Non"],
                        {},
                    ),
                    (QuestionKind.SHORT_TEXT, "Quels horaires vous conviendraient le mieux ?", [], {}),
                ],
            )
        ],
    )
    services.consultation_transition(
        consultation=libraries, name="submit_for_review", by=officer, due_on=today + timezone.timedelta(days=10)
    )

    for title, kind, themes, summary in RESOURCES:
        resource = services.resource_create(
            title=title,
            kind=kind,
            summary=summary,
            themes=themes,
            by=officer,
            file=ContentFile(_tiny_pdf(title), name=f"{title[:30].replace(' ', '-')}.pdf"),
            consultations=[cerisaie] if kind == ResourceKind.TEMPLATE else [],
        )
        if kind == ResourceKind.FICHE:
            _join_next_network_meeting(resource, officer)
            services.resource_version_add(
                resource=resource,
                by=officer,
                note="Exemples ajoutés.",
                file=ContentFile(_tiny_pdf(title + " v2"), name="fiche-questionnaire-v2.pdf"),
            )


def _join_next_network_meeting(resource, officer) -> None:
    from meetings.enums import MeetingKind
    from meetings.models import AgendaItem

    item = (
        AgendaItem.objects.filter(meeting__kind=MeetingKind.NETWORK, meeting__start__gte=timezone.now())
        .order_by("meeting__start", "order")
        .first()
    )
    if item is not None:
        services.resource_attach_to_agenda_item(resource=resource, agenda_item=item, by=officer)


def _answers_csv(rng: random.Random, count: int) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["repondant", "arrondissement", "canal", "Q1", "Q2", "Q3", "Q4", "Q5", "Q6"])
    wishes = ["Un jardin partagé", "Une aire de jeux", "Un verger", "Des tables de pique-nique"]
    for n in range(1, count + 1):
        goes = rng.random() < 0.8
        writer.writerow(
            [
                f"R{n:04d}",
                rng.choice([5, 5, 5, 9, 4, ""]),
                rng.choice(["platform", "paper"]),
                "Oui" if goes else "Non",
                rng.choice(["Chaque jour", "Chaque semaine", "Plus rarement"]) if goes else "",
                rng.choice([str(v) for v in range(3, 11)] + ["Ne sait pas / sans opinion"]),
                ";".join(rng.sample(wishes, rng.randint(1, 3)))
                + (";Un kiosque à musique" if rng.random() < 0.05 else ""),
                rng.choice(["0", "1", "2", ""]),
                rng.choice(IDEAS) if rng.random() < 0.4 else "",
            ]
        )
    return out.getvalue().encode()
