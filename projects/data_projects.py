"""Data projects follow LOTI's Data Projects Methodology (Year 2 Strategy, slide 23) and MD2373's rule that
DPIAs are done when needed: a data project whose DPIA is needed cannot move to Develop (or Deliver) until
its DPIA is completed. The rule is here once; the progress update service, the admin and the pages ask it."""
import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from members.models import User

from .models import DpiaStatus, Phase, Project
from .strategy_models import DataMethodology

log = logging.getLogger("loti.projects")

DPIA_GATED_PHASES = (Phase.DEVELOP, Phase.DELIVER)
DPIA_OUTSTANDING = (DpiaStatus.NEEDED, DpiaStatus.IN_PROGRESS)

# The methodology's questions, in its order, as the form and the project page ask them.
QUESTIONS = {
    "actions": "Actions: WHO could do WHAT differently if they had better information? What's the intervention?",
    "insights": "Insights: what would we need to see on a screen to enable the action?",
    "data_needed": "Data: what data is required to create that view?",
    "legal_basis": "Can we access and use that data legally and ethically? On what basis?",
    "enablers": "Enablers: beyond the data, what else is needed to achieve the outcome?",
}


def dpia_outstanding(*, is_data_project: bool, dpia_status: str) -> bool:
    return bool(is_data_project) and dpia_status in DPIA_OUTSTANDING


def dpia_refusal(*, is_data_project: bool, dpia_status: str, current_phase: str, phase: str, title: str = "") -> str | None:
    """Why moving to `phase` is refused, in LOTI's words; None when the move is allowed."""
    if phase == current_phase or phase not in DPIA_GATED_PHASES or not dpia_outstanding(is_data_project=is_data_project, dpia_status=dpia_status):
        return None
    name = f"“{title}”" if title else "This data project"
    return (
        f"{name} cannot move to {Phase(phase).label.split(' – ')[-1]} until its DPIA is completed "
        f"(DPIA status: {DpiaStatus(dpia_status).label.lower()}). Complete the data protection impact assessment first."
    )


def dpia_guard(*, project: Project, phase: str) -> None:
    """Raise ValidationError when a data project would move to Develop or Deliver with its DPIA outstanding."""
    refusal = dpia_refusal(
        is_data_project=project.is_data_project, dpia_status=project.dpia_status, current_phase=project.phase, phase=phase, title=project.title
    )
    if refusal:
        raise ValidationError({"phase": refusal})


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
