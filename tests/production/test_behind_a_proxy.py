"""Behind the TLS proxy every request connects from the proxy's address. With the proxy trusted
(ALLAUTH_TRUSTED_PROXY_COUNT, from the environment) the client's own address counts the sign-in failures and goes
in the security log, so one person's failures no longer lock everyone out; without it, a client cannot choose its
address by sending X-Forwarded-For."""

import logging

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from members.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "a long portal password"
PROXY = "10.0.0.2"  # the connecting address: Caddy's, for everyone


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def director():
    user = User.objects.create_user(username="director", email="director@loti.london", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(client, email: str, password: str, client_address: str):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address
    )


def test_with_the_proxy_trusted_one_clients_failures_do_not_lock_out_everyone(client, director, settings, caplog):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    with caplog.at_level(logging.INFO, logger="loti.security"):
        for n in range(21):  # more than the 20 failures an address may have in five minutes
            sign_in(client, f"guess{n}@example.com", "wrong", "203.0.113.9")
        refused = sign_in(client, "guess99@example.com", "wrong", "203.0.113.9")
        assert "Too many failed" in refused.content.decode()  # that client is limited...
        response = sign_in(client, director.email, PASSWORD, "198.51.100.7")
        assert response.status_code == 302 and client.session.get("_auth_user_id") == str(director.pk)  # ...no one else
        client.get("/projects/no-such-project/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    lines = [r.getMessage() for r in caplog.records if r.name == "loti.security"]
    assert "sign-in-failed who=guess0@example.com ip=203.0.113.9" in lines
    assert f"sign-in who={director.email} ip=198.51.100.7" in lines
    assert f"refused who={director.email} what=GET /projects/no-such-project/ answer=404 ip=198.51.100.7" in lines
    assert not any(f"ip={PROXY}" in line for line in lines)


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, director, settings, caplog):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    with caplog.at_level(logging.INFO, logger="loti.security"):
        for n in range(20):  # a different made-up address each time: still one connecting address
            sign_in(client, f"guess{n}@example.com", "wrong", f"192.0.2.{n}")
        refused = sign_in(client, director.email, PASSWORD, "192.0.2.200")
    assert "Too many failed" in refused.content.decode() and "_auth_user_id" not in client.session
    lines = [r.getMessage() for r in caplog.records if r.name == "loti.security"]
    assert f"sign-in-failed who=guess0@example.com ip={PROXY}" in lines
    assert not any("ip=192.0.2." in line for line in lines)
