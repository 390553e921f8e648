"""Schemathesis against the API's own live schema: every operation, every check, a fixed seed, bounded examples.

Any finding (a 500, an answer that does not match the schema, bad input accepted, a wrong status or content type)
fails the build. The schema is read from the running portal (its WSGI application), as a client would read it.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, seed, settings

pytestmark = pytest.mark.django_db

# Read once when the tests are collected: /api/openapi.json needs no database.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def roomy_limit(settings):
    settings.LOTI_API_RATE = "100000/min"  # the limit is tested on its own (test_api.py); here it would end the run early


@pytest.fixture
def kept_connection():
    """As Django's test client does: a request through the WSGI app must not close the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@seed(20201112)
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_the_api_meets_its_schema(case, grants, roomy_limit, kept_connection):
    case.call_and_validate()
