import pytest

from consultations import services
from consultations.enums import Channel, QuestionKind
from tests.factories import directorate, town_hall


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def green_directorate(db):
    return directorate("Direction des Espaces verts")


def build_consultation(officer, *, districts=(3,), partners=(), title="Place Guichard", questions=None):
    """A consultation in preparation with one section and its questions (through the services)."""
    consultation = services.consultation_create(
        by=officer,
        title=title,
        public_question="Comment voulez-vous que la place évolue ?",
        districts=list(districts),
        channels=[Channel.PLATFORM],
    )
    for organisation in partners:
        services.partner_add(consultation=consultation, organisation=organisation, by=officer)
    draft = services.draft_of(consultation)
    section = services.section_save(version=draft, title="Vous et la place", by=officer)
    for kind, text, options, extra in questions or DEFAULT_QUESTIONS:
        services.question_save(
            version=draft, section=section, kind=kind, text=text, options=options, by=officer, **extra
        )
    return consultation


DEFAULT_QUESTIONS = [
    (QuestionKind.YES_NO, "Fréquentez-vous la place ?", [], {"required": True}),
    (QuestionKind.SINGLE, "Comment venez-vous ?", ["À pied", "À vélo", "En voiture"], {"has_other": True}),
    (QuestionKind.MULTIPLE, "Que souhaitez-vous y trouver ?", ["Des arbres", "Des bancs", "Des jeux"], {}),
    (QuestionKind.SCALE5, "Êtes-vous satisfait·e de la place ?", [], {"has_dont_know": True}),
    (QuestionKind.LONG_TEXT, "Vos idées pour la place ?", [], {}),
    (QuestionKind.NUMBER, "Combien d'enfants vivent chez vous ?", [], {}),
    (QuestionKind.RANKING, "Classez vos priorités.", ["Ombre", "Calme", "Propreté"], {}),
]


def open_consultation(officer, manager, **kwargs):
    """A consultation reviewed, validated and open: ready for its answers."""
    consultation = build_consultation(officer, **kwargs)
    for name in ("submit_for_review", "validate", "open"):
        consultation = services.consultation_transition(
            consultation=consultation, name=name, by=manager if name == "validate" else officer
        )
    return consultation


@pytest.fixture
def consultation(mdo_officer, town_hall_agent, green_directorate):
    return build_consultation(mdo_officer, partners=[town_hall(3), green_directorate])


@pytest.fixture
def open_one(mdo_officer, mdo_manager, town_hall_agent, green_directorate):
    return open_consultation(mdo_officer, mdo_manager, partners=[town_hall(3), green_directorate])
