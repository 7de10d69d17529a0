"""The three filters every indicator page shares: edition, year, district."""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from mdo import access
from mdo.enums import DISTRICTS, Role, district_label
from projects.models import Edition


@dataclass(frozen=True)
class IndicatorFilters:
    edition: Edition | None = None
    year: int | None = None
    district: int | None = None
    #: True when the district is the reader's own and may not be changed (a town hall).
    district_locked: bool = False

    def as_query(self) -> dict:
        query = {}
        if self.edition:
            query["edition"] = self.edition.pk
        if self.year:
            query["year"] = self.year
        if self.district and not self.district_locked:
            query["district"] = self.district
        return query

    @property
    def label(self) -> str:
        parts = []
        if self.edition:
            parts.append(str(self.edition))
        if self.year:
            parts.append(f"année {self.year}")
        parts.append(district_label(self.district) if self.district else "toute la ville")
        return " · ".join(parts)


def own_district(user) -> int | None:
    """A town-hall agent's district: its figures are the only ones it is shown."""
    if access.sees_everything(user):
        return None
    if user.has_role(Role.TOWN_HALL_AGENT) and user.organisation and user.organisation.is_town_hall:
        return user.organisation.district
    return None


class IndicatorFilterForm(forms.Form):
    edition = forms.ModelChoiceField(
        label=_("Édition"), queryset=Edition.objects.none(), required=False, empty_label=_("Toutes")
    )
    year = forms.TypedChoiceField(label=_("Année"), required=False, coerce=int, empty_value=None)
    district = forms.TypedChoiceField(label=_("Arrondissement"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, user, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["edition"].queryset = access.visible(user, Edition).order_by("-number", "name")
        self.fields["year"].choices = [("", _("Toutes"))] + [(str(y), str(y)) for y in years]
        self.locked = own_district(user)
        if self.locked:
            self.fields["district"].choices = [(str(self.locked), district_label(self.locked))]
            self.fields["district"].disabled = True
            self.fields["district"].initial = str(self.locked)
            self.fields["district"].help_text = _("Une mairie voit les chiffres de son arrondissement.")
        else:
            self.fields["district"].choices = [("", _("Toute la ville"))] + [(str(n), label) for n, label in DISTRICTS]

    def filters(self) -> IndicatorFilters:
        self.is_valid()  # the valid fields filter; an invalid one shows its message and is ignored
        data = self.cleaned_data
        if self.locked:
            return IndicatorFilters(
                edition=data.get("edition"), year=data.get("year"), district=self.locked, district_locked=True
            )
        return IndicatorFilters(edition=data.get("edition"), year=data.get("year"), district=data.get("district"))
