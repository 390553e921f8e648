"""The annual satisfaction survey: officers rate each active workstream 1–5, say whether LOTI added value, and comment."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from loti.services import financial_year_get_or_create
from projects.evaluation import satisfaction_by_workstream
from projects.models import Survey, SurveyResponse, Workstream
from projects.services import WorkstreamAnswer, survey_answer

from .conftest import borough, person

DAY = datetime.timedelta(days=1)


@pytest.fixture
def survey(loti):
    """This year's survey, open today; an old workstream that is no longer active is not asked about."""
    Workstream.objects.create(name="Sharing & reusing", slug="sharing-reusing", active=False)
    today = timezone.localdate()
    return Survey.objects.create(year=loti.year, opens_on=today - 7 * DAY, closes_on=today + 21 * DAY)


def form_data(loti, *, data_rating="4", inclusion_rating="2", data_comment="The data sessions helped us join up", overall="4"):
    data = {
        "rating_overall": overall,
        "comment_overall": "",
        f"added_value_{loti.workstream.pk}": "yes",
        f"comment_{loti.workstream.pk}": data_comment,
        f"added_value_{loti.other_workstream.pk}": "no",
        f"comment_{loti.other_workstream.pk}": "",
    }
    if data_rating is not None:
        data[f"rating_{loti.workstream.pk}"] = data_rating
    if inclusion_rating is not None:
        data[f"rating_{loti.other_workstream.pk}"] = inclusion_rating
    return data


def answers(loti, data_rating=4, inclusion_rating=2):
    return [
        WorkstreamAnswer(workstream=loti.workstream, rating=data_rating, loti_added_value=True, comment="Useful"),
        WorkstreamAnswer(workstream=loti.other_workstream, rating=inclusion_rating, loti_added_value=False),
    ]


def test_an_officer_answers_the_survey_from_the_home_page(client, loti, survey):
    client.force_login(loti.camden_officer)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("projects:survey")}"' in home and f"Answer the {loti.year} satisfaction survey" in home

    page = client.get(reverse("projects:survey")).content.decode()
    assert page.count('<h2 class="govuk-heading-m"') == 3  # LOTI overall, then one group per active workstream
    assert "Data Collaboration" in page and "Digital Inclusion" in page and "Sharing &amp; reusing" not in page
    assert f'name="rating_{loti.workstream.pk}" type="radio" value="5"' in page
    assert f'id="id_comment_{loti.workstream.pk}"' in page

    response = client.post(reverse("projects:survey"), form_data(loti), follow=True)
    assert response.redirect_chain == [(reverse("projects:survey_answers"), 302)]
    saved = {r.workstream: r for r in SurveyResponse.objects.filter(survey=survey)}
    assert set(saved) == {None, loti.workstream, loti.other_workstream}  # None: the overall question
    assert saved[None].rating == 4
    data = saved[loti.workstream]
    assert (data.rating, data.loti_added_value, data.comment) == (4, True, "The data sessions helped us join up")
    assert (data.organisation, data.respondent, data.respondent_email) == (loti.camden, loti.camden_officer, "cio@camden.gov.uk")
    assert (saved[loti.other_workstream].rating, saved[loti.other_workstream].loti_added_value) == (2, False)

    # The thank-you page shows what they answered; the evaluation report counts it.
    thanks = response.content.decode()
    assert "Thank you" in thanks and "4 out of 5" in thanks and "2 out of 5" in thanks and "The data sessions helped us join up" in thanks
    satisfaction = {row.workstream: (row.average, row.answers, row.added_value_yes) for row in satisfaction_by_workstream(year=loti.year)}
    assert satisfaction["Data Collaboration"] == (4, 1, 1) and satisfaction["Digital Inclusion"] == (2, 1, 0)

    # Nothing left to do about the survey on the home page.
    home = client.get(reverse("home")).content.decode()
    assert "satisfaction survey" not in home and reverse("projects:survey") not in home


def test_answering_again_while_open_updates_rather_than_duplicates(client, loti, survey):
    client.force_login(loti.camden_officer)
    client.post(reverse("projects:survey"), form_data(loti))
    first = set(SurveyResponse.objects.values_list("pk", flat=True))

    page = client.get(reverse("projects:survey")).content.decode()
    assert "You have answered already" in page
    assert f'name="rating_{loti.workstream.pk}" type="radio" value="4" checked' in page  # the earlier answers are filled in

    client.post(reverse("projects:survey"), form_data(loti, data_rating="5", data_comment="Even better after the spring sessions"))
    assert set(SurveyResponse.objects.values_list("pk", flat=True)) == first
    answer = SurveyResponse.objects.get(workstream=loti.workstream)
    assert (answer.rating, answer.comment) == (5, "Even better after the spring sessions")


