from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:pk>/lue/", views.notification_read, name="read"),
    path("notifications/tout-lu/", views.notification_read_all, name="read_all"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("projects/<int:pk>/suivre/", views.project_follow, name="follow"),
]
