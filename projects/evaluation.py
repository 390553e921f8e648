"""Evaluation figures from the projects side: member boroughs, projects counted by their dates (DESIGN.md,
"Counting projects by their dates"), satisfaction overall and per workstream, benefits by kind and confidence,
and what keeps a figure from being right. One source for pages, JSON, CSV and PDFs; a fixed number of queries
per year, however many projects, answers and benefits there are (see docs/evaluation.md)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from loti.models import FinancialYear
from loti.money import to_money
from members.models import Membership, MembershipTier, OrganisationKind
from projects.models import (
    Benefit,
    BenefitConfidence,
    BenefitKind,
    Participant,
    ParticipantRole,
    ProgressUpdate,
    Project,
    ProjectStatus,
    SurveyResponse,
)

MEMBER_TIERS = [MembershipTier.CORE, MembershipTier.SHARED_SERVICE]
# The statuses a year's figures count: a project LOTI agreed to and did not stop.
COUNTED = [ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.COMPLETED]
QUIET_AFTER = datetime.timedelta(days=183)  # "no update for six months"
ONE_DECIMAL = Decimal("0.1")
# A participant counts once it has agreed, or when staff added it without an invitation.
TAKING_PART = Q(accepted_at__isnull=False) | Q(invited_at__isnull=True)
# MD2373: "the number of GLA/London Councils/council projects where LOTI has added value".
ORGANISATION_KINDS = [
    ("gla", OrganisationKind.GLA, "GLA"),
    ("london_councils", OrganisationKind.LONDON_COUNCILS, "London Councils"),
    ("councils", OrganisationKind.LONDON_BOROUGH, "Councils"),
]


def _one_decimal(total, count: int) -> Decimal | None:
    return (Decimal(total) / count).quantize(ONE_DECIMAL) if count else None


@dataclass(frozen=True)
class ProjectBoroughs:
    """A project counted in the year: its boroughs taking part, its workstream, and what it recorded."""

    title: str
    status: str
    boroughs: int
    workstream: str = ""
    has_benefit: bool = False
    kinds: frozenset = frozenset()  # the organisation kinds taking part
    quiet: bool = False  # approved or active for six months, with no progress update in the six months to the year's end


@dataclass(frozen=True)
class WorkstreamSatisfaction:
    workstream: str
    average: Decimal | None  # 1–5, one decimal; None when everyone who answered was not involved
    answers: int  # ratings counted in the average
    added_value_yes: int
    added_value_answers: int
    not_involved: int = 0


@dataclass(frozen=True)
class OverallSatisfaction:
    average: Decimal | None
    answers: int


@dataclass(frozen=True)
class ProjectBenefit:
    """One project's benefits in the year, each kind and confidence apart: never added together."""

    title: str
    savings: Decimal  # realised cashable
    hours: Decimal  # realised time saved
    estimated: Decimal = Decimal("0.00")  # estimated cashable
    cost_avoidance: Decimal = Decimal("0.00")  # realised and estimated cost avoidance
    non_cashable: Decimal = Decimal("0.00")  # realised and estimated non-cashable


@dataclass(frozen=True)
class BenefitTotal:
    """The year's benefits of one kind and confidence (reach also per unit)."""

    kind: str
    confidence: str
    count: int
    amount: Decimal | None = None
    hours: Decimal | None = None
    reach: int | None = None
    unit: str = ""

    @property
    def kind_label(self) -> str:
        return BenefitKind(self.kind).label

    @property
    def reach_shown(self) -> str:
        return "" if self.reach is None else f"{self.reach:,}"

    @property
    def confidence_label(self) -> str:
        return BenefitConfidence(self.confidence).label


@dataclass(frozen=True)
class OtherBenefit:
    project: str
    description: str
    confidence: str
    evidence: str


@dataclass(frozen=True)
class WorkstreamDelivery:
    workstream: str
    active: int
    delivered: int
    quiet: int


@dataclass(frozen=True)
class SavingsLeaders:
    """The projects with the largest cashable savings, and what the rest recorded between them."""

    shown: list[ProjectBenefit]
    others: int
    others_savings: Decimal
    others_hours: Decimal


