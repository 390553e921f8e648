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
    return [("LOTI staff (admin)", staff.email)]
