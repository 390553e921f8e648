"""Security headers, sign-in rate limits (portal and admin), two-factor for staff, and the security log."""

import logging

from django.urls import reverse

from .conftest import PASSWORD, give_totp, make_project


def test_every_response_carries_the_security_headers(client, loti):
    for path in ["/projects/", "/accounts/login/", "/admin/login/", "/does-not-exist/"]:
        response = client.get(path)
        assert response["X-Content-Type-Options"] == "nosniff", path
        assert response["Referrer-Policy"] == "same-origin", path
        assert response["X-Frame-Options"] == "DENY", path
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path


def test_inline_script_runs_only_with_the_pages_nonce(client, loti):
    response = client.get("/projects/")
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    html = response.content.decode()
    assert html.count("<script") == html.count(f'nonce="{nonce}"') == 2
    assert client.get("/projects/")["Content-Security-Policy"] != response["Content-Security-Policy"]


def test_session_cookie_is_http_only(client, loti):
    response = client.post(reverse("account_login"), {"login": loti.camden_officer.email, "password": PASSWORD})
    assert response.cookies["sessionid"]["httponly"] and response.cookies["sessionid"]["samesite"] == "Lax"


def test_production_turns_on_hsts_and_secure_cookies():
    import subprocess
    import sys

    code = (
        "import loti.settings.production as p; "
        "print(p.SECURE_HSTS_SECONDS, p.SESSION_COOKIE_SECURE, p.CSRF_COOKIE_SECURE, p.SESSION_COOKIE_HTTPONLY, "
        "'csp.middleware.CSPMiddleware' in p.MIDDLEWARE, p.CACHES['default']['BACKEND'].endswith('RedisCache'))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "postgres://x@localhost/x",
        "REDIS_URL": "redis://localhost:6379/3",
        "SECRET_KEY": "p" * 60,
    }
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.split() == ["31536000", "True", "True", "True", "True", "True"], result.stderr


def fail_to_sign_in(client, email, times):
    for _ in range(times):
        response = client.post(reverse("account_login"), {"login": email, "password": "not the password"})
        assert response.status_code == 200


def test_the_sixth_failed_sign_in_within_five_minutes_is_refused(client, loti):
    fail_to_sign_in(client, loti.camden_officer.email, 5)
    response = client.post(reverse("account_login"), {"login": loti.camden_officer.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()
    # Another account is not locked out by it.
    client.post(reverse("account_login"), {"login": loti.hackney_officer.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(loti.hackney_officer.pk)


def test_the_admin_signs_in_through_the_portal_so_the_same_limit_applies(client, loti):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # Posting a password to the admin's own login form does not sign anyone in.
    client.post("/admin/login/", {"username": loti.staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    fail_to_sign_in(client, loti.staff.email, 5)
    response = client.post(reverse("account_login") + "?next=/admin/", {"login": loti.staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session and "Too many failed login attempts" in response.content.decode()


def test_staff_need_an_authenticator_for_the_admin(client, loti, staff_mfa):
    client.force_login(loti.staff)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    give_totp(loti.staff)
    assert client.get("/admin/").status_code == 200


def test_staff_with_an_authenticator_are_asked_for_a_code_at_sign_in(client, loti):
    give_totp(loti.staff)
    response = client.post(reverse("account_login") + "?next=/admin/", {"login": loti.staff.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_authenticate"))
    assert "_auth_user_id" not in client.session


def test_sign_in_sign_out_and_refusals_are_logged_with_who_and_what(client, loti, caplog):
    draft = make_project("Camden draft", lead=loti.camden, status="draft")
    with caplog.at_level(logging.INFO, logger="loti.security"):
        client.post(reverse("account_login"), {"login": loti.hackney_officer.email, "password": "wrong"})
        client.post(reverse("account_login"), {"login": loti.hackney_officer.email, "password": PASSWORD})
        client.get(f"/projects/{draft.slug}/")
        client.post(reverse("account_logout"))
    lines = [r.getMessage() for r in caplog.records if r.name == "loti.security"]
    who = loti.hackney_officer.email
    assert f"sign-in-failed who={who} ip=127.0.0.1" in lines
    assert f"sign-in who={who} ip=127.0.0.1" in lines
    assert f"refused who={who} what=GET /projects/{draft.slug}/ answer=404 ip=127.0.0.1" in lines
    assert f"sign-out who={who} ip=127.0.0.1" in lines
    assert all(r.created for r in caplog.records)  # each line carries its time
