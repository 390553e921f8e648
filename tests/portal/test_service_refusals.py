"""Every service that changes a row refuses what its rules forbid, with a message naming what is wrong — and checks the
row as it is in the database, locked, not the caller's copy (a stale copy that still says "proposed" cannot approve a
project someone else has just decided)."""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError

from members import register_services
from members import services as member_services
from members.models import Invitation, MaturitySharing, ProcurementInterest
from projects import services
from projects.models import Output, Participant, Phase, Project, ProjectStatus, Rag, Survey

from .conftest import make_project, person
from .register_data import area, system

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today


def stale(project: Project, status: str) -> Project:
    """The caller's copy says `status`; the database has moved on."""
    copy = Project.objects.get(pk=project.pk)
    copy.status = status
    return copy


# --- projects ---------------------------------------------------------------------------------------------------


def test_propose_refuses_an_officer_without_an_approved_borough(loti):
    with pytest.raises(ValidationError, match="Only an approved officer"):
        services.project_propose(
            proposer=loti.pending_officer,
            title="Shared data",
            outcome="x",
            problems="",
            hypotheses="",
            pillar=None,
            workstream=None,
            funding_requested=None,
            invited=[],
        )
    assert not Project.objects.exists()


def test_propose_refuses_inviting_what_is_not_a_borough(loti):
    loti.bromley.kind = "funder"
    loti.bromley.save()
    with pytest.raises(ValidationError, match="Not a London borough: Bromley"):
        services.project_propose(
            proposer=loti.camden_officer,
            title="Shared data",
            outcome="x",
            problems="",
            hypotheses="",
            pillar=None,
            workstream=None,
            funding_requested=None,
            invited=[loti.bromley],
        )


def test_update_refuses_a_submitted_proposal_even_from_a_stale_draft(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.PROPOSED)
    with pytest.raises(ValidationError, match="only a draft or a proposal returned for changes can be changed"):
        services.project_update(
            project=stale(project, ProjectStatus.DRAFT),
            edited_by=loti.camden_officer,
            title="Changed",
            outcome="x",
            problems="",
            hypotheses="",
            pillar=None,
            workstream=None,
            funding_requested=None,
            invited=[],
        )
    assert Project.objects.get(pk=project.pk).title == "Shared data"


def test_update_refuses_anyone_but_the_lead(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.DRAFT, others=[loti.hackney])
    with pytest.raises(ValidationError, match="Only an officer of the borough leading"):
        services.project_update(
            project=project,
            edited_by=loti.hackney_officer,
            title="Changed",
            outcome="x",
            problems="",
            hypotheses="",
            pillar=None,
            workstream=None,
            funding_requested=None,
            invited=[],
        )


def test_accepting_refuses_once_the_proposal_is_decided(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.APPROVED, others=[loti.hackney], accepted=False)
    with pytest.raises(ValidationError, match="no longer gathers support"):
        services.participant_accept(
            project=stale(project, ProjectStatus.PROPOSED), organisation_id=loti.hackney.pk, accepted_by=loti.hackney_officer
        )
    assert Participant.objects.get(project=project, organisation=loti.hackney).accepted_at is None


def test_the_lead_cannot_decline_its_own_proposal(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.DRAFT)
    with pytest.raises(ValidationError, match="cannot decline it: withdraw it instead"):
        services.participant_decline(project=project, organisation_id=loti.camden.pk, declined_by=loti.camden_officer)


def test_submit_refuses_a_proposal_short_of_the_funding_principles(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.DRAFT)  # one borough only
    with pytest.raises(ValidationError, match="at least two LOTI boroughs"):
        services.project_submit(project=project, submitted_by=loti.camden_officer)
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.DRAFT


def test_submit_refuses_what_was_submitted_a_moment_ago(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.PROPOSED, others=[loti.hackney])
    with pytest.raises(ValidationError, match="has already been submitted"):
        services.project_submit(project=stale(project, ProjectStatus.DRAFT), submitted_by=loti.camden_officer)


def test_withdraw_refuses_an_approved_project(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.APPROVED)
    with pytest.raises(ValidationError, match="only a proposal not yet decided can be withdrawn"):
        services.project_withdraw(project=stale(project, ProjectStatus.PROPOSED), withdrawn_by=loti.camden_officer)
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.APPROVED


