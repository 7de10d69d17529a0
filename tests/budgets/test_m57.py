"""Budget codes follow the M57 shape: a typing mistake is refused at its field, in French, nothing saved."""

import pytest
from django.urls import reverse

from budgets.m57 import imputation_errors
from budgets.models import BudgetLine


@pytest.mark.parametrize(
    "section, chapter, nature, function",
    [
        ("investment", "21", "2128", "823"),
        ("investment", "23", "2312", "325"),
        ("investment", "204", "20422", "020"),
        ("operating", "011", "6228", "020"),
        ("operating", "65", "6574", "024"),
    ],
)
def test_real_imputations_are_accepted(section, chapter, nature, function):
    assert imputation_errors(section=section, chapter=chapter, nature=nature, function=function) == {}


@pytest.mark.parametrize(
    "section, chapter, nature, function, field",
    [
        ("investment", "ABC", "2128", "823", "chapter"),
        ("investment", "2", "2128", "823", "chapter"),
        ("investment", "21", "21A8", "823", "nature"),
        ("investment", "21", "2312", "823", "nature"),  # an account of chapter 23 under chapter 21
        ("investment", "011", "6228", "020", "nature"),  # an operating account on an investment line
        ("operating", "011", "2128", "020", "nature"),
        ("investment", "21", "2128", "82-3", "function"),
    ],
)
def test_malformed_imputations_are_refused_at_their_field(section, chapter, nature, function, field):
    errors = imputation_errors(section=section, chapter=chapter, nature=nature, function=function)
    assert list(errors) == [field]
    assert chapter in errors[field] or nature in errors[field] or function in errors[field]


@pytest.mark.django_db
def test_the_line_form_refuses_a_free_text_chapter(client, mdo_officer):
    client.force_login(mdo_officer)
    response = client.post(
        reverse("budgets:line_create"),
        {
            "fiscal_year": 2026,
            "section": "investment",
            "chapter": "ABC",
            "nature": "2128",
            "function": "823",
            "label": "Chapitre inventé",
            "amount_ht": "1000",
            "vat_rate": "20",
            "holder_district": "",
        },
    )
    assert response.status_code == 200
    assert "n'est pas un chapitre M57" in response.context["form"].errors["chapter"][0]
    assert not BudgetLine.objects.filter(label="Chapitre inventé").exists()
