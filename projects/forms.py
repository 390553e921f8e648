"""The portal's project forms. Each lists its fields: borough, status, approval and amounts approved are never taken from a post."""
from django import forms
from django.utils import timezone

from loti.years import parse_year_label, year_label_for
from members.models import Membership, Organisation, OrganisationKind

from .models import MONEY_BENEFITS, NOT_INVOLVED, RATING_LABELS, RATING_SCALE, Benefit, BenefitKind, Output, Phase, Pillar, ProgressUpdate, Project, ProjectStatus, Rag, Workstream
from .services import OVERALL_FIELD, WorkstreamAnswer, answer_field


def member_boroughs():
    """London boroughs with a LOTI membership today."""
    today = timezone.localdate()
    current = Membership.objects.current_on(today).values("organisation_id")
    return Organisation.objects.filter(kind=OrganisationKind.LONDON_BOROUGH, pk__in=current).order_by("name")


class DirectoryFilterForm(forms.Form):
    search = forms.CharField(label="Search", required=False, max_length=200)
    pillar = forms.ModelChoiceField(Pillar.objects.all(), required=False, empty_label="Any pillar")
    workstream = forms.ModelChoiceField(Workstream.objects.all(), required=False, empty_label="Any workstream")
    status = forms.ChoiceField(choices=[("", "Any status")] + [c for c in ProjectStatus.choices if c[0] != "draft"], required=False)
    phase = forms.ChoiceField(choices=[("", "Any phase")] + Phase.choices, required=False)
    borough = forms.ModelChoiceField(
        Organisation.objects.filter(kind=OrganisationKind.LONDON_BOROUGH), required=False, empty_label="Any borough"
    )


