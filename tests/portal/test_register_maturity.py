"""Digital maturity: a borough sees its own scores beside London's median, never another's unless it shares."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from loti.services import financial_year_get_or_create
from members.models import MaturityDimension, MaturityScore
from members.register_selectors import maturity_medians, maturity_report_json
from members.register_services import maturity_assess, maturity_sharing_set

from .conftest import person

DIMENSIONS = MaturityDimension.values


def answers(*scores, evidence="evidence"):
    return {dimension: (score, evidence) for dimension, score in zip(DIMENSIONS, scores, strict=False)}  # fewer scores: missing dimensions


def scores_of(organisation, year, *scores):
    MaturityScore.objects.bulk_create(
        MaturityScore(year=year, organisation=organisation, dimension=d, score=s, evidence="")
        for d, s in zip(DIMENSIONS, scores, strict=True)
    )


def test_london_median_per_dimension_with_one_decimal_and_last_years_change(loti):
    last_year = loti.year.previous() or financial_year_get_or_create(
        label=f"{loti.year.start_date.year - 1}/{loti.year.start_date.year % 100:02d}"
    )
    scores_of(loti.camden, loti.year, 1, 2, 3, 4, 5)
    scores_of(loti.hackney, loti.year, 2, 2, 3, 5, 5)
    scores_of(loti.islington, loti.year, 4, 3, 3, 5, 1)
    scores_of(loti.bromley, loti.year, 5, 3, 4, 5, 1)
    scores_of(loti.camden, last_year, 1, 1, 1, 1, 1)
    scores_of(loti.hackney, last_year, 2, 2, 2, 2, 2)
    by_dimension = {row.dimension: row for row in maturity_medians(year=loti.year)}
    assert str(by_dimension["strategy"].median) == "3.0" and by_dimension["strategy"].responses == 4
    assert str(by_dimension["ict"].median) == "2.5"
    assert str(by_dimension["adoption"].median) == "3.0"
    assert str(by_dimension["culture"].median) == "3.0"
    assert [item["dimension"] for item in maturity_report_json(year=loti.year)] == DIMENSIONS
    item = maturity_report_json(year=loti.year)[0]
    assert item == {"dimension": "strategy", "median": "3.0", "responses": 4, "previous_median": "1.5", "change": "1.5"}


def test_the_evaluation_json_has_maturity(loti, capsys):
    scores_of(loti.camden, loti.year, 3, 3, 3, 3, 4)
    scores_of(loti.hackney, loti.year, 4, 4, 4, 4, 4)
    call_command("report", "evaluation", "--year", loti.year.label, "--format", "json")
    maturity = json.loads(capsys.readouterr().out)["maturity"]
    assert {k: maturity[-1][k] for k in ("dimension", "median", "responses")} == {"dimension": "culture", "median": "4.0", "responses": 2}
    assert maturity[0]["median"] == "3.5"


def test_an_officer_answers_for_their_borough_and_answering_again_replaces(loti):
    maturity_assess(year=loti.year, answered_by=loti.camden_officer, answers=answers(1, 2, 3, 4, 5))
    maturity_assess(year=loti.year, answered_by=loti.camden_officer, answers=answers(2, 2, 2, 2, 2, evidence="later"))
    assert list(MaturityScore.objects.filter(organisation=loti.camden).values_list("score", "evidence").order_by().distinct()) == [
        (2, "later")
    ]
    with pytest.raises(ValidationError) as refused:
        maturity_assess(year=loti.year, answered_by=loti.camden_officer, answers=answers(1, 2, 3, 4, 6))
    assert "score_culture" in refused.value.message_dict
    with pytest.raises(ValidationError):
        maturity_assess(year=loti.year, answered_by=loti.pending_officer, answers=answers(1, 2, 3, 4, 5))
    with pytest.raises(ValidationError):
        maturity_assess(year=loti.year, answered_by=loti.camden_officer, answers=answers(1, 2, 3))  # two dimensions missing


def test_a_borough_sees_its_scores_and_the_median_never_anothers(client, loti):
    maturity_assess(year=loti.year, answered_by=loti.camden_officer, answers=answers(1, 1, 1, 1, 1))
    maturity_assess(year=loti.year, answered_by=loti.hackney_officer, answers=answers(5, 5, 5, 5, 5, evidence="Hackney's secret evidence"))
    maturity_assess(year=loti.year, answered_by=loti.islington_officer, answers=answers(4, 4, 4, 4, 4))
    client.force_login(loti.camden_officer)
    page = client.get("/maturity/").content.decode()
    assert "Your scores beside London" in page
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">1</td>' in page  # Camden's own score
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">4.0</td>' in page  # London's median of 1, 4, 5
    assert "Hackney" not in page and "secret evidence" not in page
    assert ">5<" not in page  # Hackney's score appears nowhere
    # Hackney agrees to share: now other boroughs see its scores (never its evidence).
    maturity_sharing_set(organisation_id=loti.hackney.pk, shared=True, decided_by=loti.hackney_officer)
    page = client.get("/maturity/").content.decode()
    assert "Boroughs that share their scores" in page and "Hackney" in page and "secret evidence" not in page
    with pytest.raises(ValidationError):
        maturity_sharing_set(organisation_id=loti.hackney.pk, shared=False, decided_by=loti.camden_officer)  # only Hackney decides


def test_the_median_is_hidden_until_three_boroughs_answer(client, loti):
    maturity_assess(year=loti.year, answered_by=loti.camden_officer, answers=answers(2, 2, 2, 2, 2))
    maturity_assess(year=loti.year, answered_by=loti.hackney_officer, answers=answers(5, 5, 5, 5, 5))
    client.force_login(loti.camden_officer)
    page = client.get("/maturity/").content.decode()
    assert "Too few answers" in page and "3.5" not in page  # 3.5 would give Hackney's 5 away to Camden


def test_the_page_saves_the_form_and_the_sharing_choice(client, loti):
    client.force_login(loti.islington_officer)
    form = {f"score_{d}": "3" for d in DIMENSIONS} | {f"evidence_{d}": "why" for d in DIMENSIONS}
    assert client.post("/maturity/", form).status_code == 302
    assert MaturityScore.objects.filter(organisation=loti.islington, score=3).count() == 5
    page = client.post("/maturity/", {"score_strategy": "9"}).content.decode()
    assert "govuk-error-summary" in page and "Choose a score from 1 to 5 for ICT provision" in page
    assert client.post("/maturity/sharing/", {"shared": "yes"}).status_code == 302
    assert loti.islington.maturity_sharing.shared is True


@pytest.mark.parametrize("who", ["staff", "pending_officer"])
def test_only_approved_officers_self_assess(client, loti, who):
    client.force_login(getattr(loti, who))
    assert client.get("/maturity/").status_code == 403
    assert client.post("/maturity/sharing/", {"shared": "yes"}).status_code == 403


def test_an_officer_without_a_borough_gets_nothing(client, loti):
    client.force_login(person("someone@example.com"))
    assert client.get("/maturity/").status_code == 403
