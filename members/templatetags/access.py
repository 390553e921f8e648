"""What the site layout may offer a person (menu items), asked of the same policy the views use."""

from django import template

from members.permissions import is_officer, is_staff

register = template.Library()


@register.filter
def may_see_money(user) -> bool:
    """The budget summary and the CELC reports: LOTI staff and approved officers of member boroughs."""
    return is_staff(user) or is_officer(user)
