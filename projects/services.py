"""A project's life: proposed by a borough, supported by others, submitted, decided by LOTI staff, then reported on."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from loti.models import FinancialYear
from loti.money import to_money
from members.models import Organisation, OrganisationKind, User
from members.permissions import officer_organisation_id

from .models import (
    Benefit,
    BenefitConfidence,
    Output,
    Participant,
    ParticipantRole,
    Phase,
    Pillar,
    PrioritisationCriterion,
    ProgressUpdate,
    Project,
    ProjectStatus,
    ProjectStatusChange,
    Survey,
    SurveyResponse,
    Workstream,
)
from .permissions import REPORTABLE, can_answer_survey
from .selectors import ANSWER_ORDER

DECIDABLE = {ProjectStatus.PROPOSED, ProjectStatus.UNDER_REVIEW}
ENDED = {ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}


def _status_change(project: Project, status: str, *, by: User | None, on: datetime.date | None = None, note: str = "") -> None:
    """Give a locked project its new status, with the start or end date the evaluation counts by, and record the
    change with its day and who made it. The caller saves the project."""
    on = on or timezone.localdate()
    ProjectStatusChange.objects.create(
        project=project, previous_status=project.status, status=status, date=on, changed_by=by, note=note[:300]
    )
    project.status = status
    if status == ProjectStatus.ACTIVE and project.start_date is None:
        project.start_date = on
    if status in ENDED and project.end_date is None:
        project.end_date = on


def _unique_slug(title: str) -> str:
    base = slugify(title)[:190] or "project"
    slug, n = base, 2
    while Project.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _officer_emails(organisation_ids) -> list[str]:
    return list(
        User.objects.filter(organisation_id__in=organisation_ids, organisation_approved_at__isnull=False, is_active=True)
        .values_list("email", flat=True)
    )


def _mail_on_commit(subject: str, body: str, recipients: list[str]) -> None:
    recipients = sorted(set(recipients))
    if recipients:
        transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients))


def project_propose(
    *,
    proposer: User,
    title: str,
    outcome: str,
    problems: str,
    hypotheses: str,
    pillar: Pillar | None,
    workstream: Workstream | None,
    funding_requested: Decimal | None,
    invited: list[Organisation],
    summary: str = "",
    replicable: bool = False,
    outputs_gifted: bool = False,
    is_data_project: bool = False,
) -> Project:
    """A draft proposal led by the proposer's borough, with the boroughs it invites to support it."""
    organisation_id = officer_organisation_id(proposer)
    if organisation_id is None:
        raise ValidationError("Only an approved officer of a member borough can propose a project.")
    invited = [o for o in invited if o.pk != organisation_id]
    not_boroughs = [o.name for o in invited if o.kind != OrganisationKind.LONDON_BOROUGH]
    if not_boroughs:
        raise ValidationError({"invited_boroughs": f"Not a London borough: {', '.join(not_boroughs)}."})
    if workstream and pillar and workstream.pillar_id and workstream.pillar_id != pillar.pk:
        raise ValidationError({"workstream": f"{workstream} is not an area of {pillar}."})
    now = timezone.now()
    with transaction.atomic():
        project = Project(
            title=title.strip(),
            slug=_unique_slug(title),
            summary=summary,
            outcome=outcome,
            problems=problems,
            hypotheses=hypotheses,
            pillar=pillar,
            workstream=workstream,
            funding_requested=to_money(funding_requested) if funding_requested is not None else None,
            replicable=replicable,
            outputs_gifted=outputs_gifted,
            is_data_project=is_data_project,
            status=ProjectStatus.DRAFT,
            phase=Phase.DIRECT,
            proposed_by=proposer,
            year=FinancialYear.objects.containing(timezone.localdate()),
        )
        project._change_reason = f"Proposed by {proposer.email}"
        project.full_clean(exclude=["slug"])
        project.save()
        Participant.objects.create(
            project=project, organisation_id=organisation_id, role=ParticipantRole.LEAD, invited_at=now, accepted_at=now
        )
        Participant.objects.bulk_create(
            Participant(project=project, organisation=o, role=ParticipantRole.SUPPORTER, invited_at=now) for o in invited
        )
        _mail_on_commit(
            f"{proposer.organisation} invites your borough to support “{project.title}”",
            f"{proposer.organisation} proposes a LOTI project and asks your borough to support it: {project.title}.\n"
            "Sign in to the LOTI Portal to read the proposal and agree to support it.",
            _officer_emails([o.pk for o in invited]),
        )
    return project


