"""The pages the benchmark times, and who views them.

A page is timed only if its URL resolves in the current code (django.urls.resolve), so the table fills in as
the portal and the reports land. Run under Django (bench settings) as

    DATABASE_URL=... python -m bench.pages

to print, as JSON, each page's path or why it is not available, and a session cookie for each bench user.
"""

import json
import os
from dataclasses import asdict, dataclass

STAFF_EMAIL = "bench-staff@loti.london"
OFFICER_EMAIL = "bench-officer@camden.gov.uk"
BARE = "bare view (baseline)"
BARE_ANONYMOUS = "bare view, anonymous (public baseline)"


@dataclass
class Page:
    name: str
    candidates: tuple  # paths to try in order; "{project}" and "{year}" are filled in from the data
    user: str  # "staff", "officer" or "anonymous"
    kind: str  # "bare", "admin", "portal" (signed in) or "public" (anonymous): each kind has its own target


PAGES = [
    Page(BARE, ("/bench/bare/",), "officer", "bare"),
    Page(BARE_ANONYMOUS, ("/bench/bare/",), "anonymous", "bare"),
    Page("admin: organisations", ("/admin/members/organisation/",), "staff", "admin"),
    Page("admin: memberships", ("/admin/members/membership/",), "staff", "admin"),
    Page("admin: projects", ("/admin/projects/project/",), "staff", "admin"),
    Page("admin: invoices", ("/admin/budget/invoice/",), "staff", "admin"),
    Page("admin: budget lines", ("/admin/budget/budgetline/",), "staff", "admin"),
    Page("admin: survey responses", ("/admin/projects/surveyresponse/",), "staff", "admin"),
    Page("borough home", ("/",), "officer", "portal"),
    Page("project directory", ("/projects/",), "officer", "portal"),
    Page("project directory, searched and filtered", ("/projects/?search=data&status=active",), "officer", "portal"),
    Page("project page", ("/projects/{project}/", "/projects/{project_id}/"), "officer", "portal"),
    Page("budget summary", ("/budget/", "/budget/summary/", "/budget/{year_slug}/", "/budget-summary/"), "officer", "portal"),
    Page("public: project directory", ("/projects/",), "anonymous", "public"),
    Page("public: project page", ("/projects/{project}/",), "anonymous", "public"),
    Page("public: published budget", ("/budget/published/",), "anonymous", "public"),
    Page("public: open data page", ("/open-data/",), "anonymous", "public"),
    Page("public: directory as CSV", ("/open-data/projects.csv",), "anonymous", "public"),
    Page("public: API, projects", ("/api/projects/",), "anonymous", "public"),
    Page("public: API, one project", ("/api/projects/{project}/",), "anonymous", "public"),
]


def resolve_pages(context: dict) -> list[dict]:
    from django.urls import Resolver404, resolve

    rows = []
    for page in PAGES:
        found = None
        for candidate in page.candidates:
            try:
                path = candidate.format(**context)
            except (KeyError, IndexError):
                continue
            try:
                match = resolve(path.split("?")[0])
            except Resolver404:
                continue
            found = (path, f"{match.func.__module__}.{getattr(match.func, '__name__', type(match.func).__name__)}")
            break
        row = asdict(page)
        row.pop("candidates")
        row.update(path=found[0] if found else None, view=found[1] if found else None, available=found is not None)
        rows.append(row)
    return rows


def page_context() -> dict:
    from projects.models import Project

    project = Project.objects.filter(status="active").order_by("title").first() or Project.objects.order_by("title").first()
    return {
        "project": project.slug if project else "",
        "project_id": project.pk if project else "",
        "year_slug": "2020-21",
    }


def sessions() -> dict:
    """A signed-in session cookie for each bench user (as if they had logged in)."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    cookies = {}
    for role, email in (("staff", STAFF_EMAIL), ("officer", OFFICER_EMAIL)):
        client = Client()
        client.force_login(User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return cookies


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loti.settings.bench")
    import django

    django.setup()
    print(json.dumps({"pages": resolve_pages(page_context()), "sessions": sessions()}))


if __name__ == "__main__":
    main()
