"""{% maturity_medians year as rows %}: London's median maturity per dimension for a report's year."""

from django import template

from members.register_selectors import maturity_medians as medians

register = template.Library()


@register.simple_tag
def maturity_medians(year):
    return medians(year=year)