@dataclass(frozen=True)
class EstimateLeaders:
    """The projects with the largest estimates and cost avoidance; each column totalled apart, never across."""

    shown: list[ProjectBenefit]
    others: int
    others_totals: ProjectBenefit
    totals: ProjectBenefit


@dataclass(frozen=True)
class BoroughLeaders:
    """The projects with the most boroughs taking part, and how many boroughs the rest have on average."""

    shown: list[ProjectBoroughs]
    others: int
    others_average: Decimal | None


@dataclass(frozen=True)
class ProjectFigures:
    year: str
    member_boroughs: list[str] = field(default_factory=list)
    delivered_projects: list[ProjectBoroughs] = field(default_factory=list)
    active: list[ProjectBoroughs] = field(default_factory=list)
    undated: list[str] = field(default_factory=list)
    no_end_date: list[str] = field(default_factory=list)
    satisfaction: list[WorkstreamSatisfaction] = field(default_factory=list)
    overall: OverallSatisfaction = OverallSatisfaction(average=None, answers=0)
    respondents: int = 0
    responding_organisations: int = 0
    benefits: list[ProjectBenefit] = field(default_factory=list)
    benefit_totals: list[BenefitTotal] = field(default_factory=list)
    other_benefits: list[OtherBenefit] = field(default_factory=list)

    # --- projects ---
    @property
    def delivered(self) -> list[str]:
        return [project.title for project in self.delivered_projects]

    @property
    def member_borough_count(self) -> int:
        return len(self.member_boroughs)

    @property
    def delivered_count(self) -> int:
        return len(self.delivered_projects)

    @property
    def successful_count(self) -> int:
        """MD2373's "successful projects delivered": completed in the year with at least one recorded benefit."""
        return sum(1 for project in self.delivered_projects if project.has_benefit)

    @property
    def active_count(self) -> int:
        return len(self.active)

    @property
    def worked_on(self) -> list[ProjectBoroughs]:
        """Every project counted in the year: active or delivered."""
        return sorted(self.active + self.delivered_projects, key=lambda project: project.title)

    @property
    def without_boroughs(self) -> list[str]:
        return [project.title for project in self.worked_on if not project.boroughs]

    @property
    def boroughs_per_project(self) -> Decimal | None:
        """Average number of London boroughs taking part in the year's projects (active or delivered), over the
        projects with at least one recorded: a project with none recorded is left out, and the report says so."""
        with_boroughs = [project.boroughs for project in self.worked_on if project.boroughs]
        return _one_decimal(sum(with_boroughs), len(with_boroughs))

    def added_value_to(self) -> dict[str, int]:
        return {key: sum(1 for project in self.worked_on if kind in project.kinds) for key, kind, _ in ORGANISATION_KINDS}

    def delivery_by_workstream(self) -> list[WorkstreamDelivery]:
        rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for project in self.active:
            rows[project.workstream][0] += 1
            rows[project.workstream][2] += project.quiet
        for project in self.delivered_projects:
            rows[project.workstream][1] += 1
        named = sorted((name for name in rows if name), key=str.casefold)
        order = named + ([""] if "" in rows else [])
        return [
            WorkstreamDelivery(workstream=name or "No workstream", active=rows[name][0], delivered=rows[name][1], quiet=rows[name][2])
            for name in order
        ]

    # --- satisfaction ---
    @property
    def answers_total(self) -> int:
        """Ratings counted in the workstream averages (not-involved answers apart)."""
        return sum(row.answers for row in self.satisfaction)

    # --- benefits: each total of one kind and confidence ---
    def _total(self, kind: str, confidence: str, attribute: str = "amount") -> Decimal:
        values = [getattr(row, attribute) or Decimal(0) for row in self.benefit_totals if row.kind == kind and row.confidence == confidence]
        return sum(values, Decimal(0))

    @property
    def savings_total(self) -> Decimal:
        """Realised cashable savings only."""
        return to_money(self._total(BenefitKind.CASHABLE_SAVING, BenefitConfidence.REALISED))

    @property
    def savings_estimated_total(self) -> Decimal:
        """Estimated cashable savings: shown apart, never added to the savings total."""
        return to_money(self._total(BenefitKind.CASHABLE_SAVING, BenefitConfidence.ESTIMATED))

    @property
    def cost_avoidance_total(self) -> Decimal:
        """Realised cost avoidance (an estimate of cost avoided is in the table of benefits, not here)."""
        return to_money(self._total(BenefitKind.COST_AVOIDANCE, BenefitConfidence.REALISED))

    @property
    def hours_total(self) -> Decimal:
        """Realised hours saved."""
        return self._total(BenefitKind.TIME_SAVED, BenefitConfidence.REALISED, "hours").quantize(ONE_DECIMAL)

    @property
    def estimates(self) -> list[ProjectBenefit]:
        """Projects with pounds that are not realised cashable savings: estimates, cost avoidance, non-cashable."""
        rows = [row for row in self.benefits if row.estimated or row.cost_avoidance or row.non_cashable]
        return sorted(rows, key=lambda row: (-row.estimated, -row.cost_avoidance, -row.non_cashable, row.title))

    def estimate_leaders(self, *, top: int) -> EstimateLeaders:
        rows = self.estimates
        rest = rows[top:]

        def total(items, attribute):
            return to_money(sum((getattr(row, attribute) for row in items), Decimal(0)))

        return EstimateLeaders(
            shown=rows[:top],
            others=len(rest),
            others_totals=ProjectBenefit(
                title=f"Other projects ({len(rest)})",
                savings=Decimal(0),
                hours=Decimal(0),
                estimated=total(rest, "estimated"),
                cost_avoidance=total(rest, "cost_avoidance"),
                non_cashable=total(rest, "non_cashable"),
            ),
            totals=ProjectBenefit(
                title="Total",
                savings=Decimal(0),
                hours=Decimal(0),
                estimated=total(rows, "estimated"),
                cost_avoidance=total(rows, "cost_avoidance"),
                non_cashable=total(rows, "non_cashable"),
            ),
        )

    def delivered_leaders(self, *, top: int) -> tuple[list[str], int]:
        """The first `top` delivered titles (the PDF names them), and how many more the CSV and JSON hold."""
        return self.delivered[:top], max(self.delivered_count - top, 0)

    # A CELC reader needs a summary: the PDFs show the leading projects and total the rest, whose
    # figures stay in the JSON and CSV.
    def savings_leaders(self, *, top: int) -> SavingsLeaders:
        rest = self.benefits[top:]
        return SavingsLeaders(
            shown=self.benefits[:top],
            others=len(rest),
            others_savings=to_money(sum((row.savings for row in rest), Decimal(0))),
            others_hours=sum((row.hours for row in rest), Decimal(0)).quantize(ONE_DECIMAL),
        )

    def borough_leaders(self, *, top: int) -> BoroughLeaders:
        ranked = sorted((p for p in self.worked_on if p.boroughs), key=lambda project: (-project.boroughs, project.title))
        rest = ranked[top:]
        return BoroughLeaders(shown=ranked[:top], others=len(rest), others_average=_one_decimal(sum(p.boroughs for p in rest), len(rest)))