def participant_accept(*, project: Project, organisation_id: int, accepted_by: User) -> Participant:
    """An invited borough agrees to support (and so deliver) the proposal."""
    if project.status not in (ProjectStatus.DRAFT, ProjectStatus.PROPOSED):
        raise ValidationError(f"“{project.title}” is {project.get_status_display().lower()}: it no longer gathers support.")
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(project=project, organisation_id=organisation_id)
        if participant.accepted_at is None:
            participant.accepted_at = timezone.now()
            participant.save(update_fields=["accepted_at"])
    return participant


def funding_principles_missing(*, project: Project) -> list[str]:
    """LOTI's funding principles that a proposal does not yet meet, in LOTI's words; empty when it may be submitted."""
    missing = []
    boroughs = Participant.objects.filter(
        project=project, accepted_at__isnull=False, organisation__kind=OrganisationKind.LONDON_BOROUGH
    ).count()
    if boroughs < 2:
        missing.append(
            f"Supported and delivered by at least two LOTI boroughs: {boroughs} has agreed so far, "
            "so another invited borough must agree to support it."
        )
    if not project.replicable:
        missing.append("Replicable by other boroughs: say that it is designed for wider adoption.")
    if not project.outputs_gifted:
        missing.append("Outputs gifted to LOTI: agree that its outputs are gifted to LOTI for dissemination.")
    if not project.outcome.strip():
        missing.append("The outcome: which people will be better off, and in which ways.")
    return missing


def project_submit(*, project: Project, submitted_by: User) -> Project:
    if project.status != ProjectStatus.DRAFT:
        raise ValidationError(f"“{project.title}” has already been submitted.")
    missing = funding_principles_missing(project=project)
    if missing:
        raise ValidationError(missing)
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        _status_change(project, ProjectStatus.PROPOSED, by=submitted_by)
        project.submitted_at = timezone.now()
        project._change_reason = f"Submitted by {submitted_by.email}"
        project.save()
    return project


def _proposer_emails(project: Project) -> list[str]:
    lead_ids = project.participants.filter(role=ParticipantRole.LEAD).values_list("organisation_id", flat=True)
    emails = _officer_emails(list(lead_ids))
    if project.proposed_by_id:
        emails.append(project.proposed_by.email)
    return emails


def project_approve(*, project: Project, amount, approved_by: User) -> Project:
    """Staff approve a proposal with the amount LOTI funds, once all five prioritisation criteria are scored."""
    if project.status not in DECIDABLE:
        raise ValidationError(f"“{project.title}” is {project.get_status_display().lower()}: only a submitted proposal can be approved.")
    try:
        amount = to_money(amount)
    except (TypeError, ValueError) as error:
        raise ValidationError({"amount": f"{amount!r} is not an amount of money."}) from error
    if amount < 0:
        raise ValidationError({"amount": "The amount approved cannot be negative."})
    scored = set(project.scores.values_list("criterion", flat=True))
    unscored = [label for value, label in PrioritisationCriterion.choices if value not in scored]
    if unscored:
        raise ValidationError(f"“{project.title}” needs a score for: {'; '.join(unscored)}.")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        _status_change(project, ProjectStatus.APPROVED, by=approved_by)
        project.funding_approved = amount
        project.decided_at, project.decided_by = timezone.now(), approved_by
        project.aligned_with_objectives = True
        project._change_reason = f"Approved by {approved_by.email} with £{amount:,.2f}"
        project.save()
        _mail_on_commit(
            f"LOTI approved “{project.title}”",
            f"LOTI approved your proposal “{project.title}” with £{amount:,.2f}. "
            "Sign in to the LOTI Portal to post its progress.",
            _proposer_emails(project),
        )
    return project


def project_reject(*, project: Project, reason: str, rejected_by: User) -> Project:
    if project.status not in DECIDABLE:
        raise ValidationError(f"“{project.title}” is {project.get_status_display().lower()}: only a submitted proposal can be rejected.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason, so the proposers know why."})
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        _status_change(project, ProjectStatus.REJECTED, by=rejected_by, note=reason)
        project.rejection_reason = reason
        project.decided_at, project.decided_by = timezone.now(), rejected_by
        project._change_reason = f"Rejected by {rejected_by.email}"
        project.save()
        _mail_on_commit(
            f"LOTI did not approve “{project.title}”",
            f"LOTI did not approve your proposal “{project.title}”.\n\nThe reason: {reason}",
            _proposer_emails(project),
        )
    return project


