"""The register's pages in Debian's Chromium: axe-core finds nothing (forms showing their errors too), every
page fits a 320px-wide screen without scrolling sideways, and the officer's tasks work by keyboard alone."""

import datetime

import pytest
from django.utils import timezone

from loti.reference import LoadTally
from members.models import MaturityScore, ProcurementInterest, System
from projects.models import DpiaStatus, Phase, Pillar, Project
from projects.strategy_reference import engagements_load

from .conftest import assert_accessible, make_project, sign_in
from .register_data import area, system

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_320(page) -> None:
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("document.documentElement.scrollWidth")
    import os

    if os.environ.get("SHOTS"):
        name = page.url.split("//", 1)[1].split("/", 1)[1].replace("/", "_").replace("?", "_") or "home"
        page.screenshot(path=f"/tmp/register_shots/{name}-320.png", full_page=True)
        page.set_viewport_size({"width": 1280, "height": 800})
        page.screenshot(path=f"/tmp/register_shots/{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert width <= 320, f"{page.url} is {width}px wide at 320px"


def check(page, path: str | None = None) -> None:
    if path:
        page.goto(path)
    assert_accessible(page)
    fits_320(page)


@pytest.fixture
def register(loti):
    revenues = area("Revenues and benefits")
    soon = timezone.localdate() + datetime.timedelta(days=90)
    camden = system(
        loti.camden,
        revenues,
        "Revenues and benefits system with a long product name",
        end=soon,
        value="120000.00",
        supplier="A supplier with a rather long registered company name Ltd",
    )
    system(loti.hackney, revenues, "Hackney Revs", end=soon + datetime.timedelta(days=30))
    Pillar.objects.create(name="Developing Capabilities", slug="developing-capabilities", position=2)
    engagements_load(tally=LoadTally())
    data = make_project("Rough sleeping insights", lead=loti.camden, others=[loti.hackney], pillar=loti.pillar)
    Project.objects.filter(pk=data.pk).update(is_data_project=True, dpia_status=DpiaStatus.NEEDED, phase=Phase.DEFINE)
    return {"area": revenues, "camden": camden, "data_project": data}


def test_every_register_page_passes_axe_and_fits_320px(loti, register, open_page):
    anonymous = open_page()
    check(anonymous, "/register/public/")
    check(anonymous, f"/projects/{register['data_project'].slug}/")

    officer = open_page()
    sign_in(officer, loti.camden_officer.email)
    for path in [
        "/register/",
        "/register/camden/",
        "/register/hackney/",
        "/register/opportunities/",
        "/maturity/",
        f"/register/systems/{register['camden'].pk}/change/",
        f"/projects/{register['data_project'].slug}/",
    ]:
        check(officer, path)
    # Forms showing their errors.
    officer.goto("/register/camden/add/")
    check(officer)
    with officer.expect_navigation():
        officer.locator("main button[type=submit]").press("Enter")
    assert officer.locator(".govuk-error-summary").is_visible()
    check(officer)
    officer.goto("/maturity/")
    with officer.expect_navigation():
        officer.locator("main form:not([action]) button[type=submit]").press("Enter")
    assert officer.locator(".govuk-error-summary").is_visible()
    check(officer)
    officer.goto("/register/opportunities/?start=nonsense&months=0")
    assert officer.locator(".govuk-error-summary").is_visible()
    check(officer)
    officer.goto("/projects/propose/")
    officer.check("#id_is_data_project")
    with officer.expect_navigation():
        officer.locator("main button[type=submit]").press("Enter")
    assert "Answer this for a data project" in officer.content()
    check(officer)

    staff = open_page()
    sign_in(staff, loti.staff.email)
    ProcurementInterest.objects.create(service_area=register["area"], organisation=loti.hackney)
    check(staff, "/engagement-map/")
    assert "Sharing Cities pilots" in staff.content()
    check(staff, "/register/opportunities/")
    assert "Hackney</dd>" in staff.content()  # staff see who is interested
    check(staff, "/register/")


def test_an_officer_keeps_the_register_marks_interest_and_self_assesses_by_keyboard(loti, register, open_page):
    page = open_page()
    keys = sign_in(page, loti.camden_officer.email)

    # Add a system to Camden's register.
    keys.start("/register/camden/")
    keys.press_on("a[href='/register/camden/add/']")
    keys.tab_to("#id_service_area")
    page.keyboard.type("Revenues")
    keys.type_into("#id_product", "Council tax portal").type_into("#id_supplier", "Portal Ltd")
    keys.type_into("#id_annual_value", "15000.50")
    keys.press_on("main button[type=submit]")
    assert "Council tax portal is added" in page.content()
    assert System.objects.get(product="Council tax portal").organisation == loti.camden

    # Mark interest in buying revenues and benefits together.
    keys.start("/register/opportunities/")
    keys.press_on("main form[method=post] button[type=submit]")
    assert "marked as interested" in page.content()
    assert ProcurementInterest.objects.filter(organisation=loti.camden, service_area=register["area"]).exists()

    # Answer the maturity self-assessment: a score for each dimension, by Tab and Space.
    keys.start("/maturity/")
    for dimension in ["strategy", "ict", "adoption", "data", "culture"]:
        keys.tab_to(f"#id_score_{dimension}_0")  # Tab reaches a radio group at its first choice...
        page.keyboard.press("ArrowDown")  # ...and the arrow keys choose within it: score 3
        page.keyboard.press("ArrowDown")
    keys.type_into("#id_evidence_data", "A data strategy and owners for key datasets")
    keys.press_on("main form:not([action]) button[type=submit]")
    assert "maturity self-assessment is saved" in page.content()
    assert MaturityScore.objects.filter(organisation=loti.camden, score=3).count() == 5
    assert_accessible(page)
