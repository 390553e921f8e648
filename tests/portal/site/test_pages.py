"""The front door, the statutory pages and the site layout: what a visitor and an officer find, and axe on each."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from budget.models import FeeSchedule, Invoice
from budget.services.invoicing import invoice_credit, invoices_issue
from budget.services.payments import payment_record
from members.models import MembershipTier
from projects.models import ProjectStatus

from ..conftest import assert_accessible, give_totp, make_project, sign_in

STATUTORY = {"/accessibility/": "Accessibility statement", "/privacy/": "Privacy notice", "/cookies/": "Cookies", "/contact/": "Contact"}


def test_anonymous_home_is_a_landing_page_with_somewhere_to_go(client, loti):
    make_project("Shared cyber pilot", lead=loti.camden, others=[loti.hackney])
    make_project("A draft nobody else sees", lead=loti.camden, status=ProjectStatus.DRAFT)
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "London Office of Technology and Innovation" in html
    for href in (
        'href="/projects/"',
        'href="/budget/published/"',
        'href="/open-data/"',
        'href="/accounts/login/"',
        'href="/accounts/signup/"',
    ):
        assert href in html, href
    assert "1 project proposed" in html  # the draft is not counted


def test_the_landing_page_leaves_out_the_budget_when_it_is_not_published(client, loti, settings):
    settings.PUBLISH_BUDGET_SUMMARY = False
    assert 'href="/budget/published/"' not in client.get("/").content.decode()


def test_every_footer_links_the_statutory_pages(client, loti):
    client.force_login(loti.camden_officer)
    for path in ["/", "/projects/", "/budget/", "/accounts/email/", *STATUTORY]:
        html = client.get(path).content.decode()
        for link, text in STATUTORY.items():
            assert f'href="{link}">{text}' in html, (path, link)


@pytest.mark.parametrize(
    "path,heading,must_say",
    [
        (
            "/accessibility/",
            "Accessibility statement for the LOTI Portal",
            ["WCAG", "2.2", "partially compliant", "Reporting a problem", "Enforcement procedure", "Equality and Human Rights Commission"],
        ),
        ("/privacy/", "Privacy notice", ["data controller", "How long we keep it", "Information Commissioner", "Security records"]),
        ("/cookies/", "Cookies", ["sessionid", "csrftoken", "messages", "no analytics"]),
        ("/contact/", "Contact LOTI", ["hello@loti.london"]),
    ],
)
def test_statutory_pages_say_what_the_law_asks(client, loti, path, heading, must_say):
    html = client.get(path).content.decode()
    assert f">{heading}</h1>" in html
    for words in must_say:
        assert words in html, words


def test_the_contact_address_comes_from_the_settings(client, loti, settings):
    settings.LOTI_CONTACT_EMAIL = "portal@loti.example"
    for path in ("/contact/", "/accessibility/", "/no-such-page/"):
        assert "mailto:portal@loti.example" in client.get(path).content.decode(), path


def test_menu_offers_budget_and_reports_to_those_who_may_see_them(client, loti):
    def menu(user):
        client.logout()
        if user:
            client.force_login(user)
        html = client.get("/projects/").content.decode()
        return html.split('id="navigation"')[1].split("</ul>")[0]

    officer = menu(loti.camden_officer)
    assert 'href="/budget/">Budget' in officer and 'href="/reports/">Reports' in officer
    staff = menu(loti.staff)
    assert 'href="/budget/">Budget' in staff and 'href="/reports/">Reports' in staff
    pending = menu(loti.pending_officer)
    assert "/budget/" not in pending and "/reports/" not in pending
    visitor = menu(None)
    assert 'href="/budget/published/">Budget' in visitor and "/reports/" not in visitor


@pytest.fixture
def invoices(loti):
    FeeSchedule.objects.create(year=loti.year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    invoices_issue(year=loti.year, issued_by=loti.staff)
    return Invoice.objects.get(organisation=loti.camden)


def test_officer_home_leads_with_what_the_borough_owes(client, loti, invoices):
    payment_record(invoice=invoices, amount=Decimal("10000.00"), received_on=timezone.localdate())
    client.force_login(loti.camden_officer)
    html = client.get("/").content.decode()
    owed = html.index("What Camden owes LOTI")
    assert owed < html.index("Membership</h2>")
    assert "£26,000.00</span> across 1 unpaid invoice" in html
    # Once overdue, it says how much is overdue, in red.
    Invoice.objects.filter(pk=invoices.pk).update(
        issued_on=timezone.localdate() - datetime.timedelta(days=40), due_on=timezone.localdate() - datetime.timedelta(days=10)
    )
    html = client.get("/").content.decode()
    assert "£26,000.00 is overdue" in html and "loti-owed--overdue" in html and "govuk-tag govuk-tag--red" in html


def test_a_credit_note_is_negative_and_paid_invoices_owe_nothing(client, loti, invoices):
    invoice_credit(invoice=invoices, reason="Joined late", by=loti.staff)
    client.force_login(loti.camden_officer)
    html = client.get("/").content.decode()
    assert "−£36,000.00" in html  # the credit note, with a real minus sign
    assert "every invoice is paid" in html


def test_status_tags_are_coloured_by_meaning(client, loti):
    make_project("Rejected idea", lead=loti.camden, status=ProjectStatus.REJECTED)
    make_project("Approved pilot", lead=loti.camden, status=ProjectStatus.APPROVED)
    html = client.get("/projects/").content.decode()
    assert 'govuk-tag govuk-tag--red">Rejected' in html and 'govuk-tag govuk-tag--green">Approved' in html


def test_a_page_past_the_end_of_the_directory_is_friendly(client, loti):
    for number in range(25):
        make_project(f"Project {number}", lead=loti.camden)
    for asked in ("99", "0", "not-a-number"):
        response = client.get(f"/projects/?page={asked}")
        assert response.status_code == 200, asked
        assert f"There is no page {asked}" in response.content.decode()
    assert "There is no page 99: this is page 2 of 2." in client.get("/projects/?page=99").content.decode()
    assert "There is no page not-a-number: this is page 1 of 2." in client.get("/projects/?page=not-a-number").content.decode()
    assert "There is no page" not in client.get("/projects/?page=2").content.decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_new_pages_pass_axe_at_desktop_and_phone_widths(loti, open_page, staff_mfa, settings):
    make_project("Shared cyber pilot", lead=loti.camden, others=[loti.hackney])
    FeeSchedule.objects.create(year=loti.year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    invoices_issue(year=loti.year, issued_by=loti.staff)
    visitor = open_page()
    officer = open_page()
    sign_in(officer, loti.camden_officer.email)
    staff = open_page()
    sign_in(staff, loti.staff.email, totp_secret=give_totp(loti.staff))
    for width in (1280, 320):
        for page, paths in (
            (visitor, ["/", *STATUTORY, "/no-such-page/", "/projects/?page=99"]),
            (officer, ["/", "/budget/", "/reports/", "/privacy/", "/no-such-page/"]),
            (staff, ["/", "/reports/"]),
        ):
            page.set_viewport_size({"width": width, "height": 800})
            for path in paths:
                page.goto(path)
                assert_accessible(page)
    # The scrolling table regions are reachable by keyboard and named.
    officer.goto("/")
    regions = officer.locator(".loti-table-scroll")
    assert regions.count() >= 1
    for index in range(regions.count()):
        region = regions.nth(index)
        assert region.get_attribute("tabindex") == "0" and region.get_attribute("role") == "region" and region.get_attribute("aria-label")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.urls("tests.portal.site.urls_failing")
def test_error_pages_pass_axe(loti, open_page):
    visitor = open_page()
    for path, status in (("/no-such-page/", 404), ("/fails/", 500)):
        response = visitor.goto(path)
        assert response.status == status
        assert_accessible(visitor)
    pending = open_page()
    sign_in(pending, loti.pending_officer.email)
    assert pending.goto("/budget/").status == 403
    assert "You cannot do this" in pending.content()
    assert_accessible(pending)


def test_a_benefit_says_pounds_once(client, loti):
    from projects.models import Benefit

    project = make_project("Shared cyber pilot", lead=loti.camden, others=[loti.hackney])
    Benefit.objects.create(
        project=project,
        year=loti.year,
        organisation=loti.camden,
        kind="cashable_saving",
        description="Licences bought once",
        amount=Decimal("1500.00"),
    )
    html = client.get(f"/projects/{project.slug}/").content.decode()
    assert "Cashable saving, " in html and html.count("£1,500.00") == 1 and "(£)" not in html
