"""Evaluation figures from the projects side (the evaluation selectors): member boroughs, projects delivered and active, boroughs per
project, satisfaction per workstream, savings and time saved. One source for pages, JSON, CSV and PDFs;
each figure is one aggregate query, so the number of queries does not grow with the data."""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum

from loti.models import FinancialYear
from loti.money import to_money
from members.models import Membership, MembershipTier, OrganisationKind
from projects.models import Benefit, BenefitKind, Project, ProjectStatus, SurveyResponse

MEMBER_TIERS = [MembershipTier.CORE, MembershipTier.SHARED_SERVICE]
UNDER_WAY = [ProjectStatus.ACTIVE, ProjectStatus.COMPLETED]


@dataclass(frozen=True)
class ProjectBoroughs:
    title: str
    status: str
    boroughs: int


@dataclass(frozen=True)
class WorkstreamSatisfaction:
    workstream: str
    average: Decimal  # 1–5, one decimal
    answers: int
    added_value_yes: int
    added_value_answers: int


@dataclass(frozen=True)
class ProjectBenefit:
    title: str
    savings: Decimal
    hours: Decimal


@dataclass(frozen=True)
class SavingsLeaders:
    """The projects with the largest cashable savings, and what the rest recorded between them."""
    shown: list[ProjectBenefit]
    others: int
    others_savings: Decimal
    others_hours: Decimal


@dataclass(frozen=True)
class BoroughLeaders:
    """The active projects with the most boroughs taking part, and how many boroughs the rest have on average."""
    shown: list[ProjectBoroughs]
    others: int
    others_average: Decimal | None


@dataclass(frozen=True)
class ProjectFigures:
    year: str
    member_boroughs: list[str] = field(default_factory=list)
    delivered: list[str] = field(default_factory=list)
    active: list[ProjectBoroughs] = field(default_factory=list)
    satisfaction: list[WorkstreamSatisfaction] = field(default_factory=list)
    benefits: list[ProjectBenefit] = field(default_factory=list)

    @property
    def member_borough_count(self) -> int:
        return len(self.member_boroughs)

    @property
    def delivered_count(self) -> int:
        return len(self.delivered)

    @property
    def active_count(self) -> int:
        return len(self.active)

    @property
    def boroughs_per_project(self) -> Decimal | None:
        """Average number of boroughs taking part in the year's projects, to one decimal."""
        if not self.active:
            return None
        total = sum(project.boroughs for project in self.active)
        return (Decimal(total) / len(self.active)).quantize(Decimal("0.1"))

    @property
    def savings_total(self) -> Decimal:
        return to_money(sum((benefit.savings for benefit in self.benefits), Decimal(0)))

    @property
    def hours_total(self) -> Decimal:
        return sum((benefit.hours for benefit in self.benefits), Decimal(0)).quantize(Decimal("0.1"))

    @property
    def answers_total(self) -> int:
        return sum(row.answers for row in self.satisfaction)

    # A CELC reader needs a summary: the PDFs show the leading projects and total the rest, whose
    # figures stay in the JSON and CSV.
    def savings_leaders(self, *, top: int) -> SavingsLeaders:
        rest = self.benefits[top:]
        return SavingsLeaders(
            shown=self.benefits[:top],
            others=len(rest),
            others_savings=to_money(sum((row.savings for row in rest), Decimal(0))),
            others_hours=sum((row.hours for row in rest), Decimal(0)).quantize(Decimal("0.1")),
        )

    def borough_leaders(self, *, top: int) -> BoroughLeaders:
        ranked = sorted(self.active, key=lambda project: (-project.boroughs, project.title))
        rest = ranked[top:]
        average = (Decimal(sum(p.boroughs for p in rest)) / len(rest)).quantize(Decimal("0.1")) if rest else None
        return BoroughLeaders(shown=ranked[:top], others=len(rest), others_average=average)


