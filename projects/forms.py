"""The portal's project forms. Each lists its fields: borough, status, approval and amounts approved are never taken from a post."""

import datetime
from decimal import Decimal
from typing import cast

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils import timezone

from loti.widgets import PlainSelect
from loti.years import LABEL_PATTERN, parse_year_label, year_label_for
from members.models import Membership, Organisation, OrganisationKind

from .data_project_forms import DataProjectFields
from .models import (
    MONEY_BENEFITS,
    NOT_INVOLVED,
    RATING_LABELS,
    RATING_SCALE,
    Benefit,
    BenefitKind,
    Output,
    ParticipantRole,
    Phase,
    Pillar,
    ProgressUpdate,
    Project,
    ProjectStatus,
    Rag,
    Workstream,
)
from .services import OVERALL_FIELD, WorkstreamAnswer, answer_field


def member_boroughs():
    """London boroughs with a LOTI membership today."""
    today = timezone.localdate()
    current = Membership.objects.current_on(today).values("organisation_id")
    return Organisation.objects.filter(kind=OrganisationKind.LONDON_BOROUGH, pk__in=current).order_by("name")


class DirectoryFilterForm(forms.Form):
    search = forms.CharField(label="Search", required=False, max_length=200)
    pillar = forms.ModelChoiceField(Pillar.objects.all(), required=False, empty_label="Any pillar", widget=PlainSelect)
    workstream = forms.ModelChoiceField(Workstream.objects.all(), required=False, empty_label="Any workstream", widget=PlainSelect)
    status = forms.ChoiceField(
        choices=[("", "Any status")] + [c for c in ProjectStatus.choices if c[0] != "draft"], required=False, widget=PlainSelect
    )
    phase = forms.ChoiceField(choices=[("", "Any phase")] + Phase.choices, required=False, widget=PlainSelect)
    borough = forms.ModelChoiceField(
        Organisation.objects.filter(kind=OrganisationKind.LONDON_BOROUGH), required=False, empty_label="Any borough", widget=PlainSelect
    )


EARLIEST_DATE = datetime.date(2018, 1, 1)  # nothing LOTI records happened before it was set up
MAX_ASK = Decimal("10000000")  # LOTI's whole budget is a few million: a bigger ask is a typing slip
MAX_SAVING = Decimal("50000000")  # per benefit recorded
MAX_HOURS = Decimal("1000000")
SHORT_TEXT, LONG_TEXT = 2000, 5000


def _too_long(what: str, limit: int) -> str:
    return f"{what} must be {limit:,} characters or fewer"


