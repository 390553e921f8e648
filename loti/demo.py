"""Demo accounts for each role. Only ever created by setup_demo, never in production."""

from django.contrib.auth import get_user_model

from loti.services import financial_year_get_or_create

DEMO_PASSWORD = "loti-demo-2020"
# Staff need two-factor to reach the admin; the demo director's authenticator uses this known secret so
# that anyone trying the demo can sign in (`manage.py demo_code` prints the current code).
DEMO_TOTP_SECRET = "LOTIDEMOLOTIDEMOLOTIDEMOLOTIDEMO"
DEMO_INVOICE_YEAR = "2020/21"


def ensure_demo_accounts() -> list[tuple[str, str]]:
    """Create (or keep) one account per role; return (role, email) pairs to print."""
    User = get_user_model()
    staff, created = User.objects.get_or_create(
        email="director@loti.london",
        defaults={"username": "director", "first_name": "LOTI", "last_name": "Director", "is_staff": True, "is_superuser": True},
    )
    if created:
        staff.set_password(DEMO_PASSWORD)
        staff.save()
    ensure_demo_authenticator(staff)
    accounts = [("LOTI staff (admin, two-factor)", staff.email)]
    accounts += ensure_demo_officers()
    return accounts


def ensure_demo_officers() -> list[tuple[str, str]]:
    """An approved officer of Camden and of Hackney, and one of Camden waiting for staff to approve them."""
    from allauth.account.models import EmailAddress
    from django.apps import apps
    from django.utils import timezone

    User = get_user_model()
    Organisation = apps.get_model("members", "Organisation")
    EmailAddress.objects.get_or_create(
        email="director@loti.london", defaults={"user": User.objects.get(email="director@loti.london"), "verified": True, "primary": True}
    )
    accounts = []
    for role, email, borough, approved in [
        ("Officer of Camden", "digital.lead@camden.gov.uk", "Camden", True),
        ("Officer of Hackney", "digital.lead@hackney.gov.uk", "Hackney", True),
        ("Officer awaiting approval", "new.officer@camden.gov.uk", "Camden", False),
    ]:
        organisation = Organisation.objects.filter(name__iexact=borough).first()
        if organisation is None:
            continue
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "username": email.split("@")[0] + "." + borough.lower(),
                "organisation": organisation,
                "organisation_approved_at": timezone.now() if approved else None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        accounts.append((role, email))
    return accounts


def ensure_demo_authenticator(user) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


def demo_totp_code() -> str:
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // app_settings.TOTP_PERIOD))


def ensure_demo_survey():
    """This year's satisfaction survey, open for six weeks from the first demo run, so officers can answer it."""
    import datetime

    from django.apps import apps
    from django.utils import timezone

    Survey = apps.get_model("projects", "Survey")
    today = timezone.localdate()
    survey, _ = Survey.objects.get_or_create(
        year=financial_year_get_or_create(on=today),
        defaults={"opens_on": today, "closes_on": today + datetime.timedelta(weeks=6)},
    )
    return survey
