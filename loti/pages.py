"""The portal's statutory pages (accessibility, privacy, cookies, contact): public, read-only, linked from every footer."""

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe


def _page(template: str):
    @require_safe
    def view(request):
        return render(request, template)

    view.__name__ = template.rsplit("/", 1)[-1].removesuffix(".html")
    return view


accessibility = _page("site/accessibility.html")
privacy = _page("site/privacy.html")
cookies = _page("site/cookies.html")
contact = _page("site/contact.html")


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """Django's own 500 view renders without any context; this one adds only settings, never the request,
    because whatever failed may be anywhere in the request's handling."""
    html = loader.get_template(template_name).render({"contact_email": settings.LOTI_CONTACT_EMAIL})
    return HttpResponseServerError(html)
