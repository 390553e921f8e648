"""Spreadsheet kind for the engagement map: `engagements` (see docs/register.md)."""

from django.db.models import Case, Value, When
from import_export.fields import Field

from loti.imports import ChoiceWidget, LotiResource, TextWidget, register

from .resources import PillarWidget
from .strategy_models import Engagement, EngagementMode, Relationship


@register("engagements")
class EngagementResource(LotiResource):
    pillar = Field(attribute="pillar", column_name="pillar", widget=PillarWidget())
    stakeholder = Field(attribute="stakeholder", column_name="stakeholder", widget=TextWidget())
    mode = Field(attribute="mode", column_name="mode", widget=ChoiceWidget(EngagementMode.choices))
    relationship = Field(attribute="relationship", column_name="relationship", widget=ChoiceWidget(Relationship.choices))

    year_path = None
    example = {"pillar": "Covid Recovery", "stakeholder": "Nesta", "mode": "inform", "relationship": "known"}
    constraint_messages = {
        "one_engagement_per_cell": "this stakeholder is already in this cell of the map",
        "engagement_has_stakeholder": "stakeholder is required",
    }

    class Meta:
        model = Engagement
        fields = ("pillar", "stakeholder", "mode", "relationship")
        import_id_fields = ("pillar", "stakeholder", "mode", "relationship")

    def get_queryset(self):
        # The map's order: pillar, known before new, then inform, involve, influence as the slides draw them.
        mode_order = Case(*(When(mode=mode, then=Value(n)) for n, mode in enumerate(EngagementMode.values)))
        return (
            super()
            .get_queryset()
            .select_related("pillar")
            .order_by("pillar__position", "pillar__name", "relationship", mode_order, "position", "stakeholder")
        )
