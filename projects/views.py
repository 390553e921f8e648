"""The project pages: the directory, a project, proposing, supporting, submitting, reporting progress, and the survey."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django.views.generic.detail import SingleObjectMixin

from loti.services import financial_year_get_or_create
from loti.views import PolicyMixin, log_refused
from members.http import SignedInRequest
from members.permissions import officer_organisation_id

from . import permissions, selectors, services
from .forms import BenefitForm, DeclineForm, DirectoryFilterForm, OutputForm, ProgressUpdateForm, ProposalForm, SurveyForm
from .models import RATING_SCALE, Project, Survey


class DirectoryView(ListView):
    """Every LOTI project, public; drafts only for the boroughs on them."""

    template_name = "projects/directory.html"
    paginate_by = 20
    context_object_name = "projects"

    @cached_property
    def filters(self) -> DirectoryFilterForm:
        return DirectoryFilterForm(self.request.GET or None)

    def get_queryset(self):
        chosen = {}
        if self.filters.is_bound:
            self.filters.is_valid()
            chosen = {name: value for name, value in self.filters.cleaned_data.items() if value not in (None, "")}
        return selectors.project_directory(user=self.request.user, **chosen)

    def paginate_queryset(self, queryset, page_size):
        """A page number past the end (an old link, a shorter list after filtering) shows the last page and says so."""
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        asked = self.request.GET.get("page") or "1"
        page = paginator.get_page(asked)
        self.page_asked = None if asked == str(page.number) else asked[:12]
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_asked"] = self.page_asked
        query = self.request.GET.copy()
        query.pop("page", None)
        context["filters"] = self.filters
        context["query_without_page"] = query.urlencode() + "&" if query else ""
        context["can_propose"] = permissions.can_propose(self.request.user)  # no link to a page that refuses them
        return context


class ProjectView(PolicyMixin, DetailView):
    template_name = "projects/project.html"
    scope = staticmethod(permissions.project_scope)

    def get_queryset(self):
        return selectors.project_detail_queryset(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project, user = self.object, self.request.user
        context.update(
            can_support=permissions.can_support(user, project),
            can_decline=permissions.can_decline(user, project),
            our_part=permissions.participation(user, project),
            can_submit=permissions.can_submit(user, project),
            can_edit=permissions.can_edit(user, project),
            can_withdraw=permissions.can_withdraw(user, project),
            can_report=permissions.can_report(user, project),
            updates=project.updates.select_related("author")[:10],
            benefits=project.benefits.select_related("organisation", "year"),
        )
        if context["can_submit"]:
            context["missing"] = services.funding_principles_missing(project=project)
        return context


def proposal_fields(form: ProposalForm) -> dict:
    """What a proposal form gives the propose and change services, by their argument names."""
    data = form.cleaned_data
    names = [
        "title",
        "summary",
        "outcome",
        "problems",
        "hypotheses",
        "pillar",
        "workstream",
        "funding_requested",
        "replicable",
        "outputs_gifted",
        "is_data_project",
    ]
    return {name: data[name] for name in names} | {"invited": list(data["invited_boroughs"])}


def add_errors(form, error: ValidationError) -> None:
    """A service's refusal beside the field it names when the form has one, else at the top of the page."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, texts in by_field.items():
        form.add_error(field if field in form.fields else None, texts)


class ProposeView(LoginRequiredMixin, FormView):
    request: SignedInRequest
    template_name = "projects/propose.html"
    form_class = ProposalForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_propose(request.user):
            log_refused(request, request.path, 403)
            raise PermissionDenied("Only an approved officer of a member borough can propose a project.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"proposer_organisation_id": officer_organisation_id(self.request.user)}

    def form_valid(self, form):
        try:
            project = services.project_propose(proposer=self.request.user, **proposal_fields(form))
            if form.data_methodology() is not None:  # answers the form has already checked are all there
                services.data_methodology_record(project=project, recorded_by=self.request.user, **form.data_methodology())
        except ValidationError as error:
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Your proposal “{project.title}” is saved as a draft; the boroughs you invited have been asked to support it."
        )
        return redirect("projects:project", slug=project.slug)