class ProposalForm(forms.ModelForm):
    """LOTI's Outcomes-Based Methodology: the outcome first, then the problems and the hypotheses to test."""

    invited_boroughs = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Boroughs you invite to support it",
        help_text="At least one other member borough must agree before you can submit the proposal.",
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "summary",
            "outcome",
            "problems",
            "hypotheses",
            "pillar",
            "workstream",
            "funding_requested",
            "is_data_project",
            "replicable",
            "outputs_gifted",
        ]
        labels = {
            "title": "Project name",
            "summary": "Summary",
            "outcome": "The outcome: which people will be better off, and in which ways",
            "problems": "The problems to solve",
            "hypotheses": "The hypotheses to test",
            "funding_requested": "Funding asked of LOTI (£)",
            "is_data_project": "It uses personal data (it will need a DPIA)",
            "replicable": "It is designed so that other boroughs can replicate it",
            "outputs_gifted": "Its outputs will be gifted to LOTI for dissemination",
        }
        help_texts = {"outcome": "", "replicable": "", "outputs_gifted": ""}

    def __init__(self, *args, proposer_organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_boroughs"].queryset = member_boroughs().exclude(pk=proposer_organisation_id)
        for name in ("outcome", "problems", "hypotheses"):
            self.fields[name].required = True
            self.fields[name].widget.attrs["rows"] = 4
        self.fields["summary"].widget.attrs["rows"] = 3
        self.fields["pillar"].required = True
        self.fields["funding_requested"].widget.attrs["inputmode"] = "decimal"

    def clean(self):
        cleaned = super().clean()
        pillar, workstream = cleaned.get("pillar"), cleaned.get("workstream")
        if pillar and workstream and workstream.pillar_id and workstream.pillar_id != pillar.pk:
            self.add_error("workstream", f"{workstream} is not an area of {pillar}: choose one of its areas.")
        return cleaned


class ProgressUpdateForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["date", "phase", "rag", "text"]
        labels = {"date": "Date of the update", "rag": "RAG status", "text": "What happened, and what is next"}
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "phase": forms.RadioSelect, "rag": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        self.fields["rag"].choices = Rag.choices
        self.fields["phase"].choices = Phase.choices

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("The date of an update cannot be in the future.")
        return date


class OutputForm(forms.ModelForm):
    url = forms.URLField(label="Link to it", max_length=500, assume_scheme="https")

    class Meta:
        model = Output
        fields = ["title", "url", "gifted_on"]
        labels = {"title": "Name of the output", "url": "Link to it", "gifted_on": "Gifted to LOTI on (optional)"}
        widgets = {"gifted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class BenefitForm(forms.ModelForm):
    year = forms.CharField(label="Financial year", max_length=7, help_text="Written like 2020/21")

    class Meta:
        model = Benefit
        fields = ["kind", "confidence", "description", "amount", "hours", "reach", "unit", "evidence", "evidence_url"]
        labels = {
            "kind": "Kind of benefit", "confidence": "Has it happened?", "description": "What your borough gained",
            "amount": "Amount in pounds", "hours": "Hours saved", "reach": "How many (for reach)", "unit": "Of what (for reach)",
            "evidence": "How you know (optional)", "evidence_url": "Link to the evidence (optional)",
        }
        help_texts = {
            "confidence": "",  # the two choices say it
            "amount": "For a cashable or non-cashable saving or a cost avoided, like 12000",
            "unit": "For example: residents helped, learners, devices given out",
        }
        widgets = {"kind": forms.RadioSelect, "confidence": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = BenefitKind.choices
        self.fields["confidence"].choices = [
            ("realised", "Realised: it has happened and the evidence shows it"),
            ("estimated", "Estimated: a forecast or a potential benefit"),
        ]
        self.fields["evidence"].widget.attrs["rows"] = 2
        self.fields["year"].initial = year_label_for(timezone.localdate())
        self.fields["description"].widget.attrs["rows"] = 3

    def clean_year(self):
        label = self.cleaned_data["year"].strip()
        try:
            parse_year_label(label)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        return label

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") in MONEY_BENEFITS and cleaned.get("amount") is None:
            self.add_error("amount", "Enter the amount in pounds, like 12000.")
        if cleaned.get("kind") == BenefitKind.REACH:
            if cleaned.get("reach") is None:
                self.add_error("reach", "Enter how many were reached, as a whole number.")
            if not (cleaned.get("unit") or "").strip():
                self.add_error("unit", "Say what the number counts, like learners.")
        if cleaned.get("kind") == BenefitKind.TIME_SAVED and cleaned.get("hours") is None:
            self.add_error("hours", "Enter the hours saved.")
        return cleaned


NOT_INVOLVED_CHOICE = "not_involved"
RATINGS = [(str(value), label) for value, label in RATING_LABELS.items()]
YES_NO = [("yes", "Yes"), ("no", "No")]


def _rating(value: str) -> int | str:
    return value if value == NOT_INVOLVED_CHOICE else int(value)


class SurveyForm(forms.Form):
    """The satisfaction survey: LOTI overall 1–5; for each active workstream its value 1–5 or "not involved",
    whether LOTI added value, and a comment. One scale wording (RATING_SCALE) everywhere."""

    def __init__(self, *args, workstreams, organisation, answered=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.workstreams = list(workstreams)
        earlier = {response.workstream_id: response for response in answered}
        self.fields[OVERALL_FIELD] = forms.TypedChoiceField(
            label=f"Overall, how satisfied is {organisation} with LOTI this year?",
            choices=RATINGS,
            coerce=int,
            widget=forms.RadioSelect,
            help_text=RATING_SCALE,
            error_messages={
                "required": "Rate LOTI overall from 1 to 5",
                "invalid_choice": "Rate LOTI overall with a whole number from 1 to 5",
            },
        )
        self.fields["comment_overall"] = forms.CharField(
            label="Comments on LOTI overall (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
        )
        if None in earlier:
            self.initial[OVERALL_FIELD] = str(earlier[None].rating)
            self.initial["comment_overall"] = earlier[None].comment
        for workstream in self.workstreams:
            rating, added_value, comment = (answer_field(q, workstream.pk) for q in ("rating", "added_value", "comment"))
            self.fields[rating] = forms.TypedChoiceField(
                label=f"How valuable was {workstream} to {organisation}?",
                choices=RATINGS + [(NOT_INVOLVED_CHOICE, f"{NOT_INVOLVED}: {organisation} took no part in it")],
                coerce=_rating,
                widget=forms.RadioSelect,
                help_text=f"{RATING_SCALE}. Not involved is not counted in the average",
                error_messages={
                    "required": f"Rate the value of {workstream} from 1 to 5, or say you were not involved",
                    "invalid_choice": f"Rate the value of {workstream} with a whole number from 1 to 5, or say you were not involved",
                },
            )
            self.fields[added_value] = forms.TypedChoiceField(
                label=f"Did LOTI add value to {organisation}'s work in {workstream}?",
                choices=YES_NO,
                coerce=lambda value: value == "yes",
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text="Leave this out if you were not involved",
                error_messages={"invalid_choice": f"Answer yes or no for whether LOTI added value in {workstream}"},
            )
            self.fields[comment] = forms.CharField(
                label=f"Comments on {workstream} (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
            )
            if workstream.pk in earlier:
                response = earlier[workstream.pk]
                self.initial[rating] = NOT_INVOLVED_CHOICE if response.rating is None else str(response.rating)
                self.initial[added_value] = {True: "yes", False: "no"}.get(response.loti_added_value)
                self.initial[comment] = response.comment

    def clean(self):
        cleaned = super().clean()
        for workstream in self.workstreams:
            rating = cleaned.get(answer_field("rating", workstream.pk))
            added_value = answer_field("added_value", workstream.pk)
            if isinstance(rating, int) and cleaned.get(added_value) is None and added_value not in self.errors:
                self.add_error(added_value, f"Say whether LOTI added value in {workstream}")
        return cleaned

    def overall_questions(self):
        return [self[OVERALL_FIELD], self["comment_overall"]]

    def sections(self):
        """Each workstream with its three questions, for one group on the page."""
        for workstream in self.workstreams:
            yield workstream, [self[answer_field(q, workstream.pk)] for q in ("rating", "added_value", "comment")]

    def answers(self) -> list[WorkstreamAnswer]:
        data = self.cleaned_data
        answers = []
        for workstream in self.workstreams:
            rating = data[answer_field("rating", workstream.pk)]
            not_involved = rating == NOT_INVOLVED_CHOICE
            answers.append(
                WorkstreamAnswer(
                    workstream=workstream,
                    rating=None if not_involved else rating,
                    not_involved=not_involved,
                    loti_added_value=data[answer_field("added_value", workstream.pk)],
                    comment=data[answer_field("comment", workstream.pk)],
                )
            )
        return answers

    def overall(self) -> dict:
        return {"overall": self.cleaned_data[OVERALL_FIELD], "overall_comment": self.cleaned_data["comment_overall"]}
