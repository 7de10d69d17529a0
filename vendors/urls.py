from django.urls import path

from vendors import views

app_name = "vendors"

urlpatterns = [
    path("vendors/", views.VendorListView.as_view(), name="index"),
    path("vendors/new/", views.vendor_create, name="vendor_create"),
    path("vendors/<int:pk>/", views.vendor_detail, name="vendor_detail"),
    path("vendors/<int:pk>/edit/", views.vendor_update, name="vendor_update"),
    path("vendors/<int:pk>/contacts/", views.vendor_contact_create, name="vendor_contact_create"),
    path("vendors/contacts/<int:pk>/edit/", views.vendor_contact_update, name="vendor_contact_update"),
    path("vendors/contacts/<int:pk>/delete/", views.vendor_contact_delete, name="vendor_contact_delete"),
    path("vendors/contracts/", views.ContractListView.as_view(), name="contract_list"),
    path("vendors/contracts/new/", views.contract_create, name="contract_create"),
    path("vendors/contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("vendors/contracts/<int:pk>/edit/", views.contract_update, name="contract_update"),
    path("vendors/contracts/<int:pk>/amendments/", views.amendment_create, name="amendment_create"),
    path("vendors/contracts/<int:pk>/renew/", views.contract_renew, name="contract_renew"),
    path("vendors/contracts/<int:pk>/milestones/", views.contract_milestone_create, name="contract_milestone_create"),
    path("vendors/contracts/<int:pk>/orders/new/", views.order_create, name="order_create"),
    path("vendors/orders/", views.OrderListView.as_view(), name="order_list"),
    path("vendors/orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("vendors/orders/<int:pk>/edit/", views.order_update, name="order_update"),
    path("vendors/orders/<int:pk>/approval/", views.order_decide, name="order_decide"),
    path("vendors/orders/<int:pk>/milestones/", views.milestone_create, name="milestone_create"),
    path("vendors/orders/<int:pk>/invoices/", views.invoice_create, name="invoice_create"),
    path("vendors/milestones/", views.MilestoneListView.as_view(), name="milestone_list"),
    path("vendors/milestones/to-certify/", views.ToCertifyListView.as_view(), name="to_certify"),
    path("vendors/milestones/<int:pk>/", views.milestone_detail, name="milestone_detail"),
    path("vendors/milestones/<int:pk>/deliver/", views.milestone_deliver, name="milestone_deliver"),
    path("vendors/milestones/<int:pk>/certify/", views.milestone_certify, name="milestone_certify"),
    path("vendors/milestones/<int:pk>/penalty/apply/", views.milestone_penalty_apply, name="milestone_penalty_apply"),
    path("vendors/milestones/<int:pk>/penalty/waive/", views.milestone_penalty_waive, name="milestone_penalty_waive"),
    path(
        "vendors/milestones/<int:pk>/penalty/notice.pdf",
        views.milestone_penalty_notice_pdf,
        name="milestone_penalty_notice_pdf",
    ),
    path(
        "vendors/milestones/<int:pk>/penalty/notify/", views.milestone_penalty_notify, name="milestone_penalty_notify"
    ),
    path(
        "vendors/milestones/<int:pk>/penalty/observations/",
        views.milestone_penalty_observations,
        name="milestone_penalty_observations",
    ),
    path(
        "vendors/milestones/<int:pk>/penalty/decide/", views.milestone_penalty_decide, name="milestone_penalty_decide"
    ),
    path("vendors/invoices/", views.InvoiceListView.as_view(), name="invoice_list"),
    path("vendors/invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("vendors/invoices/<int:pk>/suspend/", views.invoice_suspend, name="invoice_suspend"),
    path("vendors/invoices/<int:pk>/resume/", views.invoice_resume, name="invoice_resume"),
    path("vendors/invoices/<int:pk>/pay/", views.invoice_pay, name="invoice_pay"),
    path("vendors/import/", views.import_view, name="import"),
]
