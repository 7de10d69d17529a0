from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from mdo import directory, views

admin.site.site_header = "MDO Pilotage — administration"
admin.site.site_title = "MDO Pilotage"
admin.site.index_title = "Données de référence"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("tasks/", views.tasks, name="tasks"),
    path("recherche/", views.search, name="search"),
    path("aide/", views.help_index, name="help_index"),
    path("aide/glossaire/", views.help_glossary, name="help_glossary"),
    path("aide/<slug:slug>/", views.help_section, name="help_section"),
    path("choix/<slug:kind>/", views.picker_options, name="picker_options"),
    path("accounts/login/", views.CityLoginView.as_view(), name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/refused/", views.sign_in_failed, name="sign_in_failed"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("oidc/authenticate/", directory.CityOIDCRequestView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", directory.CityOIDCCallbackView.as_view(), name="oidc_authentication_callback"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("quartiers/<int:pk>/", views.neighbourhood_detail, name="neighbourhood_detail"),
    path("personnes/<int:pk>/", views.user_detail, name="user_detail"),
    path("traitements/<int:pk>/", views.job_detail, name="job_detail"),
    path("traitements/<int:pk>/etat.json", views.job_status, name="job_status"),
    path("traitements/<int:pk>/fichier", views.job_download, name="job_download"),
    path("admin/", admin.site.urls),
]

# Each app mounts its own URLs; listed here so that the core's code never imports an app.
for module in settings.APP_URLS:
    urlpatterns.append(path("", include(module)))

handler404 = "mdo.views.page_not_found"
handler500 = "mdo.views.server_error"
