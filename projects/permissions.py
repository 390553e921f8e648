"""Who may see and change which project. Views, templates and the admin all ask here.

Every project is public once proposed (LOTI works in the open); a draft belongs to the boroughs on it.
Only the boroughs taking part change a project, and only in the step of its life that fits.
"""
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from members.models import Membership
from members.permissions import is_officer, is_staff, officer_organisation_id

from .models import Participant, ParticipantRole, Project, ProjectStatus

REPORTABLE = {ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.COMPLETED}
OPEN_FOR_SUPPORT = {ProjectStatus.DRAFT, ProjectStatus.PROPOSED}


def project_scope(user, queryset: QuerySet) -> QuerySet:
    """Projects this person may see: all for staff; every non-draft, plus their borough's drafts, for others."""
    if is_staff(user):
        return queryset
    public = ~Q(status=ProjectStatus.DRAFT)
    organisation_id = officer_organisation_id(user)
    if organisation_id is None:
        return queryset.filter(public)
    on_it = Exists(Participant.objects.filter(project=OuterRef("pk"), organisation_id=organisation_id))
    return queryset.filter(public | on_it)


def _participation(user, project: Project) -> Participant | None:
    organisation_id = officer_organisation_id(user)
    if organisation_id is None:
        return None
    for participant in project.participants.all():
        if participant.organisation_id == organisation_id:
            return participant
    return None


def can_propose(user) -> bool:
    return is_officer(user)


def can_support(user, project: Project) -> bool:
    """An invited borough's officer may agree to support a proposal that is not yet decided."""
    participant = _participation(user, project)
    return bool(participant and participant.accepted_at is None and project.status in OPEN_FOR_SUPPORT)


def can_submit(user, project: Project) -> bool:
    participant = _participation(user, project)
    return bool(participant and participant.role == ParticipantRole.LEAD and project.status == ProjectStatus.DRAFT)


def can_report(user, project: Project) -> bool:
    """Progress, outputs and benefits: officers of boroughs taking part (agreed), once the project is approved."""
    if project.status not in REPORTABLE:
        return False
    participant = _participation(user, project)
    return bool(participant and participant.accepted_at is not None)


def can_answer_survey(user) -> bool:
    """The satisfaction survey is for approved officers of organisations that are LOTI members today."""
    organisation_id = officer_organisation_id(user)
    if organisation_id is None:
        return False
    return Membership.objects.current_on(timezone.localdate()).filter(organisation_id=organisation_id).exists()
