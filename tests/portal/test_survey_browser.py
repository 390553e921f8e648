"""The survey as an officer uses it in Chromium: keyboard only, "not involved" chosen, the answers page passes axe
and fits a 320px screen."""

import datetime

import pytest
from django.utils import timezone

from projects.models import Survey, SurveyResponse

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_officer_says_not_involved_and_rates_loti_overall_by_keyboard(loti, open_page):
    today = timezone.localdate()
    Survey.objects.create(year=loti.year, opens_on=today - datetime.timedelta(days=7), closes_on=today + datetime.timedelta(days=21))
    page = open_page()
    sign_in(page, loti.camden_officer.email)
    page.goto("/projects/survey/")
    # Radios are chosen with the keyboard: focus, then Space.
    for selector in [
        "#id_rating_overall_4",
        f"#id_rating_{loti.workstream.pk}_3",
        f"#id_added_value_{loti.workstream.pk}_0",
        f"#id_rating_{loti.other_workstream.pk}_5",
    ]:
        page.focus(selector)
        page.keyboard.press("Space")
    page.focus(f"#id_comment_{loti.workstream.pk}")
    page.keyboard.type("Useful sessions")
    with page.expect_navigation():
        page.locator("main button[type=submit]").press("Enter")
    assert page.url.endswith("/projects/survey/answers/")
    saved = {r.workstream_id: (r.rating, r.loti_added_value) for r in SurveyResponse.objects.all()}
    assert saved == {None: (5, None), loti.workstream.pk: (4, True), loti.other_workstream.pk: (None, None)}
    text = page.locator("main").inner_text()
    assert "Not involved" in text and "5 out of 5" in text and "None" not in text
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    for path in ["/projects/survey/answers/", "/projects/survey/"]:
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
