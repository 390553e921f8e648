"""Demo accounts for each role. Only ever created by setup_demo, never in production."""
from django.contrib.auth import get_user_model

DEMO_PASSWORD = "loti-demo-2020"


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
    accounts = [("LOTI staff (admin)", staff.email)]
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
            defaults={"username": email.split("@")[0] + "." + borough.lower(), "organisation": organisation,
                      "organisation_approved_at": timezone.now() if approved else None},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        accounts.append((role, email))
    return accounts