class PoundsField(forms.DecimalField):
    """An amount in pounds as people type it: "25000", "25,000" or "£25,000.50"."""

    def __init__(self, *, what: str, example: str = "25000", max_value=None, **kwargs):
        super().__init__(
            min_value=0,
            max_value=max_value,
            max_digits=14,
            decimal_places=2,
            error_messages={
                "required": f"Enter {what} in pounds, like {example}",
                "invalid": f"Enter {what} in pounds, like {example}",
                "min_value": f"Enter {what} of £0 or more, like {example}",
                "max_value": f"Enter {what} of £{max_value or 0:,.0f} or less",
                "max_digits": f"Enter {what} of £{max_value:,.0f} or less" if max_value else f"Enter {what} in pounds, like {example}",
                "max_decimal_places": f"Enter {what} in pounds and pence, like {example} or {example}.50",
                "max_whole_digits": f"Enter {what} in pounds, like {example}",
            },
            **kwargs,
        )
        self.widget.attrs.update({"inputmode": "decimal", "spellcheck": "false"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("£", "").replace(",", "").strip()
        return super().to_python(value)


def _in_range(day: datetime.date, what: str) -> datetime.date:
    if day < EARLIEST_DATE:
        raise forms.ValidationError(f"{what} must be on or after 1 January 2018")
    if day > timezone.localdate():
        raise forms.ValidationError(f"{what} must be today or in the past")
    return day


class ProposalForm(DataProjectFields, forms.ModelForm):
    """LOTI's Outcomes-Based Methodology: the outcome first, then the problems and the hypotheses to test.

    Used to propose and, by the lead borough, to change a draft or a proposal returned for changes.
    """

    invited_boroughs = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Boroughs you invite to support it",
        help_text="At least one other member borough must agree before you can submit the proposal.",
        error_messages={"invalid_choice": "Choose boroughs from the list", "invalid_pk_value": "Choose boroughs from the list"},
    )
    funding_requested = PoundsField(
        what="the funding asked",
        label="Funding asked of LOTI (£)",
        required=False,
        max_value=MAX_ASK,
        help_text="In pounds, like 25000. Leave it empty if you ask for no money.",
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
            "summary": "Summary (optional)",
            "outcome": "The outcome: which people will be better off, and in which ways",
            "problems": "The problems to solve",
            "hypotheses": "The hypotheses to test",
            "pillar": "Pillar",
            "workstream": "Workstream (optional)",
            "is_data_project": "It uses personal data (it will need a DPIA)",
            "replicable": "It is designed so that other boroughs can replicate it",
            "outputs_gifted": "Its outputs will be gifted to LOTI for dissemination",
        }
        help_texts = {
            "outcome": "",
            "replicable": "",
            "outputs_gifted": "",
            "workstream": "Choose one of the areas of the pillar you chose.",
        }
        error_messages = {
            "title": {
                "required": "Enter a project name",
                "max_length": _too_long("Project name", 200),
                "unique": "A project with this name already exists: choose another name",
            },
            "outcome": {"required": "Enter the outcome: which people will be better off, and in which ways"},
            "problems": {"required": "Enter the problems the project will solve"},
            "hypotheses": {"required": "Enter the hypotheses the project will test"},
            "pillar": {"required": "Choose the pillar the project belongs to", "invalid_choice": "Choose a pillar from the list"},
            "workstream": {"invalid_choice": "Choose a workstream from the list"},
        }

    def __init__(self, *args, proposer_organisation_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        invited_now, agreed = [], set()
        if self.instance.pk:
            others = self.instance.participants.exclude(role=ParticipantRole.LEAD)
            invited_now = list(others.values_list("organisation_id", flat=True))
            agreed = set(others.filter(accepted_at__isnull=False).values_list("organisation_id", flat=True))
            self.initial.setdefault("invited_boroughs", invited_now)
        # A borough that agreed stays on the proposal: say so beside its name.
        invited = cast(forms.ModelMultipleChoiceField, self.fields["invited_boroughs"])
        invited.label_from_instance = lambda o: f"{o.name} (agreed to support it)" if o.pk in agreed else o.name  # type: ignore[method-assign,assignment]  # labels for this form only, set on the field instance
        invited.queryset = (
            Organisation.objects.filter(Q(pk__in=member_boroughs().values("pk")) | Q(pk__in=invited_now))
            .exclude(pk=proposer_organisation_id)
            .order_by("name")
        )
        for name, label, limit in [
            ("summary", "Summary", SHORT_TEXT),
            ("outcome", "The outcome", LONG_TEXT),
            ("problems", "The problems", LONG_TEXT),
            ("hypotheses", "The hypotheses", LONG_TEXT),
        ]:
            field = cast(forms.CharField, self.fields[name])
            field.max_length = limit
            field.validators.append(MaxLengthValidator(limit))
            field.error_messages["max_length"] = _too_long(label, limit)
            field.widget.attrs["rows"] = 4
            field.required = name != "summary"
        self.fields["summary"].widget.attrs["rows"] = 3
        self.fields["title"].widget.attrs["spellcheck"] = "true"
        pillar = cast(forms.ModelChoiceField, self.fields["pillar"])
        pillar.required = True
        pillar.empty_label = "Choose a pillar"
        # New proposals take current workstreams only; a proposal keeps the one it has even if it has since closed.
        active = Q(active=True) | Q(pk=self.instance.workstream_id) if self.instance.workstream_id else Q(active=True)
        workstream = cast(forms.ModelChoiceField, self.fields["workstream"])
        workstream.queryset = Workstream.objects.filter(active).select_related("pillar")
        # Grouped under their pillars, so the choice fits the pillar chosen without needing JavaScript.
        groups: dict[str, list] = {}
        for item in workstream.queryset:
            groups.setdefault(str(item.pillar) if item.pillar_id else "Other workstreams", []).append((str(item.pk), item.name))
        workstream.choices = [("", "No particular workstream")] + list(groups.items())

    def clean_title(self):
        # A line break in a name would break the emails and headings it appears in: keep it on one line.
        return " ".join(self.cleaned_data["title"].split())

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # the dict clean() returns, typed as never None
        pillar, workstream = cleaned.get("pillar"), cleaned.get("workstream")
        if pillar and workstream and workstream.pillar_id and workstream.pillar_id != pillar.pk:
            self.add_error("workstream", f"{workstream} is not an area of {pillar}: choose one of its areas, or none")
        return cleaned


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why your borough will not support it (optional)",
        help_text="The proposers see this in the email that tells them.",
        required=False,
        max_length=SHORT_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _too_long("The reason", SHORT_TEXT)},
    )


