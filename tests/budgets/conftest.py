import pytest

from tests.budgets.factories import make_project


@pytest.fixture
def project_3e(db):
    """A city project in the 3rd district."""
    return make_project(title="Jardin partagé de Montchat", district=3)


@pytest.fixture
def project_5e(db):
    return make_project(title="Escaliers fleuris de Saint-Just", district=5)
