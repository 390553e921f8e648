"""Values every page's layout needs (footer, error pages)."""

from django.conf import settings


def site(request):
    return {
        "contact_email": settings.LOTI_CONTACT_EMAIL,
        "budget_published": getattr(settings, "PUBLISH_BUDGET_SUMMARY", False),
    }
