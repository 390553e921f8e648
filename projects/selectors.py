"""Reading projects: the directory with its filters and search, a borough's own projects, and the satisfaction survey."""

import datetime

from django.contrib.postgres.search import SearchQuery
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from .models import (
    Participant,
    ParticipantRole,
    ProgressUpdate,
    Project,
    ProjectStatus,
    ProjectStatusChange,
    Survey,
    SurveyResponse,
    Workstream,
)
from .permissions import OPEN_FOR_SUPPORT, project_scope


def _with_participants(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("pillar", "workstream").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("organisation").order_by("role", "organisation__name"))
    )


def project_directory(*, user, pillar=None, workstream=None, status="", phase="", borough=None, search="") -> QuerySet:
    """Every project this person may see, filtered; search is PostgreSQL full text, with the title matched as typed too."""
    projects = project_scope(user, Project.objects.all())
    if pillar:
        projects = projects.filter(pillar=pillar)
    if workstream:
        projects = projects.filter(workstream=workstream)
    if status:
        projects = projects.filter(status=status)
    if phase:
        projects = projects.filter(phase=phase)
    if borough:
        projects = projects.filter(pk__in=Participant.objects.filter(organisation=borough).values("project_id"))
    search = (search or "").strip()
    if search:
        query = SearchQuery(search, search_type="websearch", config="english")
        projects = projects.filter(Q(search_vector=query) | Q(title__icontains=search))
    return _with_participants(projects).order_by("title")


def project_detail_queryset(*, user) -> QuerySet:
    return _with_participants(project_scope(user, Project.objects.all())).prefetch_related("outputs")


HOME_LIST_LENGTH = 10  # the borough home shows this many of each list; the directory has the rest
ONGOING = [
    ProjectStatus.DRAFT,
    ProjectStatus.PROPOSED,
    ProjectStatus.RETURNED,
    ProjectStatus.UNDER_REVIEW,
    ProjectStatus.APPROVED,
    ProjectStatus.ACTIVE,
]
NEEDS_UPDATES = [ProjectStatus.APPROVED, ProjectStatus.ACTIVE]


def _takes_part(organisation_id: int, **also) -> Exists:
    # A semi-join, so PostgreSQL can walk projects in the wanted order and stop at the first few of this borough's.
    return Exists(Participant.objects.filter(project=OuterRef("pk"), organisation_id=organisation_id, **also))


def _last_update() -> Subquery:
    return Subquery(ProgressUpdate.objects.filter(project=OuterRef("pk")).order_by("-date").values("date")[:1])


def _with_our_part(queryset: QuerySet, organisation_id: int) -> QuerySet:
    """Each project with this borough's role in it and whether it accepted, read in the same query."""
    ours = Participant.objects.filter(project=OuterRef("pk"), organisation_id=organisation_id).order_by()
    return queryset.annotate(our_role=Subquery(ours.values("role")[:1]), our_accepted_at=Subquery(ours.values("accepted_at")[:1]))


def borough_project_counts(*, organisation_id: int) -> dict:
    """How many projects a borough has joined and leads, in one aggregate query whatever the number."""
    accepted = Q(accepted_at__isnull=False)
    return Participant.objects.filter(organisation_id=organisation_id).aggregate(
        joined=Count("pk", filter=accepted),
        led=Count("pk", filter=accepted & Q(role=ParticipantRole.LEAD)),
        ongoing=Count("pk", filter=Q(project__status__in=ONGOING)),
    )


def borough_recent_projects(*, organisation_id: int, limit: int = HOME_LIST_LENGTH) -> QuerySet:
    """The borough's ongoing projects most recently changed first: the first few, for its home page."""
    projects = Project.objects.filter(_takes_part(organisation_id), status__in=ONGOING)
    return _with_our_part(projects, organisation_id).annotate(last_update=_last_update()).order_by("-updated_at", "title")[:limit]


def borough_projects_to_decide(*, organisation_id: int) -> QuerySet:
    """Proposals the borough is invited to and has not yet answered."""
    asked = _takes_part(organisation_id, accepted_at__isnull=True, declined_at__isnull=True)
    return Project.objects.filter(asked, status__in=OPEN_FOR_SUPPORT).order_by("title")


def borough_projects_returned(*, organisation_id: int) -> QuerySet:
    """Proposals the borough leads that LOTI returned for changes: the borough changes and resubmits them."""
    leads = _takes_part(organisation_id, role=ParticipantRole.LEAD)
    return Project.objects.filter(leads, status=ProjectStatus.RETURNED).order_by("title")


def borough_projects_due_update(*, organisation_id: int, today: datetime.date, every: datetime.timedelta) -> QuerySet:
    """Approved and active projects the borough takes part in whose last progress update is older than `every`."""
    recent = ProgressUpdate.objects.filter(project=OuterRef("pk"), date__gte=today - every)
    projects = Project.objects.filter(_takes_part(organisation_id, accepted_at__isnull=False), status__in=NEEDS_UPDATES)
    return projects.filter(~Exists(recent)).order_by("title")


def open_survey(*, today: datetime.date | None = None) -> Survey | None:
    """The survey officers can answer today; if staff let two overlap, the later year's."""
    today = today or timezone.localdate()
    return Survey.objects.filter(opens_on__lte=today, closes_on__gte=today).select_related("year").order_by("-year__start_date").first()


def surveys_around(*, today: datetime.date | None = None) -> dict:
    """When no survey is open: the next one to open and the last one that closed, to say so."""
    today = today or timezone.localdate()
    surveys = Survey.objects.select_related("year")
    return {
        "next_survey": surveys.filter(opens_on__gt=today).order_by("opens_on").first(),
        "last_survey": surveys.filter(closes_on__lt=today).order_by("-closes_on").first(),
    }


def survey_workstreams() -> QuerySet:
    """The workstreams officers rate: the active ones, in the strategy's order."""
    return Workstream.objects.filter(active=True).select_related("pillar")


# The overall answer first, then the workstreams in the strategy's order.
ANSWER_ORDER = (
    ExpressionWrapper(Q(workstream__isnull=False), output_field=BooleanField()),
    "workstream__pillar__position",
    "workstream__position",
    "workstream__name",
)


def survey_answers_of(*, survey: Survey, user) -> QuerySet:
    """One person's own answers: nobody else's, whichever borough they are from."""
    return (
        SurveyResponse.objects.filter(survey=survey, respondent_email__iexact=user.email)
        .select_related("workstream__pillar")
        .order_by(*ANSWER_ORDER)
    )


def project_status_on(*, project: Project, day: datetime.date) -> str | None:
    """The project's status on a past day, from its recorded status changes: the latest change on or before the day,
    else the status the first change replaced; None when no change is recorded at all."""
    changes = ProjectStatusChange.objects.filter(project=project)
    change = changes.filter(date__lte=day).order_by("-date", "-recorded_at", "-pk").first()
    if change:
        return change.status
    first = changes.order_by("date", "recorded_at", "pk").first()
    return (first.previous_status or None) if first else None
