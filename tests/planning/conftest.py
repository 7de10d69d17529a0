import pytest


@pytest.fixture(autouse=True)
def default_phase_kinds(db):
    """The migration's phase kinds, again: a transactional test run before may have flushed them."""
    from planning.services import phase_kinds_ensure_defaults

    phase_kinds_ensure_defaults()
