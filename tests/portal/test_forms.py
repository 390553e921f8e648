"""Bad input on every portal form gets a message on the field and saves nothing; a crafted POST changes nothing it should not."""

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import User
from projects.models import Benefit, Output, Participant, ProgressUpdate, Project, ProjectStatus

from .conftest import make_project


def field_error(response, field: str) -> str:
    """The message shown on a field (GOV.UK's error message under its label)."""
    form = response.context["form"]
    assert form.errors.get(field), f"no error on {field}: {form.errors.as_data()}"
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html, f"the error on {field} is not shown on the field"
    return " ".join(form.errors[field])


GOOD_PROPOSAL = {
    "title": "Shared housing data",
    "outcome": "Families are housed sooner",
    "problems": "Data is scattered",
    "hypotheses": "Sharing data speeds placements",
    "funding_requested": "1000",
    "replicable": "on",
    "outputs_gifted": "on",
}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"outcome": ""}, "outcome"),
        ({"funding_requested": "lots"}, "funding_requested"),
        ({"funding_requested": "-5"}, "funding_requested"),
        ({"funding_requested": "12345678901234"}, "funding_requested"),
        ({"pillar": "999999"}, "pillar"),
        ({"workstream": "other"}, "workstream"),
        ({"invited_boroughs": "bromley"}, "invited_boroughs"),
        ({"invited_boroughs": "camden"}, "invited_boroughs"),
    ],
)
def test_bad_proposals_are_refused_on_the_field(client, loti, change, field):
    client.force_login(loti.camden_officer)
    data = GOOD_PROPOSAL | {"pillar": loti.pillar.pk, "workstream": loti.workstream.pk, "invited_boroughs": [loti.hackney.pk]}
    values = {"other": loti.other_workstream.pk, "bromley": [loti.bromley.pk], "camden": [loti.camden.pk]}
    data |= {key: values.get(value, value) for key, value in change.items()}
    response = client.post(reverse("projects:propose"), data)
    assert response.status_code == 200
    field_error(response, field)
    assert not Project.objects.exists() and not Participant.objects.exists()


def test_a_good_proposal_is_a_draft_led_by_the_proposers_borough_whatever_the_post_says(client, loti):
    client.force_login(loti.camden_officer)
    crafted = GOOD_PROPOSAL | {
        "pillar": loti.pillar.pk,
        "invited_boroughs": [loti.hackney.pk],
        "status": "approved",
        "funding_approved": "99999",
        "organisation": loti.hackney.pk,
        "proposed_by": loti.hackney_officer.pk,
        "aligned_with_objectives": "on",
        "decided_by": loti.staff.pk,
    }
    response = client.post(reverse("projects:propose"), crafted)
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.status == ProjectStatus.DRAFT and project.funding_approved is None and not project.aligned_with_objectives
    assert project.proposed_by == loti.camden_officer and project.decided_by is None
    lead = project.participants.get(role="lead")
    assert lead.organisation == loti.camden
    assert list(project.participants.filter(role="supporter").values_list("organisation__name", "accepted_at")) == [("Hackney", None)]


@pytest.fixture
def approved(loti):
    return make_project("Shared cyber pilot", lead=loti.camden, others=[loti.hackney])


