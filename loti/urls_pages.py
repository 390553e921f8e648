"""The front door and statutory pages, linked from every page's footer."""

from django.urls import path

from loti import pages

app_name = "site"

urlpatterns = [
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    path("cookies/", pages.cookies, name="cookies"),
    path("contact/", pages.contact, name="contact"),
]
