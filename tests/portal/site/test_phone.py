"""Every page on a phone: Chromium at 320px wide crawls the portal as a visitor, an officer and LOTI staff, following
every link it finds, and fails on any page wider than the screen (a table may scroll inside its own region)."""

import datetime
from collections import deque
from decimal import Decimal
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from budget.models import BudgetLine, FeeSchedule, Invoice, ReportRun
from budget.services.invoicing import invoice_credit, invoices_issue
from budget.services.payments import payment_record
from members.models import Invitation, MembershipTier
from projects.models import Benefit, ProgressUpdate, ProjectStatus, Survey

from ..conftest import give_totp, make_project, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 320, "height": 640}
# Links the crawl does not follow: the admin (Django's own, for staff at a desk), signing out, files and data
# downloads, the API and its generated docs, other sites.
SKIP = ("/admin/", "/accounts/logout/", "/static/", "/media/", "/pdf/", "/download/", "/reports/link/", "/api/")
# Elements wider than the screen, outside any region that scrolls on its own: what makes the page wide.
WIDE_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.loti-table-scroll')) continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.right > width + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(box.right)}px): ${(el.textContent || '').trim().slice(0, 50)}`);
  }
  return out.slice(0, 5);
}"""
# A table's caption names it: it must be read whole on the screen, not scrolled sideways with the table's columns.
CUT_CAPTIONS = """() => {
  const out = [];
  for (const caption of document.querySelectorAll('.loti-table-scroll caption')) {
    const region = caption.closest('.loti-table-scroll').getBoundingClientRect(), box = caption.getBoundingClientRect();
    if (box.width && !caption.classList.contains('govuk-visually-hidden') && box.right > region.right + 1)
      out.push(`caption (${Math.round(box.right)}px, its table's region ends at ${Math.round(region.right)}px): ${caption.textContent.trim().slice(0, 50)}`);
  }
  return out;
}"""


@pytest.fixture
def portal(loti, settings, tmp_path):
    """A LOTI with something on every page, and the long names and negative amounts that widen pages."""
    settings.MEDIA_ROOT = str(tmp_path)
    long_title = "Shared multi-borough cybersecurity operations centre pilot for London housing and adult social care systems"
    approved = make_project(long_title, lead=loti.camden, others=[loti.hackney, loti.islington], pillar=loti.pillar, scored=True)
    draft = make_project("Camden draft proposal", lead=loti.camden, status=ProjectStatus.DRAFT, others=[loti.islington], accepted=False)
    for number in range(25):  # more than one page of the directory
        make_project(f"Project number {number}", lead=loti.hackney, status=ProjectStatus.ACTIVE, pillar=loti.pillar)
    ProgressUpdate.objects.create(
        project=approved,
        date=timezone.localdate(),
        phase="develop",
        rag="amber",
        text="Procurement of the shared platform is under way; three boroughs have signed the data-sharing agreement.",
    )
    Benefit.objects.create(
        project=approved,
        year=loti.year,
        organisation=loti.camden,
        kind="cashable_saving",
        description="Licences no longer bought separately",
        amount=Decimal("1234567.89"),
    )
    FeeSchedule.objects.create(year=loti.year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    invoices_issue(year=loti.year, issued_by=loti.staff)
    hackney_invoice = Invoice.objects.get(organisation=loti.hackney)
    invoice_credit(invoice=hackney_invoice, reason="Joined late", by=loti.staff)
    payment_record(invoice=Invoice.objects.get(organisation=loti.islington), amount=Decimal("12000.00"), received_on=timezone.localdate())
    for position, (section, name, amount, status) in enumerate(
        [
            ("income", "Borough contributions", "990000.00", ""),
            ("income", "GLA grant", "100000.00", ""),
            ("expenditure", "Personnel and programme delivery across every pillar", "1250000.00", "committed"),
            ("expenditure", "Premises and overheads", "45000.00", "estimated"),
            ("allocation", "Smarter London", "50000.00", ""),
        ]
    ):
        BudgetLine.objects.create(
            year=loti.year,
            section=section,
            name=name,
            amount=Decimal(amount),
            status=status,
            position=position,
            pillar=loti.pillar if section == "allocation" else None,
        )
    ReportRun.objects.create(kind="budget", year=loti.year, status="failed", message="The worker stopped; asked again it resumes.")
    Invitation.objects.create(email="someone@islington.gov.uk", organisation=loti.islington, token="an-invitation")
    today = timezone.localdate()
    Survey.objects.create(year=loti.year, opens_on=today - datetime.timedelta(days=7), closes_on=today + datetime.timedelta(days=21))
    return {"approved": approved, "draft": draft}


def crawl(page, start: list[str], limit: int = 120) -> tuple[list[tuple[str, Any]], int]:
    """Visit `start` and every same-site link found on the way; return (path, wide elements) for each page too wide."""
    queue, seen, too_wide, visited = deque(start), set(start), [], 0
    while queue and visited < limit:
        path = queue.popleft()
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a file (an open data CSV, say), not a page
            raise
        visited += 1
        assert response is not None and response.status < 500, f"{path} answered {response.status if response else 'nothing'}"
        wide = page.evaluate(WIDE_ELEMENTS) if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"] else []
        cut = page.evaluate(CUT_CAPTIONS)
        if wide or cut or page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            too_wide.append((path, wide + cut))
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            url = urlsplit(urljoin(page.url, href))
            if url.scheme not in ("http", "https") or url.netloc != urlsplit(page.url).netloc:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            is_file = "." in url.path.rstrip("/").rsplit("/", 1)[-1]  # data.csv, grants.json
            if is_file or any(part in url.path for part in SKIP) or target in seen:
                continue
            seen.add(target)
            queue.append(target)
    assert visited > len(start) or not queue, "the crawl found no links"
    return too_wide, visited


def phone(open_page):
    page = open_page()
    page.set_viewport_size(PHONE)
    return page


def test_every_page_fits_a_320px_screen(loti, portal, open_page, staff_mfa):
    approved, draft = portal["approved"], portal["draft"]
    visitor_pages = [
        "/",
        "/accessibility/",
        "/privacy/",
        "/cookies/",
        "/contact/",
        "/projects/",
        "/budget/published/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/members/invitations/an-invitation/",
        "/projects/?page=99",
        "/no-such-page/",
    ]
    officer_pages = [
        "/",
        "/projects/propose/",
        f"/projects/{draft.slug}/",
        f"/projects/{draft.slug}/submit/",
        f"/projects/{approved.slug}/updates/new/",
        f"/projects/{approved.slug}/outputs/new/",
        f"/projects/{approved.slug}/benefits/new/",
        "/projects/survey/",
        "/projects/survey/answers/",
        "/budget/",
        "/reports/",
        "/accounts/2fa/",
        "/accounts/email/",
        "/accounts/password/change/",
    ]
    failures, counted = [], {}

    visitor = phone(open_page)
    wide, counted["visitor"] = crawl(visitor, visitor_pages)
    failures += [("visitor", *item) for item in wide]

    officer = phone(open_page)
    sign_in(officer, loti.camden_officer.email)
    wide, counted["officer"] = crawl(officer, officer_pages)
    failures += [("officer", *item) for item in wide]

    invited = phone(open_page)
    sign_in(invited, loti.islington_officer.email)
    wide, counted["invited officer"] = crawl(invited, [f"/projects/{draft.slug}/support/", "/"], limit=10)
    failures += [("invited officer", *item) for item in wide]

    staff = phone(open_page)
    sign_in(staff, loti.staff.email, totp_secret=give_totp(loti.staff))
    wide, counted["staff"] = crawl(staff, ["/", f"/projects/{draft.slug}/", "/budget/", "/reports/"], limit=60)
    failures += [("staff", *item) for item in wide]

    report = "\n".join(f"{who} {path}: {elements}" for who, path, elements in failures)
    assert not failures, f"Pages wider than a 320px screen:\n{report}"
    assert counted["visitor"] >= 30 and counted["officer"] >= 40, counted  # the crawl really went round the portal
