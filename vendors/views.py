"""Thin views: check access, call one service, turn its refusal into errors at the form's fields."""

import secrets

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from mdo import access, policy
from mdo.history import history_rows
from mdo.listing import ScopedTableView
from mdo.money import euros
from mdo.policy import policy_required
from projects.selectors import openable_project_fields
from vendors import forms, selectors, services
from vendors.access import PROJECT
from vendors.enums import MilestoneStatus, OrderStatus
from vendors.filters import ContractFilter, InvoiceFilter, MilestoneFilter, OrderFilter, VendorFilter
from vendors.flows import MilestoneLifecycle
from vendors.models import Contract, Invoice, Milestone, PurchaseOrder, Vendor, VendorContact
from vendors.tables import ContractTable, InvoiceTable, MilestoneTable, OrderTable, VendorTable

VENDORS = (_("Prestataires"), "vendors:index")
DETAIL_ROWS = 100


def _crumbs(*items):
    return [(label, reverse(url) if url and ":" in url else url) for label, url in items]


def _run(form, call):
    """Run a service with the form's data; its ValidationError lands on the form's fields."""
    try:
        return call(form.cleaned_data)
    except ValidationError as error:
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None


# --- lists --------------------------------------------------------------------------------


class VendorsListMixin:
    template_name = "vendors/list.html"
    #: (label, url name) of the buttons shown to the MDO above the list.
    actions: tuple = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        allowed = policy.allows(self.request.user, "change", self.model)
        context["list_actions"] = [(label, reverse(name)) for label, name in self.actions] if allowed else []
        return context


class VendorListView(VendorsListMixin, ScopedTableView):
    model = Vendor
    table_class = VendorTable
    filterset_class = VendorFilter
    export_name = "titulaires"
    actions = ((_("Nouveau titulaire"), "vendors:vendor_create"),)
    title = _("Titulaires")
    breadcrumbs = [(_("Prestataires"), None)]

    def get_queryset(self):
        return selectors.vendor_list(user=self.request.user)


class ContractListView(VendorsListMixin, ScopedTableView):
    model = Contract
    table_class = ContractTable
    filterset_class = ContractFilter
    export_name = "marches"
    actions = ((_("Nouveau marché"), "vendors:contract_create"), (_("Importer (CSV)"), "vendors:import"))
    title = _("Marchés")

    def get_queryset(self):
        return selectors.contract_list(user=self.request.user)

    @property
    def breadcrumbs(self):
        return _crumbs(VENDORS, (_("Marchés"), None))


class OrderListView(VendorsListMixin, ScopedTableView):
    model = PurchaseOrder
    table_class = OrderTable
    filterset_class = OrderFilter
    export_name = "bons-de-commande"
    title = _("Bons de commande")

    def get_queryset(self):
        return selectors.order_list(user=self.request.user)

    @property
    def breadcrumbs(self):
        return _crumbs(VENDORS, (_("Bons de commande"), None))


class MilestoneListView(VendorsListMixin, ScopedTableView):
    model = Milestone
    table_class = MilestoneTable
    filterset_class = MilestoneFilter
    export_name = "jalons"
    title = _("Jalons (les retards d'abord)")

    def get_queryset(self):
        return selectors.milestone_list(user=self.request.user)

    @property
    def breadcrumbs(self):
        return _crumbs(VENDORS, (_("Jalons"), None))


class ToCertifyListView(MilestoneListView):
    export_name = "jalons-a-certifier"
    title = _("À certifier : jalons livrés en attente du service fait")

    def get_queryset(self):
        return selectors.milestones_to_certify(user=self.request.user)

    @property
    def breadcrumbs(self):
        return _crumbs(VENDORS, (_("À certifier"), None))


class InvoiceListView(VendorsListMixin, ScopedTableView):
    model = Invoice
    table_class = InvoiceTable
    filterset_class = InvoiceFilter
    export_name = "factures"
    title = _("Factures (échéances proches d'abord)")

    def get_queryset(self):
        return selectors.invoice_list(user=self.request.user)

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "rates": selectors.late_payment_rates()}

    @property
    def breadcrumbs(self):
        return _crumbs(VENDORS, (_("Factures"), None))


# --- vendors ------------------------------------------------------------------------------