def test_an_imported_answer_with_the_address_spelled_differently_is_replaced_not_duplicated(loti, survey):
    SurveyResponse.objects.create(
        survey=survey, respondent_email="CIO@Camden.gov.uk", organisation=loti.camden, workstream=loti.workstream, rating=1
    )
    survey_answer(survey=survey, respondent=loti.camden_officer, answers=answers(loti), overall=4)
    assert SurveyResponse.objects.filter(survey=survey, workstream=loti.workstream).get().rating == 4
    assert SurveyResponse.objects.count() == 3  # two workstreams and LOTI overall


@pytest.mark.parametrize(
    "data_rating, message",
    [
        ("6", "Rate the value of Data Collaboration with a whole number from 1 to 5"),
        (None, "Rate the value of Data Collaboration from 1 to 5, or say you were not involved"),
    ],
    ids=["rating 6", "missing rating"],
)
def test_a_bad_rating_is_named_beside_its_question_and_nothing_is_saved(client, loti, survey, data_rating, message):
    client.force_login(loti.camden_officer)
    response = client.post(reverse("projects:survey"), form_data(loti, data_rating=data_rating))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error:" in page and "There is a problem" in page
    assert f'href="#id_rating_{loti.workstream.pk}_0">{message}' in page  # the summary links to the question
    error = page.split(f'id="id_rating_{loti.workstream.pk}-error"')[1].split("</p>")[0]
    assert message in error
    assert f'id="id_rating_{loti.other_workstream.pk}-error"' not in page
    # What they typed is kept for them to correct.
    assert (
        "The data sessions helped us join up" in page and f'name="rating_{loti.other_workstream.pk}" type="radio" value="2" checked' in page
    )
    assert not SurveyResponse.objects.exists()


def test_a_closed_survey_says_so_and_takes_no_answers(client, loti, survey):
    survey.opens_on, survey.closes_on = timezone.localdate() - 60 * DAY, timezone.localdate() - DAY
    survey.save()
    client.force_login(loti.camden_officer)
    page = client.get(reverse("projects:survey")).content.decode()
    assert "The satisfaction survey is closed" in page and f"The {loti.year} survey closed on" in page
    assert client.post(reverse("projects:survey"), form_data(loti)).status_code == 200
    assert "The satisfaction survey is closed" in client.get(reverse("projects:survey_answers")).content.decode()
    assert not SurveyResponse.objects.exists()
    assert "satisfaction survey" not in client.get(reverse("home")).content.decode()


def test_a_survey_that_closes_while_the_officer_answers_says_so_at_the_top(client, loti, survey, monkeypatch):
    class AfterClosing:  # the service's clock only: the page was shown while the survey was open
        now = staticmethod(timezone.now)

        @staticmethod
        def localdate():
            return survey.closes_on + DAY

    monkeypatch.setattr("projects.services.timezone", AfterClosing)
    client.force_login(loti.camden_officer)
    page = client.post(reverse("projects:survey"), form_data(loti)).content.decode()
    summary = page.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    assert "answers cannot be taken today" in summary
    assert not SurveyResponse.objects.exists()


def test_with_no_survey_the_page_says_when_the_next_one_opens(client, loti):
    next_year = financial_year_get_or_create(label="2031/32")
    Survey.objects.create(year=next_year, opens_on=datetime.date(2032, 2, 1), closes_on=datetime.date(2032, 3, 1))
    client.force_login(loti.hackney_officer)
    page = client.get(reverse("projects:survey")).content.decode()
    assert "The satisfaction survey is closed" in page and "The 2031/32 survey opens on 1 February 2032" in page


@pytest.mark.parametrize("who", ["pending_officer", "non_member_officer", "staff"])
def test_only_approved_officers_of_member_organisations_answer(client, loti, survey, who):
    user = person("cio@bromley.gov.uk", loti.bromley) if who == "non_member_officer" else getattr(loti, who)
    client.force_login(user)
    assert client.get(reverse("projects:survey")).status_code == 403
    assert client.post(reverse("projects:survey"), form_data(loti)).status_code == 403
    assert not SurveyResponse.objects.exists()
    assert "satisfaction survey" not in client.get(reverse("home")).content.decode()


