from django.urls import path

from planning import views

app_name = "planning"

urlpatterns = [
    path("projects/planning/", views.gantt, name="index"),
    path("projects/<int:project_pk>/phases/new/", views.phase_create, name="phase_create"),
    path("phases/<int:pk>/edit/", views.phase_edit, name="phase_edit"),
    path("phases/<int:pk>/delete/", views.phase_delete, name="phase_delete"),
]
