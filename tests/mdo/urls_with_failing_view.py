"""The site's URLs plus one view that fails, to see the server error page as a user does."""

from django.urls import path

from mdo.urls import handler404, handler500, urlpatterns as site_urlpatterns  # noqa: F401


def failing_view(request):
    raise RuntimeError("panne simulée d'un calcul")


urlpatterns = [path("panne/", failing_view), *site_urlpatterns]
