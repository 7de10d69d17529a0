from django.urls import path, re_path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.MeetingListView.as_view(), name="index"),
    path("meetings/calendrier/", views.calendar_month, name="calendar_month"),
    path("meetings/nouvelle/", views.meeting_create, name="create"),
    path("meetings/nouvelle-serie/", views.series_create, name="series_create"),
    path("meetings/decisions/", views.DecisionListView.as_view(), name="decisions"),
    path("meetings/mes-actions/", views.my_actions, name="my_actions"),
    path("meetings/actions/<int:action_pk>/statut/", views.action_status, name="action_status"),
    path("meetings/<int:pk>/", views.detail, name="detail"),
    path("meetings/<int:pk>/modifier/", views.meeting_edit, name="edit"),
    path("meetings/<int:pk>/annuler/", views.meeting_cancel, name="cancel"),
    path("meetings/<int:pk>/inviter/", views.invite, name="invite"),
    path("meetings/<int:pk>/presence/", views.attendance, name="attendance"),
    path("meetings/<int:pk>/ordre-du-jour/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/ordre-du-jour/<int:item_pk>/supprimer/", views.agenda_delete, name="agenda_delete"),
    re_path(r"^meetings/(?P<pk>[0-9]+)/ordre-du-jour/(?P<item_pk>[0-9]+)/(?P<direction>up|down)/$",
            views.agenda_move, name="agenda_move"),
    path("meetings/<int:pk>/compte-rendu/", views.minutes_save, name="minutes_save"),
    re_path(r"^meetings/(?P<pk>[0-9]+)/compte-rendu/(?P<name>submit|reopen|approve|publish)/$", views.minutes_transition,
            name="minutes_transition"),
    path("meetings/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/actions/", views.action_add, name="action_add"),
    path("meetings/<int:pk>/commentaires/", views.comment_add, name="comment_add"),
    path("meetings/<int:pk>/minutes.pdf", views.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/emargement.pdf", views.attendance_pdf, name="attendance_pdf"),
    path("meetings/<int:pk>/reunion.ics", views.meeting_ics, name="ics"),
    path("calendar/", views.my_calendar, name="my_calendar"),
    path("calendar/revoquer/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/reseau.ics", views.network_feed, name="network_feed"),
    path("calendar/organisations/<int:org_pk>.ics", views.organisation_feed, name="organisation_feed"),
    path("calendar/<str:token>.ics", views.personal_feed, name="personal_feed"),
    path("calendar/<str:token>/reseau.ics", views.token_network_feed, name="token_network_feed"),
    path("calendar/<str:token>/organisations/<int:org_pk>.ics", views.token_organisation_feed,
         name="token_organisation_feed"),
]
