"""The engagement map (Year 2 Strategy, slides 29–32), for LOTI staff: per pillar, whom LOTI informs,
involves and influences, known to LOTI or a relationship to develop."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.views.generic import TemplateView

from loti.views import log_refused
from members.permissions import is_staff

from .models import Pillar
from .strategy_models import Engagement, EngagementMode, Relationship


def engagement_map() -> list[dict]:
    """[{pillar, rows: [{relationship, label, cells: [{mode, label, stakeholders}]}]}], in two queries."""
    by_cell: dict[tuple, list[Engagement]] = {}
    for engagement in Engagement.objects.order_by("position", "stakeholder"):
        by_cell.setdefault((engagement.pillar_id, engagement.relationship, engagement.mode), []).append(engagement)
    pillars = Pillar.objects.filter(engagements__isnull=False).distinct().order_by("position", "name")
    return [
        {
            "pillar": pillar,
            "rows": [
                {
                    "relationship": relationship,
                    "label": relationship_label,
                    "cells": [
                        {"mode": mode, "label": mode_label, "stakeholders": by_cell.get((pillar.pk, relationship, mode), [])}
                        for mode, mode_label in EngagementMode.choices
                    ],
                }
                for relationship, relationship_label in Relationship.choices
            ],
            "source": next((e.source for key, cell in by_cell.items() if key[0] == pillar.pk for e in cell if e.source), ""),
        }
        for pillar in pillars
    ]


class EngagementMapView(LoginRequiredMixin, TemplateView):
    template_name = "projects/engagement_map.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_staff(request.user):
            log_refused(request, request.path, 403)
            raise PermissionDenied("The engagement map is for LOTI staff.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"pillars": engagement_map(), "modes": EngagementMode.choices}
