"""The budget page in Chromium: axe finds nothing, and it fits a 320px-wide screen (wide tables scroll in place)."""

import pytest

from members.models import Organisation
from tests.money.conftest import books  # noqa: F401  (the books every figure is checked against)

from .conftest import assert_accessible, person, sign_in

# What sticks out past the screen's edge, outside a region that scrolls on its own.
WIDEST = """(width) => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > width + 1 && !el.closest('.loti-table-scroll'))
  .map(el => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`).slice(0, 10)"""

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_budget_page_passes_axe_and_fits_320px(books, open_page, tmp_path):  # noqa: F811
    camden = Organisation.objects.get(name="Camden")
    person("finance@camden.gov.uk", camden)
    page = open_page()
    sign_in(page, "finance@camden.gov.uk")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/budget/2020-21/")
        assert "Plan, actual and forecast" in page.content()
        assert_accessible(page)
        page.screenshot(path=str(tmp_path / f"budget-{width}.png"), full_page=True)
        wide = page.evaluate(WIDEST, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"the page scrolls sideways at {width}px: {wide}"
