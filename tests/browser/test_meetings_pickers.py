"""The meeting form's invitees and organisations are type-ahead pickers, driven with the keyboard only:
Tab into the picker, type part of a name, arrow down, Enter; each choice shows its context (a person's
organisation, an organisation's kind), and the meeting is created with exactly those invitees."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from mdo.enums import Role
from meetings.models import Meeting
from tests.browser.conftest import assert_accessible, login, screenshot
from tests.factories import TEST_PASSWORD, make_user, town_hall

pytestmark = pytest.mark.django_db(transaction=True)


def _choose_by_keyboard(page, typed: str, shown: str) -> str:
    """Type, arrow down, Enter; returns the option's text as it was offered (name and context)."""
    page.keyboard.type(typed, delay=30)
    option = page.locator(".ts-dropdown .option", has_text=shown).first
    option.wait_for()
    offered = option.inner_text()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    return offered


def _tab_until(page, field_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == field_id:
            return
    raise AssertionError(f"{field_id} n'est pas atteint au clavier")


def test_invitees_and_organisations_are_picked_by_keyboard_with_their_context(
    page, mdo_officer, town_hall_agent, directorate_agent
):
    make_user(Role.TOWN_HALL_AGENT, town_hall(5), username="sophie", first_name="Sophie", last_name="Lambert")
    login(page, "camille", TEST_PASSWORD)
    page.goto("/meetings/nouvelle/")
    page.locator("#id_title").fill("Comité de suivi du budget participatif")
    page.locator("#id_day").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())

    page.locator("#id_title").focus()
    _tab_until(page, "id_organisations-ts-control")
    offered = _choose_by_keyboard(page, "3e", "Mairie du 3e")
    assert "Mairie d'arrondissement" in offered  # the organisation's kind beside its name
    page.keyboard.press("Escape")

    _tab_until(page, "id_users-ts-control")
    assert "Mairie du 5e" in _choose_by_keyboard(page, "lamb", "Sophie Lambert")  # the person's organisation
    page.keyboard.press("Escape")
    assert_accessible(page)
    screenshot(page, "meeting-invitee-pickers")

    page.wait_for_function("() => document.querySelector('#id_users').selectedOptions.length === 1")
    page.wait_for_function("() => document.querySelector('#id_organisations').selectedOptions.length === 1")
    # To the submit button by keyboard too.
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Enregistrer":
            break
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    assert "Réunion créée" in page.content()
    meeting = Meeting.objects.get()
    invited = {attendee.user.username for attendee in meeting.attendees.filter(user__isnull=False)}
    assert invited == {"julien", "sophie"}  # the 3rd district's agent through his town hall, Sophie by name