def test_approve_refuses_a_proposal_someone_else_just_decided(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.PROPOSED, others=[loti.hackney], scored=True)
    copy = Project.objects.get(pk=project.pk)
    services.project_reject(project=project, reason="Not this year", rejected_by=loti.staff)
    with pytest.raises(ValidationError, match="is rejected: only a submitted proposal can be approved"):
        services.project_approve(project=copy, amount="1000", approved_by=loti.staff)
    assert Project.objects.get(pk=project.pk).funding_approved is None


def test_approve_refuses_a_proposal_not_fully_scored(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.PROPOSED, others=[loti.hackney])
    with pytest.raises(ValidationError, match="needs a score for"):
        services.project_approve(project=project, amount="1000", approved_by=loti.staff)


def test_approve_refuses_a_negative_amount(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.PROPOSED, scored=True)
    with pytest.raises(ValidationError, match="cannot be negative"):
        services.project_approve(project=project, amount="-1", approved_by=loti.staff)


def test_reject_refuses_a_decided_project_and_wants_a_reason(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.APPROVED)
    with pytest.raises(ValidationError, match="only a submitted proposal can be rejected"):
        services.project_reject(project=stale(project, ProjectStatus.PROPOSED), reason="No", rejected_by=loti.staff)
    with pytest.raises(ValidationError, match="Give the reason"):
        services.project_reject(project=project, reason="  ", rejected_by=loti.staff)


def test_return_for_changes_refuses_a_decided_project(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.APPROVED)
    with pytest.raises(ValidationError, match="only a submitted proposal can be returned"):
        services.project_return_for_changes(project=stale(project, ProjectStatus.PROPOSED), note="More", returned_by=loti.staff)


def test_progress_update_refuses_a_project_not_yet_approved(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.PROPOSED)
    with pytest.raises(ValidationError, match="report on it once it is approved"):
        services.progress_update_post(
            project=stale(project, ProjectStatus.APPROVED),
            author=loti.camden_officer,
            date=TODAY(),
            phase=Phase.DISCOVER,
            rag=Rag.GREEN,
            text="Going well",
        )


def test_output_add_checks_the_project_as_it_is_now(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.CANCELLED)
    with pytest.raises(ValidationError, match="is cancelled: report on it once it is approved"):
        services.output_add(
            project=stale(project, ProjectStatus.ACTIVE), added_by=loti.camden_officer, title="Toolkit", url="https://example.org"
        )
    assert not Output.objects.exists()


def test_benefit_record_checks_the_project_as_it_is_now(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.REJECTED)
    with pytest.raises(ValidationError, match="is rejected"):
        services.benefit_record(
            project=stale(project, ProjectStatus.ACTIVE),
            recorded_by=loti.camden_officer,
            kind="other",
            description="Better",
            year=loti.year,
        )


def test_complete_and_cancel_refuse_a_project_already_ended(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.COMPLETED)
    with pytest.raises(ValidationError, match="only an approved or active project can be completed"):
        services.project_complete(project=stale(project, ProjectStatus.ACTIVE), completed_by=loti.staff)
    with pytest.raises(ValidationError, match="only an approved or active project can be cancelled"):
        services.project_cancel(project=project, cancelled_by=loti.staff, reason="Funding ended")
    with pytest.raises(ValidationError, match="Give the reason the project stops"):
        services.project_cancel(project=project, cancelled_by=loti.staff, reason="")


def test_complete_refuses_a_day_in_the_future(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.ACTIVE)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.project_complete(project=project, completed_by=loti.staff, on=TODAY() + datetime.timedelta(days=1))


def test_survey_answers_are_refused_once_staff_closed_it(loti):
    survey = Survey.objects.create(year=loti.year, opens_on=TODAY(), closes_on=TODAY())
    copy = Survey.objects.get(pk=survey.pk)
    Survey.objects.filter(pk=survey.pk).update(
        closes_on=TODAY() - datetime.timedelta(days=1), opens_on=TODAY() - datetime.timedelta(days=9)
    )
    with pytest.raises(ValidationError, match="answers cannot be taken today"):
        services.survey_answer(survey=copy, respondent=loti.camden_officer, answers=[], overall=4)


def test_data_methodology_refuses_missing_answers(loti):
    project = make_project("Shared data", lead=loti.camden, status=ProjectStatus.DRAFT)
    with pytest.raises(ValidationError) as refused:
        services.data_methodology_record(
            project=project,
            recorded_by=loti.camden_officer,
            actions="Spot need",
            insights="",
            data_needed="Rolls",
            legal_basis="Consent",
            enablers="Staff",
            dpia_needed=True,
        )
    assert set(refused.value.message_dict) == {"insights"}
    assert not Project.objects.get(pk=project.pk).is_data_project