def member_boroughs(*, year: FinancialYear) -> list[str]:
    """London authorities with a core or shared-service membership at any time in the year (funding partners apart)."""
    names = (
        Membership.objects.overlapping(year.start_date, year.end_date)
        .filter(tier__in=MEMBER_TIERS, organisation__kind=OrganisationKind.LONDON_BOROUGH)
        .values_list("organisation__name", flat=True)
        .distinct()
        .order_by("organisation__name")
    )
    return list(names)


@dataclass(frozen=True)
class CountedProjects:
    delivered: list[ProjectBoroughs]
    active: list[ProjectBoroughs]
    undated: list[str]
    no_end_date: list[str]


def counted_projects(*, year: FinancialYear, today: datetime.date | None = None) -> CountedProjects:
    """The year's projects by DESIGN.md's counting rule, in one query.

    A project starts on its start_date, else the first day of its year. It is delivered in the year holding its
    end_date when completed; active in a year when approved, active or completed, started by the year's last day,
    not ended before its first day, and not delivered in it. Cancelled and rejected projects are never counted.
    With neither a start date nor a year it is counted nowhere and listed as undated. A completed project with no
    end date has ended on a day nobody recorded: it is counted nowhere either, and listed, rather than being
    called active for ever after."""
    today = today or timezone.localdate()
    quiet_since = min(year.end_date, today) - QUIET_AFTER
    taking_part = Participant.objects.filter(TAKING_PART, project=OuterRef("pk"))
    started = Q(start_date__lte=year.end_date) | Q(start_date__isnull=True, year__start_date__lte=year.end_date)
    undated = Q(start_date__isnull=True, year__isnull=True)
    not_ended = Q(end_date__isnull=True) | Q(end_date__gte=year.start_date)
    rows = (
        Project.objects.filter((started & not_ended) | undated, status__in=COUNTED)
        .annotate(
            boroughs=Count(
                "participants",
                filter=Q(participants__organisation__kind=OrganisationKind.LONDON_BOROUGH)
                & (Q(participants__accepted_at__isnull=False) | Q(participants__invited_at__isnull=True)),
                distinct=True,
            ),
            with_gla=Exists(taking_part.filter(organisation__kind=OrganisationKind.GLA)),
            with_london_councils=Exists(taking_part.filter(organisation__kind=OrganisationKind.LONDON_COUNCILS)),
            has_benefit=Exists(Benefit.objects.filter(project=OuterRef("pk"))),
            updated_lately=Exists(
                ProgressUpdate.objects.filter(project=OuterRef("pk"), date__gt=quiet_since, date__lte=min(year.end_date, today))
            ),
        )
        .values_list(
            "title",
            "status",
            "start_date",
            "year__start_date",
            "end_date",
            "workstream__name",
            "boroughs",
            "with_gla",
            "with_london_councils",
            "has_benefit",
            "updated_lately",
        )
        .order_by("title")
    )
    delivered: list[ProjectBoroughs] = []
    active: list[ProjectBoroughs] = []
    undated_titles: list[str] = []
    no_end: list[str] = []
    for title, status, start, year_start, end, workstream, count, gla, councils, has_benefit, updated in rows:
        if start is None and year_start is None:
            undated_titles.append(title)
            continue
        if status == ProjectStatus.COMPLETED and end is None:
            no_end.append(title)
            continue
        kinds = frozenset(
            kind
            for kind, present in (
                (OrganisationKind.GLA, gla),
                (OrganisationKind.LONDON_COUNCILS, councils),
                (OrganisationKind.LONDON_BOROUGH, count > 0),
            )
            if present
        )
        is_delivered = status == ProjectStatus.COMPLETED and end is not None and year.start_date <= end <= year.end_date
        project = ProjectBoroughs(
            title=title,
            status=status,
            boroughs=count,
            workstream=workstream or "",
            has_benefit=has_benefit,
            kinds=kinds,
            quiet=not is_delivered and status != ProjectStatus.COMPLETED and not updated and (start or year_start) <= quiet_since,
        )
        (delivered if is_delivered else active).append(project)
    return CountedProjects(delivered=delivered, active=active, undated=undated_titles, no_end_date=no_end)


