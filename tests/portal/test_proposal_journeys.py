"""A proposal's journeys after it is saved, in Debian's Chromium with the keyboard alone; axe-core on every new page and state.

Change then submit a draft; withdraw; decline to support; LOTI returns it for changes; LOTI approves more than was asked,
with a reason. Each journey also checks who was emailed and that the email links to the page.
"""

import re
from decimal import Decimal

import pytest
from django.core import mail

from budget.models import BudgetLine, BudgetSection
from projects.models import Participant, Project, ProjectStatus

from .conftest import assert_accessible, give_totp, make_project, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def email_to(address: str, containing: str):
    found = [m for m in mail.outbox if address in m.to and containing in m.subject]
    assert found, f"no email to {address} about {containing!r}: {[(m.to, m.subject) for m in mail.outbox]}"
    return found[-1]


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


@pytest.fixture
def draft(loti):
    """Camden's draft: Hackney has agreed, but nobody ticked that its outputs are gifted to LOTI."""
    project = make_project(
        "Temporary accommodation data", lead=loti.camden, status=ProjectStatus.DRAFT, others=[loti.hackney], pillar=loti.pillar
    )
    Project.objects.filter(pk=project.pk).update(
        outputs_gifted=False, proposed_by=loti.camden_officer, year=loti.year, problems="Scattered", hypotheses="Sharing helps"
    )
    Participant.objects.create(project=project, organisation=loti.islington, role="supporter")
    project.refresh_from_db()
    return project


def submitted_project(loti) -> Project:
    project = make_project(
        "Shared cyber pilot", lead=loti.camden, status=ProjectStatus.PROPOSED, others=[loti.hackney], pillar=loti.pillar, scored=True
    )
    Project.objects.filter(pk=project.pk).update(
        proposed_by=loti.camden_officer, year=loti.year, funding_requested=Decimal("30000"), problems="x", hypotheses="y"
    )
    project.refresh_from_db()
    return project


def staff_choose_action(staff, keys, project: Project, action_text: str):
    keys.start("/admin/projects/project/?status__exact=proposed")
    keys.tick(f'input[name="_selected_action"][value="{project.pk}"]')
    keys.tab_to('select[name="action"]')
    staff.keyboard.type(action_text)
    keys.press_on('button[name="index"]')


def test_change_a_draft_then_submit_it(loti, open_page, draft):
    camden = open_page()
    keys = sign_in(camden, loti.camden_officer.email)
    keys.start(f"/projects/{draft.slug}/")
    assert_accessible(camden)
    keys.press_on(f'a[href="/projects/{draft.slug}/edit/"]')
    assert camden.locator("h1").inner_text() == "Change “Temporary accommodation data”"
    assert camden.locator("#id_outputs_gifted").is_checked() is False
    assert_accessible(camden)

    # Emptying the name shows the error summary first, linked to the field.
    keys.type_into("#id_title", "")
    camden.keyboard.press("Backspace")
    keys.press_on("main button[type=submit]")
    summary = camden.locator(".govuk-error-summary")
    assert summary.is_visible() and "Enter a project name" in summary.inner_text()
    assert_accessible(camden)

    keys.type_into("#id_title", "Temporary accommodation data standard")
    keys.tick("#id_outputs_gifted")
    keys.press_on("main button[type=submit]")
    assert "Your changes to “Temporary accommodation data standard” are saved" in camden.content()
    assert_accessible(camden)
    draft.refresh_from_db()
    assert draft.title == "Temporary accommodation data standard" and draft.outputs_gifted and draft.status == ProjectStatus.DRAFT

    keys.press_on(f'a[href="/projects/{draft.slug}/submit/"]')
    assert camden.locator("#missing-principles").count() == 0
    assert_accessible(camden)
    keys.press_on("main button[type=submit]")
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.PROPOSED
    assert "submitted to LOTI for review" in camden.content()
    message = email_to(loti.staff.email, "Proposal to review")
    assert link_in(message).endswith(f"/admin/projects/project/{draft.pk}/change/")


def test_withdraw_a_proposal(loti, open_page, draft):
    camden = open_page()
    keys = sign_in(camden, loti.camden_officer.email)
    keys.start(f"/projects/{draft.slug}/")
    keys.press_on(f'a[href="/projects/{draft.slug}/withdraw/"]')
    assert_accessible(camden)
    keys.press_on("main button[type=submit]")
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.WITHDRAWN
    assert camden.locator("#withdrawn").is_visible()
    assert camden.locator(f'a[href="/projects/{draft.slug}/edit/"]').count() == 0
    assert_accessible(camden)
    # Both boroughs asked for support are told, with a link to the proposal; Camden itself is not.
    for officer in (loti.hackney_officer, loti.islington_officer):
        assert link_in(email_to(officer.email, "is withdrawn")).endswith(f"/projects/{draft.slug}/")
    assert not [m for m in mail.outbox if loti.camden_officer.email in m.to]