def _guard_reportable(project: Project) -> None:
    if project.status not in REPORTABLE:
        raise ValidationError(f"“{project.title}” is {project.get_status_display().lower()}: report on it once it is approved.")


def progress_update_post(*, project: Project, author: User, date: datetime.date, phase: str, rag: str, text: str) -> ProgressUpdate:
    _guard_reportable(project)
    with transaction.atomic():
        update = ProgressUpdate(project=project, author=author, date=date, phase=phase, rag=rag, text=text)
        update.full_clean()
        update.save()
        project = Project.objects.select_for_update().get(pk=project.pk)
        starts = project.status == ProjectStatus.APPROVED
        if project.phase != phase or starts:
            project.phase = phase
            if starts:  # the first update starts the project on the day it reports, though never before its approval
                approved_on = timezone.localdate(project.decided_at) if project.decided_at else date
                on = max(min(date, timezone.localdate()), approved_on)
                _status_change(project, ProjectStatus.ACTIVE, by=author, on=on, note="First progress update")
            project._change_reason = f"Progress update by {author.email}"
            project.save()
    return update


def output_add(*, project: Project, added_by: User, title: str, url: str, gifted_on: datetime.date | None = None) -> Output:
    _guard_reportable(project)
    with transaction.atomic():
        output = Output(project=project, title=title, url=url, gifted_on=gifted_on)
        output.full_clean()
        output.save()
    return output


def project_complete(*, project: Project, completed_by: User, on: datetime.date | None = None, note: str = "") -> Project:
    """Staff mark an approved or active project completed: it is delivered in the year holding `on` (default today)."""
    return _project_end(project=project, status=ProjectStatus.COMPLETED, by=completed_by, on=on, note=note)


def project_cancel(*, project: Project, cancelled_by: User, reason: str, on: datetime.date | None = None) -> Project:
    """Staff stop an approved or active project; a cancelled project is never counted as delivered."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason the project stops."})
    return _project_end(project=project, status=ProjectStatus.CANCELLED, by=cancelled_by, on=on, note=reason)


def _project_end(*, project: Project, status: str, by: User, on: datetime.date | None, note: str) -> Project:
    today = timezone.localdate()
    on = on or today
    verb = "completed" if status == ProjectStatus.COMPLETED else "cancelled"
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status not in (ProjectStatus.APPROVED, ProjectStatus.ACTIVE):
            raise ValidationError(f"“{project.title}” is {project.get_status_display().lower()}: only an approved or active project can be {verb}.")
        if on > today:
            raise ValidationError({"on": f"The day it was {verb} cannot be in the future."})
        if project.start_date and on < project.start_date:
            raise ValidationError({"on": f"The day it was {verb} cannot be before it started ({project.start_date:%-d %B %Y})."})
        _status_change(project, status, by=by, on=on, note=note)
        project.end_date = on
        project._change_reason = f"{verb.capitalize()} by {by.email}"
        project.save()
    return project


def benefit_record(
    *,
    project: Project,
    recorded_by: User,
    kind: str,
    description: str,
    year: FinancialYear,
    amount: Decimal | None = None,
    hours: Decimal | None = None,
    confidence: str = BenefitConfidence.REALISED,
    reach: int | None = None,
    unit: str = "",
    evidence: str = "",
    evidence_url: str = "",
) -> Benefit:
    """A benefit the officer's own borough got from the project, realised or estimated, with its evidence."""
    _guard_reportable(project)
    with transaction.atomic():
        benefit = Benefit(
            project=project,
            organisation_id=officer_organisation_id(recorded_by),
            year=year,
            kind=kind,
            description=description,
            amount=to_money(amount) if amount is not None else None,
            hours=hours,
            confidence=confidence,
            reach=reach,
            unit=(unit or "").strip(),
            evidence=(evidence or "").strip(),
            evidence_url=evidence_url or "",
            recorded_by=recorded_by,
        )
        benefit.full_clean()
        benefit._change_reason = f"Recorded by {recorded_by.email}"
        benefit.save()
    return benefit


