"""The intermediate page every admin action with a form shows (templates/admin/loti/action_page.html)."""

from django.contrib.admin import helpers
from django.template.response import TemplateResponse


def action_page(
    model_admin,
    request,
    *,
    title: str,
    form,
    objects,
    lines: list[str],
    submit: str,
    intro: str = "",
    empty: str = "",
    template: str = "admin/loti/action_page.html",
    **extra,
) -> TemplateResponse:
    """What is selected (`lines`, one per object), the form, and a button labelled `submit`; the same action and
    selection are posted again with `apply` when it is pressed."""
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "form": form,
        "selected": [obj.pk for obj in objects],
        "lines": lines,
        "intro": intro,
        "empty": empty,
        "submit": submit,
        "action": request.POST.get("action"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        **extra,
    }
    return TemplateResponse(request, template, context)