@policy_required("create", "vendors.vendor")
def vendor_create(request):
    form = forms.VendorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        vendor = _run(form, lambda d: services.vendor_create(by=request.user, **d))
        if vendor:
            messages.success(request, f"Titulaire « {vendor} » créé.")
            return redirect(vendor)
    return render(
        request,
        "vendors/form.html",
        {
            "form": form,
            "title": "Nouveau titulaire",
            "breadcrumbs": _crumbs(VENDORS, ("Nouveau titulaire", None)),
        },
    )


def vendor_detail(request, pk: int):
    user = request.user
    vendor = access.get_visible_or_404(user, Vendor, pk=pk)
    contracts = selectors.contract_list(user=user).filter(vendor=vendor)
    orders = selectors.order_list(user=user).filter(contract__vendor=vendor)
    invoices = selectors.invoice_list(user=user).filter(order__contract__vendor=vendor)
    late_milestones = selectors.milestone_list(user=user).filter(contract__vendor=vendor).late()
    return render(
        request,
        "vendors/vendor_detail.html",
        {
            "vendor": vendor,
            "contacts": list(vendor.contacts.all()),
            "contracts": list(contracts[:DETAIL_ROWS]),
            "orders": list(orders[:DETAIL_ROWS]),
            "invoices": list(invoices[:DETAIL_ROWS]),
            "late_milestones": list(late_milestones[:DETAIL_ROWS]),
            "stats": selectors.vendor_stats(vendor=vendor, user=user),
            "contact_form": forms.VendorContactForm(),
            "can_change": access.can_change(user, vendor),
            "history": history_rows(vendor),
            "breadcrumbs": _crumbs(VENDORS, (str(vendor), None)),
        },
    )


def vendor_update(request, pk: int):
    vendor = access.get_changeable_or_404(request.user, Vendor, pk=pk)
    title, crumb = f"Modifier le titulaire « {vendor.name} »", str(vendor)  # before the form touches the instance
    form = forms.VendorForm(request.POST or None, instance=vendor)
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda d: services.vendor_update(vendor=vendor, by=request.user, **d)):
            messages.success(request, "Titulaire modifié.")
            return redirect(vendor)
    return render(
        request,
        "vendors/form.html",
        {
            "form": form,
            "title": title,
            "cancel_url": vendor.get_absolute_url(),
            "breadcrumbs": _crumbs(VENDORS, (crumb, vendor.get_absolute_url()), ("Modifier", None)),
        },
        status=400 if form.is_bound else 200,
    )


