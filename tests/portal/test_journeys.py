"""The officer journeys, in Debian's Chromium against the live server, with the keyboard alone (Tab, Enter, Space).

Each page on the way is also checked with axe-core for WCAG 2.2 A/AA.
"""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from budget.models import BudgetLine, BudgetSection, FeeSchedule, Invoice
from budget.services.invoicing import invoices_issue
from members.models import MembershipTier, User
from projects.models import Project, ProjectStatus, Survey, SurveyResponse

from .conftest import Keyboard, assert_accessible, give_totp, sign_in, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def link_in_last_email(to: str) -> str:
    message = [m for m in mail.outbox if to in m.to][-1]
    return re.search(r"https?://\S+", str(message.body)).group(0)


def test_sign_up_with_a_borough_email_staff_approve_then_sign_in_with_totp(loti, open_page, live_server, staff_mfa):
    staff_secret = give_totp(loti.staff)

    # An officer signs up with a Hackney address and confirms it.
    officer = open_page()
    keys = Keyboard(officer).start("/accounts/signup/")
    assert_accessible(officer)
    keys.type_into("#id_email", "anna.digital@hackney.gov.uk")
    keys.type_into("#id_password1", "river-boat-lantern-42").type_into("#id_password2", "river-boat-lantern-42")
    keys.press_on("button[type=submit]")
    assert_accessible(officer)
    confirm = link_in_last_email("anna.digital@hackney.gov.uk").replace("http://testserver", live_server.url)
    keys.start(confirm)
    assert_accessible(officer)
    keys.press_on("button[type=submit]")
    assert "matched to" in officer.content() and "Hackney" in officer.content()
    assert_accessible(officer)
    user = User.objects.get(email="anna.digital@hackney.gov.uk")
    assert user.organisation == loti.hackney and user.organisation_approved_at is None

    # LOTI staff sign in to the admin (through the portal's sign-in, with their authenticator) and approve her.
    staff = open_page()
    staff_keys = sign_in(staff, loti.staff.email, totp_secret=staff_secret, path="/admin/")
    assert staff.url.endswith("/admin/"), staff.url
    staff_keys.start(f"/admin/members/user/?q={user.email}")
    staff_keys.tick(f'input[name="_selected_action"][value="{user.pk}"]')
    staff_keys.tab_to('select[name="action"]')
    staff.keyboard.type("Approve")
    staff_keys.press_on('button[name="index"]')
    assert "Approved 1 officer" in staff.content()
    user.refresh_from_db()
    assert user.organisation_approved_at is not None

    # She protects her account with an authenticator app, signs out, and signs in again with a code.
    keys.start("/accounts/2fa/totp/activate/")
    assert "/accounts/reauthenticate/" in officer.url  # signed in by the email link, so she confirms her password first
    assert_accessible(officer)
    keys.type_into("#id_password", "river-boat-lantern-42").press_on("button[type=submit]")
    assert_accessible(officer)
    secret = officer.input_value("#authenticator_secret")
    keys.type_into("#id_code", totp_code(secret)).press_on("button[type=submit]")
    assert user.authenticator_set.filter(type="totp").exists(), officer.content()[:2000]  # activated, so sign-in asks for a code
    cache.clear()  # the code just used may not be used twice within its 30 seconds; the next sign-in needs a fresh one
    keys.start("/accounts/logout/")
    assert_accessible(officer)
    keys.press_on("button[type=submit]")
    sign_in(officer, user.email, "river-boat-lantern-42")
    assert "/accounts/2fa/authenticate/" in officer.url
    assert_accessible(officer)
    keys.type_into("#id_code", totp_code(secret)).press_on("button[type=submit]")
    assert officer.url.rstrip("/") == live_server.url
    assert officer.locator("h1").inner_text() == "Hackney"
    assert_accessible(officer)


