"""The directory's filters draw their selects in Python (loti.widgets.PlainSelect); a screen reader, a browser and the
filters' tests must see exactly what Django's own Select would have drawn."""

import pytest
from django import forms
from django.test.html import parse_html

from loti.widgets import PlainSelect
from projects.forms import DirectoryFilterForm

CHOICES = [("", "Any"), ("a", "Apples & pears"), ("Fruit <b>", [("b", "Bananas"), ("c", 'Cherries "red"')])]


@pytest.mark.parametrize("value", ["", "a", "c", None])
@pytest.mark.parametrize("attrs", [None, {"class": "govuk-select", "aria-describedby": "x-hint", "required": True}])
def test_the_same_markup_as_djangos_select(value, attrs):
    ours = PlainSelect(choices=CHOICES).render("fruit", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("fruit", value, attrs=attrs)
    assert parse_html(ours) == parse_html(django)
    assert "Apples &amp; pears" in ours and "<b>" not in ours  # labels escaped, as the template escapes them


@pytest.mark.django_db
def test_the_directory_filters_keep_what_was_chosen(loti):
    form = DirectoryFilterForm({"status": "active", "borough": str(loti.camden.pk)})
    html = str(form["borough"].as_widget()) + str(form["status"].as_widget())
    assert f'<option value="{loti.camden.pk}" selected>{loti.camden.name}</option>' in html
    assert '<option value="active" selected>' in html
    assert html.count(" selected") == 2