class ProjectActionView(PolicyMixin, SingleObjectMixin, FormView):
    """A form about one project, for signed-in people the policy allows; others get sign-in, 404 or 403."""

    request: SignedInRequest  # dispatch sends anyone else to sign in
    model = Project
    scope = staticmethod(permissions.project_scope)
    context_object_name = "project"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.object = self.get_object()
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return PolicyMixin.get_queryset(self).prefetch_related("participants__organisation")

    def success(self, text: str) -> HttpResponseRedirect:
        messages.success(self.request, text)
        return redirect("projects:project", slug=self.object.slug)

    def refuse(self, form, error: ValidationError):
        add_errors(form, error)
        return self.form_invalid(form)


class SupportView(ProjectActionView):
    template_name = "projects/support.html"
    allowed = staticmethod(permissions.can_support)
    form_class = forms.Form

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(**kwargs) | {
            "can_decline": permissions.can_decline(user, self.object),
            "our_part": permissions.participation(user, self.object),
        }

    def form_valid(self, form):
        organisation_id = officer_organisation_id(self.request.user)
        assert organisation_id is not None  # can_support lets only an approved officer through
        try:
            services.participant_accept(project=self.object, organisation_id=organisation_id, accepted_by=self.request.user)
        except ValidationError as error:
            return self.refuse(form, error)
        return self.success(f"Your borough supports “{self.object.title}”. The proposers have been told.")


class DeclineView(ProjectActionView):
    template_name = "projects/decline.html"
    allowed = staticmethod(permissions.can_decline)
    form_class = DeclineForm

    def form_valid(self, form):
        organisation_id = officer_organisation_id(self.request.user)
        assert organisation_id is not None  # can_decline lets only an approved officer through
        try:
            services.participant_decline(
                project=self.object,
                organisation_id=organisation_id,
                declined_by=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            return self.refuse(form, error)
        return self.success(f"Your borough will not support “{self.object.title}”. The proposers have been told.")


class EditView(ProjectActionView):
    """The lead borough changes its draft, or a proposal LOTI returned for changes."""

    template_name = "projects/edit.html"
    allowed = staticmethod(permissions.can_edit)
    form_class = ProposalForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": self.object, "proposer_organisation_id": officer_organisation_id(self.request.user)}

    def form_valid(self, form):
        try:
            services.project_update(project=self.object, edited_by=self.request.user, **proposal_fields(form))
            if form.data_methodology() is not None:
                services.data_methodology_record(project=self.object, recorded_by=self.request.user, **form.data_methodology())
        except ValidationError as error:
            self.object.refresh_from_db()  # the form wrote its values onto the object; show the saved title, not the refused one
            return self.refuse(form, error)
        return self.success(f"Your changes to “{form.cleaned_data['title']}” are saved.")


class SubmitView(ProjectActionView):
    template_name = "projects/submit.html"
    allowed = staticmethod(permissions.can_submit)
    form_class = forms.Form

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"missing": services.funding_principles_missing(project=self.object)}

    def form_valid(self, form):
        try:
            services.project_submit(project=self.object, submitted_by=self.request.user)
        except ValidationError as error:
            if services.funding_principles_missing(project=self.object):
                # The page lists what is missing; the summary points to that list rather than repeating it.
                form.add_error(None, "It does not yet meet LOTI's funding principles: see what is missing below.")
                return self.form_invalid(form)
            return self.refuse(form, error)
        return self.success(f"“{self.object.title}” is submitted to LOTI for review. LOTI staff have been told.")


class WithdrawView(ProjectActionView):
    template_name = "projects/withdraw.html"
    allowed = staticmethod(permissions.can_withdraw)
    form_class = forms.Form

    def form_valid(self, form):
        try:
            services.project_withdraw(project=self.object, withdrawn_by=self.request.user)
        except ValidationError as error:
            return self.refuse(form, error)
        return self.success(f"“{self.object.title}” is withdrawn. The boroughs you asked for support have been told.")


