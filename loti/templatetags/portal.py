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
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    existing = field.field.widget.attrs.get("class")
    if existing:
        attrs["class"] = f"{css} {existing}"
    return field.as_widget(attrs=attrs)


@register.filter
def is_choice_group(field) -> bool:
    return field.widget_type in ("checkboxselectmultiple", "radioselect")
