"""Test data made one way (factory_boy): a borough, a membership, an officer, a pillar, a project and its
participants, a budget line. Each makes a valid row with LOTI's own shape (GSS codes, slugs, financial years);
a test passes only what it is about."""

import datetime
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.text import slugify

from budget.models import BudgetLine
from loti.models import FinancialYear
from loti.services import financial_year_get_or_create
from members.models import Membership, MembershipTier, Organisation, OrganisationKind, User
from projects.models import Participant, ParticipantRole, Pillar, PrioritisationScore, Project, ProjectStatus, Workstream

PASSWORD = "a long portal password"


class FinancialYearFactory(factory.django.DjangoModelFactory[FinancialYear]):
    """A year by its label, made as files and commands make one (loti.services.financial_year_get_or_create)."""

    class Meta:
        model = FinancialYear

    label = "2020/21"

    @classmethod
    def _create(cls, model_class, label, **kwargs):
        return financial_year_get_or_create(label=label)


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    """A London borough; its GSS code, slug and email domain follow from its name unless given."""

    class Meta:
        model = Organisation
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Borough {n + 1:02d}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = OrganisationKind.LONDON_BOROUGH
    gss_code = factory.Sequence(lambda n: f"E0900{n + 100:04d}")
    email_domains = factory.LazyAttribute(lambda o: [f"{o.slug}.gov.uk"])


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    """Core membership from April 2019, the Local Digital Declaration signed."""

    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    tier = MembershipTier.CORE
    start_date = datetime.date(2019, 4, 1)
    local_digital_declaration_signed = datetime.date(2019, 3, 12)


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A person who signs in with PASSWORD and a verified address; approved for their organisation unless told not."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        approved = True

    email = factory.Sequence(lambda n: f"officer{n}@example.gov.uk")
    username = factory.LazyAttribute(lambda u: u.email)
    organisation = None
    organisation_approved_at = factory.LazyAttribute(lambda u: timezone.now() if (u.organisation and u.approved) else None)
    is_staff = False
    is_superuser = factory.LazyAttribute(lambda u: u.is_staff)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        user = model_class.objects.create_user(*args, password=PASSWORD, **kwargs)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user


class PillarFactory(factory.django.DjangoModelFactory[Pillar]):
    class Meta:
        model = Pillar
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Pillar {n}")
    slug = factory.LazyAttribute(lambda p: slugify(p.name))
    position = factory.Sequence(lambda n: n)


class WorkstreamFactory(factory.django.DjangoModelFactory[Workstream]):
    class Meta:
        model = Workstream
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Workstream {n}")
    slug = factory.LazyAttribute(lambda w: slugify(w.name))
    pillar = factory.SubFactory(PillarFactory)


class ProjectFactory(factory.django.DjangoModelFactory[Project]):
    """An approved project that meets the funding principles it can hold by itself (replicable, outputs gifted)."""

    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.LazyAttribute(lambda p: slugify(p.title))
    status = ProjectStatus.APPROVED
    outcome = "Residents are better off"
    replicable = True
    outputs_gifted = True


class ParticipantFactory(factory.django.DjangoModelFactory[Participant]):
    """A borough on a project, invited and (unless accepted=False) agreed."""

    class Meta:
        model = Participant

    class Params:
        accepted = True

    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ParticipantRole.SUPPORTER
    invited_at = factory.LazyFunction(timezone.now)
    accepted_at = factory.LazyAttribute(lambda p: p.invited_at if p.accepted else None)


class PrioritisationScoreFactory(factory.django.DjangoModelFactory[PrioritisationScore]):
    class Meta:
        model = PrioritisationScore

    project = factory.SubFactory(ProjectFactory)
    criterion = "matters"
    score = 4


class BudgetLineFactory(factory.django.DjangoModelFactory[BudgetLine]):
    class Meta:
        model = BudgetLine

    year = factory.SubFactory(FinancialYearFactory)
    section = "expenditure"
    name = factory.Sequence(lambda n: f"Line {n}")
    amount = Decimal("1000.00")
    position = factory.Sequence(lambda n: n)
