"""Reading projects: the directory with its filters and search, a borough's own projects, and the satisfaction survey."""
import datetime

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Participant, Project, Survey, SurveyResponse, Workstream
from .permissions import project_scope

SEARCH_VECTOR = SearchVector("title", weight="A", config="english") + SearchVector(
    "summary", "outcome", "problems", "hypotheses", weight="B", config="english"
)


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
        projects = projects.annotate(search=SEARCH_VECTOR).filter(Q(search=query) | Q(title__icontains=search))
    return _with_participants(projects).order_by("title")


def project_detail_queryset(*, user) -> QuerySet:
    return _with_participants(project_scope(user, Project.objects.all())).prefetch_related("outputs")


def borough_projects(*, organisation_id: int) -> QuerySet:
    """The projects a borough leads or joins, with when each was last updated (for 'update due')."""
    return (
        _with_participants(Project.objects.filter(participants__organisation_id=organisation_id))
        .annotate(last_update=Max("updates__date"))
        .order_by("title")
    )


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


def survey_answers_of(*, survey: Survey, user) -> QuerySet:
    """One person's own answers: nobody else's, whichever borough they are from."""
    return (
        SurveyResponse.objects.filter(survey=survey, respondent_email__iexact=user.email)
        .select_related("workstream__pillar")
        .order_by("workstream__pillar__position", "workstream__position", "workstream__name")
    )
