"""Funders' agreements: the GLA's right to terminate during 2020/21 (MD2373)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from budget.models import InstalmentStatus
from budget.services.grants import agreement_terminate

pytestmark = pytest.mark.django_db


def statuses(agreement):
    return dict(agreement.instalments.values_list("year__label", "status"))


def test_exercising_the_gla_termination_option_in_2020_21_cancels_the_later_instalments(gla_grant, staff_user):
    gla_grant.instalments.filter(year__label="2019/20").update(status=InstalmentStatus.RECEIVED, received_amount=Decimal("100000.00"))

    cancelled = agreement_terminate(agreement=gla_grant, on=datetime.date(2020, 11, 30), by=staff_user)

    assert [instalment.year.label for instalment in cancelled] == ["2021/22"]
    assert statuses(gla_grant) == {"2018/19": "expected", "2019/20": "received", "2020/21": "expected", "2021/22": "cancelled"}
    gla_grant.refresh_from_db()
    assert (gla_grant.terminated_on, gla_grant.terminated_by) == (datetime.date(2020, 11, 30), staff_user)
    latest = gla_grant.history.first()
    assert latest.history_user == staff_user
    assert latest.history_change_reason == "Termination option exercised on 2020-11-30"
    assert latest.terminated_on == datetime.date(2020, 11, 30)
    assert latest.history_date is not None
    cancelled_record = cancelled[0].history.first()
    assert (cancelled_record.status, cancelled_record.history_user) == ("cancelled", staff_user)


def test_the_option_can_be_exercised_only_in_its_year_and_only_once(gla_grant, staff_user):
    with pytest.raises(ValidationError, match="only in 2020/21"):
        agreement_terminate(agreement=gla_grant, on=datetime.date(2021, 6, 1), by=staff_user)
    assert gla_grant.instalments.filter(status=InstalmentStatus.CANCELLED).count() == 0
    agreement_terminate(agreement=gla_grant, on=datetime.date(2020, 4, 1), by=staff_user)
    with pytest.raises(ValidationError, match="already terminated"):
        agreement_terminate(agreement=gla_grant, on=datetime.date(2020, 5, 1), by=staff_user)


def test_the_admin_action_asks_for_the_date_and_terminates(gla_grant, staff_client):
    url = "/admin/budget/fundingagreement/"
    asked = staff_client.post(url, {"action": "exercise_termination_option", "_selected_action": [gla_grant.pk]})
    assert asked.status_code == 200 and "Termination date" in asked.content.decode()
    done = staff_client.post(
        url, {"action": "exercise_termination_option", "_selected_action": [gla_grant.pk], "apply": "1", "on": "2020-12-01"}
    )
    assert done.status_code == 302
    assert statuses(gla_grant)["2021/22"] == "cancelled"
    assert gla_grant.history.first().history_user.email == "staff@loti.london"
    page = staff_client.get(f"{url}{gla_grant.pk}/change/").content.decode()
    assert "2021/22: £100,000.00 — Cancelled" in page
