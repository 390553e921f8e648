"""The admin index's dashboard, as a template tag: the admin's index view is Django's own."""

from django import template

from budget.selectors.dashboard import admin_dashboard as dashboard_figures

register = template.Library()


@register.simple_tag
def admin_dashboard():
    return dashboard_figures()
