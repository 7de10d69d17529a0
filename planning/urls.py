from django.urls import path

from planning import views

app_name = "planning"

urlpatterns = [
    path("projects/planning/", views.gantt, name="index"),
]
