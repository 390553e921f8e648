"""The portal's project forms in GOV.UK style: the error summary first, messages that say what to do, implausible values
and endless text refused with a message (never a 500), and workstreams offered under their pillars without JavaScript."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Benefit, Output, ProgressUpdate, Project, ProjectStatus

from .conftest import make_project

TWO_MEGABYTES = "x" * 2_000_000


def messages_on(response) -> dict[str, str]:
    assert response.status_code == 200, response.status_code
    return {field: " ".join(texts) for field, texts in response.context["form"].errors.items()}


@pytest.fixture
def approved(loti):
    return make_project("Shared cyber pilot", lead=loti.camden, others=[loti.hackney])


def test_an_empty_proposal_says_what_to_enter_and_the_summary_comes_first(client, loti):
    client.force_login(loti.camden_officer)
    response = client.post(reverse("projects:propose"), {})
    errors = messages_on(response)
    assert errors["title"] == "Enter a project name"
    assert errors["outcome"] == "Enter the outcome: which people will be better off, and in which ways"
    assert errors["pillar"] == "Choose the pillar the project belongs to"
    page = response.content.decode()
    main = page[page.index("<main") :]
    assert main.index("govuk-error-summary") < main.index("<h1")
    assert '<a href="#id_title">Enter a project name</a>' in page
    assert page.count("govuk-error-summary__title") == 1


@pytest.mark.parametrize(
    "amount, message",
    [
        ("lots", "Enter the funding asked in pounds, like 25000"),
        ("-5", "Enter the funding asked of £0 or more, like 25000"),
        ("25000.505", "Enter the funding asked in pounds and pence, like 25000 or 25000.50"),
        ("20000000", "Enter the funding asked of £10,000,000 or less"),
    ],
)
def test_an_amount_says_how_to_write_it(client, loti, amount, message):
    client.force_login(loti.camden_officer)
    errors = messages_on(client.post(reverse("projects:propose"), {"funding_requested": amount}))
    assert errors["funding_requested"] == message


def test_an_amount_is_taken_as_people_write_it(client, loti):
    client.force_login(loti.camden_officer)
    data = {
        "title": "Pounds",
        "outcome": "x",
        "problems": "x",
        "hypotheses": "x",
        "pillar": loti.pillar.pk,
        "funding_requested": "£25,000.50",
    }
    assert client.post(reverse("projects:propose"), data).status_code == 302
    assert str(Project.objects.get().funding_requested) == "25000.50"


@pytest.mark.parametrize("field", ["title", "summary", "outcome", "problems", "hypotheses"])
def test_two_megabytes_in_any_proposal_field_is_refused_with_a_message(client, loti, field):
    client.force_login(loti.camden_officer)
    data = {"title": "Long", "outcome": "x", "problems": "x", "hypotheses": "x", "pillar": loti.pillar.pk} | {field: TWO_MEGABYTES}
    errors = messages_on(client.post(reverse("projects:propose"), data))
    assert "characters or fewer" in errors[field]
    assert not Project.objects.exists()


def test_workstreams_are_offered_under_their_pillar_with_no_dashes(client, loti):
    client.force_login(loti.camden_officer)
    page = client.get(reverse("projects:propose")).content.decode()
    assert "---------" not in page
    assert '<option value="" selected>Choose a pillar</option>' in page
    smarter = page.index('<optgroup label="Smarter London">')
    assert page.index("Data Collaboration") > smarter
    assert "No particular workstream" in page


def test_a_workstream_of_another_pillar_says_what_to_do(client, loti):
    client.force_login(loti.camden_officer)
    data = {
        "title": "Mixed",
        "outcome": "x",
        "problems": "x",
        "hypotheses": "x",
        "pillar": loti.pillar.pk,
        "workstream": loti.other_workstream.pk,
    }
    errors = messages_on(client.post(reverse("projects:propose"), data))
    assert errors["workstream"] == "Digital Inclusion is not an area of Smarter London: choose one of its areas, or none"


def test_a_second_proposal_with_the_same_name_is_refused_on_the_field(client, loti, approved):
    client.force_login(loti.camden_officer)
    data = {"title": approved.title, "outcome": "x", "problems": "x", "hypotheses": "x", "pillar": loti.pillar.pk}
    errors = messages_on(client.post(reverse("projects:propose"), data))
    assert errors["title"] == "A project with this name already exists: choose another name"


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"date": "2017-12-31"}, "date", "The date of an update must be on or after 1 January 2018"),
        ({"date": "TOMORROW"}, "date", "The date of an update must be today or in the past"),
        ({"date": ""}, "date", "Enter the date of the update"),
        ({"rag": ""}, "rag", "Choose the RAG status: red, amber or green"),
        ({"text": TWO_MEGABYTES}, "text", "The update must be 5,000 characters or fewer"),
        ({"text": ""}, "text", "Say what happened, and what is next"),
    ],
)
def test_progress_updates_refuse_implausible_values(client, loti, approved, change, field, message):
    client.force_login(loti.camden_officer)
    today = timezone.localdate()
    values = {"TOMORROW": (today + datetime.timedelta(days=1)).isoformat()}
    data = {"date": today.isoformat(), "phase": "discover", "rag": "green", "text": "On track"}
    data |= {key: values.get(value, value) for key, value in change.items()}
    errors = messages_on(client.post(reverse("projects:update", kwargs={"slug": approved.slug}), data))
    assert errors[field] == message
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"amount": "60000000"}, "amount", "Enter the saving of £50,000,000 or less"),
        ({"amount": "a lot"}, "amount", "Enter the saving in pounds, like 25000"),
        ({"kind": "time_saved", "amount": "", "hours": "2000000"}, "hours", "Enter the hours saved as 1,000,000 or fewer"),
        ({"description": TWO_MEGABYTES}, "description", "What your borough gained must be 2,000 characters or fewer"),
        ({"year": "2016/17"}, "year", "Enter a financial year from 2018/19 to"),
        ({"year": "2099/00"}, "year", "Enter a financial year from 2018/19 to"),
        ({"kind": ""}, "kind", "Choose the kind of benefit"),
    ],
)
def test_benefits_refuse_values_over_a_sane_ceiling(client, loti, approved, change, field, message):
    client.force_login(loti.camden_officer)
    data = {"kind": "cashable_saving", "description": "Licences shared", "amount": "12000", "year": loti.year.label} | change
    errors = messages_on(client.post(reverse("projects:benefit", kwargs={"slug": approved.slug}), data))
    assert errors[field].startswith(message)
    assert not Benefit.objects.exists()


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"title": ""}, "title", "Enter the name of the output"),
        ({"url": "not a link at all"}, "url", "Enter a link, like https://example.org/toolkit"),
        ({"gifted_on": "2001-01-01"}, "gifted_on", "The date it was gifted must be on or after 1 January 2018"),
    ],
)
def test_outputs_say_what_to_do(client, loti, approved, change, field, message):
    client.force_login(loti.camden_officer)
    data = {"title": "Toolkit", "url": "https://example.org/toolkit", "gifted_on": ""} | change
    errors = messages_on(client.post(reverse("projects:output", kwargs={"slug": approved.slug}), data))
    assert errors[field] == message
    assert not Output.objects.exists()


def test_a_failed_submit_points_to_the_missing_principles_once(client, loti):
    draft = make_project("Camden draft", lead=loti.camden, status=ProjectStatus.DRAFT, others=[loti.hackney], accepted=False)
    client.force_login(loti.camden_officer)
    page = client.post(reverse("projects:submit", kwargs={"slug": draft.slug})).content.decode()
    assert page.count("Supported and delivered by at least two LOTI boroughs") == 1
    assert '<a href="#missing-principles">' in page
