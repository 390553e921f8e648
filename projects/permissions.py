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
OPEN_FOR_SUPPORT = {ProjectStatus.DRAFT, ProjectStatus.PROPOSED, ProjectStatus.RETURNED}
EDITABLE = {ProjectStatus.DRAFT, ProjectStatus.RETURNED}
WITHDRAWABLE = {ProjectStatus.DRAFT, ProjectStatus.RETURNED, ProjectStatus.PROPOSED, ProjectStatus.UNDER_REVIEW}


def project_scope(user, queryset: QuerySet) -> QuerySet:
    """Projects this person may see: all for staff; every non-draft, plus their borough's drafts, for others.

    A draft withdrawn before it was ever submitted stays as private as it was.
    """
    if is_staff(user):
        return queryset
    public = ~Q(status=ProjectStatus.DRAFT) & ~Q(status=ProjectStatus.WITHDRAWN, submitted_at__isnull=True)
    organisation_id = officer_organisation_id(user)
    if organisation_id is None:
        return queryset.filter(public)
    on_it = Exists(Participant.objects.filter(project=OuterRef("pk"), organisation_id=organisation_id))
    return queryset.filter(public | on_it)


def participation(user, project: Project) -> Participant | None:
    """This person's borough's part in the project, if it has one."""
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
    participant = participation(user, project)
    return bool(participant and participant.accepted_at is None and project.status in OPEN_FOR_SUPPORT)


def can_decline(user, project: Project) -> bool:
    """An invited borough that has not yet answered may say no."""
    return can_support(user, project) and participation(user, project).declined_at is None  # type: ignore[union-attr]  # can_support found the participant


def _leads(user, project: Project) -> bool:
    participant = participation(user, project)
    return bool(participant and participant.role == ParticipantRole.LEAD)


def can_submit(user, project: Project) -> bool:
    return project.status in EDITABLE and _leads(user, project)


def can_edit(user, project: Project) -> bool:
    """The lead borough changes its proposal while it is a draft, or once LOTI returns it for changes."""
    return project.status in EDITABLE and _leads(user, project)


def can_withdraw(user, project: Project) -> bool:
    return project.status in WITHDRAWABLE and _leads(user, project)


def can_report(user, project: Project) -> bool:
    """Progress, outputs and benefits: officers of boroughs taking part (agreed), once the project is approved."""
    if project.status not in REPORTABLE:
        return False
    participant = participation(user, project)
    return bool(participant and participant.accepted_at is not None)


def can_answer_survey(user) -> bool:
    """The satisfaction survey is for approved officers of organisations that are LOTI members today."""
    organisation_id = officer_organisation_id(user)
    if organisation_id is None:
        return False
    return Membership.objects.current_on(timezone.localdate()).filter(organisation_id=organisation_id).exists()
