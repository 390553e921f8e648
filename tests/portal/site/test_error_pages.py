"""With DEBUG off, every refusal and failure is the portal's own page: in the site layout, saying what happened
and what to do next. Never Django's bare "403 Forbidden", its debug 404 listing the URL patterns, or a blank 500."""

import pytest
from django.test import Client

from ..conftest import make_project

LAYOUT = 'class="govuk-footer"'  # the site layout, with its footer links
FOOTER_LINKS = ["/accessibility/", "/privacy/", "/cookies/", "/contact/"]


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def assert_portal_page(response, status: int, heading: str):
    html = response.content.decode()
    assert response.status_code == status
    assert LAYOUT in html and f">{heading}</h1>" in html, html[:500]
    for link in FOOTER_LINKS:
        assert f'href="{link}"' in html
    # Nothing of Django's own pages or the debug page.
    for leak in ("Using the URLconf", "Traceback", "<h1>Forbidden", "Request Method:", "<h1>Not Found</h1>", "CSRF verification failed"):
        assert leak not in html


def test_an_unknown_address_is_the_portals_404(client, loti):
    response = client.get("/no-such-page/")
    assert_portal_page(response, 404, "Page not found")
    assert "check you copied the whole address" in response.content.decode()


def test_another_boroughs_private_page_is_the_portals_404(client, loti):
    draft = make_project("Camden draft", lead=loti.camden, status="draft")
    client.force_login(loti.hackney_officer)
    assert_portal_page(client.get(f"/projects/{draft.slug}/"), 404, "Page not found")


def test_a_refusal_is_the_portals_403_and_says_why(client, loti):
    client.force_login(loti.pending_officer)  # not yet approved: no budget for them
    response = client.get("/budget/")
    assert_portal_page(response, 403, "You cannot do this")
    html = response.content.decode()
    assert "The budget summary is for LOTI staff and approved officers of member boroughs." in html
    assert loti.pending_officer.email in html  # says which account was refused


@pytest.mark.urls("tests.portal.site.urls_failing")
def test_a_failure_is_the_portals_500(loti):
    client = Client(raise_request_exception=False)
    response = client.get("/fails/")
    assert_portal_page(response, 500, "Sorry, there is a problem with the portal")
    html = response.content.decode()
    assert "a bug in a view" not in html and "RuntimeError" not in html
    assert "hello@loti.london" in html  # what to do next: whom to tell


def test_a_bad_host_is_the_portals_400(client, loti):
    response = client.get("/", HTTP_HOST="portal.example.invalid")
    assert_portal_page(response, 400, "Sorry, there is a problem with that request")


def test_a_form_without_its_csrf_token_is_the_portals_403(loti):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"login": loti.camden_officer.email, "password": "anything"})
    assert_portal_page(response, 403, "Your form could not be sent")
    assert "Nothing you entered has been saved" in response.content.decode()


def test_every_error_page_renders_without_a_request():
    """The 500 page is rendered with no request at all; the others must survive a missing user too."""
    from django.template import loader

    for name in ("400.html", "403.html", "403_csrf.html", "404.html", "500.html"):
        html = loader.get_template(name).render({})
        assert LAYOUT in html, name
