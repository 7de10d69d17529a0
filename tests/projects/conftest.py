import pytest

from tests.factories import directorate
from tests.projects.factories import ProjectFactory


@pytest.fixture
def green_directorate(db):
    return directorate("Direction des Espaces verts")


@pytest.fixture
def project(db, green_directorate, mdo_officer):
    """A 3e participatory-budget project led by the Espaces verts, owned by Camille."""
    return ProjectFactory(
        title="Végétalisation de la place Guichard", district=3, lead_directorate=green_directorate, officer=mdo_officer
    )


@pytest.fixture
def fifth_project(db):
    return ProjectFactory(title="Fontaine du Vieux Lyon", district=5)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
