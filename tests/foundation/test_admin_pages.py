"""Every model the admin shows renders for staff: its changelist, its add page and a change page.

The list comes from the admin registry, so a new model is covered as soon as it is registered; give it a
factory in conftest.py.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from loti.import_admin import SpreadsheetAdminMixin

from .conftest import FACTORIES

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
IDS = [model._meta.label for model, _ in REGISTERED]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def may_add(model_admin, user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return model_admin.has_add_permission(request)


@pytest.mark.parametrize("model, model_admin", REGISTERED, ids=IDS)
def test_changelist_add_and_change_pages_render(staff_client, staff_user, model, model_admin):
    factory = FACTORIES.get(model._meta.label)
    assert factory is not None, f"add a factory for {model._meta.label} to tests/foundation/conftest.py"
    obj = factory()

    changelist = staff_client.get(url(model, "changelist"))
    assert changelist.status_code == 200
    assert staff_client.get(url(model, "changelist"), {"q": "camden"}).status_code == 200

    add = staff_client.get(url(model, "add"))
    assert add.status_code == (200 if may_add(model_admin, staff_user) else 403)

    change = staff_client.get(url(model, "change", obj.pk))
    assert change.status_code == 200
    assert staff_client.get(url(model, "history", obj.pk)).status_code == 200


@pytest.mark.parametrize(
    "model, model_admin",
    [(m, a) for m, a in REGISTERED if isinstance(a, SpreadsheetAdminMixin)],
    ids=[m._meta.label for m, a in REGISTERED if isinstance(a, SpreadsheetAdminMixin)],
)
def test_spreadsheet_models_have_import_and_export_pages(staff_client, model, model_admin):
    FACTORIES[model._meta.label]()
    assert staff_client.get(url(model, "import")).status_code == 200
    assert staff_client.get(url(model, "export")).status_code == 200


def test_every_spreadsheet_kind_has_an_admin():
    from loti.imports import importable_kinds

    in_admin = {a.import_kind for a in admin.site._registry.values() if isinstance(a, SpreadsheetAdminMixin)}
    assert {
        "organisations",
        "memberships",
        "fee-schedules",
        "budget-lines",
        "projects",
        "participants",
        "survey-responses",
        "benefits",
    } <= in_admin
    assert in_admin <= set(importable_kinds())
