"""The portal's URLs plus one view that fails, to see the 500 page the portal serves."""
from django.urls import path

from loti.urls import handler500, urlpatterns as portal_urlpatterns  # noqa: F401  (handler500 is read from here)


def fails(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [*portal_urlpatterns, path("fails/", fails)]
