"""Values every page's layout needs (footer, error pages)."""
from django.conf import settings


def site(request):
    return {"contact_email": settings.LOTI_CONTACT_EMAIL}
