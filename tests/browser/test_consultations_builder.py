"""The questionnaire builder in the browser: reorder by drag and drop and by keyboard, with axe on the page."""

import pytest

from consultations.models import Question
from tests.browser.conftest import assert_accessible, login, screenshot
from tests.consultations.conftest import build_consultation
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def _order(consultation) -> list[str]:
    return list(
        Question.objects.filter(version__consultation=consultation)
        .order_by("section__position", "position")
        .values_list("text", flat=True)
    )


def test_officer_reorders_questions_by_drag_and_drop_and_by_keyboard(page, mdo_officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    consultation = build_consultation(mdo_officer)
    first, second, third = _order(consultation)[:3]
    login(page, "camille", TEST_PASSWORD)
    page.goto(f"/consultations/{consultation.pk}/questionnaire/")
    assert_accessible(page)
    screenshot(page, "consultations-builder")

    # Drag the third question above the first: the page posts the new order and reloads.
    dragged = page.locator("li[data-question]", has_text=third)
    with page.expect_navigation():
        dragged.drag_to(page.locator("li[data-question]", has_text=first), target_position={"x": 20, "y": 5})
    assert _order(consultation)[:3] == [third, first, second]

    # The keyboard way: Tab to "Descendre Q1" and press Enter.
    button = page.get_by_role("button", name="Descendre Q1")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _order(consultation)[:3] == [first, third, second]
