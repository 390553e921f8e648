"""The register's and the maturity self-assessment's forms. Borough, who and when are never taken from a post."""

import datetime
from typing import cast

from django import forms
from django.utils import timezone

from .register_models import MATURITY_SCALE, MaturityDimension, ServiceArea, System


class SystemForm(forms.ModelForm):
    class Meta:
        model = System
        fields = ["service_area", "product", "supplier", "contract_start", "contract_end", "annual_value", "notes"]
        labels = {
            "service_area": "Service area",
            "product": "Product",
            "supplier": "Supplier",
            "contract_start": "Contract start (optional)",
            "contract_end": "Contract end (optional)",
            "annual_value": "Annual value in pounds (optional)",
            "notes": "Notes (optional)",
        }
        help_texts = {"contract_end": "Leave empty if the contract has no end date", "annual_value": ""}
        widgets = {
            "contract_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "contract_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        service_area = cast(forms.ModelChoiceField, self.fields["service_area"])
        service_area.queryset = ServiceArea.objects.order_by("name")
        service_area.empty_label = "Choose a service area"
        self.fields["annual_value"].widget.attrs["inputmode"] = "decimal"

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # the dict clean() returns, typed as never None
        start, end = cleaned.get("contract_start"), cleaned.get("contract_end")
        if start and end and end < start:
            self.add_error("contract_end", "The contract end must be on or after its start")
        return cleaned


class WindowForm(forms.Form):
    start = forms.DateField(label="Contracts ending from", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    months = forms.IntegerField(label="For how many months", min_value=1, max_value=120)

    def __init__(self, data=None, **kwargs):
        today = timezone.localdate()
        super().__init__(data, initial={"start": today, "months": 24}, **kwargs)

    def window_values(self) -> tuple[datetime.date, int]:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["months"]
        return self.initial["start"], self.initial["months"]


SCORES = [(str(n), str(n)) for n in range(1, 6)]


class MaturityForm(forms.Form):
    """For each of the five dimensions: a score 1–5 against the described scale, and the evidence for it."""

    def __init__(self, *args, earlier: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        earlier = earlier or {}
        for dimension, label in MaturityDimension.choices:
            scale = MATURITY_SCALE[dimension]
            self.fields[f"score_{dimension}"] = forms.TypedChoiceField(
                label=f"{label}: your score",
                choices=[(str(n), f"{n} – {text}") for n, text in enumerate(scale, start=1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": f"Choose a score from 1 to 5 for {label}",
                    "invalid_choice": f"Choose a score from 1 to 5 for {label}",
                },
            )
            self.fields[f"evidence_{dimension}"] = forms.CharField(
                label=f"{label}: the evidence for your score", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
            )
            if dimension in earlier:
                self.initial[f"score_{dimension}"] = str(earlier[dimension].score)
                self.initial[f"evidence_{dimension}"] = earlier[dimension].evidence

    def answers(self) -> dict[str, tuple[int, str]]:
        return {d: (self.cleaned_data[f"score_{d}"], self.cleaned_data[f"evidence_{d}"]) for d in MaturityDimension.values}

    def sections(self):
        for dimension, label in MaturityDimension.choices:
            yield label, [self[f"score_{dimension}"], self[f"evidence_{dimension}"]]


class SharingForm(forms.Form):
    shared = forms.TypedChoiceField(
        label="May other member boroughs see your borough's maturity scores?",
        choices=[("yes", "Yes, share our scores with other member boroughs"), ("no", "No, only London's median is shown to others")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
