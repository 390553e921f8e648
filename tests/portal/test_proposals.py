"""A proposal's life after it is saved: changed, withdrawn, declined, returned for changes, approved within its limits.

Each transition is a service that locks the row and re-reads it before its guards; each tells people by email from a
task that starts after the transaction commits, with a link to the page.
"""

import re
import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from budget.models import BudgetLine, BudgetSection
from projects import services
from projects.funding import funding_limits
from projects.models import Participant, Project, ProjectStatus

from .conftest import make_project, person


@pytest.fixture
def draft(loti):
    project = make_project(
        "Shared housing data", lead=loti.camden, status=ProjectStatus.DRAFT, others=[loti.hackney], accepted=False, pillar=loti.pillar
    )
    Project.objects.filter(pk=project.pk).update(proposed_by=loti.camden_officer, year=loti.year, funding_requested=Decimal("30000"))
    project.refresh_from_db()
    return project


@pytest.fixture
def submitted(loti):
    project = make_project(
        "Shared cyber pilot", lead=loti.camden, status=ProjectStatus.PROPOSED, others=[loti.hackney], pillar=loti.pillar, scored=True
    )
    Project.objects.filter(pk=project.pk).update(proposed_by=loti.camden_officer, year=loti.year, funding_requested=Decimal("30000"))
    project.refresh_from_db()
    return project


def allocate(loti, amount: str, pillar=None):
    return BudgetLine.objects.create(
        year=loti.year,
        section=BudgetSection.ALLOCATION,
        name=f"{(pillar or loti.pillar).name} allocation",
        amount=Decimal(amount),
        pillar=pillar or loti.pillar,
    )


def sent_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def proposal_post(project, **change) -> dict:
    data = {
        "title": project.title,
        "summary": project.summary,
        "outcome": project.outcome,
        "problems": "Data is scattered",
        "hypotheses": "Sharing speeds placements",
        "pillar": project.pillar_id or "",
        "workstream": project.workstream_id or "",
        "funding_requested": "30000",
        "replicable": "on",
        "outputs_gifted": "on",
        "invited_boroughs": list(project.participants.exclude(role="lead").values_list("organisation_id", flat=True)),
    }
    return data | change


# --- Changing a draft ---


