"""A small LOTI for the portal tests: three member boroughs, a non-member, officers of each, staff with an authenticator."""
import datetime
from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value, yield_hotp_counters_from_time
from django.core.cache import cache
from django.utils import timezone

from loti.models import FinancialYear
from members.models import Membership, MembershipTier, Organisation, OrganisationKind, User
from projects.models import Participant, ParticipantRole, Pillar, PrioritisationCriterion, PrioritisationScore, Project, ProjectStatus, Workstream

PASSWORD = "a long portal password"


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
    organisation = Organisation.objects.create(
        name=name, slug=name.lower().replace(" ", "-"), kind=OrganisationKind.LONDON_BOROUGH, gss_code=gss, email_domains=[domain]
    )
    if member:
        start = datetime.date(2019, 4, 1)
        Membership.objects.create(organisation=organisation, tier=MembershipTier.CORE, start_date=start, local_digital_declaration_signed=datetime.date(2019, 3, 12))
    return organisation


def person(email: str, organisation: Organisation | None = None, *, approved: bool = True, staff: bool = False) -> User:
    user = User.objects.create_user(
        username=email, email=email, password=PASSWORD, organisation=organisation,
        organisation_approved_at=timezone.now() if (organisation and approved) else None, is_staff=staff, is_superuser=staff,
    )
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def give_totp(user: User) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    counter = next(yield_hotp_counters_from_time())
    return f"{hotp_value(secret, counter):06d}"


@pytest.fixture
def loti(db):
    year = FinancialYear.objects.containing(timezone.localdate())
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
        year=year, camden=camden, hackney=hackney, islington=islington, bromley=bromley,
        pillar=pillar, workstream=workstream, other_pillar=other_pillar, other_workstream=other_workstream,
        camden_officer=person("cio@camden.gov.uk", camden),
        hackney_officer=person("data.lead@hackney.gov.uk", hackney),
        islington_officer=person("digital@islington.gov.uk", islington),
        pending_officer=person("new.starter@camden.gov.uk", camden, approved=False),
        staff=staff,
    )


def make_project(title: str, *, lead: Organisation, status=ProjectStatus.APPROVED, others=(), pillar=None, accepted=True, scored=False) -> Project:
    project = Project.objects.create(
        title=title, slug=title.lower().replace(" ", "-"), status=status, outcome="Residents are better off", pillar=pillar,
        replicable=True, outputs_gifted=True,
    )
    now = timezone.now()
    Participant.objects.create(project=project, organisation=lead, role=ParticipantRole.LEAD, invited_at=now, accepted_at=now)
    for organisation in others:
        Participant.objects.create(
            project=project, organisation=organisation, role=ParticipantRole.SUPPORTER, invited_at=now, accepted_at=now if accepted else None
        )
    if scored:
        for criterion in PrioritisationCriterion.values:
            PrioritisationScore.objects.create(project=project, criterion=criterion, score=4)
    return project