@pytest.mark.parametrize(
    "data, field",
    [
        ({"phase": "discover", "rag": "green", "text": "x"}, "date"),
        ({"date": "2999-01-01", "phase": "discover", "rag": "green", "text": "x"}, "date"),
        ({"date": "yesterday", "phase": "discover", "rag": "green", "text": "x"}, "date"),
        ({"date": "TODAY", "phase": "sixth", "rag": "green", "text": "x"}, "phase"),
        ({"date": "TODAY", "phase": "discover", "rag": "purple", "text": "x"}, "rag"),
        ({"date": "TODAY", "phase": "discover", "rag": "green", "text": ""}, "text"),
    ],
)
def test_bad_progress_updates_are_refused_on_the_field(client, loti, approved, data, field):
    client.force_login(loti.camden_officer)
    data = {k: (timezone.localdate().isoformat() if v == "TODAY" else v) for k, v in data.items()}
    field_error(client.post(reverse("projects:update", kwargs={"slug": approved.slug}), data), field)
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title": "", "url": "https://loti.london/toolkit"}, "title"),
        ({"title": "t" * 201, "url": "https://loti.london/toolkit"}, "title"),
        ({"title": "Toolkit", "url": "not a link"}, "url"),
        ({"title": "Toolkit", "url": "https://loti.london/toolkit", "gifted_on": "31/02/2021"}, "gifted_on"),
    ],
)
def test_bad_outputs_are_refused_on_the_field(client, loti, approved, data, field):
    client.force_login(loti.camden_officer)
    field_error(client.post(reverse("projects:output", kwargs={"slug": approved.slug}), data), field)
    assert not Output.objects.exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"kind": "cashable_saving", "description": "Cheaper licences", "year": "2020/21"}, "amount"),
        ({"kind": "cashable_saving", "description": "Cheaper licences", "year": "2020/21", "amount": "-10"}, "amount"),
        ({"kind": "cashable_saving", "description": "Cheaper licences", "year": "2020/21", "amount": "ten pounds"}, "amount"),
        ({"kind": "time_saved", "description": "Less rekeying", "year": "2020/21"}, "hours"),
        ({"kind": "other", "description": "Better data", "year": "2020/22"}, "year"),
        ({"kind": "other", "description": "", "year": "2020/21"}, "description"),
        ({"kind": "gold", "description": "x", "year": "2020/21"}, "kind"),
    ],
)
def test_bad_benefits_are_refused_on_the_field(client, loti, approved, data, field):
    client.force_login(loti.camden_officer)
    field_error(client.post(reverse("projects:benefit", kwargs={"slug": approved.slug}), data), field)
    assert not Benefit.objects.exists()


def test_a_benefit_belongs_to_the_officers_borough_whatever_the_post_says(client, loti, approved):
    client.force_login(loti.camden_officer)
    response = client.post(
        reverse("projects:benefit", kwargs={"slug": approved.slug}),
        {
            "kind": "cashable_saving",
            "description": "Cheaper licences",
            "year": "2020/21",
            "amount": "1200.005",
            "organisation": loti.hackney.pk,
            "project": 999,
            "recorded_by": loti.hackney_officer.pk,
        },
    )
    assert response.status_code == 200  # three decimals: refused on the field
    response = client.post(
        reverse("projects:benefit", kwargs={"slug": approved.slug}),
        {
            "kind": "cashable_saving",
            "confidence": "realised",
            "description": "Cheaper licences",
            "year": "2020/21",
            "amount": "1200.50",
            "organisation": loti.hackney.pk,
            "project": 999,
            "recorded_by": loti.hackney_officer.pk,
        },
    )
    assert response.status_code == 302
    benefit = Benefit.objects.get()
    assert (benefit.organisation, benefit.project, benefit.recorded_by) == (loti.camden, approved, loti.camden_officer)
    assert str(benefit.amount) == "1200.50" and benefit.year.label == "2020/21"


def test_an_officer_records_an_estimate_or_a_reach_with_its_evidence(client, loti, approved):
    client.force_login(loti.camden_officer)
    url = reverse("projects:benefit", kwargs={"slug": approved.slug})
    page = client.get(url).content.decode()
    assert 'value="realised" checked' in page and "Estimated: a forecast or a potential benefit" in page
    # A cost avoided needs its pounds; a reach needs its number and what it counts.
    refused = client.post(
        url, {"kind": "cost_avoidance", "confidence": "estimated", "description": "Fewer agency staff", "year": "2020/21"}
    )
    assert "Enter the amount in pounds, like 12000." in refused.content.decode()
    refused = client.post(
        url, {"kind": "reach", "confidence": "realised", "description": "Residents helped", "year": "2020/21", "reach": "40"}
    )
    assert "Say what the number counts, like learners." in refused.content.decode()
    assert not Benefit.objects.exists()
    client.post(
        url,
        {
            "kind": "cost_avoidance",
            "confidence": "estimated",
            "description": "Fewer agency staff",
            "year": "2020/21",
            "amount": "3000",
            "evidence": "Agency rates, March 2021",
            "evidence_url": "https://example.org/rates",
        },
    )
    client.post(
        url,
        {
            "kind": "reach",
            "confidence": "realised",
            "description": "Residents helped",
            "year": "2020/21",
            "reach": "40",
            "unit": "residents",
        },
    )
    saved = {b.kind: b for b in Benefit.objects.all()}
    assert (saved["cost_avoidance"].confidence, saved["cost_avoidance"].amount, saved["cost_avoidance"].evidence) == (
        "estimated",
        3000,
        "Agency rates, March 2021",
    )
    assert (saved["reach"].reach, saved["reach"].unit, saved["reach"].confidence) == (40, "residents", "realised")


