"""Who is told what about a proposal, by email with a link to the page. Called from the task, after the write commits."""

import logging

from django.template.loader import render_to_string
from django.urls import reverse

from loti.tasks import one_line, portal_link, send_email
from members.models import Organisation, User

from .models import Participant, ParticipantRole, Project

log = logging.getLogger(__name__)

EVENTS = {"invited", "submitted", "supported", "declined", "approved", "rejected", "returned", "withdrawn"}


def _officers(organisation_ids) -> list[str]:
    return list(
        User.objects.filter(organisation_id__in=list(organisation_ids), organisation_approved_at__isnull=False, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _proposers(project: Project) -> list[str]:
    """The person who proposed it and the lead borough's officers."""
    lead = Participant.objects.filter(project=project, role=ParticipantRole.LEAD).values_list("organisation_id", flat=True)
    emails = _officers(lead)
    proposer = project.proposed_by  # no query when there is none
    if proposer is not None and proposer.is_active:
        emails.append(proposer.email)
    return emails


def _others(project: Project, **also) -> list[str]:
    """Officers of the boroughs on it other than the lead."""
    others = Participant.objects.filter(project=project, **also).exclude(role=ParticipantRole.LEAD)
    return _officers(others.values_list("organisation_id", flat=True))


def _staff() -> list[str]:
    return list(User.objects.filter(is_staff=True, is_active=True).exclude(email="").values_list("email", flat=True))


def project_notification(*, event: str, project_id: int, organisation_ids: list[int] | None = None) -> tuple[str, str, list[str]]:
    """The subject, body and recipients of one notification."""
    if event not in EVENTS:
        raise ValueError(f"Unknown project notification {event!r}")
    project = Project.objects.select_related("proposed_by", "pillar").get(pk=project_id)
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids or []).order_by("name"))
    lead = Participant.objects.filter(project=project, role=ParticipantRole.LEAD).select_related("organisation").first()
    page = portal_link(reverse("projects:project", kwargs={"slug": project.slug}))
    link = {
        "invited": portal_link(reverse("projects:support", kwargs={"slug": project.slug})),
        "submitted": portal_link(reverse("admin:projects_project_change", args=[project.pk])),
        "returned": portal_link(reverse("projects:edit", kwargs={"slug": project.slug})),
    }.get(event, page)
    recipients = {
        "invited": lambda: _officers(o.pk for o in organisations),
        "submitted": _staff,
        "supported": lambda: _proposers(project),
        "declined": lambda: _proposers(project),
        # Decisions go to the proposers and every borough that agreed to support it.
        "approved": lambda: _proposers(project) + _others(project, accepted_at__isnull=False),
        "rejected": lambda: _proposers(project) + _others(project, accepted_at__isnull=False),
        "returned": lambda: _proposers(project) + _others(project, accepted_at__isnull=False),
        # Everyone it asked for support, unless they said no.
        "withdrawn": lambda: _others(project, declined_at__isnull=True),
    }[event]()
    participation = None
    if organisations and event in ("supported", "declined"):
        participation = Participant.objects.filter(project=project, organisation=organisations[0]).first()
    context = {
        "project": project,
        "title": one_line(project.title),
        "lead": lead.organisation if lead else None,
        "organisations": organisations,
        "organisation_names": one_line(", ".join(o.name for o in organisations)),
        "participation": participation,
        "link": link,
        "page": page,
    }
    subject = render_to_string(f"emails/projects/{event}_subject.txt", context)
    body = render_to_string(f"emails/projects/{event}.txt", context)
    return one_line(subject, limit=180), body, sorted(set(recipients))


def project_notify_send(*, event: str, project_id: int, organisation_ids: list[int] | None = None, occurrence: str = "") -> int:
    try:
        subject, body, recipients = project_notification(event=event, project_id=project_id, organisation_ids=organisation_ids)
    except Project.DoesNotExist:
        # Deleted by staff before the job ran: there is nothing left to tell anyone about.
        log.warning("notification-skipped event=%s project=%s: it no longer exists", event, project_id)
        return 0
    organisations = ",".join(str(pk) for pk in sorted(organisation_ids or []))
    key = f"project-{event}:project={project_id}:organisations={organisations}:{occurrence}"
    return send_email(key=key, subject=subject, body=body, recipients=recipients)
