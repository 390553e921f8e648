"""The Data Projects Methodology's questions, as fields the proposal form includes (ProposalForm mixes this in)
and as the admin's guard on a project's phase."""

from django import forms

from .data_projects import QUESTIONS, dpia_refusal
from .models import Project

DPIA_CHOICES = [("yes", "Yes: it will process personal data, so it needs a DPIA"), ("no", "No: it will not process personal data")]
FIELD_NAMES = {name: f"data_{name}" for name in QUESTIONS}


class DataProjectFields(forms.Form):
    """Asked when the proposal says it is a data project; left empty otherwise."""

    data_actions = forms.CharField(label=QUESTIONS["actions"], required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    data_insights = forms.CharField(label=QUESTIONS["insights"], required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    data_data_needed = forms.CharField(
        label=QUESTIONS["data_needed"], required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    data_legal_basis = forms.CharField(
        label=QUESTIONS["legal_basis"], required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    data_enablers = forms.CharField(label=QUESTIONS["enablers"], required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    data_dpia_needed = forms.ChoiceField(
        label="Does it need a data protection impact assessment (DPIA)?", choices=DPIA_CHOICES, required=False, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "is_data_project" in self.fields:
            self.fields["is_data_project"].label = "It is a data project (it turns data into information someone acts on)"
            self.fields["is_data_project"].help_text = (
                "If so, answer the Data Projects Methodology's questions below. A data project that needs a DPIA cannot move "
                "to Develop until the DPIA is completed."
            )
            # The methodology's questions come straight after the question that asks for them.
            names = list(self.fields)
            ours = [name for name in names if name.startswith("data_")]
            rest = [name for name in names if name not in ours]
            at = rest.index("is_data_project") + 1
            self.order_fields(rest[:at] + ours + rest[at:])

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # the dict clean() returns, typed as never None
        if cleaned.get("is_data_project"):
            for field_name in FIELD_NAMES.values():
                if not (cleaned.get(field_name) or "").strip():
                    self.add_error(field_name, "Answer this for a data project")
            if cleaned.get("data_dpia_needed") not in ("yes", "no"):
                self.add_error("data_dpia_needed", "Say whether the data project needs a DPIA")
        return cleaned

    def data_methodology(self) -> dict | None:
        """The answers for projects.services.data_methodology_record, or None when it is not a data project."""
        data = self.cleaned_data
        if not data.get("is_data_project"):
            return None
        return {name: data[field_name] for name, field_name in FIELD_NAMES.items()} | {"dpia_needed": data["data_dpia_needed"] == "yes"}


class DpiaGuardedProjectForm(forms.ModelForm):
    """The admin's project form: a data project with its DPIA outstanding cannot be moved to Develop or Deliver."""

    class Meta:
        model = Project
        fields = "__all__"  # noqa: DJ007 - the ModelAdmin's fieldsets decide what is shown

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data  # the dict clean() returns, typed as never None
        phase = cleaned.get("phase")
        if phase:
            stored = Project.objects.filter(pk=self.instance.pk).values("phase").first() if self.instance.pk else None
            refusal = dpia_refusal(
                is_data_project=cleaned.get("is_data_project", False),
                dpia_status=cleaned.get("dpia_status") or "",
                current_phase=stored["phase"] if stored else "direct",
                phase=phase,
                title=cleaned.get("title") or "",
            )
            if refusal:
                self.add_error("phase", refusal)
        return cleaned
