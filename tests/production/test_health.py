"""/healthz: 200 when PostgreSQL and Redis answer, 503 naming the one that does not; answered before the host
check and the HTTPS redirect, because the check comes from inside the network."""

import json

import pytest

pytestmark = pytest.mark.django_db

from tests.reports.celery_control import REDIS_URL, UNREACHABLE_REDIS  # noqa: E402


def test_healthz_reports_the_database_and_redis(client, settings):
    settings.REDIS_URL = REDIS_URL
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="web:8000")  # not an allowed host, and plain HTTP
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_is_503_when_redis_is_away(client, settings):
    settings.REDIS_URL = UNREACHABLE_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "unavailable", "database": "ok", "redis": "unavailable"}


def test_without_redis_configured_the_demo_is_healthy(client, settings):
    settings.REDIS_URL = None
    assert json.loads(client.get("/healthz").content)["redis"] == "not configured"
