"""A project's life: proposed by a borough, supported by others, submitted, decided by LOTI staff, then reported on.

Every transition locks the project's row and re-reads it before checking whether the step is allowed, so two people
acting at once cannot both pass the check; whoever needs to know is told by email from a task once it commits.
"""

import datetime
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from loti.models import FinancialYear
from loti.money import to_money
from loti.services import financial_year_get_or_create
from loti.tasks import after_commit, one_line
from members.models import Organisation, OrganisationKind, User
from members.permissions import officer_organisation_id

from .data_projects import QUESTIONS, dpia_guard
from .funding import funding_limits
from .models import (
    Benefit,
    BenefitConfidence,
    DpiaStatus,
    Output,
    Participant,
    ParticipantRole,
    Phase,
    Pillar,
    PrioritisationCriterion,
    PrioritisationScore,
    ProgressUpdate,
    Project,
    ProjectStatus,
    ProjectStatusChange,
    Survey,
    SurveyResponse,
    Workstream,
)
from .permissions import EDITABLE, OPEN_FOR_SUPPORT, REPORTABLE, WITHDRAWABLE, can_answer_survey
from .selectors import ANSWER_ORDER
from .strategy_models import DataMethodology
from .tasks import notify_project

log = logging.getLogger(__name__)

DECIDABLE = {ProjectStatus.PROPOSED, ProjectStatus.UNDER_REVIEW}
# Free text the portal's forms take; the services refuse longer text from anywhere else too.
NOTE_MAX_LENGTH = 2000
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


def _locked(project: Project) -> Project:
    """The project's row, locked until the transaction ends and read afresh: the state every guard checks."""
    return Project.objects.select_for_update(of=("self",)).select_related("pillar", "workstream").get(pk=project.pk)


def _notify(event: str, project: Project, organisation_ids: list[int] | None = None) -> None:
    # The occurrence names this one event (a proposal may be returned twice), so a retried task mails each person once.
    after_commit(notify_project, event, project.pk, organisation_ids, occurrence=uuid.uuid4().hex)


def _status_is(project: Project, allowed, doing: str) -> None:
    if project.status not in allowed:
        raise ValidationError(f"“{project.title}” is {project.get_status_display().lower()}: {doing}.")


def _guard_lead(project: Project, user: User, doing: str) -> int:
    organisation_id = officer_organisation_id(user)
    if (
        organisation_id is None
        or not Participant.objects.filter(project=project, role=ParticipantRole.LEAD, organisation_id=organisation_id).exists()
    ):
        raise ValidationError(f"Only an officer of the borough leading “{project.title}” can {doing}.")
    return organisation_id


def _guard_note(text: str, field: str, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: missing})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError({field: f"Keep it to {NOTE_MAX_LENGTH:,} characters or fewer; it has {len(text):,}."})
    return text


