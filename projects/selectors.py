"""Reading projects: the directory with its filters and search, and a borough's own projects."""
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db.models import Max, Prefetch, Q, QuerySet

from .models import Participant, Project
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