class ProgressUpdateForm(forms.ModelForm):
    class Meta:
        model = ProgressUpdate
        fields = ["date", "phase", "rag", "text"]
        labels = {"date": "Date of the update", "rag": "RAG status", "text": "What happened, and what is next"}
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "phase": forms.RadioSelect, "rag": forms.RadioSelect}
        error_messages = {
            "date": {"required": "Enter the date of the update", "invalid": "Enter the date of the update as a real date, like 2026-11-25"},
            "phase": {"required": "Choose the phase the project is in", "invalid_choice": "Choose the phase the project is in"},
            "rag": {
                "required": "Choose the RAG status: red, amber or green",
                "invalid_choice": "Choose the RAG status: red, amber or green",
            },
            "text": {"required": "Say what happened, and what is next"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        cast(forms.ChoiceField, self.fields["rag"]).choices = Rag.choices
        cast(forms.ChoiceField, self.fields["phase"]).choices = Phase.choices
        text = cast(forms.CharField, self.fields["text"])
        text.max_length = LONG_TEXT
        text.validators.append(MaxLengthValidator(LONG_TEXT))
        text.error_messages["max_length"] = _too_long("The update", LONG_TEXT)

    def clean_date(self):
        return _in_range(self.cleaned_data["date"], "The date of an update")


class OutputForm(forms.ModelForm):
    url = forms.URLField(
        label="Link to it",
        max_length=500,
        assume_scheme="https",
        error_messages={
            "required": "Enter the link to the output, like https://example.org/toolkit",
            "invalid": "Enter a link, like https://example.org/toolkit",
            "max_length": _too_long("The link", 500),
        },
    )

    class Meta:
        model = Output
        fields = ["title", "url", "gifted_on"]
        labels = {"title": "Name of the output", "url": "Link to it", "gifted_on": "Gifted to LOTI on (optional)"}
        widgets = {"gifted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        error_messages = {
            "title": {"required": "Enter the name of the output", "max_length": _too_long("The name", 200)},
            "gifted_on": {"invalid": "Enter the date it was gifted as a real date, like 2026-11-25"},
        }

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_gifted_on(self):
        day = self.cleaned_data["gifted_on"]
        return _in_range(day, "The date it was gifted") if day else day


class BenefitForm(forms.ModelForm):
    year = forms.CharField(
        label="Financial year",
        max_length=7,
        help_text="Written like 2020/21",
        error_messages={"required": "Enter the financial year, like 2020/21", "max_length": "Enter the financial year, like 2020/21"},
    )
    amount = PoundsField(what="the saving", label="Saving (£)", required=False, max_value=MAX_SAVING)
    hours = forms.DecimalField(
        label="Hours saved",
        required=False,
        min_value=0,
        max_value=MAX_HOURS,
        max_digits=10,
        decimal_places=1,
        error_messages={
            "invalid": "Enter the hours saved as a number, like 120",
            "min_value": "Enter the hours saved as 0 or more",
            "max_value": f"Enter the hours saved as {MAX_HOURS:,.0f} or fewer",
            "max_digits": f"Enter the hours saved as {MAX_HOURS:,.0f} or fewer",
            "max_whole_digits": f"Enter the hours saved as {MAX_HOURS:,.0f} or fewer",
            "max_decimal_places": "Enter the hours saved to one decimal place at most, like 7.5",
        },
    )

    class Meta:
        model = Benefit
        fields = ["kind", "confidence", "description", "amount", "hours", "reach", "unit", "evidence", "evidence_url"]
        labels = {
            "kind": "Kind of benefit",
            "confidence": "Has it happened?",
            "description": "What your borough gained",
            "amount": "Amount in pounds",
            "hours": "Hours saved",
            "reach": "How many (for reach)",
            "unit": "Of what (for reach)",
            "evidence": "How you know (optional)",
            "evidence_url": "Link to the evidence (optional)",
        }
        help_texts = {
            "confidence": "",  # the two choices say it
            "amount": "For a cashable or non-cashable saving or a cost avoided, like 12000",
            "unit": "For example: residents helped, learners, devices given out",
        }
        widgets = {"kind": forms.RadioSelect, "confidence": forms.RadioSelect}
        error_messages = {
            "kind": {"required": "Choose the kind of benefit", "invalid_choice": "Choose the kind of benefit"},
            "description": {"required": "Say what your borough gained"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = BenefitKind.choices
        cast(forms.ChoiceField, self.fields["confidence"]).choices = [
            ("realised", "Realised: it has happened and the evidence shows it"),
            ("estimated", "Estimated: a forecast or a potential benefit"),
        ]
        self.fields["evidence"].widget.attrs["rows"] = 2
        self.fields["year"].initial = year_label_for(timezone.localdate())
        description = cast(forms.CharField, self.fields["description"])
        description.widget.attrs["rows"] = 3
        description.max_length = SHORT_TEXT
        description.validators.append(MaxLengthValidator(SHORT_TEXT))
        description.error_messages["max_length"] = _too_long("What your borough gained", SHORT_TEXT)

    def clean_year(self):
        label = self.cleaned_data["year"].strip()
        latest = year_label_for(timezone.localdate())
        # A well-formed year outside LOTI's life gets the form's own range, not the portal-wide one.
        if LABEL_PATTERN.match(label) and not "2018/19" <= label <= latest:
            raise forms.ValidationError(f"Enter a financial year from 2018/19 to {latest}")
        try:
            parse_year_label(label)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        return label

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # the dict clean() returns, typed as never None
        if cleaned.get("kind") in MONEY_BENEFITS and cleaned.get("amount") is None:
            self.add_error("amount", "Enter the amount in pounds, like 12000.")
        if cleaned.get("kind") == BenefitKind.REACH:
            if cleaned.get("reach") is None:
                self.add_error("reach", "Enter how many were reached, as a whole number.")
            if not (cleaned.get("unit") or "").strip():
                self.add_error("unit", "Say what the number counts, like learners.")
        if cleaned.get("kind") == BenefitKind.TIME_SAVED and cleaned.get("hours") is None:
            self.add_error("hours", "Enter the hours saved, like 120")
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
        super().clean()
        cleaned = self.cleaned_data  # the dict clean() returns, typed as never None
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