def satisfaction_by_workstream(*, year: FinancialYear) -> list[WorkstreamSatisfaction]:
    """Per workstream: the average rating (not-involved answers apart) and how many answers it rests on."""
    rows = (
        SurveyResponse.objects.filter(survey__year=year, workstream__isnull=False)
        .values("workstream__name", "workstream__pillar__position", "workstream__position")
        .annotate(
            average=Avg("rating"),
            answers=Count("id", filter=Q(rating__isnull=False)),
            not_involved=Count("id", filter=Q(rating__isnull=True)),
            added_value_yes=Count("id", filter=Q(loti_added_value=True, rating__isnull=False)),
            added_value_answers=Count("id", filter=Q(loti_added_value__isnull=False, rating__isnull=False)),
        )
        .order_by("workstream__pillar__position", "workstream__position", "workstream__name")
    )
    return [
        WorkstreamSatisfaction(
            workstream=row["workstream__name"],
            average=None if row["average"] is None else Decimal(str(row["average"])).quantize(ONE_DECIMAL),
            answers=row["answers"],
            added_value_yes=row["added_value_yes"],
            added_value_answers=row["added_value_answers"],
            not_involved=row["not_involved"],
        )
        for row in rows
    ]


def survey_summary(*, year: FinancialYear) -> tuple[OverallSatisfaction, int, int]:
    """The overall satisfaction question's average and answers, and how many officers and organisations answered."""
    row = SurveyResponse.objects.filter(survey__year=year).aggregate(
        average=Avg("rating", filter=Q(workstream__isnull=True)),
        answers=Count("id", filter=Q(workstream__isnull=True)),
        respondents=Count("respondent_email", distinct=True),
        organisations=Count("organisation", distinct=True),
    )
    average = None if row["average"] is None else Decimal(str(row["average"])).quantize(ONE_DECIMAL)
    return OverallSatisfaction(average=average, answers=row["answers"]), row["respondents"], row["organisations"]