def test_another_officer_cannot_see_someone_elses_answers(client, loti, survey):
    client.force_login(loti.camden_officer)
    client.post(reverse("projects:survey"), form_data(loti, data_comment="Camden's frank view of the data work"))
    colleague = person("data@camden.gov.uk", loti.camden)
    for other in [loti.hackney_officer, colleague]:
        client.force_login(other)
        for name in ["projects:survey", "projects:survey_answers"]:
            page = client.get(reverse(name)).content.decode()
            assert "Camden's frank view" not in page and "frank view" not in page, (other, name)
            assert " checked" not in page, (other, name)
        assert "You have not answered" in client.get(reverse("projects:survey_answers")).content.decode()
    # Each officer's answers are their own: Hackney's do not replace Camden's.
    client.force_login(loti.hackney_officer)
    client.post(reverse("projects:survey"), form_data(loti, data_rating="1", data_comment="Hackney's view"))
    assert SurveyResponse.objects.filter(organisation=loti.camden, workstream=loti.workstream).get().rating == 4
    assert SurveyResponse.objects.filter(organisation=loti.hackney, workstream=loti.workstream).get().rating == 1


# --- The service's guards, for every caller (views, imports, the shell). ---


def test_the_service_refuses_a_survey_that_is_not_open(loti, survey):
    survey.opens_on = timezone.localdate() + DAY
    survey.closes_on = timezone.localdate() + 30 * DAY
    survey.save()  # the service checks the survey as it is kept, not the caller's copy
    with pytest.raises(ValidationError, match=r"satisfaction survey is open from .* answers cannot be taken today"):
        survey_answer(survey=survey, respondent=loti.camden_officer, answers=answers(loti), overall=4)
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("who", ["pending_officer", "staff", "non_member_officer"])
def test_the_service_refuses_anyone_but_an_approved_member_officer(loti, survey, who):
    user = person("cio@bromley.gov.uk", loti.bromley) if who == "non_member_officer" else getattr(loti, who)
    with pytest.raises(ValidationError, match="Only an approved officer of a LOTI member organisation"):
        survey_answer(survey=survey, respondent=user, answers=answers(loti), overall=4)
    assert not SurveyResponse.objects.exists()


def test_a_borough_whose_membership_ended_no_longer_answers(loti, survey):
    loti.camden.memberships.update(end_date=timezone.localdate() - DAY)
    with pytest.raises(ValidationError, match="member organisation"):
        survey_answer(survey=survey, respondent=loti.camden_officer, answers=answers(loti), overall=4)


@pytest.mark.parametrize("rating", [6, 0, None, 3.5, True], ids=["6", "0", "missing", "3.5", "True"])
def test_the_service_names_the_workstream_whose_rating_is_wrong_and_saves_nothing(loti, survey, rating):
    with pytest.raises(ValidationError) as raised:
        survey_answer(survey=survey, respondent=loti.camden_officer, answers=answers(loti, data_rating=rating), overall=4)
    errors = raised.value.message_dict
    assert list(errors) == [f"rating_{loti.workstream.pk}"]
    assert "Data Collaboration" in errors[f"rating_{loti.workstream.pk}"][0]
    assert not SurveyResponse.objects.exists()


def test_the_service_takes_only_active_workstreams_and_needs_them_all(loti, survey):
    old = Workstream.objects.get(slug="sharing-reusing")
    with pytest.raises(ValidationError) as raised:
        survey_answer(
            survey=survey,
            respondent=loti.camden_officer,
            answers=[WorkstreamAnswer(workstream=loti.workstream, rating=4), WorkstreamAnswer(workstream=old, rating=5)],
            overall=4,
        )
    errors = raised.value.message_dict
    assert "Sharing & reusing is no longer an active workstream" in errors[f"rating_{old.pk}"][0]
    assert errors[f"rating_{loti.other_workstream.pk}"] == [
        "Rate the value of Digital Inclusion from 1 to 5, or say you were not involved."
    ]
    assert not SurveyResponse.objects.exists()


def test_a_borough_that_joins_today_can_answer(loti, survey):
    newham = borough("Newham", "E09000025", "newham.gov.uk")
    officer = person("cdio@newham.gov.uk", newham)
    saved = survey_answer(survey=survey, respondent=officer, answers=answers(loti), overall=4)
    assert [(r.workstream, r.organisation, r.rating) for r in saved] == [
        (None, newham, 4),  # LOTI overall first
        (loti.other_workstream, newham, 2),
        (loti.workstream, newham, 4),
    ]


# --- The admin. ---


