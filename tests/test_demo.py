"""The demo that `make run` prepares: reference data, an account per role, invoices and an open survey."""

import io

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from budget.models import Invoice
from members.models import User
from projects.models import Survey


@pytest.mark.django_db(transaction=True)
def test_setup_demo_prepares_every_role_and_can_run_again(settings):
    out = io.StringIO()
    call_command("setup_demo", "--address", "127.0.0.1:8000", stdout=out)
    call_command("setup_demo", "--address", "127.0.0.1:8000", stdout=io.StringIO())
    printed = out.getvalue()
    assert "http://127.0.0.1:8000/" in printed and "director@loti.london" in printed
    staff = User.objects.get(email="director@loti.london")
    assert staff.is_staff and Authenticator.objects.filter(user=staff, type="totp").count() == 1
    camden = User.objects.get(email="digital.lead@camden.gov.uk")
    assert camden.organisation.name == "Camden" and camden.organisation_approved_at is not None
    assert User.objects.get(email="new.officer@camden.gov.uk").organisation_approved_at is None
    assert Invoice.objects.filter(year__label="2020/21").count() == 19  # issued once, not twice
    assert Survey.objects.count() == 1

    settings.LOTI_DEMO = True
    code = io.StringIO()
    call_command("demo_code", stdout=code)
    assert code.getvalue().strip().isdigit() and len(code.getvalue().strip()) == 6


def test_the_demo_code_is_refused_outside_the_demo(settings):
    settings.LOTI_DEMO = False
    with pytest.raises(CommandError):
        call_command("demo_code")
