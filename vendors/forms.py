"""Forms: they collect and type the input; the services decide (their errors land on these fields)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from budgets.enums import BudgetLineStatus
from budgets.models import BudgetLine
from budgets.search import budget_line_option_label
from mdo import access
from mdo.forms import MoneyField, PickerSelect
from vendors.enums import ContractKind, OrderDecisionOutcome, PenaltyDecision
from vendors.models import Contract, Milestone, Vendor

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PageForm(forms.Form):
    """A form sharing its page with others: its ids carry its own prefix, so that no id repeats."""

    id_prefix = "form"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class DateField(forms.DateField):
    widget = DATE

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        super().__init__(*args, **kwargs)


class VendorForm(forms.ModelForm):
    # Wider than the 14 digits: people paste "732 829 320 00074"; spaces go before the model's checks.
    siret = forms.CharField(label=_("SIRET"), max_length=20, help_text=_("14 chiffres ; les espaces sont ignorés."))

    class Meta:
        model = Vendor
        fields = ["name", "siret", "address", "postcode", "city", "email", "phone"]

    def clean_siret(self):
        return "".join(self.cleaned_data["siret"].split())


class VendorContactForm(PageForm):
    id_prefix = "contact"
    name = forms.CharField(label=_("Nom"), max_length=150)
    role = forms.CharField(label=_("Fonction"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)


class ContractUpdateForm(forms.Form):
    """What a chargé·e de mission may correct on a contract; the kind is frozen once orders exist."""

    kind = forms.ChoiceField(label=_("Type de marché"), choices=ContractKind.choices)
    subject = forms.CharField(label=_("Objet"), max_length=255)
    lot = forms.CharField(label=_("Lot"), max_length=100, required=False)
    notified_on = DateField(label=_("Date de notification"), required=False)
    starts_on = DateField(label=_("Début"))
    ends_on = DateField(
        label=_("Fin de la période initiale"),
        help_text=_(
            "Les reconductions exercées s'ajoutent à cette date ; la validité doit couvrir "
            "les bons de commande déjà émis."
        ),
    )
    min_amount_ht = MoneyField(label=_("Montant minimum HT (€)"), required=False, min_value=0)
    max_amount_ht = MoneyField(
        label=_("Montant maximum HT (€)"),
        required=False,
        min_value=0.01,
        help_text=_(
            "Obligatoire pour un accord-cadre ; avenants compris, il ne peut descendre sous le montant déjà commandé."
        ),
    )

    def __init__(self, *args, contract, has_orders: bool, **kwargs):
        kwargs.setdefault("initial", {name: getattr(contract, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        if has_orders:
            self.fields["kind"].disabled = True
            self.fields["kind"].help_text = _("Non modifiable : des bons de commande ont été émis sur ce marché.")


class OrderUpdateForm(forms.Form):
    """Subject and date only: the amount is committed on the budget line and invoiced against."""

    subject = forms.CharField(label=_("Objet"), max_length=255)
    issued_on = DateField(
        label=_("Date d'émission"), help_text=_("Dans la validité du marché et dans l'année du numéro du bon.")
    )
    amount_ht = MoneyField(
        label=_("Montant HT (€)"),
        required=False,
        disabled=True,
        help_text=_(
            "Non modifiable ici : le montant est engagé sur la ligne budgétaire et sert de "
            "référence aux factures ; une fois facturé, il ne peut plus changer."
        ),
    )

    def __init__(self, *args, order, **kwargs):
        kwargs.setdefault(
            "initial", {"subject": order.subject, "issued_on": order.issued_on, "amount_ht": order.amount_ht}
        )
        super().__init__(*args, **kwargs)


class ContractForm(forms.Form):
    reference = forms.CharField(label=_("Référence"), max_length=50)
    kind = forms.ChoiceField(label=_("Type de marché"), choices=ContractKind.choices)
    subject = forms.CharField(label=_("Objet"), max_length=255)
    vendor = forms.ModelChoiceField(
        label=_("Titulaire"),
        queryset=Vendor.objects.none(),
        widget=PickerSelect("vendors"),
        help_text=_("Tapez un nom ou un SIRET."),
    )
    parent = forms.ModelChoiceField(
        label=_("Accord-cadre (marché subséquent)"),
        queryset=Contract.objects.none(),
        required=False,
        widget=PickerSelect("contracts", params={"kind": ContractKind.FRAMEWORK}),
        help_text=_("Tapez une référence, un objet ou un titulaire."),
    )
    lot = forms.CharField(label=_("Lot"), max_length=100, required=False)
    notified_on = DateField(label=_("Date de notification"), required=False)
    starts_on = DateField(label=_("Début"))
    ends_on = DateField(label=_("Fin de la période initiale"))
    renewals_allowed = forms.IntegerField(label=_("Reconductions possibles"), min_value=0, initial=0)
    renewal_months = forms.IntegerField(label=_("Durée d'une reconduction (mois)"), min_value=1, initial=12)
    tacit_renewal = forms.BooleanField(
        label=_("Reconduction tacite"),
        required=False,
        help_text=_("Sans décision contraire avant le préavis, le marché est reconduit."),
    )
    renewal_notice_days = forms.IntegerField(
        label=_("Préavis de reconduction (jours)"),
        min_value=0,
        max_value=730,
        initial=0,
        required=False,
        help_text=_("La décision de reconduire se prend ce nombre de jours avant la fin ; un rappel la précède."),
    )
    min_amount_ht = MoneyField(label=_("Montant minimum HT (€)"), required=False, min_value=0)
    max_amount_ht = MoneyField(
        label=_("Montant maximum HT (€)"),
        required=False,
        min_value=0.01,
        help_text=_("Obligatoire pour un accord-cadre."),
    )
    vat_rate = MoneyField(label=_("Taux de TVA (%)"), max_digits=5, initial=20, min_value=0, max_value=100)
    intellectual_services = forms.BooleanField(
        label=_("Prestations intellectuelles (CCAG-PI)"), required=False, help_text=_("Coché d'office pour une AMO.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = access.visible(user, Vendor).order_by("name")
        self.fields["parent"].queryset = (
            access.visible(user, Contract).filter(kind=ContractKind.FRAMEWORK).order_by("reference")
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == ContractKind.AMO:
            data["intellectual_services"] = True
        return data


class RenewForm(PageForm):
    id_prefix = "renew"
    decided_on = DateField(
        label=_("Reconduction décidée le"),
        initial=timezone.localdate,
        required=False,
        help_text=_("Aujourd'hui si vide."),
    )


class AmendmentForm(PageForm):
    id_prefix = "amendment"
    signed_on = DateField(
        label=_("Date de signature"), help_text=_("Pendant l'exécution du marché, pas dans le futur.")
    )
    amount_ht = MoneyField(label=_("Variation du montant HT (€)"), help_text=_("Négative pour une diminution."))
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}))


class OrderForm(forms.Form):
    budget_line = forms.ModelChoiceField(
        label=_("Ligne budgétaire (imputation)"),
        queryset=BudgetLine.objects.none(),
        widget=PickerSelect("budget_lines"),
        help_text=_(
            "Tapez un libellé, un projet ou une nature M57 ; chaque ligne affiche ce qu'il lui reste de disponible."
        ),
    )
    subject = forms.CharField(label=_("Objet"), max_length=255)
    amount_ht = MoneyField(label=_("Montant HT (€)"), min_value=0.01)
    issued_on = DateField(
        label=_("Date d'émission"),
        initial=timezone.localdate,
        help_text=_("Pas dans le futur, dans la validité d'un marché en cours ; le numéro suit son année."),
    )
    commitment_number = forms.CharField(
        label=_("Numéro d'engagement (logiciel financier)"), max_length=50, required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_line"].queryset = (
            access.visible(user, BudgetLine)
            .filter(status=BudgetLineStatus.APPROVED)
            .select_related("project")
            .with_amounts()
            .order_by("-fiscal_year", "label")
        )
        self.fields["budget_line"].label_from_instance = budget_line_option_label


class MilestoneForm(PageForm):
    id_prefix = "milestone"
    label = forms.CharField(label=_("Livrable"), max_length=255)
    due_on = DateField(label=_("Échéance"))
    amount_ht = MoneyField(
        label=_("Valeur HT (€)"),
        required=False,
        min_value=0.01,
        help_text=_("Par défaut, le montant du bon de commande."),
    )


class DeliverForm(PageForm):
    id_prefix = "deliver"
    delivered_on = DateField(label=_("Livré le"), initial=timezone.localdate)


class CertifyForm(PageForm):
    id_prefix = "certify"
    service_done_on = DateField(label=_("Service fait le"), initial=timezone.localdate)


class WaiveForm(PageForm):
    id_prefix = "waive"
    penalty_reason = forms.CharField(label=_("Motif de l'exonération"), widget=forms.Textarea(attrs={"rows": 2}))


class PenaltyNoticeForm(PageForm):
    id_prefix = "notice"
    penalty_notice_sent_on = DateField(label=_("Courrier envoyé le"), initial=timezone.localdate)


class PenaltyObservationsForm(PageForm):
    id_prefix = "observations"
    penalty_observations_on = DateField(label=_("Observations reçues le"), initial=timezone.localdate)
    penalty_observations = forms.CharField(
        label=_("Observations du titulaire"), widget=forms.Textarea(attrs={"rows": 3})
    )


class PenaltyDecisionForm(PageForm):
    id_prefix = "decision"
    penalty_decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[
            (PenaltyDecision.APPLIED, _("Appliquer les pénalités notifiées")),
            (PenaltyDecision.REDUCED, _("Réduire les pénalités")),
            (PenaltyDecision.WAIVED, _("Exonérer le titulaire")),
        ],
        widget=forms.RadioSelect,
    )
    penalty = MoneyField(
        label=_("Montant réduit HT (€)"), required=False, min_value=0.01, help_text=_("Pour une réduction seulement.")
    )
    penalty_reason = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour une réduction ou une exonération."),
    )


class OrderDecisionForm(PageForm):
    id_prefix = "approval"
    outcome = forms.ChoiceField(label=_("Décision"), choices=OrderDecisionOutcome.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Motif / commentaire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour un refus."),
    )


class InvoiceForm(PageForm):
    id_prefix = "invoice"
    number = forms.CharField(label=_("Numéro de facture"), max_length=50)
    received_on = DateField(label=_("Reçue le"), initial=timezone.localdate)
    amount_ht = MoneyField(label=_("Montant HT (€)"), min_value=0.01)
    amount_ttc = MoneyField(
        label=_("Montant TTC (€)"),
        required=False,
        min_value=0.01,
        help_text=_("Calculé avec le taux de TVA du bon s'il est laissé vide."),
    )
    milestones = forms.ModelMultipleChoiceField(
        label=_("Jalons facturés"),
        queryset=Milestone.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leur service fait doit être certifié avant le paiement. Aucun coché : tous les jalons du bon."),
    )

    def __init__(self, *args, order=None, **kwargs):
        super().__init__(*args, **kwargs)
        if order is None:
            del self.fields["milestones"]
        else:
            self.fields["milestones"].queryset = order.milestones.order_by("due_on", "pk")


class SuspendForm(PageForm):
    id_prefix = "suspend"
    suspended_on = DateField(label=_("Suspendu le"), initial=timezone.localdate)
    suspension_reason = forms.CharField(label=_("Motif de la suspension"), widget=forms.Textarea(attrs={"rows": 2}))


class ResumeForm(PageForm):
    id_prefix = "resume"
    resumed_on = DateField(label=_("Repris le"), initial=timezone.localdate)


class PayForm(PageForm):
    id_prefix = "pay"
    paid_on = DateField(label=_("Payée le"), initial=timezone.localdate)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV"), help_text=_("Séparateur « ; » ou « , », UTF-8 ou Windows-1252."))
