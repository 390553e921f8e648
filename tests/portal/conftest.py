"""A small LOTI for the portal tests: three member boroughs, a non-member, officers of each, staff with an authenticator."""

from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value, yield_hotp_counters_from_time
from django.core.cache import cache
from django.utils import timezone

from loti.services import financial_year_get_or_create
from members.models import Organisation, User
from projects.models import ParticipantRole, Pillar, PrioritisationCriterion, Project, ProjectStatus, Workstream
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    ParticipantFactory,
    PrioritisationScoreFactory,
    ProjectFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts failed sign-ins in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def staff_mfa(settings):
    settings.LOTI_REQUIRE_STAFF_MFA = True


def borough(name: str, gss: str, domain: str, *, member: bool = True) -> Organisation:
    organisation = OrganisationFactory.create(name=name, gss_code=gss, email_domains=[domain])
    if member:
        MembershipFactory.create(organisation=organisation)
    return organisation


def person(email: str, organisation: Organisation | None = None, *, approved: bool = True, staff: bool = False) -> User:
    return UserFactory.create(email=email, organisation=organisation, approved=approved, is_staff=staff)


def give_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    counter = next(yield_hotp_counters_from_time())
    return f"{hotp_value(secret, counter):06d}"


@pytest.fixture
def loti(db):
    year = financial_year_get_or_create(on=timezone.localdate())
    camden = borough("Camden", "E09000007", "camden.gov.uk")
    hackney = borough("Hackney", "E09000012", "hackney.gov.uk")
    islington = borough("Islington", "E09000019", "islington.gov.uk")
    bromley = borough("Bromley", "E09000006", "bromley.gov.uk", member=False)
    pillar = Pillar.objects.create(name="Smarter London", slug="smarter-london", position=1)
    workstream = Workstream.objects.create(name="Data Collaboration", slug="data-collaboration", pillar=pillar)
    other_pillar = Pillar.objects.create(name="Covid Recovery", slug="covid-recovery", position=0)
    other_workstream = Workstream.objects.create(name="Digital Inclusion", slug="digital-inclusion", pillar=other_pillar)
    staff = person("programme.manager@loti.london", staff=True)
    return SimpleNamespace(
        year=year,
        camden=camden,
        hackney=hackney,
        islington=islington,
        bromley=bromley,
        pillar=pillar,
        workstream=workstream,
        other_pillar=other_pillar,
        other_workstream=other_workstream,
        camden_officer=person("cio@camden.gov.uk", camden),
        hackney_officer=person("data.lead@hackney.gov.uk", hackney),
        islington_officer=person("digital@islington.gov.uk", islington),
        pending_officer=person("new.starter@camden.gov.uk", camden, approved=False),
        staff=staff,
    )


def make_project(
    title: str, *, lead: Organisation, status=ProjectStatus.APPROVED, others=(), pillar=None, accepted=True, scored=False
) -> Project:
    project = ProjectFactory.create(title=title, slug=title.lower().replace(" ", "-"), status=status, pillar=pillar)
    ParticipantFactory(project=project, organisation=lead, role=ParticipantRole.LEAD)
    for organisation in others:
        ParticipantFactory(project=project, organisation=organisation, accepted=accepted)
    if scored:
        for criterion in PrioritisationCriterion.values:
            PrioritisationScoreFactory(project=project, criterion=criterion)
    return project


# --- Browser tests: one Chromium per session, a fresh context per person, keyboard-only helpers, axe-core. ---
import os  # noqa: E402

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    """open_page() gives a new page in its own context (its own cookies): one per person in a journey."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, accept_downloads=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


class Keyboard:
    """Drive a page with the keyboard alone: Tab to a control, then type, Space or Enter. No clicks."""

    def __init__(self, page):
        self.page = page

    def tab_to(self, selector: str, limit: int = 250):
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if self.page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
                return self
        raise AssertionError(f"Tab never reached {selector} on {self.page.url}")

    def type_into(self, selector: str, text: str):
        self.tab_to(selector)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)
        return self

    def press_on(self, selector: str, key: str = "Enter"):
        self.tab_to(selector)
        with self.page.expect_navigation() if key == "Enter" else _nothing():
            self.page.keyboard.press(key)
        return self

    def tick(self, selector: str):
        self.tab_to(selector)
        self.page.keyboard.press("Space")
        return self

    def start(self, path: str):
        self.page.goto(path)
        return self


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def sign_in(page, email: str, password: str = PASSWORD, *, totp_secret: str | None = None, path: str = "/accounts/login/"):
    keys = Keyboard(page).start(path)
    keys.type_into("#id_login", email).type_into("#id_password", password).press_on("button[type=submit]")
    if totp_secret:
        assert "/accounts/2fa/authenticate/" in page.url, page.url
        keys.type_into("#id_code", totp_code(totp_secret)).press_on("button[type=submit]")
    return keys


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
