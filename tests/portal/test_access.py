"""Every portal URL, generated from the URL configuration, visited GET and POST by four people.

anonymous: sent to sign in (public pages: the directory and public project pages answer);
right: an officer of the borough the object belongs to; other: an officer of another borough
(a private object does not exist for them: 404); staff: LOTI staff. A new portal URL without a case fails.
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from budget.models import FeeSchedule, Invoice
from budget.services.invoicing import invoices_issue
from members.models import Invitation, MembershipTier, ServiceArea, System
from projects.models import Benefit, Output, ProgressUpdate, Project, ProjectStatus, Survey

from .conftest import make_project

PORTAL_NAMESPACES = {"projects", "members", "budget", "register", "strategy", "site"}
PORTAL_TOP_LEVEL = {"home"}


def portal_url_names() -> list[str]:
    names = []

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                if namespace in PORTAL_NAMESPACES:
                    names.append(f"{namespace}:{pattern.name}")
                elif namespace is None and pattern.name in PORTAL_TOP_LEVEL:
                    names.append(pattern.name)

    walk(get_resolver().url_patterns)
    return sorted(set(names))


LOGIN = "login"
# For each URL: which object it is about, who the "right" and "other" officers are, and the answers expected,
# as {role: (GET, POST)}. LOGIN means a redirect to the sign-in page.
CASES: dict[str, dict[str, Any]] = {
    # Anonymous `/` is the landing page; signed in, 'My borough'.
    "home": {"object": None, "answers": {"anonymous": (200, 405), "right": (200, 405), "other": (200, 405), "staff": (200, 405)}},
    "site:accessibility": {"object": None, "answers": dict.fromkeys(("anonymous", "right", "other", "staff"), (200, 405))},
    "site:privacy": {"object": None, "answers": dict.fromkeys(("anonymous", "right", "other", "staff"), (200, 405))},
    "site:cookies": {"object": None, "answers": dict.fromkeys(("anonymous", "right", "other", "staff"), (200, 405))},
    "site:contact": {"object": None, "answers": dict.fromkeys(("anonymous", "right", "other", "staff"), (200, 405))},
    "projects:directory": {
        "object": None,
        "answers": {"anonymous": (200, 405), "right": (200, 405), "other": (200, 405), "staff": (200, 405)},
    },
    "projects:propose": {
        "object": None,
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 200), "other": (200, 200), "staff": (403, 403)},
    },
    "projects:project": {
        "object": "draft",
        "answers": {"anonymous": (404, 405), "right": (200, 405), "other": (404, 405), "staff": (200, 405)},
    },
    "projects:support": {
        "object": "draft_invited",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 302), "other": (404, 404), "staff": (403, 403)},
    },
    "projects:decline": {
        "object": "draft_invited",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 302), "other": (404, 404), "staff": (403, 403)},
    },
    # An empty post to the change page shows the required fields' errors.
    "projects:edit": {
        "object": "draft",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 200), "other": (404, 404), "staff": (403, 403)},
    },
    "projects:withdraw": {
        "object": "draft",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 302), "other": (404, 404), "staff": (403, 403)},
    },
    "projects:submit": {
        "object": "draft",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 200), "other": (404, 404), "staff": (403, 403)},
    },
    "projects:update": {
        "object": "approved",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 200), "other": (403, 403), "staff": (403, 403)},
    },
    "projects:output": {
        "object": "approved",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 200), "other": (403, 403), "staff": (403, 403)},
    },
    "projects:benefit": {
        "object": "approved",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 200), "other": (403, 403), "staff": (403, 403)},
    },
    # The open survey is every member officer's own (an empty post shows the questions' errors); staff do not answer it.
    "projects:survey": {
        "object": "open_survey",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 200), "other": (200, 200), "staff": (403, 403)},
    },
    "projects:survey_answers": {
        "object": "open_survey",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 405), "other": (200, 405), "staff": (403, 403)},
    },
    "members:invitation": {
        "object": "invitation",
        "answers": {"anonymous": (200, LOGIN), "right": (200, 302), "other": (200, 400), "staff": (200, 400)},
    },
    "budget:invoice_pdf": {
        "object": "invoice",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 405), "other": (404, 405), "staff": (200, 405)},
    },
    # The technology register is shared among members (every officer sees every borough's); a borough's own officers
    # change its entries (staff keep it in the admin); the public register and its CSV are open.
    "register:index": {
        "object": None,
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 405), "other": (200, 405), "staff": (200, 405)},
    },
    "register:borough": {
        "object": "borough",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 405), "other": (200, 405), "staff": (200, 405)},
    },
    "register:add": {
        "object": "borough",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 200), "other": (403, 403), "staff": (403, 403)},
    },
    "register:change": {
        "object": "system",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 200), "other": (403, 403), "staff": (403, 403)},
    },
    "register:opportunities": {
        "object": None,
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 405), "other": (200, 405), "staff": (200, 405)},
    },
    "register:interest": {
        "object": "service_area",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (405, 302), "other": (405, 302), "staff": (403, 403)},
    },
    "register:public": {
        "object": None,
        "answers": {"anonymous": (200, 405), "right": (200, 405), "other": (200, 405), "staff": (200, 405)},
    },
    "register:public_csv": {
        "object": None,
        "answers": {"anonymous": (200, 405), "right": (200, 405), "other": (200, 405), "staff": (200, 405)},
    },
    # Maturity: each officer's own borough only (an empty post shows the questions' errors); staff read it in the admin.
    "register:maturity": {
        "object": None,
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 200), "other": (200, 200), "staff": (403, 403)},
    },
    "register:maturity_sharing": {
        "object": None,
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (405, 302), "other": (405, 302), "staff": (403, 403)},
    },
    "strategy:engagement_map": {
        "object": None,
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (403, 403), "other": (403, 403), "staff": (200, 405)},
    },
    "budget:invoice": {
        "object": "invoice",
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 405), "other": (404, 405), "staff": (200, 405)},
    },
    # Each officer's own borough's billing details (an empty post shows the form's error); staff keep them in the admin.
    "members:billing": {
        "object": None,
        "answers": {"anonymous": (LOGIN, LOGIN), "right": (200, 200), "other": (200, 200), "staff": (404, 404)},
    },
}
# Who "right" is for each object: the draft's lead is Camden, its invited borough Islington; "other" is Hackney.
RIGHT_FOR = {"draft_invited": "islington_officer"}


# Pages with their own access cases elsewhere, and allauth's own views (its sign-in, sign-up, two-factor pages).
COVERED_ELSEWHERE = {
    "reports": "tests/reports (budget summary and report runs)",
    "admin": "the Django admin",
    "opendata": "tests/opendata (public files: nothing private in them)",
    "api": "tests/opendata/test_api.py (anonymous, read-only, nothing private)",
}
ALLAUTH_PREFIXES = ("account_", "mfa_", "socialaccount_", "usersessions_")


def every_url_name() -> list[tuple[str | None, str]]:
    found = []

    def walk(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name:
                found.append((namespace, pattern.name))

    walk(get_resolver().url_patterns)
    return found


def test_every_portal_url_has_a_case():
    missing = [name for name in portal_url_names() if name not in CASES]
    assert not missing, f"Portal URLs without an access case in tests/portal/test_access.py: {missing}"
    unknown = [
        f"{namespace}:{name}" if namespace else name
        for namespace, name in every_url_name()
        if namespace not in COVERED_ELSEWHERE
        and namespace not in PORTAL_NAMESPACES
        and not (namespace is None and (name in PORTAL_TOP_LEVEL or name.startswith(ALLAUTH_PREFIXES)))
    ]
    assert not unknown, f"URLs that no access test covers: {unknown}"


@pytest.fixture
def objects(loti):
    draft = make_project("Camden draft proposal", lead=loti.camden, status=ProjectStatus.DRAFT, others=[loti.islington], accepted=False)
    approved = make_project("Shared cyber pilot", lead=loti.camden, others=[loti.islington])
    FeeSchedule.objects.create(year=loti.year, tier=MembershipTier.CORE, annual_fee=Decimal("30000.00"), vat_rate=Decimal("0.20"))
    invoices_issue(year=loti.year, issued_by=loti.staff)
    invitation = Invitation.objects.create(email=loti.camden_officer.email, organisation=loti.camden, token="a-secret-token")
    today = timezone.localdate()
    Survey.objects.create(year=loti.year, opens_on=today - datetime.timedelta(days=7), closes_on=today + datetime.timedelta(days=21))
    revenues = ServiceArea.objects.create(name="Revenues and benefits", slug="revenues-and-benefits")
    return {
        None: {},
        "draft": {"slug": draft.slug},
        "draft_invited": {"slug": draft.slug},
        "approved": {"slug": approved.slug},
        "invitation": {"token": invitation.token},
        "invoice": {"pk": Invoice.objects.get(organisation=loti.camden).pk},
        "open_survey": {},
        "borough": {"slug": loti.camden.slug},
        "system": {"pk": System.objects.create(organisation=loti.camden, service_area=revenues, product="Revs", supplier="S").pk},
        "service_area": {"pk": revenues.pk},
    }


def visitor(role: str, case: dict, loti):
    if role == "anonymous":
        return None
    if role == "staff":
        return loti.staff
    if role == "other":
        return loti.hackney_officer
    return getattr(loti, RIGHT_FOR.get(case["object"], "camden_officer"))


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("role", ["anonymous", "right", "other", "staff"])
@pytest.mark.parametrize("name", portal_url_names())
def test_each_person_gets_the_right_answer(client, loti, objects, name, role, method):
    assert name in CASES, f"{name} has no access case"
    case = CASES[name]
    url = reverse(name, kwargs=objects[case["object"]])
    user = visitor(role, case, loti)
    if user is not None:
        client.force_login(user)
    response = client.get(url) if method == "GET" else client.post(url, {})
    expected = case["answers"][role][0 if method == "GET" else 1]
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), (url, response.status_code)
    else:
        assert response.status_code == expected, (name, role, method, response.status_code)


def test_a_crafted_post_to_another_boroughs_draft_changes_nothing(client, loti, objects):
    draft = Project.objects.get(slug=objects["draft"]["slug"])
    client.force_login(loti.hackney_officer)
    for name in ["projects:support", "projects:submit"]:
        assert client.post(reverse(name, kwargs={"slug": draft.slug}), {"status": "approved"}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == ProjectStatus.DRAFT and draft.participants.filter(accepted_at__isnull=False).count() == 1


def test_an_officer_cannot_report_on_a_project_their_borough_is_not_on(client, loti, objects):
    client.force_login(loti.hackney_officer)
    slug = objects["approved"]["slug"]
    today = timezone.localdate().isoformat()
    client.post(reverse("projects:update", kwargs={"slug": slug}), {"date": today, "phase": "discover", "rag": "green", "text": "x"})
    client.post(reverse("projects:output", kwargs={"slug": slug}), {"title": "Toolkit", "url": "https://example.org"})
    client.post(reverse("projects:benefit", kwargs={"slug": slug}), {"kind": "other", "description": "x", "year": "2020/21"})
    assert not ProgressUpdate.objects.exists() and not Output.objects.exists() and not Benefit.objects.exists()


def test_lists_and_pdfs_carry_no_other_boroughs_private_rows(client, loti, objects):
    import io

    from pypdf import PdfReader

    client.force_login(loti.camden_officer)
    home = client.get(reverse("home")).content.decode()
    camden_invoice = Invoice.objects.get(organisation=loti.camden)
    hackney_invoice = Invoice.objects.get(organisation=loti.hackney)
    assert camden_invoice.number in home and hackney_invoice.number not in home
    pdf = client.get(reverse("budget:invoice_pdf", kwargs={"pk": camden_invoice.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert camden_invoice.number in text and "Camden" in text and "Hackney" not in text

    # Hackney's officer does not see Camden's draft in the directory, its search, or the borough filter.
    client.force_login(loti.hackney_officer)
    for query in ["", "?search=Camden+draft", f"?borough={loti.camden.pk}", "?status=draft"]:
        page = client.get(reverse("projects:directory") + query).content.decode()
        assert "Camden draft proposal" not in page, query
    assert "Shared cyber pilot" in client.get(reverse("projects:directory")).content.decode()
    # Islington, invited to the draft, sees it.
    client.force_login(loti.islington_officer)
    assert "Camden draft proposal" in client.get(reverse("projects:directory")).content.decode()
