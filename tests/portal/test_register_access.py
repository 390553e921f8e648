"""Who sees and keeps the register: every officer sees every borough's register; only a borough's own officers
change its entries; the public sees only service area, product, supplier and end date."""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from members.models import System

from .conftest import person
from .register_data import area, system


@pytest.fixture
def entries(loti):
    revenues = area("Revenues and benefits")
    return {
        "camden": system(loti.camden, revenues, "Camden Revs", end=datetime.date(2030, 3, 31), value="123456.78", supplier="=HYPERLINK(1)"),
        "hackney": system(loti.hackney, revenues, "Hackney Revs", end=None, value="99.00"),
        "area": revenues,
    }


def test_every_officer_sees_every_boroughs_register(client, loti, entries):
    client.force_login(loti.hackney_officer)
    page = client.get("/register/").content.decode()
    assert "Camden" in page and "Hackney" in page and "Hackney's register" in page
    page = client.get("/register/camden/").content.decode()
    assert "Camden Revs" in page and "£123,456.78" in page
    assert "Add a system" not in page and f"/register/systems/{entries['camden'].pk}/change/" not in page


def test_only_a_boroughs_own_officers_change_its_register(client, loti, entries):
    client.force_login(loti.hackney_officer)
    assert client.get("/register/camden/add/").status_code == 403
    assert client.get(f"/register/systems/{entries['camden'].pk}/change/").status_code == 403
    assert client.post(f"/register/systems/{entries['camden'].pk}/change/", {"product": "Hacked"}).status_code == 403
    assert client.get("/register/systems/999999/change/").status_code == 404
    assert System.objects.get(pk=entries["camden"].pk).product == "Camden Revs"
    client.force_login(loti.camden_officer)
    form = {
        "service_area": entries["area"].pk,
        "product": "Camden Revs",
        "supplier": "New Supplier",
        "contract_start": "2025-04-01",
        "contract_end": "2031-03-31",
        "annual_value": "1000.005",
        "notes": "",
    }
    response = client.post(f"/register/systems/{entries['camden'].pk}/change/", form)
    assert response.status_code == 200  # three decimal places are refused
    form["annual_value"] = "1000.50"
    assert client.post(f"/register/systems/{entries['camden'].pk}/change/", form).status_code == 302
    changed = System.objects.get(pk=entries["camden"].pk)
    assert changed.supplier == "New Supplier" and changed.annual_value == Decimal("1000.50") and changed.updated_by == loti.camden_officer
    assert changed.history.first().history_change_reason == f"Changed by {loti.camden_officer.email}"


def test_adding_a_system_and_the_forms_errors(client, loti, entries):
    client.force_login(loti.camden_officer)
    form = {
        "service_area": entries["area"].pk,
        "product": "Camden Revs",
        "supplier": "S",
        "contract_start": "2025-04-01",
        "contract_end": "2024-01-01",
    }
    page = client.post("/register/camden/add/", form).content.decode()
    assert "The contract end must be on or after its start" in page
    form["contract_end"] = ""
    page = client.post("/register/camden/add/", form).content.decode()
    assert "already lists this product in this service area" in page
    form["product"] = "Council tax"
    assert client.post("/register/camden/add/", form).status_code == 302
    assert System.objects.filter(organisation=loti.camden).count() == 2


@pytest.mark.parametrize("who", ["pending_officer", None])
def test_people_who_are_not_officers_do_not_see_the_register(client, loti, entries, who):
    if who:
        client.force_login(getattr(loti, who))
    for path in ["/register/", "/register/camden/", "/register/opportunities/", "/register/camden/add/"]:
        response = client.get(path)
        assert response.status_code == (403 if who else 302), path
    if not who:
        assert client.post(f"/register/opportunities/{entries['area'].pk}/interest/").status_code == 302  # to sign in


def test_staff_see_the_register_but_keep_it_in_the_admin(client, loti, entries):
    client.force_login(loti.staff)
    assert client.get("/register/camden/").status_code == 200
    assert client.get("/register/camden/add/").status_code == 403
    assert client.get("/admin/members/system/").status_code == 200


def test_the_public_sees_only_what_contract_transparency_publishes(client, loti, entries):
    page = client.get("/register/public/").content.decode()
    assert "Camden Revs" in page and "31 Mar 2030" in page and "No end date" in page
    assert "123" not in page and "Camden</" not in page and "Hackney</" not in page  # no values, no boroughs
    response = client.get("/register/public.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["service_area", "product", "supplier", "contract_end"]
    assert rows[1:] == [
        ["Revenues and benefits", "Camden Revs", "'=HYPERLINK(1)", "2030-03-31"],  # a formula is made plain text
        ["Revenues and benefits", "Hackney Revs", "Example Ltd", ""],
    ]
    page = client.get(f"/register/public/?service_area={entries['area'].pk + 1000}&page=1").content.decode()
    assert "Camden Revs" in page  # an unknown service area shows everything rather than failing
    assert client.get("/register/public/?page=99").status_code == 404


def test_an_empty_service_area_says_so_and_offers_the_way_back(client, loti, entries):
    libraries = area("Libraries")
    page = client.get(f"/register/public/?service_area={libraries.pk}").content.decode()
    assert "No borough has listed a contract in Libraries yet." in page
    assert "<table" not in page and 'href="/register/public/"' in page
    page = client.get(f"/register/public/?service_area={entries['area'].pk}").content.decode()
    assert "Camden Revs" in page and "No borough has listed" not in page


def test_an_empty_register_says_what_to_do_rather_than_list_zeros(client, loti):
    client.force_login(loti.camden_officer)
    page = client.get("/register/").content.decode()
    assert "No borough has listed a system yet." in page and "<table" not in page
    assert 'href="/register/camden/add/"' in page
    client.force_login(loti.staff)
    page = client.get("/register/").content.decode()
    assert "import_data systems" in page and "<table" not in page
    client.logout()
    page = client.get("/register/public/").content.decode()
    assert "No borough has listed a contract yet." in page and "<table" not in page
    system(loti.camden, area("Revenues and benefits"), "Camden Revs", end=None)
    client.force_login(loti.camden_officer)
    page = client.get("/register/").content.decode()
    assert "No borough has listed" not in page and "<table" in page


def test_the_engagement_map_is_for_staff(client, loti):
    from loti.reference import LoadTally
    from projects.models import Pillar
    from projects.strategy_reference import engagements_load

    Pillar.objects.create(name="Developing Capabilities", slug="developing-capabilities", position=2)
    engagements_load(tally=LoadTally())
    assert client.get("/engagement-map/").status_code == 302
    client.force_login(loti.camden_officer)
    assert client.get("/engagement-map/").status_code == 403
    client.force_login(loti.staff)
    page = client.get("/engagement-map/").content.decode()
    assert "Socitm" in page and "Sharing Cities pilots" in page and "slide 31" in page


def test_an_account_without_a_borough_is_refused(client, loti):
    client.force_login(person("visitor@example.com"))
    assert client.get("/register/").status_code == 403