def test_propose_support_submit_approve_then_post_an_update(loti, open_page, staff_mfa):
    staff_secret = give_totp(loti.staff)

    # Camden's officer proposes a project and invites Hackney.
    camden = open_page()
    keys = sign_in(camden, loti.camden_officer.email)
    keys.start("/projects/propose/")
    assert_accessible(camden)
    keys.press_on("button[type=submit]")  # empty: every required field says what is missing
    assert camden.locator(".govuk-error-summary").is_visible()
    assert_accessible(camden)
    keys.type_into("#id_title", "Temporary accommodation data standard")
    keys.type_into("#id_outcome", "Families in temporary accommodation are moved on faster")
    keys.type_into("#id_problems", "Each borough records placements differently")
    keys.type_into("#id_hypotheses", "A shared data standard halves the time to find a placement")
    keys.tab_to("#id_pillar")
    camden.keyboard.type("Smarter")
    keys.tab_to("#id_workstream")
    camden.keyboard.type("Data")
    keys.type_into("#id_funding_requested", "45000")
    keys.tick("#id_replicable").tick("#id_outputs_gifted")
    keys.tick(f'input[name="invited_boroughs"][value="{loti.hackney.pk}"]')
    keys.press_on("button[type=submit]")
    project = Project.objects.get(title="Temporary accommodation data standard")
    assert project.status == ProjectStatus.DRAFT and project.pillar == loti.pillar and project.workstream == loti.workstream
    assert_accessible(camden)

    # Submitting before Hackney agrees names the missing principle.
    keys.start(f"/projects/{project.slug}/submit/")
    assert "at least two LOTI boroughs" in camden.locator("#missing-principles").inner_text()
    assert_accessible(camden)

    # Hackney's officer supports it.
    hackney = open_page()
    hackney_keys = sign_in(hackney, loti.hackney_officer.email)
    assert_accessible(hackney)
    hackney_keys.press_on(f'a[href="/projects/{project.slug}/support/"]')
    assert_accessible(hackney)
    hackney_keys.press_on("button[type=submit]")
    assert "supports" in hackney.content()

    # Camden submits it.
    keys.start(f"/projects/{project.slug}/submit/")
    assert camden.locator("#missing-principles").count() == 0
    keys.press_on("button[type=submit]")
    project.refresh_from_db()
    assert project.status == ProjectStatus.PROPOSED

    # LOTI staff score the five criteria in the admin and approve it with an amount within the ask and the pillar's allocation.
    BudgetLine.objects.create(
        year=loti.year, section=BudgetSection.ALLOCATION, name="Smarter London", amount=Decimal("100000"), pillar=loti.pillar
    )
    staff = open_page()
    staff_keys = sign_in(staff, loti.staff.email, totp_secret=staff_secret, path="/admin/")
    staff_keys.start(f"/admin/projects/project/{project.pk}/change/")
    for row in range(5):
        staff_keys.type_into(f'input[name="scores-{row}-score"]', "4")
    staff_keys.press_on('input[name="_continue"]')
    assert project.scores.count() == 5
    staff_keys.start("/admin/projects/project/?status__exact=proposed")
    staff_keys.tick(f'input[name="_selected_action"][value="{project.pk}"]')
    staff_keys.tab_to('select[name="action"]')
    staff.keyboard.type("Approve with")
    staff_keys.press_on('button[name="index"]')
    staff_keys.type_into("#id_amount", "40000").press_on('input[type="submit"]')
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED and project.funding_approved == Decimal("40000.00")
    assert any("approved" in m.subject and loti.camden_officer.email in m.to for m in mail.outbox)

    # The proposer sees it approved and posts an update.
    keys.start(f"/projects/{project.slug}/")
    assert "Approved" in camden.locator(".govuk-summary-list").inner_text()
    assert "£40,000.00" in camden.content()
    assert_accessible(camden)
    keys.press_on(f'a[href="/projects/{project.slug}/updates/new/"]')
    assert_accessible(camden)
    keys.tab_to("#id_phase_0")  # a radio group is one Tab stop; the arrow keys choose within it
    camden.keyboard.press("Space")
    camden.keyboard.press("ArrowDown")  # 2 – Discover
    keys.tab_to("#id_rag_0")
    camden.keyboard.press("Space")
    camden.keyboard.press("ArrowDown")
    camden.keyboard.press("ArrowDown")  # Green
    keys.type_into("#id_text", "Six boroughs agreed the first draft of the standard")
    keys.press_on("button[type=submit]")
    assert camden.locator(".govuk-error-summary").count() == 0, camden.locator(".govuk-error-summary").inner_text()
    assert "Six boroughs agreed" in camden.content()
    project.refresh_from_db()
    update = project.updates.get()
    assert (update.phase, update.rag) == ("discover", "green")
    assert project.phase == "discover" and project.status == ProjectStatus.ACTIVE
    assert_accessible(camden)