def test_a_crafted_update_cannot_change_the_projects_status_or_amount(client, loti, approved):
    client.force_login(loti.camden_officer)
    client.post(
        reverse("projects:update", kwargs={"slug": approved.slug}),
        {
            "date": timezone.localdate().isoformat(),
            "phase": "define",
            "rag": "amber",
            "text": "On track",
            "status": "completed",
            "funding_approved": "1000000",
            "project": 0,
        },
    )
    approved.refresh_from_db()
    assert approved.status == ProjectStatus.ACTIVE and approved.funding_approved is None and approved.phase == "define"


def test_submitting_says_which_funding_principle_is_missing_and_saves_nothing(client, loti):
    draft = make_project("Camden draft", lead=loti.camden, status=ProjectStatus.DRAFT, others=[loti.hackney], accepted=False)
    Project.objects.filter(pk=draft.pk).update(replicable=False)
    client.force_login(loti.camden_officer)
    response = client.post(reverse("projects:submit", kwargs={"slug": draft.slug}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "at least two LOTI boroughs" in page and "Replicable by other boroughs" in page and "Outputs gifted" not in page
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT and draft.submitted_at is None


def test_sign_up_with_bad_input_is_refused_on_the_field(client, loti):
    response = client.post(reverse("account_signup"), {"email": "not-an-email", "password1": "short", "password2": "other"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_email-error"' in html and "govuk-error-summary" in html
    assert not User.objects.filter(email="not-an-email").exists()


def test_sign_up_matches_the_borough_by_email_domain_pending_approval(client, loti):
    for email, organisation in [("ann@Hackney.gov.uk", loti.hackney), ("bob@example.com", None)]:
        client.post(reverse("account_signup"), {"email": email, "password1": "river-boat-lantern-42", "password2": "river-boat-lantern-42"})
        user = User.objects.get(email__iexact=email)
        assert user.organisation == organisation and user.organisation_approved_at is None


def test_staff_invitation_joins_the_invited_person_once_they_confirm_their_address(
    loti, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress
    from django.test import Client

    client = Client()  # the invited person's own browser; staff_client is LOTI staff's

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:members_invitation_add"), {"email": "lead@islington.gov.uk", "organisation": loti.islington.pk})
    link = mailoutbox[-1].body.split("Accept: ")[1].split()[0]
    assert "/members/invitations/" in link
    anonymous = client.get(link.replace("http://testserver", ""))
    assert "Create an account with lead@islington.gov.uk" in anonymous.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # allauth's confirmation goes by a task after commit
        client.post(
            reverse("account_signup"),
            {"email": "lead@islington.gov.uk", "password1": "river-boat-lantern-42", "password2": "river-boat-lantern-42"},
        )
    user = User.objects.get(email="lead@islington.gov.uk")
    assert user.organisation == loti.islington and user.organisation_approved_at is None
    confirmation = [m for m in mailoutbox if "lead@islington.gov.uk" in m.to and "confirm-email" in m.body][-1]
    key_url = confirmation.body.split("http://testserver")[1].split()[0]
    client.post(key_url)
    user.refresh_from_db()
    assert EmailAddress.objects.get(email=user.email).verified
    assert user.organisation == loti.islington and user.organisation_approved_at is not None


def test_the_error_summary_links_a_radio_question_to_its_first_choice(client, loti, approved):
    """Radios have no single input to link to; the summary must still take the reader to the question."""
    client.force_login(loti.camden_officer)
    html = client.post(
        reverse("projects:update", kwargs={"slug": approved.slug}),
        {"date": timezone.localdate().isoformat(), "phase": "sixth", "rag": "green", "text": "x"},
    ).content.decode()
    assert 'href="#id_phase_0"' in html and 'id="id_phase_0"' in html
    assert 'href="#"' not in html
