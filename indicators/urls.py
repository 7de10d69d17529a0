from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("indicateurs/", views.index, name="index"),
    path("indicateurs/tableau-de-bord/", views.dashboard_chart, name="dashboard_chart"),
    path("indicateurs/bilan-annuel.pdf", views.annual_report_pdf, name="annual_report"),
    path("indicateurs/bilan-annuel/", views.annual_report_job, name="annual_report_job"),
    path("indicateurs/<slug:key>/", views.theme, name="theme"),
]