def member_boroughs(*, year: FinancialYear) -> list[str]:
    """London authorities with a core or shared-service membership at any time in the year."""
    names = (
        Membership.objects.overlapping(year.start_date, year.end_date)
        .filter(tier__in=MEMBER_TIERS, organisation__kind=OrganisationKind.LONDON_BOROUGH)
        .values_list("organisation__name", flat=True)
        .distinct()
        .order_by("organisation__name")
    )
    return list(names)


def projects_delivered(*, year: FinancialYear) -> list[str]:
    """Projects completed within the year (by their end date, or the year they are filed under if undated)."""
    in_year = Q(end_date__range=(year.start_date, year.end_date)) | Q(end_date__isnull=True, year=year)
    return list(Project.objects.filter(in_year, status=ProjectStatus.COMPLETED).values_list("title", flat=True).order_by("title"))


def projects_active(*, year: FinancialYear) -> list[ProjectBoroughs]:
    """Projects under way at some time in the year, with how many London boroughs take part in each."""
    started = Q(start_date__lte=year.end_date) | Q(start_date__isnull=True, year__start_date__lte=year.end_date) | Q(
        start_date__isnull=True, year__isnull=True
    )
    not_ended = Q(end_date__isnull=True) | Q(end_date__gte=year.start_date)
    # A participant counts once it has agreed, or when staff added it without an invitation.
    taking_part = Q(participants__organisation__kind=OrganisationKind.LONDON_BOROUGH) & (
        Q(participants__accepted_at__isnull=False) | Q(participants__invited_at__isnull=True)
    )
    rows = (
        Project.objects.filter(started, not_ended, status__in=UNDER_WAY)
        .annotate(boroughs=Count("participants", filter=taking_part, distinct=True))
        .values_list("title", "status", "boroughs")
        .order_by("title")
    )
    return [ProjectBoroughs(title=title, status=status, boroughs=boroughs) for title, status, boroughs in rows]


def satisfaction_by_workstream(*, year: FinancialYear) -> list[WorkstreamSatisfaction]:
    rows = (
        SurveyResponse.objects.filter(survey__year=year)
        .values("workstream__name", "workstream__pillar__position", "workstream__position")
        .annotate(
            average=Avg("rating"),
            answers=Count("id"),
            added_value_yes=Count("id", filter=Q(loti_added_value=True)),
            added_value_answers=Count("id", filter=Q(loti_added_value__isnull=False)),
        )
        .order_by("workstream__pillar__position", "workstream__position", "workstream__name")
    )
    return [
        WorkstreamSatisfaction(
            workstream=row["workstream__name"],
            average=Decimal(str(row["average"])).quantize(Decimal("0.1")),
            answers=row["answers"],
            added_value_yes=row["added_value_yes"],
            added_value_answers=row["added_value_answers"],
        )
        for row in rows
    ]


def benefits_by_project(*, year: FinancialYear) -> list[ProjectBenefit]:
    """Cashable savings (£) and hours saved recorded for the year, per project, largest saving first."""
    rows = (
        Benefit.objects.filter(year=year)
        .values("project__title")
        .annotate(
            savings=Sum("amount", filter=Q(kind=BenefitKind.CASHABLE_SAVING), default=Decimal(0)),
            hours=Sum("hours", filter=Q(kind=BenefitKind.TIME_SAVED), default=Decimal(0)),
        )
        .order_by("-savings", "project__title")
    )
    return [
        ProjectBenefit(title=row["project__title"], savings=to_money(row["savings"]), hours=row["hours"] or Decimal(0))
        for row in rows
    ]


def project_figures(*, year: FinancialYear) -> ProjectFigures:
    return ProjectFigures(
        year=year.label,
        member_boroughs=member_boroughs(year=year),
        delivered=projects_delivered(year=year),
        active=projects_active(year=year),
        satisfaction=satisfaction_by_workstream(year=year),
        benefits=benefits_by_project(year=year),
    )
