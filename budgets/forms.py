from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.enums import ApprovalStep, DecisionOutcome
from budgets.m57 import imputation_errors
from budgets.models import BudgetLine, Commitment, Payment
from mdo import access
from mdo.enums import DISTRICTS
from mdo.forms import MoneyField, PickerSelect
from projects.models import Project
from projects.search import project_option_label

VAT_CHOICES = [("20", "20 %"), ("10", "10 %"), ("5.5", "5,5 %"), ("0", "0 % (non assujetti)")]


class BudgetLineForm(forms.ModelForm):
    vat_rate = forms.ChoiceField(
        label=_("taux de TVA"),
        choices=VAT_CHOICES,
        initial="20",
        help_text=_("Le montant TTC est calculé à partir du HT, arrondi au centime."),
    )
    holder_district = forms.TypedChoiceField(
        label=_("porteur de la ligne"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("Ville de Lyon (budget principal)"))]
        + [(n, f"État spécial — {label}") for n, label in DISTRICTS],
    )

    class Meta:
        model = BudgetLine
        fields = [
            "fiscal_year",
            "section",
            "chapter",
            "nature",
            "function",
            "label",
            "amount_ht",
            "vat_rate",
            "project",
            "holder_district",
        ]
        field_classes = {"amount_ht": MoneyField}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The widget first: setting the queryset hands its choices to the widget in place at that moment.
        self.fields["project"].widget = PickerSelect("projects")
        self.fields["project"].queryset = access.visible(user, Project).select_related("edition").order_by("title")
        self.fields["project"].label_from_instance = project_option_label
        self.fields["amount_ht"].help_text = _("En euros, par ex. 12500,00.")
        if not self.instance.pk:
            self.fields["fiscal_year"].initial = timezone.localdate().year
        elif self.instance.amount_ht:
            rate = (self.instance.amount_ttc / self.instance.amount_ht - 1) * 100
            closest = min(VAT_CHOICES, key=lambda choice: abs(Decimal(choice[0]) - rate))
            self.fields["vat_rate"].initial = closest[0]

    def clean(self):
        data = super().clean()
        if all(field in data for field in ("chapter", "nature", "function")):
            for field, message in imputation_errors(
                section=data.get("section"), chapter=data["chapter"], nature=data["nature"], function=data["function"]
            ).items():
                self.add_error(field, message)
        return data

    def cleaned_for_service(self) -> dict:
        data = dict(self.cleaned_data)
        data["vat_rate"] = Decimal(data["vat_rate"])
        return data


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Votre décision"), widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Motif ou commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un rejet, un renvoi pour modification ou un avis défavorable."),
    )

    def __init__(self, *args, outcomes, step: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(value, DecisionOutcome(value).label) for value in outcomes]
        if len(outcomes) == 1:
            self.fields["outcome"].initial = outcomes[0]
        self.fields["outcome"].error_messages["required"] = (
            _("Choisissez l'avis de la mairie.")
            if step == ApprovalStep.TOWN_HALL_OPINION
            else _("Choisissez une décision.")
        )


class OpinionCorrectionForm(DecisionForm):
    """The town hall's opinion given again: none chosen in advance, a reason for an unfavourable one."""

    def __init__(self, *args, **kwargs):
        from budgets.flows import STEP_OUTCOMES

        super().__init__(
            *args, outcomes=STEP_OUTCOMES[ApprovalStep.TOWN_HALL_OPINION], step=ApprovalStep.TOWN_HALL_OPINION, **kwargs
        )
        self.fields["outcome"].label = _("Avis de la mairie")
        self.fields["comment"].help_text = _("Obligatoire pour un avis défavorable.")

    def clean(self):
        data = super().clean()
        if data.get("outcome") == DecisionOutcome.UNFAVOURABLE and not (data.get("comment") or "").strip():
            self.add_error(
                "comment", _("Indiquez le motif de votre avis : il est obligatoire pour un avis défavorable.")
            )
        return data


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["amount", "committed_on", "number", "label"]
        field_classes = {"amount": MoneyField}
        widgets = {"committed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["commitment", "amount", "paid_on", "reference"]
        field_classes = {"amount": MoneyField}
        widgets = {"paid_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, line, **kwargs):
        super().__init__(*args, **kwargs)
        # An order's commitment is paid through its invoices; a released one no more.
        self.fields["commitment"].queryset = line.commitments.filter(
            purchase_order__isnull=True, released_on__isnull=True
        ).order_by("committed_on", "pk")