def vendor_contact_update(request, pk: int):
    contact = access.get_changeable_or_404(request.user, VendorContact.objects.select_related("vendor"), pk=pk)
    vendor = contact.vendor
    initial = {name: getattr(contact, name) for name in forms.VendorContactForm.base_fields}
    form = forms.VendorContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda d: services.vendor_contact_update(contact=contact, by=request.user, **d)):
            messages.success(request, "Contact modifié.")
            return redirect(vendor)
    return render(
        request,
        "vendors/form.html",
        {
            "form": form,
            "title": f"Modifier le contact « {contact.name} »",
            "cancel_url": vendor.get_absolute_url(),
            "breadcrumbs": _crumbs(VENDORS, (str(vendor), vendor.get_absolute_url()), ("Modifier un contact", None)),
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
@policy_required("change", "vendors.vendorcontact")
def vendor_contact_delete(request, pk: int):
    contact = access.get_changeable_or_404(request.user, VendorContact.objects.select_related("vendor"), pk=pk)
    vendor = contact.vendor
    services.vendor_contact_delete(contact=contact, by=request.user)
    messages.success(request, f"Contact « {contact.name} » retiré.")
    return redirect(vendor)


@require_POST
@policy_required("change", "vendors.vendor")
def vendor_contact_create(request, pk: int):
    vendor = access.get_changeable_or_404(request.user, Vendor, pk=pk)
    form = forms.VendorContactForm(request.POST)
    if form.is_valid() and _run(form, lambda d: services.vendor_contact_create(vendor=vendor, by=request.user, **d)):
        messages.success(request, "Contact ajouté.")
    else:
        messages.error(request, "Contact non ajouté : " + "; ".join(e for errs in form.errors.values() for e in errs))
    return redirect(vendor)


# --- contracts ----------------------------------------------------------------------------


@policy_required("create", "vendors.contract")
def contract_create(request):
    initial = {"vendor": request.GET.get("vendor"), "parent": request.GET.get("parent")}
    form = forms.ContractForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        contract = _run(form, lambda d: services.contract_create(by=request.user, **d))
        if contract:
            messages.success(request, f"Marché {contract.reference} créé.")
            return redirect(contract)
    return render(
        request,
        "vendors/form.html",
        {
            "form": form,
            "title": "Nouveau marché",
            "breadcrumbs": _crumbs(VENDORS, (_("Marchés"), "vendors:contract_list"), ("Nouveau marché", None)),
        },
    )


def _contract_page(request, contract, *, amendment_form=None, milestone_form=None, renew_form=None, status=200):
    user = request.user
    orders = selectors.order_list(user=user).filter(Q(contract=contract) | Q(contract__parent=contract))
    return render(
        request,
        "vendors/contract_detail.html",
        {
            "contract": contract,
            "consumption": selectors.contract_consumption(contract),
            "amendments": list(contract.amendments.all()),
            "subsequents": list(selectors.contract_list(user=user).filter(parent=contract)),
            "orders": list(orders[:DETAIL_ROWS]),
            "milestones": list(selectors.milestone_list(user=user).filter(contract=contract, order__isnull=True)),
            "amendment_form": amendment_form or forms.AmendmentForm(),
            "milestone_form": milestone_form or forms.MilestoneForm(),
            "renew_form": renew_form or forms.RenewForm(),
            "can_change": access.can_change(user, contract),
            "history": history_rows(contract),
            "breadcrumbs": _crumbs(VENDORS, (_("Marchés"), "vendors:contract_list"), (contract.reference, None)),
        },
        status=status,
    )


def _contract_queryset():
    return Contract.objects.select_related("vendor", "parent", "created_by").with_totals()


def contract_detail(request, pk: int):
    return _contract_page(request, access.get_visible_or_404(request.user, _contract_queryset(), pk=pk))


def contract_update(request, pk: int):
    contract = access.get_changeable_or_404(request.user, _contract_queryset(), pk=pk)
    has_orders = PurchaseOrder.objects.filter(Q(contract=contract) | Q(contract__parent=contract)).exists()
    form = forms.ContractUpdateForm(request.POST or None, contract=contract, has_orders=has_orders)
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda d: services.contract_update(contract=contract, by=request.user, **d)):
            messages.success(request, f"Marché {contract.reference} modifié.")
            return redirect(contract)
    return render(
        request,
        "vendors/form.html",
        {
            "form": form,
            "title": f"Modifier le marché {contract.reference}",
            "cancel_url": contract.get_absolute_url(),
            "breadcrumbs": _crumbs(VENDORS, (contract.reference, contract.get_absolute_url()), ("Modifier", None)),
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
@policy_required("change", "vendors.contract")
def amendment_create(request, pk: int):
    contract = access.get_changeable_or_404(request.user, _contract_queryset(), pk=pk)
    form = forms.AmendmentForm(request.POST)
    if form.is_valid() and _run(form, lambda d: services.amendment_create(contract=contract, by=request.user, **d)):
        messages.success(request, "Avenant enregistré.")
        return redirect(contract)
    return _contract_page(request, contract, amendment_form=form, status=400)


@require_POST
@policy_required("change", "vendors.contract")
def contract_renew(request, pk: int):
    contract = access.get_changeable_or_404(request.user, _contract_queryset(), pk=pk)
    form = forms.RenewForm(request.POST)
    renewed = form.is_valid() and _run(
        form, lambda d: services.contract_renew(contract=contract, by=request.user, decided_on=d["decided_on"])
    )
    if renewed:
        messages.success(
            request, f"Reconduction enregistrée : le marché est valide jusqu'au {renewed.valid_until:%d/%m/%Y}."
        )
        return redirect(contract)
    return _contract_page(request, contract, renew_form=form, status=400)


@require_POST
@policy_required("change", "vendors.contract")
def contract_milestone_create(request, pk: int):
    contract = access.get_changeable_or_404(request.user, _contract_queryset(), pk=pk)
    form = forms.MilestoneForm(request.POST)
    if form.is_valid() and _run(form, lambda d: services.milestone_create(contract=contract, by=request.user, **d)):
        messages.success(request, "Jalon ajouté.")
        return redirect(contract)
    return _contract_page(request, contract, milestone_form=form, status=400)


# --- orders -------------------------------------------------------------------------------


def order_create(request, pk: int):
    contract = access.get_changeable_or_404(request.user, _contract_queryset(), pk=pk)
    # The project page links here with ?budget_line=&subject= to prefill the order for that project.
    initial = {key: request.GET[key] for key in ("budget_line", "subject") if request.GET.get(key)}
    form = forms.OrderForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        order = _run(form, lambda d: services.purchase_order_create(contract=contract, by=request.user, **d))
        if order and order.status == OrderStatus.AWAITING_APPROVAL:
            messages.success(
                request,
                f"Bon de commande {order.number} enregistré ({euros(order.amount_ht, 'HT')}) : au-delà du "
                f"seuil, il attend sa validation avant d'être émis.",
            )
            return redirect(order)
        if order:
            messages.success(request, f"Bon de commande {order.number} émis ({euros(order.amount_ht, 'HT')}).")
            return redirect(order)
    consumption = selectors.contract_consumption(contract)
    return render(
        request,
        "vendors/order_form.html",
        {
            "form": form,
            "contract": contract,
            "consumption": consumption,
            "title": f"Nouveau bon de commande sur {contract.reference}",
            "breadcrumbs": _crumbs(
                VENDORS, (contract.reference, contract.get_absolute_url()), ("Nouveau bon de commande", None)
            ),
        },
        status=400 if form.is_bound else 200,
    )


def _order_queryset(user):
    return (
        PurchaseOrder.objects.select_related(
            "contract__vendor", "contract__parent", "commitment__budget_line__project", "issued_by"
        )
        .with_invoiced()
        .annotate(**openable_project_fields(user=user, path=PROJECT))
    )


def _order_approval(user, order):
    """The order's open approval task and why ``user`` may not decide it (None when they may)."""
    from vendors.approval import open_order_tasks, order_task_refusal

    if order.status != OrderStatus.AWAITING_APPROVAL:
        return None, None
    task = open_order_tasks().filter(process__orderapproval__order=order).order_by("-pk").first()
    return task, (order_task_refusal(user, task, order) if task else None)


def _order_page(request, order, *, milestone_form=None, invoice_form=None, approval_form=None, status=200):
    user = request.user
    task, refusal = _order_approval(user, order)
    rates = selectors.late_payment_rates()
    invoices = list(order.invoices.order_by("received_on", "pk"))
    invoice_rows = [(invoice, selectors.invoice_interest(invoice, rates)) for invoice in invoices]
    return render(
        request,
        "vendors/order_detail.html",
        {
            "order": order,
            "milestones": list(order.milestones.select_related("service_done_by").order_by("due_on", "pk")),
            "invoice_rows": invoice_rows,
            "invoiced": order.invoiced_ht,
            "remaining": order.remaining_to_invoice_ht,
            "interest_recorded": sum((invoice.interest_total for invoice in invoices), services.ZERO),
            "milestone_form": milestone_form or forms.MilestoneForm(),
            "invoice_form": invoice_form or forms.InvoiceForm(order=order),
            "can_change": access.can_change(user, order),
            "approval_task": task,
            "approval_refusal": refusal,
            "approval_form": approval_form or forms.OrderDecisionForm(),
            "decisions": list(order.decisions.select_related("decided_by")),
            "history": history_rows(order),
            "breadcrumbs": _crumbs(VENDORS, (_("Bons de commande"), "vendors:order_list"), (order.number, None)),
        },
        status=status,
    )


def order_detail(request, pk: int):
    return _order_page(request, access.get_visible_or_404(request.user, _order_queryset(request.user), pk=pk))


def order_update(request, pk: int):
    order = access.get_changeable_or_404(request.user, _order_queryset(request.user), pk=pk)
    form = forms.OrderUpdateForm(request.POST or None, order=order)
    if request.method == "POST" and form.is_valid():
        if _run(
            form,
            lambda d: services.purchase_order_update(
                order=order, by=request.user, subject=d["subject"], issued_on=d["issued_on"]
            ),
        ):
            messages.success(request, f"Bon de commande {order.number} modifié.")
            return redirect(order)
    return render(
        request,
        "vendors/form.html",
        {
            "form": form,
            "title": f"Modifier le bon de commande {order.number}",
            "cancel_url": order.get_absolute_url(),
            "breadcrumbs": _crumbs(VENDORS, (order.number, order.get_absolute_url()), ("Modifier", None)),
        },
        status=400 if form.is_bound else 200,
    )


@require_POST
def order_decide(request, pk: int):
    """The Responsable MDO's (or the Direction's) decision on an order waiting for its approval."""
    order = access.get_visible_or_404(request.user, _order_queryset(request.user), pk=pk)
    task, refusal = _order_approval(request.user, order)
    if task is None:
        raise Http404("Aucune validation en attente pour ce bon de commande.")
    if refusal:
        raise PermissionDenied(refusal)
    form = forms.OrderDecisionForm(request.POST)
    decision = form.is_valid() and _run(
        form,
        lambda d: services.order_task_decide(task=task, by=request.user, outcome=d["outcome"], comment=d["comment"]),
    )
    if decision:
        order.refresh_from_db()
        messages.success(request, f"Bon de commande {order.number} : {order.get_status_display().lower()}.")
        return redirect(order)
    return _order_page(request, order, approval_form=form, status=400)


@require_POST
@policy_required("change", "vendors.purchaseorder")
def milestone_create(request, pk: int):
    order = access.get_changeable_or_404(request.user, _order_queryset(request.user), pk=pk)
    form = forms.MilestoneForm(request.POST)
    if form.is_valid() and _run(form, lambda d: services.milestone_create(order=order, by=request.user, **d)):
        messages.success(request, "Jalon ajouté.")
        return redirect(order)
    return _order_page(request, order, milestone_form=form, status=400)


@require_POST
@policy_required("change", "vendors.purchaseorder")
def invoice_create(request, pk: int):
    order = access.get_changeable_or_404(request.user, _order_queryset(request.user), pk=pk)
    form = forms.InvoiceForm(request.POST, order=order)
    invoice = form.is_valid() and _run(form, lambda d: services.invoice_create(order=order, by=request.user, **d))
    if invoice:
        messages.success(
            request, f"Facture {invoice.number} enregistrée : à payer au plus tard le {invoice.due_on:%d/%m/%Y}."
        )
        return redirect(invoice)
    return _order_page(request, order, invoice_form=form, status=400)


# --- milestones ---------------------------------------------------------------------------


def _milestone_queryset():
    return Milestone.objects.select_related(
        "contract__vendor",
        "order__issued_by",
        "order__commitment__budget_line__project",
        "service_done_by",
        "penalty_decided_by",
        "created_by",
    )


def _milestone_page(
    request,
    milestone,
    *,
    deliver_form=None,
    certify_form=None,
    waive_form=None,
    notice_form=None,
    observations_form=None,
    decision_form=None,
    status=200,
):
    user = request.user
    flow = MilestoneLifecycle(milestone)
    return render(
        request,
        "vendors/milestone_detail.html",
        {
            "milestone": milestone,
            "penalty": services.milestone_penalty(milestone),
            "can_change": access.can_change(user, milestone),
            "can_decide_penalty": policy.allows(user, "penalty", milestone),
            "notice_form": notice_form or forms.PenaltyNoticeForm(),
            "observations_form": observations_form or forms.PenaltyObservationsForm(),
            "decision_form": decision_form or forms.PenaltyDecisionForm(),
            "can_deliver": flow.deliver.can_proceed() and flow.deliver.has_perm(user),
            "can_certify": milestone.status == MilestoneStatus.DELIVERED and flow.certify.has_perm(user),
            "is_issuer": flow.is_issuer(user),
            "deliver_form": deliver_form or forms.DeliverForm(),
            "certify_form": certify_form or forms.CertifyForm(),
            "waive_form": waive_form or forms.WaiveForm(),
            "history": history_rows(milestone),
            "breadcrumbs": _crumbs(VENDORS, (_("Jalons"), "vendors:milestone_list"), (milestone.label, None)),
        },
        status=status,
    )


def milestone_detail(request, pk: int):
    return _milestone_page(request, access.get_visible_or_404(request.user, _milestone_queryset(), pk=pk))


@require_POST
@policy_required("deliver", "vendors.milestone")
def milestone_deliver(request, pk: int):
    # The lead directorate records the delivery too: the permission is the transition's, not the MDO's edit right.
    milestone = access.get_visible_or_404(request.user, _milestone_queryset(), pk=pk)
    # The right is the policy's; a milestone already delivered is the service's refusal (400 with its message).
    if not policy.allows(request.user, "deliver", milestone):
        raise Http404("Aucun jalon à livrer ne correspond à cette adresse.")
    form = forms.DeliverForm(request.POST)
    if form.is_valid() and _run(form, lambda d: services.milestone_deliver(milestone=milestone, by=request.user, **d)):
        messages.success(request, "Livraison enregistrée : le jalon attend la certification du service fait.")
        return redirect(milestone)
    return _milestone_page(request, milestone, deliver_form=form, status=400)


@require_POST
@policy_required("certify", "vendors.milestone")
def milestone_certify(request, pk: int):
    milestone = access.get_changeable_or_404(request.user, _milestone_queryset(), pk=pk)
    form = forms.CertifyForm(request.POST)
    if not policy.allows(request.user, "certify", milestone):
        # Refused before the form is read (the order's own issuer): the page says why, with a 403.
        messages.error(
            request, "Vous avez émis ce bon de commande : un·e autre agent·e de la MDO doit certifier le service fait."
        )
        return _milestone_page(request, milestone, certify_form=forms.CertifyForm(), status=403)
    if form.is_valid() and _run(
        form, lambda d: services.milestone_certify(milestone=milestone, by=request.user, on=d["service_done_on"])
    ):
        messages.success(request, "Service fait certifié.")
        return redirect(milestone)
    return _milestone_page(request, milestone, certify_form=form, status=400)


@require_POST
@policy_required("change", "vendors.milestone")
def milestone_penalty_apply(request, pk: int):
    milestone = access.get_changeable_or_404(request.user, _milestone_queryset(), pk=pk)
    try:
        milestone = services.milestone_penalty_apply(milestone=milestone, by=request.user)
        messages.success(request, f"Pénalités appliquées : {euros(milestone.penalty, 'HT')}.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(milestone)


@require_POST
@policy_required("change", "vendors.milestone")
def milestone_penalty_waive(request, pk: int):
    milestone = access.get_changeable_or_404(request.user, _milestone_queryset(), pk=pk)
    form = forms.WaiveForm(request.POST)
    if form.is_valid() and _run(
        form,
        lambda d: services.milestone_penalty_waive(milestone=milestone, by=request.user, reason=d["penalty_reason"]),
    ):
        messages.success(request, "Exonération des pénalités enregistrée.")
        return redirect(milestone)
    return _milestone_page(request, milestone, waive_form=form, status=400)


# --- the penalty procedure: notice, observations, decision ----------------------------------


def _penalty_milestone(request, pk: int):
    """A milestone in the user's scope (else 404) on which they may conduct the penalty procedure (else 403)."""
    milestone = access.get_visible_or_404(request.user, _milestone_queryset(), pk=pk)
    if not policy.allows(request.user, "penalty", milestone):
        raise PermissionDenied("Seule la MDO conduit la procédure de pénalités.")
    return milestone


@require_POST
def milestone_penalty_notify(request, pk: int):
    milestone = _penalty_milestone(request, pk)
    form = forms.PenaltyNoticeForm(request.POST)
    if form.is_valid() and _run(
        form,
        lambda d: services.milestone_penalty_notify(
            milestone=milestone, by=request.user, sent_on=d["penalty_notice_sent_on"]
        ),
    ):
        messages.success(
            request,
            "Envoi du courrier de pénalités enregistré : le titulaire a 15 jours pour présenter ses observations.",
        )
        return redirect(milestone)
    return _milestone_page(request, milestone, notice_form=form, status=400)


def milestone_penalty_notice_pdf(request, pk: int):
    """The letter informing the vendor of the penalties envisaged (before or after its sending is recorded)."""
    from vendors.pdf import render_penalty_notice

    milestone = _penalty_milestone(request, pk)
    proposal = services.milestone_penalty(milestone)
    amount = milestone.penalty_notice_amount if milestone.penalty_notice_amount is not None else proposal.amount
    if not milestone.is_late or milestone.status == MilestoneStatus.PENDING or not amount:
        raise Http404("Aucune pénalité à notifier pour ce jalon.")
    pdf = render_penalty_notice(milestone=milestone, proposal=proposal, amount=amount)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="courrier-penalites-jalon-{milestone.pk}.pdf"'
    return response


@require_POST
def milestone_penalty_observations(request, pk: int):
    milestone = _penalty_milestone(request, pk)
    form = forms.PenaltyObservationsForm(request.POST)
    if form.is_valid() and _run(
        form,
        lambda d: services.milestone_penalty_observations(
            milestone=milestone,
            by=request.user,
            received_on=d["penalty_observations_on"],
            text=d["penalty_observations"],
        ),
    ):
        messages.success(request, "Observations du titulaire enregistrées.")
        return redirect(milestone)
    return _milestone_page(request, milestone, observations_form=form, status=400)


@require_POST
def milestone_penalty_decide(request, pk: int):
    milestone = _penalty_milestone(request, pk)
    form = forms.PenaltyDecisionForm(request.POST)
    decided = form.is_valid() and _run(
        form,
        lambda d: services.milestone_penalty_decide(
            milestone=milestone,
            by=request.user,
            decision=d["penalty_decision"],
            amount=d["penalty"],
            reason=d["penalty_reason"],
        ),
    )
    if decided:
        messages.success(
            request,
            f"Décision sur les pénalités enregistrée : {decided.get_penalty_decision_display().lower()} "
            f"({euros(decided.penalty, 'HT')}).",
        )
        return redirect(milestone)
    return _milestone_page(request, milestone, decision_form=form, status=400)


# --- invoices -----------------------------------------------------------------------------


def _invoice_queryset():
    return Invoice.objects.select_related("order__contract__vendor", "created_by")


def _invoice_page(request, invoice, *, suspend_form=None, resume_form=None, pay_form=None, status=200):
    return render(
        request,
        "vendors/invoice_detail.html",
        {
            "invoice": invoice,
            "interest": selectors.invoice_interest(invoice),
            "can_change": access.can_change(request.user, invoice),
            "suspend_form": suspend_form or forms.SuspendForm(),
            "resume_form": resume_form or forms.ResumeForm(),
            "pay_form": pay_form or forms.PayForm(),
            "history": history_rows(invoice),
            "breadcrumbs": _crumbs(VENDORS, (_("Factures"), "vendors:invoice_list"), (str(invoice), None)),
        },
        status=status,
    )


def invoice_detail(request, pk: int):
    return _invoice_page(request, access.get_visible_or_404(request.user, _invoice_queryset(), pk=pk))


@require_POST
@policy_required("change", "vendors.invoice")
def invoice_suspend(request, pk: int):
    invoice = access.get_changeable_or_404(request.user, _invoice_queryset(), pk=pk)
    form = forms.SuspendForm(request.POST)
    if form.is_valid() and _run(
        form,
        lambda d: services.invoice_suspend(
            invoice=invoice, by=request.user, on=d["suspended_on"], reason=d["suspension_reason"]
        ),
    ):
        messages.success(request, "Délai de paiement suspendu.")
        return redirect(invoice)
    return _invoice_page(request, invoice, suspend_form=form, status=400)


@require_POST
@policy_required("change", "vendors.invoice")
def invoice_resume(request, pk: int):
    invoice = access.get_changeable_or_404(request.user, _invoice_queryset(), pk=pk)
    form = forms.ResumeForm(request.POST)
    if form.is_valid() and _run(
        form, lambda d: services.invoice_resume(invoice=invoice, by=request.user, on=d["resumed_on"])
    ):
        messages.success(request, "Délai de paiement repris.")
        return redirect(invoice)
    return _invoice_page(request, invoice, resume_form=form, status=400)


@require_POST
@policy_required("change", "vendors.invoice")
def invoice_pay(request, pk: int):
    invoice = access.get_changeable_or_404(request.user, _invoice_queryset(), pk=pk)
    form = forms.PayForm(request.POST)
    if form.is_valid() and _run(form, lambda d: services.invoice_pay(invoice=invoice, by=request.user, **d)):
        messages.success(request, "Paiement enregistré.")
        return redirect(invoice)
    return _invoice_page(request, invoice, pay_form=form, status=400)


# --- import -------------------------------------------------------------------------------


@policy_required("import", "vendors.contract")
def import_view(request):
    """Upload of the MDO's spreadsheet of contracts and orders, imported by the task queue: the job's
    page follows its progress and ends with the summary, or every refused line (all or nothing)."""
    from mdo import jobs
    from vendors.jobs import CONTRACT_IMPORT

    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        path = default_storage.save(f"imports/contracts-{secrets.token_hex(8)}.csv", ContentFile(upload.read()))
        job = jobs.job_start(
            kind=CONTRACT_IMPORT,
            label=f"Import des marchés et bons de commande : {upload.name}",
            params={"path": path, "filename": upload.name},
            by=request.user,
        )
        return redirect(job)
    return render(
        request,
        "vendors/import.html",
        {"form": form, "breadcrumbs": _crumbs(VENDORS, ("Importer des marchés", None))},
        status=400 if form.errors else 200,
    )