# --- members ----------------------------------------------------------------------------------------------------


def test_officer_approve_refuses_a_person_without_an_organisation(loti):
    nobody = person("someone@example.org")
    with pytest.raises(ValidationError, match="has no organisation to be approved for"):
        member_services.officer_approve(user=nobody, approved_by=loti.staff)


def test_officer_approve_reads_the_row_so_a_second_approval_sends_no_second_email(loti, mailoutbox, django_capture_on_commit_callbacks):
    copy = type(loti.pending_officer).objects.get(pk=loti.pending_officer.pk)
    with django_capture_on_commit_callbacks(execute=True) as first:
        member_services.officer_approve(user=loti.pending_officer, approved_by=loti.staff)
    with django_capture_on_commit_callbacks(execute=True) as second:
        member_services.officer_approve(user=copy, approved_by=loti.staff)  # this copy still says "not approved"
    assert (len(first), len(second)) == (1, 0)


def test_invitation_create_wants_an_address(loti):
    with pytest.raises(ValidationError, match="Enter the email address"):
        member_services.invitation_create(email=" ", organisation=loti.camden, invited_by=loti.staff, site_url="https://portal")
    assert not Invitation.objects.exists()


def test_invitation_accept_refuses_an_invitation_used_a_moment_ago(loti):
    invitation = member_services.invitation_create(
        email="new@camden.gov.uk", organisation=loti.camden, invited_by=loti.staff, site_url="https://portal"
    )
    copy = Invitation.objects.get(pk=invitation.pk)
    first = person("new@camden.gov.uk")
    member_services.invitation_accept(invitation=invitation, user=first)
    with pytest.raises(ValidationError, match="already been used"):
        member_services.invitation_accept(invitation=copy, user=first)


def test_invitation_accept_refuses_another_address(loti):
    invitation = member_services.invitation_create(
        email="new@camden.gov.uk", organisation=loti.camden, invited_by=loti.staff, site_url="https://portal"
    )
    stranger = person("someone.else@example.org")
    with pytest.raises(ValidationError, match=re.escape("This invitation is for new@camden.gov.uk")):
        member_services.invitation_accept(invitation=invitation, user=stranger)
    stranger.refresh_from_db()
    assert stranger.organisation_id is None


def test_billing_change_request_wants_the_change(loti, settings):
    settings.LOTI_INVOICE_CONTACT = "finance@loti.london"
    with pytest.raises(ValidationError, match="Say what should change"):
        member_services.billing_change_request(organisation=loti.camden, requested_by=loti.camden_officer, change="")


def test_register_refuses_another_boroughs_officer(loti):
    billing = area("Revenues and benefits")
    entry = system(loti.camden, billing, "Revenues suite", end=None)
    with pytest.raises(ValidationError, match="Only Camden's own officers keep its register"):
        register_services.system_add(
            organisation=loti.camden, added_by=loti.hackney_officer, service_area=billing, product="Other", supplier="X"
        )
    with pytest.raises(ValidationError, match="Only Camden's own officers keep its register"):
        register_services.system_change(system=entry, changed_by=loti.hackney_officer, supplier="Y")
    entry.refresh_from_db()
    assert entry.supplier == "Example Ltd"


def test_procurement_interest_refuses_an_officer_not_yet_approved(loti):
    with pytest.raises(ValidationError, match="Only an approved officer of a borough can say"):
        register_services.procurement_interest_mark(service_area=area("Parking"), marked_by=loti.pending_officer)
    with pytest.raises(ValidationError, match="Only an approved officer of a borough can withdraw"):
        register_services.procurement_interest_withdraw(service_area=area("Parking"), withdrawn_by=loti.pending_officer)
    assert not ProcurementInterest.objects.exists()


def test_maturity_refuses_a_score_outside_one_to_five_and_another_boroughs_sharing(loti):
    with pytest.raises(ValidationError, match="Choose a whole number from 1 to 5"):
        register_services.maturity_assess(
            year=loti.year,
            answered_by=loti.camden_officer,
            answers=dict.fromkeys(["strategy", "ict", "adoption", "data", "culture"], (6, "")),
        )
    with pytest.raises(ValidationError, match="Only the borough's own officers decide"):
        register_services.maturity_sharing_set(organisation_id=loti.camden.pk, shared=True, decided_by=loti.hackney_officer)
    assert not MaturitySharing.objects.exists()
