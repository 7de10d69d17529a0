from django.urls import path

from budgets import views

app_name = "budgets"

urlpatterns = [
    path("budgets/", views.BudgetLineListView.as_view(), name="index"),
    path("budgets/lines/new/", views.line_create, name="line_create"),
    path("budgets/lines/<int:pk>/", views.line_detail, name="line_detail"),
    path("budgets/lines/<int:pk>/edit/", views.line_edit, name="line_edit"),
    path("budgets/lines/<int:pk>/submit/", views.line_submit, name="line_submit"),
    path("budgets/lines/<int:pk>/delete/", views.line_delete, name="line_delete"),
    path("budgets/lines/<int:pk>/commitments/", views.commitment_add, name="commitment_add"),
    path("budgets/lines/<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("budgets/tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("budgets/tasks/<int:pk>/take/", views.task_take, name="task_take"),
    path("budgets/tasks/<int:pk>/release/", views.task_release, name="task_release"),
    path("budgets/tasks/<int:pk>/decide/", views.task_decide, name="task_decide"),
    path("budgets/opinions/<int:pk>/correct/", views.opinion_correct, name="opinion_correct"),
    path("budgets/summary/", views.summary, name="summary"),
    path("budgets/report.pdf", views.report_pdf, name="report_pdf"),
]