class ProgressUpdateView(ProjectActionView):
    template_name = "projects/report_form.html"
    allowed = staticmethod(permissions.can_report)
    form_class: type[forms.BaseForm] = ProgressUpdateForm
    heading = "Post a progress update"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"heading": self.heading}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.progress_update_post(
                project=self.object, author=self.request.user, date=data["date"], phase=data["phase"], rag=data["rag"], text=data["text"]
            )
        except ValidationError as error:
            return self.refuse(form, error)
        return self.success("Your progress update is posted.")


class OutputView(ProgressUpdateView):
    form_class = OutputForm
    heading = "Add an output"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.output_add(
                project=self.object, added_by=self.request.user, title=data["title"], url=data["url"], gifted_on=data["gifted_on"]
            )
        except ValidationError as error:
            return self.refuse(form, error)
        return self.success(f"The output “{data['title']}” is added.")


class BenefitView(ProgressUpdateView):
    form_class = BenefitForm
    heading = "Record a benefit to your borough"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.benefit_record(
                project=self.object,
                recorded_by=self.request.user,
                kind=data["kind"],
                description=data["description"],
                year=financial_year_get_or_create(label=data["year"]),
                amount=data["amount"],
                hours=data["hours"],
                confidence=data["confidence"],
                reach=data["reach"],
                unit=data["unit"],
                evidence=data["evidence"],
                evidence_url=data["evidence_url"],
            )
        except ValidationError as error:
            return self.refuse(form, error)
        return self.success("The benefit is recorded.")


if TYPE_CHECKING:
    from django.views.generic.base import TemplateResponseMixin, View

    class _TemplateView(TemplateResponseMixin, View): ...  # what SurveyMixin is mixed into, for type checking
else:
    _TemplateView = object


class SurveyMixin(LoginRequiredMixin, _TemplateView):
    """Survey pages: for approved officers of member organisations; a clear page when no survey is open."""

    request: SignedInRequest
    survey: Survey  # the open one: dispatch shows the closed page when there is none
    closed_template_name = "projects/survey_closed.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not permissions.can_answer_survey(request.user):
            log_refused(request, request.path, 403)
            raise PermissionDenied("Only an approved officer of a LOTI member organisation answers the satisfaction survey.")
        survey = selectors.open_survey()
        if request.user.is_authenticated and survey is None:
            return self.render_closed()
        if survey is not None:  # else LoginRequiredMixin sends the visitor to sign in
            self.survey = survey
        return super().dispatch(request, *args, **kwargs)

    def render_closed(self):
        return self.response_class(request=self.request, template=[self.closed_template_name], context=selectors.surveys_around())

    def answered(self):
        return list(selectors.survey_answers_of(survey=self.survey, user=self.request.user))


class SurveyView(SurveyMixin, FormView):
    """Answer the open survey, or change the answers while it is open."""

    template_name = "projects/survey.html"
    form_class = SurveyForm

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {
            "workstreams": selectors.survey_workstreams(),
            "organisation": self.request.user.organisation,
            "answered": self.answered(),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(survey=self.survey, already_answered=bool(form.initial), rating_scale=RATING_SCALE)
        return context

    def form_valid(self, form):
        try:
            services.survey_answer(survey=self.survey, respondent=self.request.user, answers=form.answers(), **form.overall())
        except ValidationError as error:
            # Errors about a question on the page go beside it; any other (survey just closed, say) at the top.
            add_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Thank you: your answers to the {self.survey.year} satisfaction survey are saved.")
        return redirect("projects:survey_answers")


class SurveyAnswersView(SurveyMixin, TemplateView):
    """What the officer answered to the open survey: their own answers, nobody else's."""

    template_name = "projects/survey_answers.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"survey": self.survey, "answers": self.answered(), "rating_scale": RATING_SCALE}