def _money_sum(kind: str, confidence: str | None = None) -> Sum:
    condition = Q(kind=kind) if confidence is None else Q(kind=kind, confidence=confidence)
    return Sum("amount", filter=condition, default=Decimal(0))


def benefits_by_project(*, year: FinancialYear) -> list[ProjectBenefit]:
    """Per project, the year's benefits in pounds and hours, each kind and confidence apart; largest realised cashable
    saving first."""
    realised = BenefitConfidence.REALISED
    rows = (
        Benefit.objects.filter(year=year)
        .values("project__title")
        .annotate(
            savings=_money_sum(BenefitKind.CASHABLE_SAVING, realised),
            estimated=_money_sum(BenefitKind.CASHABLE_SAVING, BenefitConfidence.ESTIMATED),
            cost_avoidance=_money_sum(BenefitKind.COST_AVOIDANCE),
            non_cashable=_money_sum(BenefitKind.NON_CASHABLE_SAVING),
            time=Sum("hours", filter=Q(kind=BenefitKind.TIME_SAVED, confidence=realised), default=Decimal(0)),
            any_figure=Count("id", filter=Q(amount__isnull=False) | Q(hours__isnull=False)),
        )
        .filter(any_figure__gt=0)
        .order_by("-savings", "-estimated", "-cost_avoidance", "project__title")
    )
    return [
        ProjectBenefit(
            title=row["project__title"],
            savings=to_money(row["savings"]),
            hours=row["time"] or Decimal(0),
            estimated=to_money(row["estimated"]),
            cost_avoidance=to_money(row["cost_avoidance"]),
            non_cashable=to_money(row["non_cashable"]),
        )
        for row in rows
    ]


KIND_ORDER = {kind: position for position, kind in enumerate(BenefitKind.values)}


def benefit_totals(*, year: FinancialYear) -> list[BenefitTotal]:
    """The year's benefits totalled by kind and confidence (and reach by its unit), in one query."""
    rows = (
        Benefit.objects.filter(year=year)
        .values("kind", "confidence", "unit")
        .annotate(count=Count("id"), total_amount=Sum("amount"), total_hours=Sum("hours"), total_reach=Sum("reach"))
        .order_by("kind", "confidence", "unit")
    )
    totals = []
    for row in rows:
        kind = row["kind"]
        totals.append(
            BenefitTotal(
                kind=kind,
                confidence=row["confidence"],
                count=row["count"],
                amount=to_money(row["total_amount"]) if row["total_amount"] is not None else None,
                hours=row["total_hours"],
                reach=row["total_reach"] if kind == BenefitKind.REACH else None,
                unit=row["unit"] if kind == BenefitKind.REACH else "",
            )
        )
    # Reach of different units is never added up; other kinds are one row per confidence.
    merged: dict[tuple, BenefitTotal] = {}
    for total in totals:
        key = (total.kind, total.confidence, total.unit)
        if key in merged:
            earlier = merged[key]
            total = BenefitTotal(
                kind=total.kind,
                confidence=total.confidence,
                count=earlier.count + total.count,
                amount=_add(earlier.amount, total.amount),
                hours=_add(earlier.hours, total.hours),
                reach=None,
                unit="",
            )
        merged[key] = total
    return sorted(merged.values(), key=lambda t: (KIND_ORDER[t.kind], t.confidence != BenefitConfidence.REALISED, t.unit))


def _add(first, second):
    if first is None:
        return second
    return first if second is None else first + second


def other_benefits(*, year: FinancialYear) -> list[OtherBenefit]:
    """Benefits in no unit the report can add up ("other"): listed in words, never totalled."""
    rows = (
        Benefit.objects.filter(year=year, kind=BenefitKind.OTHER)
        .values_list("project__title", "description", "confidence", "evidence")
        .order_by("project__title", "id")
    )
    return [OtherBenefit(project=p, description=d, confidence=c, evidence=e) for p, d, c, e in rows]


