"""axe-core in Chromium on every portal page (and each form showing its errors): no WCAG 2.2 A/AA violation."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from budget.models import FeeSchedule
from budget.services.invoicing import invoices_issue
from members.models import Invitation, MembershipTier
from projects.models import ProjectStatus, Survey

from .conftest import assert_accessible, make_project, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_every_portal_page_passes_axe(loti, open_page):
    draft = make_project("Camden draft proposal", lead=loti.camden, status=ProjectStatus.DRAFT, others=[loti.islington], accepted=False)
    returned = make_project(
        "Returned proposal", lead=loti.camden, status=ProjectStatus.RETURNED, others=[loti.islington], pillar=loti.pillar
    )
    returned.return_note = "Say how you will measure it"
    returned.save()
    withdrawn = make_project("Withdrawn proposal", lead=loti.camden, status=ProjectStatus.WITHDRAWN, others=[loti.islington])
    approved = make_project("Shared cyber pilot", lead=loti.camden, others=[loti.hackney], pillar=loti.pillar)
    FeeSchedule.objects.create(year=loti.year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    invoices_issue(year=loti.year, issued_by=loti.staff)
    Invitation.objects.create(email="someone@islington.gov.uk", organisation=loti.islington, token="an-invitation")
    today = timezone.localdate()
    survey = Survey.objects.create(
        year=loti.year, opens_on=today - datetime.timedelta(days=7), closes_on=today + datetime.timedelta(days=21)
    )

    anonymous = open_page()
    for path in [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/projects/",
        f"/projects/{approved.slug}/",
        "/members/invitations/an-invitation/",
        f"/projects/?search=cyber&pillar={loti.pillar.pk}",
    ]:
        anonymous.goto(path)
        assert_accessible(anonymous)
    # Forms showing their errors.
    anonymous.goto("/accounts/login/")
    anonymous.fill("#id_login", "nobody@camden.gov.uk")
    anonymous.fill("#id_password", "wrong password")
    with anonymous.expect_navigation():
        anonymous.locator("button[type=submit]").press("Enter")
    assert anonymous.locator(".govuk-error-summary").is_visible()
    assert_accessible(anonymous)

    officer = open_page()
    sign_in(officer, loti.camden_officer.email)
    pages = [
        "/",
        "/projects/",
        "/projects/propose/",
        f"/projects/{draft.slug}/",
        f"/projects/{draft.slug}/submit/",
        f"/projects/{draft.slug}/edit/",
        f"/projects/{draft.slug}/withdraw/",
        f"/projects/{returned.slug}/",
        f"/projects/{returned.slug}/edit/",
        f"/projects/{returned.slug}/submit/",
        f"/projects/{withdrawn.slug}/",
        f"/projects/{approved.slug}/",
        f"/projects/{approved.slug}/updates/new/",
        f"/projects/{approved.slug}/outputs/new/",
        f"/projects/{approved.slug}/benefits/new/",
        "/projects/survey/answers/",
        "/projects/survey/",
        "/accounts/2fa/",
        "/accounts/password/change/",
        "/accounts/email/",
        "/accounts/logout/",
    ]
    for path in pages:
        officer.goto(path)
        assert_accessible(officer)
        for form in ["/propose/", "/updates/new/", "/outputs/new/", "/benefits/new/", "/survey/", f"/{draft.slug}/submit/"]:
            if path.endswith(form):
                with officer.expect_navigation():
                    officer.locator("main button[type=submit]").press("Enter")
                assert officer.locator(".govuk-error-summary").is_visible(), path
                assert_accessible(officer)

    invited = open_page()
    sign_in(invited, loti.islington_officer.email)
    invited.goto(f"/projects/{draft.slug}/support/")
    assert_accessible(invited)
    invited.goto(f"/projects/{draft.slug}/decline/")
    assert_accessible(invited)
    invited.goto("/members/invitations/an-invitation/")
    assert_accessible(invited)

    # The survey's closed page, once it has closed.
    survey.opens_on, survey.closes_on = today - datetime.timedelta(days=30), today - datetime.timedelta(days=1)
    survey.save()
    invited.goto("/projects/survey/")
    assert "The satisfaction survey is closed" in invited.content()
    assert_accessible(invited)

    pending = open_page()
    sign_in(pending, loti.pending_officer.email)
    assert "matched to" in pending.content()
    assert_accessible(pending)
