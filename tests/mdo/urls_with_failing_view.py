"""The site's URLs plus one view that fails, to see the server error page as a user does."""

from django.urls import path

from mdo.urls import handler404, handler500  # noqa: F401
from mdo.urls import urlpatterns as site_urlpatterns


def failing_view(request):
    raise RuntimeError("panne simulée d'un calcul")


urlpatterns = [path("panne/", failing_view), *site_urlpatterns]