def _guard_proposal(*, organisation_id: int, invited: list[Organisation], pillar, workstream, workstream_was=None) -> list[Organisation]:
    invited = [o for o in invited if o.pk != organisation_id]
    not_boroughs = [o.name for o in invited if o.kind != OrganisationKind.LONDON_BOROUGH]
    if not_boroughs:
        raise ValidationError({"invited_boroughs": f"Not a London borough: {', '.join(not_boroughs)}."})
    if workstream and pillar and workstream.pillar_id and workstream.pillar_id != pillar.pk:
        raise ValidationError({"workstream": f"{workstream} is not an area of {pillar}."})
    if workstream and not workstream.active and workstream != workstream_was:
        raise ValidationError({"workstream": f"{workstream} is no longer an active workstream: choose a current one."})
    return invited


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
    """A draft proposal led by the proposer's borough, with the boroughs it invites to support it (they are emailed)."""
    organisation_id = officer_organisation_id(proposer)
    if organisation_id is None:
        raise ValidationError("Only an approved officer of a member borough can propose a project.")
    invited = _guard_proposal(organisation_id=organisation_id, invited=invited, pillar=pillar, workstream=workstream)
    title = one_line(title, limit=10_000)  # a line break in a title would break every mail and heading it is in
    now = timezone.now()
    with transaction.atomic():
        project = Project(
            title=title,
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
            year=financial_year_get_or_create(on=timezone.localdate()),
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
        if invited:
            _notify("invited", project, [o.pk for o in invited])
    log.info("project-proposed project=%s by=%s invited=%d", project.pk, proposer.email, len(invited))
    return project


def project_update(
    *,
    project: Project,
    edited_by: User,
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
    """The lead borough changes its draft (or a proposal returned for changes); boroughs newly invited are emailed.

    A borough that has agreed to support it stays on it; one only invited, or that declined, can be taken off.
    """
    with transaction.atomic():
        project = _locked(project)
        _status_is(project, EDITABLE, "only a draft or a proposal returned for changes can be changed")
        organisation_id = _guard_lead(project, edited_by, "change it")
        invited = _guard_proposal(
            organisation_id=organisation_id, invited=invited, pillar=pillar, workstream=workstream, workstream_was=project.workstream
        )
        project.title = one_line(title, limit=10_000)
        project.summary, project.outcome, project.problems, project.hypotheses = summary, outcome, problems, hypotheses
        project.pillar, project.workstream = pillar, workstream
        project.funding_requested = to_money(funding_requested) if funding_requested is not None else None
        project.replicable, project.outputs_gifted, project.is_data_project = replicable, outputs_gifted, is_data_project
        project._change_reason = f"Changed by {edited_by.email}"
        project.full_clean(exclude=["slug"])
        project.save()

        current = {p.organisation_id: p for p in Participant.objects.filter(project=project).exclude(role=ParticipantRole.LEAD)}
        wanted = {o.pk for o in invited}
        kept = [p.organisation.name for p in current.values() if p.organisation_id not in wanted and p.accepted_at]
        if kept:
            raise ValidationError(
                {"invited_boroughs": f"{', '.join(sorted(kept))} agreed to support it, so cannot be taken off: keep them ticked."}
            )
        Participant.objects.filter(project=project, organisation_id__in=set(current) - wanted).delete()
        now = timezone.now()
        added = [o for o in invited if o.pk not in current]
        Participant.objects.bulk_create(
            Participant(project=project, organisation=o, role=ParticipantRole.SUPPORTER, invited_at=now) for o in added
        )
        if added:
            _notify("invited", project, [o.pk for o in added])
    log.info("project-changed project=%s by=%s invited=%d", project.pk, edited_by.email, len(added))
    return project


def participant_accept(*, project: Project, organisation_id: int, accepted_by: User) -> Participant:
    """An invited borough agrees to support (and so deliver) the proposal; the proposers are told."""
    with transaction.atomic():
        project = _locked(project)
        _status_is(project, OPEN_FOR_SUPPORT, "it no longer gathers support")
        participant = Participant.objects.select_for_update().get(project=project, organisation_id=organisation_id)
        if participant.accepted_at is None:
            # A borough that said no may change its mind while the proposal still gathers support.
            participant.accepted_at, participant.declined_at, participant.decline_reason = timezone.now(), None, ""
            participant.save(update_fields=["accepted_at", "declined_at", "decline_reason"])
            _notify("supported", project, [organisation_id])
            log.info("project-supported project=%s organisation=%s by=%s", project.pk, organisation_id, accepted_by.email)
    return participant


def participant_decline(*, project: Project, organisation_id: int, declined_by: User, reason: str = "") -> Participant:
    """An invited borough says it will not support the proposal, with its reason if it gives one; the proposers are told."""
    reason = (reason or "").strip()
    if len(reason) > NOTE_MAX_LENGTH:
        raise ValidationError({"reason": f"Keep the reason to {NOTE_MAX_LENGTH:,} characters or fewer; it has {len(reason):,}."})
    with transaction.atomic():
        project = _locked(project)
        _status_is(project, OPEN_FOR_SUPPORT, "it no longer gathers support")
        participant = Participant.objects.select_for_update().get(project=project, organisation_id=organisation_id)
        if participant.role == ParticipantRole.LEAD:
            raise ValidationError("The borough leading a proposal cannot decline it: withdraw it instead.")
        if participant.accepted_at is not None:
            raise ValidationError(f"Your borough already agreed to support “{project.title}”.")
        if participant.declined_at is None:
            participant.declined_at, participant.decline_reason = timezone.now(), reason
            participant.save(update_fields=["declined_at", "decline_reason"])
            _notify("declined", project, [organisation_id])
            log.info("project-declined project=%s organisation=%s by=%s", project.pk, organisation_id, declined_by.email)
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
    """The lead borough submits its proposal to LOTI once it meets the funding principles; LOTI staff are told."""
    with transaction.atomic():
        project = _locked(project)
        if project.status not in EDITABLE:
            raise ValidationError(f"“{project.title}” has already been submitted.")
        _guard_lead(project, submitted_by, "submit it")
        missing = funding_principles_missing(project=project)
        if missing:
            raise ValidationError(missing)
        _status_change(project, ProjectStatus.PROPOSED, by=submitted_by)
        project.submitted_at = timezone.now()
        project._change_reason = f"Submitted by {submitted_by.email}"
        project.save()
        _notify("submitted", project)
    log.info("project-submitted project=%s by=%s", project.pk, submitted_by.email)
    return project


def project_withdraw(*, project: Project, withdrawn_by: User) -> Project:
    """The lead borough withdraws a proposal not yet decided: it is kept, marked withdrawn, and the boroughs asked are told."""
    with transaction.atomic():
        project = _locked(project)
        _status_is(project, WITHDRAWABLE, "only a proposal not yet decided can be withdrawn")
        _guard_lead(project, withdrawn_by, "withdraw it")
        _status_change(project, ProjectStatus.WITHDRAWN, by=withdrawn_by)
        project.withdrawn_at = timezone.now()
        project._change_reason = f"Withdrawn by {withdrawn_by.email}"
        project.save()
        _notify("withdrawn", project)
    log.info("project-withdrawn project=%s by=%s", project.pk, withdrawn_by.email)
    return project


def project_approve(*, project: Project, amount, approved_by: User, override_reason: str = "") -> Project:
    """Staff approve a proposal with the amount LOTI funds, once all five prioritisation criteria are scored.

    More than was asked, or more than the pillar has left of its allocation that year, needs a reason, which is kept.
    """
    try:
        amount = to_money(amount)
    except (TypeError, ValueError) as error:
        raise ValidationError({"amount": f"{amount!r} is not an amount of money."}) from error
    if amount < 0:
        raise ValidationError({"amount": "The amount approved cannot be negative."})
    override_reason = (override_reason or "").strip()
    if len(override_reason) > NOTE_MAX_LENGTH:
        raise ValidationError({"override_reason": f"Keep the reason to {NOTE_MAX_LENGTH:,} characters or fewer."})
    with transaction.atomic():
        project = _locked(project)
        _status_is(project, DECIDABLE, "only a submitted proposal can be approved")
        scored = set(project.scores.values_list("criterion", flat=True))
        unscored = [label for value, label in PrioritisationCriterion.choices if value not in scored]
        if unscored:
            raise ValidationError(f"“{project.title}” needs a score for: {'; '.join(unscored)}.")
        if project.pillar_id:
            # One approval at a time per pillar, so two cannot both spend what it has left.
            Pillar.objects.select_for_update().filter(pk=project.pillar_id).first()
        breaches = funding_limits(project=project).breaches(amount)
        if breaches and not override_reason:
            raise ValidationError({"override_reason": " ".join(breaches) + " Give the reason to approve it all the same."})
        _status_change(project, ProjectStatus.APPROVED, by=approved_by)
        project.funding_approved = amount
        project.override_reason = override_reason if breaches else ""
        project.decided_at, project.decided_by = timezone.now(), approved_by
        project.aligned_with_objectives = True
        project._change_reason = f"Approved by {approved_by.email} with £{amount:,.2f}" + (" past its limits" if breaches else "")
        project.save()
        _notify("approved", project)
    log.info("project-approved project=%s by=%s amount=%s override=%s", project.pk, approved_by.email, amount, bool(breaches))
    return project


def project_reject(*, project: Project, reason: str, rejected_by: User) -> Project:
    reason = _guard_note(reason, "reason", "Give the reason, so the proposers know why.")
    with transaction.atomic():
        project = _locked(project)
        _status_is(project, DECIDABLE, "only a submitted proposal can be rejected")
        _status_change(project, ProjectStatus.REJECTED, by=rejected_by, note=reason)
        project.rejection_reason = reason
        project.decided_at, project.decided_by = timezone.now(), rejected_by
        project._change_reason = f"Rejected by {rejected_by.email}"
        project.save()
        _notify("rejected", project)
    log.info("project-rejected project=%s by=%s", project.pk, rejected_by.email)
    return project


def project_return_for_changes(*, project: Project, note: str, returned_by: User) -> Project:
    """Staff send a submitted proposal back to its lead borough with a note of what to change; it can then be resubmitted."""
    note = _guard_note(note, "note", "Say what the proposers should change.")
    with transaction.atomic():
        project = _locked(project)
        _status_is(project, DECIDABLE, "only a submitted proposal can be returned for changes")
        _status_change(project, ProjectStatus.RETURNED, by=returned_by, note=note)
        project.return_note = note
        project._change_reason = f"Returned for changes by {returned_by.email}"
        project.save()
        _notify("returned", project)
    log.info("project-returned project=%s by=%s", project.pk, returned_by.email)
    return project


def _guard_reportable(project: Project) -> None:
    if project.status not in REPORTABLE:
        raise ValidationError(f"“{project.title}” is {project.get_status_display().lower()}: report on it once it is approved.")


def progress_update_post(*, project: Project, author: User, date: datetime.date, phase: str, rag: str, text: str) -> ProgressUpdate:
    with transaction.atomic():
        project = _locked(project)
        _guard_reportable(project)
        dpia_guard(project=project, phase=phase)  # a data project stays out of Develop until its DPIA is done
        update = ProgressUpdate(project=project, author=author, date=date, phase=phase, rag=rag, text=text)
        update.full_clean()
        update.save()
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
    with transaction.atomic():
        project = _locked(project)
        _guard_reportable(project)
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
            raise ValidationError(
                f"“{project.title}” is {project.get_status_display().lower()}: only an approved or active project can be {verb}."
            )
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
    with transaction.atomic():
        project = _locked(project)
        _guard_reportable(project)
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
    with transaction.atomic():
        # Checked on the survey's row as it is now, locked, so answers cannot slip in while staff close it.
        survey = Survey.objects.select_for_update().select_related("year").get(pk=survey.pk)
        return _survey_answer(survey=survey, respondent=respondent, answers=answers, overall=overall, overall_comment=overall_comment)


def _survey_answer(
    *, survey: Survey, respondent: User, answers: list[WorkstreamAnswer], overall: int | None, overall_comment: str
) -> list[SurveyResponse]:
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
                errors.setdefault(rating_field, []).append(
                    f"{problem}, or say you were not involved." if answer.rating is None else f"{problem}."
                )
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
    assert organisation_id is not None  # can_answer_survey said so
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
                survey=survey,
                respondent=respondent,
                respondent_email=email,
                organisation_id=organisation_id,
                workstream=None,
                rating=overall,
                comment=(overall_comment or "").strip(),
                submitted_at=now,
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


def data_methodology_record(
    *,
    project: Project,
    recorded_by: User,
    actions: str,
    insights: str,
    data_needed: str,
    legal_basis: str,
    enablers: str,
    dpia_needed: bool,
) -> DataMethodology:
    """A data project's answers to the methodology, and whether it needs a DPIA (a completed DPIA stays completed)."""
    answers = {"actions": actions, "insights": insights, "data_needed": data_needed, "legal_basis": legal_basis, "enablers": enablers}
    answers = {name: (text or "").strip() for name, text in answers.items()}
    missing = {name: f"Answer: {QUESTIONS[name]}" for name, text in answers.items() if not text}
    if missing:
        raise ValidationError(missing)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        methodology, _ = DataMethodology.objects.update_or_create(project=locked, defaults=answers)
        if locked.dpia_status not in (DpiaStatus.COMPLETED, DpiaStatus.IN_PROGRESS):
            locked.dpia_status = DpiaStatus.NEEDED if dpia_needed else DpiaStatus.NOT_NEEDED
        locked.is_data_project = True
        locked._change_reason = f"Data Projects Methodology answered by {recorded_by.email}"
        locked.save(update_fields=["is_data_project", "dpia_status", "updated_at"])
    log.info("data-methodology who=%s project=%s dpia_needed=%s", recorded_by.email, project.pk, dpia_needed)
    return methodology


def project_rows_save(*, formset, by: User) -> None:
    """The rows staff edited in one of a project's admin tables, all or none; a score records who gave it."""
    with transaction.atomic():
        for row in formset.save(commit=False):
            if isinstance(row, PrioritisationScore):
                row.scored_by = by
            row.save()
        for row in formset.deleted_objects:
            row.delete()
        formset.save_m2m()