def test_decline_to_support_with_a_reason(loti, open_page, draft):
    islington = open_page()
    keys = sign_in(islington, loti.islington_officer.email)
    keys.press_on(f'a[href="/projects/{draft.slug}/support/"]')  # from "What needs doing" on the home page
    assert_accessible(islington)
    keys.press_on(f'a[href="/projects/{draft.slug}/decline/"]')
    assert_accessible(islington)
    keys.type_into("#id_reason", "We have no data team this year")
    keys.press_on("main button[type=submit]")
    assert "Your borough will not support" in islington.content()
    assert "Islington (Supporter, declined)" in islington.locator(".govuk-summary-list").inner_text()
    assert_accessible(islington)
    participant = Participant.objects.get(project=draft, organisation=loti.islington)
    assert participant.declined_at and participant.decline_reason == "We have no data team this year"
    message = email_to(loti.camden_officer.email, "will not support")
    assert "We have no data team this year" in message.body and link_in(message).endswith(f"/projects/{draft.slug}/")
    # Back home, it is no longer something to decide.
    keys.press_on('a[href="/"]')
    assert islington.locator(f'a[href="/projects/{draft.slug}/support/"]').count() == 0


def test_staff_return_a_proposal_for_changes(loti, open_page, staff_mfa):
    project = submitted_project(loti)
    staff = open_page()
    staff_keys = sign_in(staff, loti.staff.email, totp_secret=give_totp(loti.staff), path="/admin/")
    staff_choose_action(staff, staff_keys, project, "Return")
    assert "Return for changes" in staff.locator("h1").inner_text()
    assert_accessible(staff)
    staff_keys.type_into("#id_note", "Say how you will measure the time saved")
    staff_keys.press_on('input[type="submit"]')
    assert "Returned 1 proposal for changes" in staff.content()
    project.refresh_from_db()
    assert project.status == ProjectStatus.RETURNED

    # The admin shows the state, and offers no field to change it.
    staff_keys.start(f"/admin/projects/project/{project.pk}/change/")
    assert staff.locator('select[name="status"]').count() == 0 and staff.locator('input[name="funding_approved"]').count() == 0
    assert "Say how you will measure the time saved" in staff.locator(".field-return_note").inner_text()

    # Camden is told, follows the link, sees the note and changes the proposal.
    message = email_to(loti.camden_officer.email, "asks for changes")
    assert link_in(message).endswith(f"/projects/{project.slug}/edit/")
    camden = open_page()
    keys = sign_in(camden, loti.camden_officer.email)
    keys.start(f"/projects/{project.slug}/")
    assert "Say how you will measure the time saved" in camden.locator("#return-note").inner_text()
    assert_accessible(camden)
    keys.press_on(f'a[href="/projects/{project.slug}/edit/"]')
    assert camden.locator("#return-note").is_visible()
    assert_accessible(camden)


def test_approve_more_than_was_asked_with_a_reason(loti, open_page, staff_mfa):
    project = submitted_project(loti)
    BudgetLine.objects.create(
        year=loti.year, section=BudgetSection.ALLOCATION, name="Smarter London", amount=Decimal("200000"), pillar=loti.pillar
    )
    staff = open_page()
    keys = sign_in(staff, loti.staff.email, totp_secret=give_totp(loti.staff), path="/admin/")
    staff_choose_action(staff, keys, project, "Approve with")
    # The page shows the ask, what the pillar has left, and the five scores.
    page = staff.locator("#content").inner_text()
    assert "£30,000.00" in page and "£200,000.00" in staff.locator("#pillar-remaining").inner_text()
    assert staff.locator("#scores tbody tr").count() == 5 and "The work matters" in page
    assert_accessible(staff)

    keys.type_into("#id_amount", "45000").press_on('input[type="submit"]')
    assert "more than the £30,000.00 asked" in staff.locator(".errorlist").inner_text()
    assert_accessible(staff)
    project.refresh_from_db()
    assert project.status == ProjectStatus.PROPOSED

    keys.type_into("#id_override_reason", "Two more boroughs joined, so the work grew")
    keys.press_on('input[type="submit"]')
    assert "Approved “Shared cyber pilot”" in staff.content()
    project.refresh_from_db()
    assert project.status == ProjectStatus.APPROVED and project.funding_approved == Decimal("45000.00")
    assert project.override_reason == "Two more boroughs joined, so the work grew" and project.decided_by == loti.staff

    keys.start(f"/admin/projects/project/{project.pk}/change/")
    assert "Two more boroughs joined" in staff.locator(".field-override_reason").inner_text()
    for officer in (loti.camden_officer, loti.hackney_officer):
        message = email_to(officer.email, "LOTI approved")
        assert "£45,000.00" in message.body and link_in(message).endswith(f"/projects/{project.slug}/")
