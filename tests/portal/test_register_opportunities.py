"""Joint procurement opportunities: service areas where two or more boroughs' contracts end inside the window."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from members.models import ProcurementInterest
from members.register_selectors import Window, procurement_opportunities

from .register_data import area, system

D = datetime.date
FIRST, LAST = D(2031, 4, 1), D(2033, 3, 31)  # --from 2031-04-01 --months 24


def test_the_window_runs_from_its_first_day_to_the_day_before_its_months_end():
    assert Window(first=D(2031, 4, 1), months=24).last == D(2033, 3, 31)
    assert Window(first=D(2031, 1, 31), months=1).last == D(2031, 2, 27)  # 28 February is the next window's first day


def test_contracts_ending_on_the_windows_first_and_last_days_are_in_it(loti):
    revenues = area("Revenues and benefits")
    system(loti.camden, revenues, "Revs A", end=FIRST, value="100000.00", supplier="Supplier A")
    system(loti.hackney, revenues, "Revs B", end=LAST, value="50000.50", supplier="Supplier B")
    [found] = procurement_opportunities(window=Window(first=FIRST, months=24))
    assert found.as_json() == {
        "service_area": "Revenues and benefits",
        "boroughs": ["Camden", "Hackney"],
        "earliest_end": "2031-04-01",
        "latest_end": "2033-03-31",
        "annual_value_total": "150000.50",
    }
    assert found.products == ["Revs A", "Revs B"] and found.suppliers == ["Supplier A", "Supplier B"]


def test_contracts_ending_a_day_outside_the_window_are_not_in_it(loti):
    social_care = area("Social care")
    system(loti.camden, social_care, "Care A", end=FIRST - datetime.timedelta(days=1))  # ended before the window
    system(loti.hackney, social_care, "Care B", end=LAST + datetime.timedelta(days=1))  # ends after it
    system(loti.islington, social_care, "Care C", end=D(2032, 6, 30))  # inside, but alone
    system(loti.bromley, social_care, "Care D", end=None)  # no end date: never an opportunity
    assert procurement_opportunities(window=Window(first=FIRST, months=24)) == []
    # Widen the window by a day at each end and the first two join the third.
    wider = procurement_opportunities(window=Window(first=FIRST - datetime.timedelta(days=1), months=25))
    assert [o.boroughs for o in wider] == [["Camden", "Hackney", "Islington"]]


def test_one_boroughs_two_contracts_are_not_a_joint_opportunity(loti):
    waste = area("Waste")
    system(loti.camden, waste, "Waste A", end=D(2031, 5, 1))
    system(loti.camden, waste, "Waste B", end=D(2031, 6, 1))
    assert procurement_opportunities(window=Window(first=FIRST, months=24)) == []


def test_the_command_writes_json_and_csv(loti, tmp_path, capsys):
    parking = area("Parking")
    system(loti.camden, parking, "Park A", end=D(2031, 9, 30), value="1000.00")
    system(loti.hackney, parking, "Park B", end=D(2032, 3, 31), value=None)
    call_command("procurement_opportunities", "--from", "2031-04-01", "--months", "24", "--format", "json")
    assert json.loads(capsys.readouterr().out) == [
        {
            "service_area": "Parking",
            "boroughs": ["Camden", "Hackney"],
            "earliest_end": "2031-09-30",
            "latest_end": "2032-03-31",
            "annual_value_total": "1000.00",
        }
    ]
    out = tmp_path / "o.csv"
    call_command("procurement_opportunities", "--from", "2031-04-01", "--months", "24", "--format", "csv", "--output", str(out))
    assert out.read_text().splitlines() == [
        "service_area,boroughs,earliest_end,latest_end,annual_value_total",
        "Parking,Camden; Hackney,2031-09-30,2032-03-31,1000.00",
    ]
    call_command("procurement_opportunities", "--from", "2034-04-01", "--months", "12", "--format", "json")
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2031-13-01", "--months", "24"], "not a date"),
        (["--from", "2031-04-01", "--months", "0"], "out of range"),
    ],
)
def test_the_command_refuses_a_bad_window(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("procurement_opportunities", *args)


def test_officers_mark_interest_and_only_staff_see_who(client, loti):
    revenues = area("Revenues and benefits")
    today = timezone.localdate()
    system(loti.camden, revenues, "Revs A", end=today + datetime.timedelta(days=30))
    system(loti.hackney, revenues, "Revs B", end=today + datetime.timedelta(days=60))
    client.force_login(loti.hackney_officer)
    page = client.get("/register/opportunities/").content.decode()
    assert "Revenues and benefits" in page and "Camden, Hackney" in page and "Mark interest" in page
    response = client.post(f"/register/opportunities/{revenues.pk}/interest/", {"interested": "yes", "next": "/register/opportunities/"})
    assert response.status_code == 302
    client.post(f"/register/opportunities/{revenues.pk}/interest/", {"interested": "yes"})  # twice changes nothing
    assert list(ProcurementInterest.objects.values_list("organisation__name", "marked_by__email")) == [
        ("Hackney", loti.hackney_officer.email)
    ]
    client.force_login(loti.camden_officer)
    page = client.get("/register/opportunities/").content.decode()
    assert "Interested</dt>" not in page  # an officer does not see who else is interested
    client.force_login(loti.staff)
    page = client.get("/register/opportunities/").content.decode()
    assert "Interested</dt>" in page and "Hackney</dd>" in page
    assert client.post(f"/register/opportunities/{revenues.pk}/interest/", {"interested": "yes"}).status_code == 403  # staff don't
    client.force_login(loti.hackney_officer)
    client.post(f"/register/opportunities/{revenues.pk}/interest/", {"interested": "no"})
    assert not ProcurementInterest.objects.exists()


def test_the_page_says_when_the_window_is_wrong(client, loti):
    client.force_login(loti.camden_officer)
    page = client.get("/register/opportunities/?start=not-a-date&months=500").content.decode()
    assert "govuk-error-summary" in page and "Enter a valid date" in page
