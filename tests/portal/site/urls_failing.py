"""The portal's URLs plus one view that fails, to see the 500 page the portal serves."""

from django.urls import path

from loti.urls import handler500  # noqa: F401  (handler500 is read from here)
from loti.urls import urlpatterns as portal_urlpatterns


def fails(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [*portal_urlpatterns, path("fails/", fails)]
