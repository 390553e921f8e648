"""LOTI staff must protect their account with an authenticator app before the portal shows them anything private.

Staff see every borough's invoices, draft proposals, the budget and the CELC reports, in the portal as well as in
the admin, so a password alone opens nothing: until an authenticator is set up, every page except the account
pages (where they set it up, or sign out) and the public statutory pages sends them to set one up.
"""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

SETUP_MESSAGE = "LOTI staff must set up an authenticator app before they can see the portal's private pages or the admin."


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LOTI_REQUIRE_STAFF_MFA and self._needs_second_factor(request):
            if request.method == "GET" and not request.headers.get("X-Requested-With"):
                messages.info(request, SETUP_MESSAGE)
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not (user.is_staff or user.is_superuser):
            return False
        if request.path_info.startswith(tuple(settings.LOTI_STAFF_MFA_EXEMPT_PATHS)):
            return False
        # Once per request at most, and only for staff: officers never pay for this query.
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
