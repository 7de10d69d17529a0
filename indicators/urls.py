from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("indicateurs/", views.index, name="index"),
    path("indicateurs/bilan-annuel.pdf", views.annual_report_pdf, name="annual_report"),
    path("indicateurs/<slug:key>/", views.theme, name="theme"),
]