def test_the_lead_changes_its_draft_and_newly_invited_boroughs_are_emailed(client, loti, draft, django_capture_on_commit_callbacks):
    client.force_login(loti.camden_officer)
    data = proposal_post(draft, outcome="Families are housed in half the time", invited_boroughs=[loti.hackney.pk, loti.islington.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:edit", kwargs={"slug": draft.slug}), data)
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.outcome == "Families are housed in half the time" and draft.status == ProjectStatus.DRAFT
    assert set(draft.participants.values_list("organisation__name", flat=True)) == {"Camden", "Hackney", "Islington"}
    (invitation,) = mail.outbox
    assert invitation.to == [loti.islington_officer.email]  # Hackney was invited before, so is not asked again
    assert link_in(invitation).endswith(f"/projects/{draft.slug}/support/")
    assert "Camden invites your borough" in invitation.subject


def test_a_borough_that_agreed_cannot_be_taken_off_a_draft_but_one_only_invited_can(client, loti, draft):
    make_islington = Participant.objects.create(project=draft, organisation=loti.islington, role="supporter")
    client.force_login(loti.camden_officer)
    Participant.objects.filter(project=draft, organisation=loti.hackney).update(accepted_at=draft.created_at)
    response = client.post(reverse("projects:edit", kwargs={"slug": draft.slug}), proposal_post(draft, invited_boroughs=[]))
    assert response.status_code == 200
    assert "Hackney agreed to support it" in " ".join(response.context["form"].errors["invited_boroughs"])
    assert Participant.objects.filter(pk=make_islington.pk).exists()  # nothing half-done

    response = client.post(reverse("projects:edit", kwargs={"slug": draft.slug}), proposal_post(draft, invited_boroughs=[loti.hackney.pk]))
    assert response.status_code == 302
    assert not Participant.objects.filter(pk=make_islington.pk).exists()


def test_only_the_lead_changes_a_proposal_and_only_while_it_is_a_draft_or_returned(loti, draft, submitted):
    fields = {
        "title": "New name",
        "outcome": "x",
        "problems": "x",
        "hypotheses": "x",
        "pillar": loti.pillar,
        "workstream": None,
        "funding_requested": None,
        "invited": [],
    }
    with pytest.raises(ValidationError, match="Only an officer of the borough leading"):
        services.project_update(project=draft, edited_by=loti.hackney_officer, **fields)
    with pytest.raises(ValidationError, match="only a draft or a proposal returned for changes"):
        services.project_update(project=submitted, edited_by=loti.camden_officer, **fields)
    draft.refresh_from_db()
    assert draft.title == "Shared housing data"


def test_an_inactive_workstream_is_refused_on_a_new_proposal_and_not_offered(client, loti):
    loti.workstream.active = False
    loti.workstream.save()
    client.force_login(loti.camden_officer)
    page = client.get(reverse("projects:propose")).content.decode()
    assert "Digital Inclusion" in page and "Data Collaboration" not in page
    assert "---------" not in page
    assert '<optgroup label="Smarter London">' not in page and '<optgroup label="Covid Recovery">' in page
    with pytest.raises(ValidationError, match="no longer an active workstream"):
        services.project_propose(
            proposer=loti.camden_officer,
            title="Closed area",
            outcome="x",
            problems="x",
            hypotheses="x",
            pillar=loti.pillar,
            workstream=loti.workstream,
            funding_requested=None,
            invited=[],
        )


# --- Declining, supporting ---


def test_an_invited_borough_declines_with_a_reason_and_the_proposers_are_told(client, loti, draft, django_capture_on_commit_callbacks):
    client.force_login(loti.hackney_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:decline", kwargs={"slug": draft.slug}), {"reason": "No capacity\r\nthis year"})
    assert response.status_code == 302
    hackney = Participant.objects.get(project=draft, organisation=loti.hackney)
    assert hackney.declined_at is not None and hackney.accepted_at is None and hackney.decline_reason == "No capacity\r\nthis year"
    (message,) = sent_to(loti.camden_officer.email)
    assert message.subject == "Hackney will not support “Shared housing data”"
    assert "No capacity" in message.body and link_in(message).endswith(f"/projects/{draft.slug}/")
    # It is no longer something Hackney has to decide, and it can still change its mind.
    home = client.get("/").content.decode()
    assert f'href="/projects/{draft.slug}/support/"' not in home
    assert client.get(reverse("projects:decline", kwargs={"slug": draft.slug})).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("projects:support", kwargs={"slug": draft.slug}))
    hackney.refresh_from_db()
    assert hackney.accepted_at is not None and hackney.declined_at is None
    assert [m.subject for m in sent_to(loti.camden_officer.email)][-1] == "Hackney supports “Shared housing data”"


def test_a_decline_reason_of_two_megabytes_is_refused_with_a_message(client, loti, draft):
    client.force_login(loti.hackney_officer)
    response = client.post(reverse("projects:decline", kwargs={"slug": draft.slug}), {"reason": "x" * 2_000_000})
    assert response.status_code == 200
    assert "2,000 characters or fewer" in response.content.decode()
    assert Participant.objects.get(project=draft, organisation=loti.hackney).declined_at is None


# --- Withdrawing ---


def test_the_lead_withdraws_a_submitted_proposal_it_is_kept_and_the_supporters_are_told(
    client, loti, submitted, django_capture_on_commit_callbacks
):
    client.force_login(loti.camden_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:withdraw", kwargs={"slug": submitted.slug}))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.WITHDRAWN and submitted.withdrawn_at is not None
    (message,) = mail.outbox
    assert message.to == [loti.hackney_officer.email] and "withdrawn" in message.subject
    assert link_in(message).endswith(f"/projects/{submitted.slug}/")
    page = client.get(reverse("projects:project", kwargs={"slug": submitted.slug})).content.decode()
    assert 'id="withdrawn"' in page and "/withdraw/" not in page and "/edit/" not in page
    with pytest.raises(ValidationError, match="only a proposal not yet decided"):
        services.project_withdraw(project=submitted, withdrawn_by=loti.camden_officer)


def test_a_withdrawn_draft_stays_private_to_its_boroughs(client, loti, draft):
    services.project_withdraw(project=draft, withdrawn_by=loti.camden_officer)
    client.force_login(loti.islington_officer)
    assert client.get(reverse("projects:project", kwargs={"slug": draft.slug})).status_code == 404
    client.force_login(loti.hackney_officer)
    assert client.get(reverse("projects:project", kwargs={"slug": draft.slug})).status_code == 200


def test_an_approved_project_cannot_be_withdrawn_or_declined(loti, submitted):
    services.project_approve(project=submitted, amount="30000", approved_by=loti.staff, override_reason="Within the pillar")
    with pytest.raises(ValidationError):
        services.project_withdraw(project=submitted, withdrawn_by=loti.camden_officer)
    with pytest.raises(ValidationError, match="no longer gathers support"):
        services.participant_decline(project=submitted, organisation_id=loti.hackney.pk, declined_by=loti.hackney_officer)


# --- Returned for changes, then submitted again ---


def test_staff_return_a_proposal_the_lead_changes_and_resubmits_it(client, loti, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.project_return_for_changes(project=submitted, note="Say how\nyou will measure it", returned_by=loti.staff)
    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.RETURNED and submitted.return_note == "Say how\nyou will measure it"
    assert {address for m in mail.outbox for address in m.to} == {loti.camden_officer.email, loti.hackney_officer.email}
    assert all(link_in(m).endswith(f"/projects/{submitted.slug}/edit/") for m in mail.outbox)
    assert all("\n" not in m.subject and "asks for changes" in m.subject for m in mail.outbox)

    client.force_login(loti.camden_officer)
    assert f'href="/projects/{submitted.slug}/edit/"' in client.get("/").content.decode()  # "What needs doing" on the home page
    page = client.get(reverse("projects:edit", kwargs={"slug": submitted.slug})).content.decode()
    assert "Say how<br>you will measure it" in page
    assert "Hackney (agreed to support it)" in page
    response = client.post(
        reverse("projects:edit", kwargs={"slug": submitted.slug}),
        proposal_post(submitted, hypotheses="Placements take half the time, measured monthly"),
    )
    assert response.status_code == 302
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:submit", kwargs={"slug": submitted.slug}))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.PROPOSED
    (message,) = mail.outbox
    assert message.to == [loti.staff.email] and message.subject == "Proposal to review: “Shared cyber pilot”"
    assert link_in(message).endswith(f"/admin/projects/project/{submitted.pk}/change/")


def test_a_return_needs_a_note_and_only_a_submitted_proposal_is_returned(loti, draft, submitted):
    with pytest.raises(ValidationError, match="Say what the proposers should change"):
        services.project_return_for_changes(project=submitted, note=" \n ", returned_by=loti.staff)
    with pytest.raises(ValidationError, match="only a submitted proposal can be returned"):
        services.project_return_for_changes(project=draft, note="Change it", returned_by=loti.staff)


# --- Approving within limits ---


def test_approving_more_than_was_asked_needs_a_reason_which_is_kept(loti, submitted, django_capture_on_commit_callbacks):
    allocate(loti, "500000")
    with pytest.raises(ValidationError) as refused:
        services.project_approve(project=submitted, amount="1000000", approved_by=loti.staff)
    assert "more than the £30,000.00 asked" in refused.value.message_dict["override_reason"][0]
    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.PROPOSED and submitted.funding_approved is None

    with django_capture_on_commit_callbacks(execute=True):
        services.project_approve(project=submitted, amount="45000", approved_by=loti.staff, override_reason="Two more boroughs joined")
    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.APPROVED and submitted.funding_approved == Decimal("45000.00")
    assert submitted.override_reason == "Two more boroughs joined" and submitted.decided_by == loti.staff
    assert "past its limits" in submitted.history.first().history_change_reason
    recipients = {address for m in mail.outbox for address in m.to}
    assert recipients == {loti.camden_officer.email, loti.hackney_officer.email}
    assert all(link_in(m).endswith(f"/projects/{submitted.slug}/") and "£45,000.00" in m.body for m in mail.outbox)


def test_approving_past_the_pillars_remaining_allocation_needs_a_reason(loti, submitted):
    allocate(loti, "50000")
    other = make_project("Earlier pilot", lead=loti.hackney, pillar=loti.pillar)
    Project.objects.filter(pk=other.pk).update(year=loti.year, funding_approved=Decimal("25000"))
    limits = funding_limits(project=submitted)
    assert (limits.allocation, limits.committed, limits.remaining) == (Decimal("50000.00"), Decimal("25000.00"), Decimal("25000.00"))
    with pytest.raises(ValidationError) as refused:
        services.project_approve(project=submitted, amount="30000", approved_by=loti.staff)
    assert "more than Smarter London has left in" in refused.value.message_dict["override_reason"][0]
    services.project_approve(project=submitted, amount="25000", approved_by=loti.staff)  # within both limits: no reason needed
    submitted.refresh_from_db()
    assert submitted.funding_approved == Decimal("25000.00") and submitted.override_reason == ""


def test_a_pillar_with_no_allocation_that_year_has_nothing_left(loti, submitted):
    with pytest.raises(ValidationError, match="has left in"):
        services.project_approve(project=submitted, amount="1", approved_by=loti.staff)


def test_an_approval_refused_for_a_missing_score_changes_nothing(loti, submitted):
    submitted.scores.first().delete()
    allocate(loti, "100000")
    with pytest.raises(ValidationError, match="needs a score for"):
        services.project_approve(project=submitted, amount="1000", approved_by=loti.staff)
    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.PROPOSED


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_once_one_wins_the_other_is_refused(loti, submitted):
    """The guard reads the locked row: a decision that lost the race sees the winner's status and is refused."""
    allocate(loti, "100000")
    stale = Project.objects.get(pk=submitted.pk)  # what the second reviewer's page loaded
    outcomes = []
    first_locked, let_go = threading.Event(), threading.Event()

    def first():
        try:
            with transaction.atomic():
                services.project_approve(project=submitted, amount="30000", approved_by=loti.staff)
                first_locked.set()
                let_go.wait(10)
            outcomes.append("approved")
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_locked.wait(10)

    def second_attempt():
        _reject(stale, loti, outcomes)
        connection.close()

    second = threading.Thread(target=second_attempt)
    second.start()
    let_go.set()
    thread.join(10)
    second.join(10)
    submitted.refresh_from_db()
    assert submitted.status == ProjectStatus.APPROVED and sorted(outcomes) == ["approved", "refused"]


def _reject(project, loti, outcomes):
    try:
        services.project_reject(project=project, reason="Not this year", rejected_by=loti.staff)
        outcomes.append("rejected")
    except ValidationError:
        outcomes.append("refused")


# --- Notifications: from a task, after commit, with a link ---


def test_notifications_start_a_task_only_once_the_transaction_commits(loti, draft, django_capture_on_commit_callbacks):
    with mock.patch("projects.tasks.notify_project.apply_async") as queued:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.participant_decline(project=draft, organisation_id=loti.hackney.pk, declined_by=loti.hackney_officer)
        assert not queued.called and not mail.outbox
        for callback in callbacks:
            callback()
    queued.assert_called_once_with(args=("declined", draft.pk, [loti.hackney.pk]), kwargs={"occurrence": mock.ANY}, retry=False)


def test_nothing_is_sent_when_the_transaction_rolls_back(loti, draft, django_capture_on_commit_callbacks):
    def write_then_fail():
        with transaction.atomic():
            services.participant_accept(project=draft, organisation_id=loti.hackney.pk, accepted_by=loti.hackney_officer)
            raise RuntimeError("the request failed after the write")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        write_then_fail()
    assert callbacks == [] and mail.outbox == []
    assert Participant.objects.get(project=draft, organisation=loti.hackney).accepted_at is None


def test_a_broker_that_is_down_does_not_undo_the_write(loti, draft, django_capture_on_commit_callbacks, caplog):
    with (
        mock.patch("projects.tasks.notify_project.apply_async", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.participant_accept(project=draft, organisation_id=loti.hackney.pk, accepted_by=loti.hackney_officer)
    assert Participant.objects.get(project=draft, organisation=loti.hackney).accepted_at is not None
    assert "task-not-queued" in caplog.text


def test_a_new_proposal_emails_the_invited_boroughs_officers_with_a_link(client, loti, django_capture_on_commit_callbacks):
    person("second@hackney.gov.uk", loti.hackney)
    person("not.yet@hackney.gov.uk", loti.hackney, approved=False)
    client.force_login(loti.camden_officer)
    data = {
        "title": "Shared housing data",
        "outcome": "x",
        "problems": "x",
        "hypotheses": "x",
        "pillar": loti.pillar.pk,
        "replicable": "on",
        "invited_boroughs": [loti.hackney.pk, loti.islington.pk],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:propose"), data)
    assert response.status_code == 302
    project = Project.objects.get()
    assert sorted(address for m in mail.outbox for address in m.to) == sorted(
        [loti.hackney_officer.email, "second@hackney.gov.uk", loti.islington_officer.email]
    )
    assert all(len(m.to) == 1 and link_in(m) == f"http://127.0.0.1:8000/projects/{project.slug}/support/" for m in mail.outbox)


# --- A line break in any field never breaks a mail or a page ---

CRLF_TITLE = "Shared\r\nBcc: everyone@example.com\r\nhousing data"


def test_a_title_with_line_breaks_through_every_form_gives_no_error_and_every_email(client, loti, django_capture_on_commit_callbacks):
    allocate(loti, "1000000")
    client.force_login(loti.camden_officer)
    data = {
        "title": CRLF_TITLE,
        "summary": "One\r\ntwo",
        "outcome": "Families\r\nhoused",
        "problems": "x\r\ny",
        "hypotheses": "a\nb",
        "pillar": loti.pillar.pk,
        "funding_requested": "30000",
        "replicable": "on",
        "outputs_gifted": "on",
        "invited_boroughs": [loti.hackney.pk],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:propose"), data)
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.title == "Shared Bcc: everyone@example.com housing data"
    slug = project.slug
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("projects:edit", kwargs={"slug": slug}), data | {"title": CRLF_TITLE + "\r\n"}).status_code == 302
    assert client.get(reverse("projects:project", kwargs={"slug": slug})).status_code == 200

    client.force_login(loti.hackney_officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("projects:support", kwargs={"slug": slug})).status_code == 302
    client.force_login(loti.camden_officer)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("projects:submit", kwargs={"slug": slug})).status_code == 302
    project.refresh_from_db()
    for criterion in ["matters", "expertise", "power", "collaboration", "financial_reality"]:
        project.scores.create(criterion=criterion, score=4)
    with django_capture_on_commit_callbacks(execute=True):
        services.project_return_for_changes(project=project, note="Line one\r\nBcc: x@example.com", returned_by=loti.staff)
        services.project_submit(project=project, submitted_by=loti.camden_officer)
        services.project_approve(project=project, amount="30000", approved_by=loti.staff)

    events = ["invited", "supported", "submitted", "returned", "submitted", "approved"]
    assert len(mail.outbox) >= len(events)
    for message in mail.outbox:
        assert "\r" not in message.subject and "\n" not in message.subject
        message.message().as_bytes()  # building the real MIME message raises BadHeaderError on a broken header
        assert "Bcc" not in message.message()["To"]
    assert any("Bcc: everyone@example.com housing data" in m.subject for m in mail.outbox)


def test_a_title_stored_with_a_line_break_elsewhere_still_mails_on_one_line(loti, submitted, django_capture_on_commit_callbacks):
    Project.objects.filter(pk=submitted.pk).update(title="Imported\ntitle")
    allocate(loti, "100000")
    with django_capture_on_commit_callbacks(execute=True):
        services.project_reject(project=submitted, reason="Not\r\nnow", rejected_by=loti.staff)
    assert mail.outbox and all(m.subject == "LOTI did not approve “Imported title”" for m in mail.outbox)
    for message in mail.outbox:
        message.message().as_bytes()


# --- The admin shows the state; only its actions change it ---


def test_the_admin_change_form_has_no_field_for_status_or_approved_funding(rf, loti, submitted):
    from django.contrib import admin

    model_admin = admin.site._registry[Project]
    request = rf.get("/admin/")
    request.user = loti.staff
    for obj in (None, submitted):
        form = model_admin.get_form(request, obj)
        state = {
            "status",
            "funding_approved",
            "decided_by",
            "decided_at",
            "override_reason",
            "return_note",
            "withdrawn_at",
            "rejection_reason",
        }
        assert not state & set(form.base_fields), sorted(state & set(form.base_fields))
    assert {"approve_with_amount", "return_for_changes", "reject_with_reason"} <= set(model_admin.get_actions(request))


def test_approving_several_at_once_is_refused_each_has_its_own_amount(staff_client, loti, submitted):
    second = make_project("Second pilot", lead=loti.hackney, status=ProjectStatus.PROPOSED, others=[loti.camden], scored=True)
    response = staff_client.post(
        "/admin/projects/project/", {"action": "approve_with_amount", "_selected_action": [submitted.pk, second.pk]}, follow=True
    )
    assert "Approve one proposal at a time" in response.content.decode()
    assert not Project.objects.filter(status=ProjectStatus.APPROVED).exists()


# --- Each service's other refusals, and nothing written when refused ---


@pytest.mark.parametrize(
    "step, match",
    [
        (lambda p, d, s: services.project_submit(project=d, submitted_by=p.hackney_officer), "Only an officer of the borough leading"),
        (lambda p, d, s: services.project_submit(project=s, submitted_by=p.camden_officer), "already been submitted"),
        (lambda p, d, s: services.project_withdraw(project=d, withdrawn_by=p.hackney_officer), "Only an officer of the borough leading"),
        (
            lambda p, d, s: services.participant_decline(project=d, organisation_id=p.camden.pk, declined_by=p.camden_officer),
            "cannot decline",
        ),
        (
            lambda p, d, s: services.participant_decline(project=s, organisation_id=p.hackney.pk, declined_by=p.hackney_officer),
            "already agreed",
        ),
        (
            lambda p, d, s: services.participant_decline(
                project=d, organisation_id=p.hackney.pk, declined_by=p.hackney_officer, reason="x" * 2001
            ),
            "2,000 characters",
        ),
        (lambda p, d, s: services.project_reject(project=s, reason="", rejected_by=p.staff), "Give the reason"),
        (lambda p, d, s: services.project_reject(project=d, reason="No", rejected_by=p.staff), "only a submitted proposal can be rejected"),
        (lambda p, d, s: services.project_approve(project=s, amount="-1", approved_by=p.staff), "cannot be negative"),
        (lambda p, d, s: services.project_approve(project=s, amount="lots", approved_by=p.staff), "not an amount of money"),
        (
            lambda p, d, s: services.project_approve(project=d, amount="1", approved_by=p.staff, override_reason="x"),
            "only a submitted proposal can be approved",
        ),
    ],
)
def test_each_step_refuses_what_it_should_and_writes_nothing(loti, draft, submitted, step, match):
    before = {p.pk: (p.status, p.funding_approved, p.rejection_reason) for p in Project.objects.all()}
    participants = list(Participant.objects.values_list("pk", "accepted_at", "declined_at").order_by("pk"))
    with pytest.raises(ValidationError, match=match):
        step(loti, draft, submitted)
    assert {p.pk: (p.status, p.funding_approved, p.rejection_reason) for p in Project.objects.all()} == before
    assert list(Participant.objects.values_list("pk", "accepted_at", "declined_at").order_by("pk")) == participants


def test_support_is_refused_once_the_proposal_is_decided(loti, submitted):
    Participant.objects.filter(project=submitted, organisation=loti.hackney).update(accepted_at=None)
    services.project_reject(project=submitted, reason="Not this year", rejected_by=loti.staff)
    with pytest.raises(ValidationError, match="no longer gathers support"):
        services.participant_accept(project=submitted, organisation_id=loti.hackney.pk, accepted_by=loti.hackney_officer)


def test_a_notification_about_a_project_deleted_before_the_job_ran_sends_nothing(loti, draft):
    from projects.tasks import notify_project

    pk = draft.pk
    draft.delete()
    assert notify_project.apply(args=("declined", pk, [loti.hackney.pk])).get() == 0
    assert mail.outbox == []


def test_an_unknown_notification_is_an_error_not_a_silent_skip(loti, draft):
    from projects.notifications import project_notification

    with pytest.raises(ValueError, match="Unknown project notification"):
        project_notification(event="approvd", project_id=draft.pk)
