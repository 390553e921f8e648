"""Render Django form fields with GOV.UK Frontend classes, for the portal's own forms and allauth's alike."""

from django import template

register = template.Library()

INPUT_CLASS = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "checkbox": "govuk-checkboxes__input",
    "file": "govuk-file-upload",
}


@register.filter
def govuk_widget(field):
    """The widget with its GOV.UK class, error state, and hint/error ids for screen readers."""
    kind = field.widget_type
    css = INPUT_CLASS.get(kind, "govuk-input")
    if field.errors and kind != "checkbox":
        css += f" {css}--error"
    if kind in ("number", "decimal"):
        css += " govuk-input--width-10"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    # GOV.UK forms never use placeholders (they vanish as you type and fail contrast): labels and hints say it all.
    attrs = {"class": css, "placeholder": False}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    existing = field.field.widget.attrs.get("class")
    if existing:
        attrs["class"] = f"{css} {existing}"
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_group(field) -> bool:
    return field.widget_type in ("checkboxselectmultiple", "radioselect")


# Status tags coloured by what they mean: green done well, red needs action or refused, yellow partly there,
# blue in progress, grey closed or not started. Any status not listed (a new one) is grey.
TAG_COLOURS = {
    # projects
    "draft": "grey",
    "proposed": "blue",
    "under_review": "purple",
    "approved": "green",
    "active": "turquoise",
    "completed": "green",
    "rejected": "red",
    "cancelled": "grey",
    "withdrawn": "grey",
    "returned": "orange",
    # invoices
    "issued": "blue",
    "part_paid": "yellow",
    "paid": "green",
    "overdue": "red",
    "credited": "grey",
    "credit_note": "grey",
    # report runs
    "queued": "grey",
    "running": "blue",
    "done": "green",
    "failed": "red",
}


@register.filter
def tag_class(status) -> str:
    """The GOV.UK tag classes for a status value, e.g. `govuk-tag govuk-tag--red` for an overdue invoice."""
    return f"govuk-tag govuk-tag--{TAG_COLOURS.get(str(status), 'grey')}"


@register.filter
def negate(value):
    """A credit note's amount, shown as the negative it is to the borough's balance."""
    from decimal import Decimal, InvalidOperation

    try:
        return -Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return value
