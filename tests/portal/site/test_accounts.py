"""allauth's pages in the portal's voice: sentence case, labels and no placeholders, a sign-up that says what
happens next, and people shown by name or email, never by the username generated for them."""

import re

import pytest
from django.urls import reverse

from ..conftest import PASSWORD

TITLE_CASE = re.compile(
    r"\b(Sign In|Sign Up|Sign Out|Remember Me|Password Reset|Reset My Password|Email Addresses|Change Password|Two-Factor Authentication|Make Primary|Add Email|Current Password|New Password)\b"
)


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html.split("<main", 1)[1].split("</main>", 1)[0])


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"])
def test_entrance_pages_are_in_sentence_case_with_labels_and_no_placeholders(client, loti, path):
    html = client.get(path).content.decode()
    assert not TITLE_CASE.search(visible_text(html)), TITLE_CASE.search(visible_text(html))
    assert "placeholder=" not in html
    for field in re.findall(r'<input[^>]+type="(?:email|password|text)"[^>]*id="([^"]+)"', html):
        assert f'for="{field}"' in html, f"{field} has no label"


def test_signed_in_account_pages_are_in_sentence_case(client, loti):
    client.force_login(loti.camden_officer)
    for path in ("/accounts/email/", "/accounts/2fa/", "/accounts/password/change/", "/accounts/logout/"):
        html = client.get(path).content.decode()
        assert not TITLE_CASE.search(visible_text(html)), (path, TITLE_CASE.search(visible_text(html)))
        assert "placeholder=" not in html, path


def test_sign_up_explains_the_work_email_match_and_the_approval_wait(client, loti):
    html = visible_text(client.get("/accounts/signup/").content.decode())
    assert "work email address" in html and "matches its ending to your borough" in html
    assert "LOTI staff check that you work for the borough and approve your account" in html
    assert "Confirm your password" in html


def test_nobody_sees_a_generated_username(client, loti):
    officer = loti.camden_officer
    officer.username = "cio-generated-7f3a"
    officer.save()
    response = client.post(reverse("account_login"), {"login": officer.email, "password": PASSWORD}, follow=True)
    for path in ("/", "/accounts/email/", "/accounts/2fa/"):
        html = response.content.decode() if path == "/" else client.get(path).content.decode()
        assert "cio-generated-7f3a" not in html, path
    assert f"signed in as {officer.email}" in response.content.decode()