@dataclass(frozen=True)
class WorkstreamAnswer:
    """An officer's answer about one workstream: its value to them 1–5 (or not involved), whether LOTI added
    value, a comment."""

    workstream: Workstream
    rating: int | None
    loti_added_value: bool | None = None
    comment: str = ""
    not_involved: bool = False


def answer_field(question: str, workstream_id: int | str) -> str:
    """The name an answer's question goes by in forms and errors: rating_12, added_value_12, comment_12."""
    return f"{question}_{workstream_id}"


OVERALL_FIELD = answer_field("rating", "overall")


def _rating_problem(rating, subject: str) -> str | None:
    if rating is None:
        return f"Rate {subject} from 1 to 5"
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        return f"Rate {subject} with a whole number from 1 to 5, not {rating!r}"
    return None


def survey_answer(
    *, survey: Survey, respondent: User, answers: list[WorkstreamAnswer], overall: int | None, overall_comment: str = ""
) -> list[SurveyResponse]:
    """An officer's answers to the open survey: one per active workstream (a rating or "not involved") and LOTI
    overall; answering again replaces them."""
    today = timezone.localdate()
    if not survey.opens_on <= today <= survey.closes_on:
        raise ValidationError(
            f"The {survey.year} satisfaction survey is open from {survey.opens_on:%-d %B %Y} to {survey.closes_on:%-d %B %Y}: "
            "answers cannot be taken today."
        )
    if not can_answer_survey(respondent):
        raise ValidationError("Only an approved officer of a LOTI member organisation can answer the satisfaction survey.")
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for answer in answers:
        workstream = answer.workstream
        rating_field = answer_field("rating", workstream.pk)
        if workstream.pk in seen:
            errors.setdefault(rating_field, []).append(f"{workstream} is answered twice: answer it once.")
        seen.add(workstream.pk)
        if not workstream.active:
            errors.setdefault(rating_field, []).append(f"{workstream} is no longer an active workstream: it is not rated.")
        if answer.not_involved:
            if answer.rating is not None:
                errors.setdefault(rating_field, []).append(f"Rate {workstream} or say you were not involved, not both.")
        else:
            problem = _rating_problem(answer.rating, f"the value of {workstream}")
            if problem:
                errors.setdefault(rating_field, []).append(f"{problem}, or say you were not involved." if answer.rating is None else f"{problem}.")
    for workstream in Workstream.objects.filter(active=True).exclude(pk__in=seen):
        errors.setdefault(answer_field("rating", workstream.pk), []).append(
            f"Rate the value of {workstream} from 1 to 5, or say you were not involved."
        )
    problem = _rating_problem(overall, "LOTI overall")
    if problem:
        errors.setdefault(OVERALL_FIELD, []).append(f"{problem}.")
    if errors:
        raise ValidationError(errors)

    organisation_id = officer_organisation_id(respondent)
    with transaction.atomic():
        # Rows imported earlier may spell the address differently; keep theirs so the answer replaces, not duplicates.
        earlier = (
            SurveyResponse.objects.filter(survey=survey, respondent_email__iexact=respondent.email)
            .values_list("respondent_email", flat=True)
            .first()
        )
        email = earlier or respondent.email
        now = timezone.now()
        rows = [
            SurveyResponse(
                survey=survey,
                respondent=respondent,
                respondent_email=email,
                organisation_id=organisation_id,
                workstream=answer.workstream,
                rating=None if answer.not_involved else answer.rating,
                loti_added_value=None if answer.not_involved else answer.loti_added_value,
                comment=(answer.comment or "").strip(),
                submitted_at=now,
            )
            for answer in answers
        ]
        rows.append(
            SurveyResponse(
                survey=survey, respondent=respondent, respondent_email=email, organisation_id=organisation_id, workstream=None,
                rating=overall, comment=(overall_comment or "").strip(), submitted_at=now,
            )
        )
        # One statement; a second answer (or two tabs sending at once) updates the same rows.
        SurveyResponse.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["survey", "respondent_email", "workstream"],
            update_fields=["respondent", "organisation", "rating", "loti_added_value", "comment", "submitted_at"],
        )
    saved = SurveyResponse.objects.filter(survey=survey, respondent_email=email).select_related("workstream", "organisation")
    return list(saved.order_by(*ANSWER_ORDER))
