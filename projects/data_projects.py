"""Data projects follow LOTI's Data Projects Methodology (Year 2 Strategy, slide 23) and MD2373's rule that
DPIAs are done when needed: a data project whose DPIA is needed cannot move to Develop (or Deliver) until
its DPIA is completed. The rule is here once; the services (progress updates, the methodology's answers), the
admin and the pages ask it."""

from django.core.exceptions import ValidationError

from .models import DpiaStatus, Phase, Project

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
    if (
        phase == current_phase
        or phase not in DPIA_GATED_PHASES
        or not dpia_outstanding(is_data_project=is_data_project, dpia_status=dpia_status)
    ):
        return None
    name = f"“{title}”" if title else "This data project"
    return (
        f"{name} cannot move to {Phase(phase).label.split(' – ')[-1]} until its DPIA is completed "
        f"(DPIA status: {DpiaStatus(dpia_status).label.lower()}). Complete the data protection impact assessment first."
    )


def dpia_guard(*, project: Project, phase: str) -> None:
    """Raise ValidationError when a data project would move to Develop or Deliver with its DPIA outstanding."""
    refusal = dpia_refusal(
        is_data_project=project.is_data_project,
        dpia_status=project.dpia_status,
        current_phase=project.phase,
        phase=phase,
        title=project.title,
    )
    if refusal:
        raise ValidationError({"phase": refusal})