def test_staff_open_a_survey_for_a_new_year_and_see_how_many_answered(client, loti, survey):
    client.force_login(loti.staff)
    response = client.post(
        reverse("admin:projects_survey_add"), {"year_label": "2031/32", "opens_on": "2032-02-01", "closes_on": "2032-03-01"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Survey.objects.get(year__label="2031/32")
    assert (created.opens_on, created.closes_on) == (datetime.date(2032, 2, 1), datetime.date(2032, 3, 1))

    # A year that already has a survey, a year written wrongly, or dates the wrong way round are refused.
    for data, message in [
        ({"year_label": str(loti.year), "opens_on": "2032-02-01", "closes_on": "2032-03-01"}, "already has a satisfaction survey"),
        ({"year_label": "2031/33", "opens_on": "2032-02-01", "closes_on": "2032-03-01"}, "is not a financial year"),
        ({"year_label": "2032/33", "opens_on": "2033-03-01", "closes_on": "2033-02-01"}, "closes on or after the day it opens"),
    ]:
        response = client.post(reverse("admin:projects_survey_add"), data)
        assert response.status_code == 200 and message in response.content.decode(), data
    assert Survey.objects.count() == 2

    survey_answer(survey=survey, respondent=loti.camden_officer, answers=answers(loti), overall=4)
    survey_answer(survey=survey, respondent=loti.hackney_officer, answers=answers(loti), overall=4)
    changelist = client.get(reverse("admin:projects_survey_changelist")).content.decode()
    answers_url = reverse("admin:projects_surveyresponse_changelist") + f"?survey__id__exact={survey.pk}"
    assert f'<a href="{answers_url}">6</a>' in changelist.replace("&amp;", "&")  # two workstreams and overall, twice
    assert '<td class="field-respondents">2</td>' in changelist

    # The year of an existing survey is fixed; its dates can change.
    change = client.get(reverse("admin:projects_survey_change", args=[survey.pk])).content.decode()
    assert 'name="year_label"' not in change and 'name="closes_on"' in change


# --- Answering honestly: "not involved", the overall question, one scale wording, no "None". ---


def test_not_involved_is_an_answer_kept_apart_from_the_average(client, loti, survey):
    client.force_login(loti.camden_officer)
    page = client.get(reverse("projects:survey")).content.decode()
    assert f'name="rating_{loti.other_workstream.pk}" type="radio" value="not_involved"' in page
    data = form_data(loti, inclusion_rating="not_involved")
    del data[f"added_value_{loti.other_workstream.pk}"]  # not asked of someone who was not involved
    response = client.post(reverse("projects:survey"), data, follow=True)
    assert response.redirect_chain == [(reverse("projects:survey_answers"), 302)]
    inclusion = SurveyResponse.objects.get(workstream=loti.other_workstream)
    assert (inclusion.rating, inclusion.loti_added_value) == (None, None)
    client.force_login(loti.hackney_officer)
    client.post(reverse("projects:survey"), form_data(loti, inclusion_rating="2"))

    # Counting rule: a not-involved answer is counted apart, never in the average.
    rows = {row.workstream: row for row in satisfaction_by_workstream(year=loti.year)}
    assert (rows["Digital Inclusion"].average, rows["Digital Inclusion"].answers, rows["Digital Inclusion"].not_involved) == (2, 1, 1)
    assert rows["Data Collaboration"].not_involved == 0

    # Shown back as "Not involved", the one scale named, and an empty comment shows nothing (not "None").
    client.force_login(loti.camden_officer)
    answers_page = client.get(reverse("projects:survey_answers")).content.decode()
    assert "Not involved" in answers_page and "1 is poor, 5 is excellent" in answers_page
    assert "None" not in answers_page.split("<main")[1]
    assert "LOTI overall" in answers_page and "4 out of 5" in answers_page


def test_the_same_scale_wording_on_the_survey_page(client, loti, survey):
    client.force_login(loti.camden_officer)
    page = client.get(reverse("projects:survey")).content.decode()
    assert page.count("1 is poor, 5 is excellent") >= 3  # the introduction and each rating question's hint
    assert "1 – poor" in page and "5 – excellent" in page and "no value" not in page


def test_a_rating_for_a_workstream_needs_the_added_value_answer_and_the_overall_question_is_required(client, loti, survey):
    client.force_login(loti.camden_officer)
    data = form_data(loti, overall="")
    del data[f"added_value_{loti.workstream.pk}"]
    page = client.post(reverse("projects:survey"), data).content.decode()
    assert 'href="#id_rating_overall_0">Rate LOTI overall from 1 to 5' in page
    assert "Say whether LOTI added value in Data Collaboration" in page
    assert not SurveyResponse.objects.exists()


def test_the_service_refuses_a_rating_and_not_involved_together_and_a_missing_overall(loti, survey):
    both = [
        WorkstreamAnswer(workstream=loti.workstream, rating=4, not_involved=True),
        WorkstreamAnswer(workstream=loti.other_workstream, rating=None, not_involved=True),
    ]
    with pytest.raises(ValidationError) as raised:
        survey_answer(survey=survey, respondent=loti.camden_officer, answers=both, overall=None)
    errors = raised.value.message_dict
    assert errors[f"rating_{loti.workstream.pk}"] == ["Rate Data Collaboration or say you were not involved, not both."]
    assert errors["rating_overall"] == ["Rate LOTI overall from 1 to 5."]
    assert f"rating_{loti.other_workstream.pk}" not in errors
    assert not SurveyResponse.objects.exists()