def project_figures(*, year: FinancialYear) -> ProjectFigures:
    counted = counted_projects(year=year)
    overall, respondents, organisations = survey_summary(year=year)
    return ProjectFigures(
        year=year.label,
        member_boroughs=member_boroughs(year=year),
        delivered_projects=counted.delivered,
        active=counted.active,
        undated=counted.undated,
        no_end_date=counted.no_end_date,
        satisfaction=satisfaction_by_workstream(year=year),
        overall=overall,
        respondents=respondents,
        responding_organisations=organisations,
        benefits=benefits_by_project(year=year),
        benefit_totals=benefit_totals(year=year),
        other_benefits=other_benefits(year=year),
    )


# --- Data quality: what keeps a figure from being right, for the admin's lists and the report's last section ---

DATA_QUALITY_SHOWN = 10


@dataclass(frozen=True)
class DataQualityItem:
    key: str
    label: str  # what is wrong, said of the records
    effect: str  # what it does to the figures
    count: int
    examples: list[str]

    @property
    def more(self) -> int:
        return self.count - len(self.examples)


def data_quality_querysets(*, today: datetime.date | None = None) -> dict:
    """Each data-quality list as a queryset (the admin's lists filter by the same conditions)."""
    today = today or timezone.localdate()
    taking_part = Participant.objects.filter(TAKING_PART, project=OuterRef("pk"), organisation__kind=OrganisationKind.LONDON_BOROUGH)
    recent = ProgressUpdate.objects.filter(project=OuterRef("pk"), date__gt=today - QUIET_AFTER)
    return {
        "undated": Project.objects.filter(status__in=COUNTED, start_date__isnull=True, year__isnull=True),
        "no_start_date": Project.objects.filter(
            status__in=[ProjectStatus.APPROVED, ProjectStatus.ACTIVE], start_date__isnull=True, year__isnull=False
        ),
        "no_end_date": Project.objects.filter(status__in=[ProjectStatus.COMPLETED, ProjectStatus.CANCELLED], end_date__isnull=True),
        "no_borough": Project.objects.filter(status__in=COUNTED).filter(~Exists(taking_part)),
        "no_recent_update": Project.objects.filter(status=ProjectStatus.ACTIVE).filter(~Exists(recent)),
        "benefit_no_year": Benefit.objects.filter(year__isnull=True),
        "funded_no_lead": Project.objects.filter(status__in=COUNTED, funding_approved__gt=0, funder__isnull=True).filter(
            ~Exists(Participant.objects.filter(TAKING_PART, project=OuterRef("pk"), role=ParticipantRole.LEAD))
        ),
    }


DATA_QUALITY = {
    "undated": ("Approved, active or completed projects with neither a start date nor a year", "not counted in any year"),
    "no_start_date": ("Approved or active projects with no start date", "counted from the first day of the year they are filed under"),
    "no_end_date": (
        "Completed or cancelled projects with no end date",
        "the completed ones are counted in no year, neither delivered nor active",
    ),
    "no_borough": ("Approved, active or completed projects with no participating borough", "left out of boroughs per project"),
    "no_recent_update": ("Active projects with no progress update for six months", "counted as active, though they may have stopped"),
    "benefit_no_year": ("Benefits with no year", "not counted in any year's benefits"),
    "funded_no_lead": ("Projects LOTI funds with no lead borough", "left out of the open 360Giving grants: a grant needs a recipient"),
}


def data_quality(*, today: datetime.date | None = None) -> list[DataQualityItem]:
    """How many records each problem touches and the first few names: two queries per list, whatever the data."""
    items = []
    for key, queryset in data_quality_querysets(today=today).items():
        label, effect = DATA_QUALITY[key]
        name = "project__title" if queryset.model is Benefit else "title"
        examples = list(queryset.order_by(name, "pk").values_list(name, flat=True)[:DATA_QUALITY_SHOWN])
        count = queryset.count()
        items.append(DataQualityItem(key=key, label=label, effect=effect, count=count, examples=examples))
    return items