def test_download_this_years_invoice_pdf(loti, open_page):
    from pypdf import PdfReader

    FeeSchedule.objects.create(year=loti.year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    invoices_issue(year=loti.year, issued_by=loti.staff)
    invoice = Invoice.objects.get(organisation=loti.camden, year=loti.year)

    page = open_page()
    keys = sign_in(page, loti.camden_officer.email)
    assert invoice.number in page.content() and "£36,000.00" in page.content()
    assert_accessible(page)
    keys.tab_to(f'a[href="/invoices/{invoice.pk}/pdf/"]')
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    path = download.value.path()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(Path(path).read_bytes())).pages)
    assert invoice.number in text and "Camden" in text and "Hackney" not in text


def test_answer_the_satisfaction_survey_from_the_home_page(loti, open_page):
    today = timezone.localdate()
    Survey.objects.create(year=loti.year, opens_on=today - datetime.timedelta(days=3), closes_on=today + datetime.timedelta(days=25))

    page = open_page()
    keys = sign_in(page, loti.hackney_officer.email)
    keys.press_on('a[href="/projects/survey/"]')  # from "What needs doing"
    assert_accessible(page)

    # Sent empty, every question that needs an answer says so.
    keys.press_on("main button[type=submit]")
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Rate the value of Data Collaboration from 1 to 5" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    assert "Rate LOTI overall from 1 to 5" in page.locator(".govuk-error-summary").inner_text()
    keys.tab_to("#id_rating_overall_0")  # LOTI overall: 4
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    for workstream, steps, added_value in [(loti.other_workstream, 2, "yes"), (loti.workstream, 4, "no")]:
        keys.tab_to(f"#id_rating_{workstream.pk}_0")  # a radio group is one Tab stop; the arrow keys choose within it
        page.keyboard.press("Space")
        for _ in range(steps):
            page.keyboard.press("ArrowDown")
        keys.tab_to(f"#id_added_value_{workstream.pk}_0")
        page.keyboard.press("Space")
        if added_value == "no":
            page.keyboard.press("ArrowDown")
        if workstream == loti.workstream:
            keys.type_into(f"#id_comment_{workstream.pk}", "The data sessions let us join up with Camden")
    keys.press_on("main button[type=submit]")
    assert page.url.endswith("/projects/survey/answers/"), page.locator("main").inner_text()
    assert "Thank you" in page.content() and "5 out of 5" in page.content() and "3 out of 5" in page.content()
    assert_accessible(page)
    saved = {r.workstream_id: (r.rating, r.loti_added_value, r.comment) for r in SurveyResponse.objects.filter(organisation=loti.hackney)}
    assert saved == {
        None: (4, None, ""),
        loti.other_workstream.pk: (3, True, ""),
        loti.workstream.pk: (5, False, "The data sessions let us join up with Camden"),
    }

    # Back home, the survey is no longer something to do.
    keys.press_on('a[href="/"]')
    assert page.locator('a[href="/projects/survey/"]').count() == 0
