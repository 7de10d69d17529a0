import pytest

from tests.factories import town_hall
from tests.meetings.factories import make_meeting


@pytest.fixture
def meeting(mdo_officer, town_hall_agent):
    """A COPIL organised by the MDO officer, the 3rd district's town hall invited (so its agent too)."""
    return make_meeting(mdo_officer, organisations=[town_hall(3)], agenda=["Point budgétaire", "Projets en retard"])


@pytest.fixture
def other_meeting(other_town_hall_agent):
    """A conseil de quartier of the 5th district, organised by its town hall: out of the 3rd's scope."""
    return make_meeting(other_town_hall_agent, title="Conseil de quartier Vieux Lyon", kind="neighbourhood_council")


@pytest.fixture(autouse=True)
def _empty_feed_cache():
    """Feeds cache their serialised events: each test starts from an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
