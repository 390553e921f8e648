import pytest
from django.core.cache import cache
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: no public page, data version or rate limit left by another test."""
    cache.clear()


@pytest.fixture
def reference_data(db):
    call_command("load_reference_data", verbosity=0)


@pytest.fixture
def staff_user(db, django_user_model):
    return django_user_model.objects.create_superuser(username="staff", email="staff@loti.london", password="correct horse battery")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client
