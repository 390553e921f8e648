"""The register's pages: every borough's register (officers), a borough's own entries (its officers),
joint procurement opportunities (officers mark interest; staff see who), the public register and its CSV,
and the maturity self-assessment."""

import csv
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from loti.models import FinancialYear
from loti.selectors import financial_year_for_reading
from loti.services import financial_year_get_or_create
from loti.views import log_refused
from loti.years import year_label_for

from . import register_selectors as selectors
from . import register_services as services
from .models import Organisation, OrganisationKind
from .permissions import officer_organisation_id
from .register_forms import MaturityForm, SharingForm, SystemForm, WindowForm
from .register_models import MaturityDimension, ServiceArea, System
from .register_permissions import can_keep_register, can_mark_interest, can_see_interest, can_see_register, can_self_assess

if TYPE_CHECKING:
    from django.views.generic.base import TemplateResponseMixin

    from .http import SignedInRequest

    # What the mixins below are mixed into, for type checking.
    class _View(TemplateResponseMixin, View): ...

    _FormView = FormView
else:
    _View = _FormView = object


class AllowedMixin(LoginRequiredMixin, _View):
    """Signed-in people the policy allows; others get sign-in or 403, logged."""

    request: "SignedInRequest"

    allowed = staticmethod(can_see_register)
    refusal = "Only approved officers of member boroughs and LOTI staff see the technology and contracts register."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not type(self).allowed(request.user):
            log_refused(request, request.path, 403)
            raise PermissionDenied(self.refusal)
        return super().dispatch(request, *args, **kwargs)


class RegisterIndexView(AllowedMixin, TemplateView):
    template_name = "register/index.html"

    def get_context_data(self, **kwargs):
        boroughs = list(selectors.register_boroughs())
        own_id = officer_organisation_id(self.request.user)
        return super().get_context_data(**kwargs) | {
            "boroughs": boroughs,
            "own": next((b for b in boroughs if b.pk == own_id), None),
            "system_total": sum(b.system_count for b in boroughs),
        }


class BoroughRegisterView(AllowedMixin, TemplateView):
    template_name = "register/borough.html"

    def get_context_data(self, **kwargs):
        organisation = get_object_or_404(Organisation, slug=self.kwargs["slug"], kind=OrganisationKind.LONDON_BOROUGH)
        systems = list(selectors.borough_register(organisation=organisation))
        return super().get_context_data(**kwargs) | {
            "organisation": organisation,
            "systems": systems,
            "annual_total": sum((s.annual_value for s in systems if s.annual_value is not None), 0),
            "can_keep": can_keep_register(self.request.user, organisation.pk),
        }


class SystemFormMixin(AllowedMixin, _FormView):
    organisation: Organisation
    heading: str
    template_name = "register/system_form.html"
    form_class = SystemForm
    allowed = staticmethod(lambda user: officer_organisation_id(user) is not None)
    refusal = "Only a borough's own approved officers keep its register; LOTI staff keep it in the admin."

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"organisation": self.organisation, "heading": self.heading}

    def refuse(self, form, error: ValidationError):
        by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
        for field, texts in by_field.items():
            form.add_error(field if field in form.fields else None, texts)
        return self.form_invalid(form)


class SystemAddView(SystemFormMixin, FormView):
    heading = "Add a system to the register"

    def dispatch(self, request, *args, **kwargs):
        self.organisation = get_object_or_404(Organisation, slug=kwargs["slug"], kind=OrganisationKind.LONDON_BOROUGH)
        if request.user.is_authenticated and not can_keep_register(request.user, self.organisation.pk):
            log_refused(request, request.path, 403)
            raise PermissionDenied(f"Only {self.organisation}'s own officers keep its register.")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            system = services.system_add(organisation=self.organisation, added_by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refuse(form, error)
        messages.success(self.request, f"{system.product} is added to {self.organisation}'s register.")
        return redirect("register:borough", slug=self.organisation.slug)


class SystemChangeView(SystemFormMixin, FormView):
    heading = "Change a system in the register"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.system = get_object_or_404(System.objects.select_related("organisation", "service_area"), pk=kwargs["pk"])
        self.organisation = self.system.organisation
        if not can_keep_register(request.user, self.organisation.pk):
            log_refused(request, request.path, 403)
            raise PermissionDenied(f"Only {self.organisation}'s own officers keep its register.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"instance": System.objects.get(pk=self.system.pk)}

    def form_valid(self, form):
        try:
            system = services.system_change(system=self.system, changed_by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            return self.refuse(form, error)
        messages.success(self.request, f"{system.product} is changed in {self.organisation}'s register.")
        return redirect("register:borough", slug=self.organisation.slug)


class OpportunitiesView(AllowedMixin, TemplateView):
    template_name = "register/opportunities.html"

    def get_context_data(self, **kwargs):
        window_form = WindowForm(self.request.GET or None)
        start, months = window_form.window_values()
        window = selectors.Window(first=start, months=months)
        found = selectors.procurement_opportunities(window=window)
        user = self.request.user
        interested = (
            selectors.interests_by_service_area(service_area_ids=[o.service_area_id for o in found]) if can_see_interest(user) else {}
        )
        ours = selectors.interested_service_areas(user=user)
        rows = [{"opportunity": o, "interested": interested.get(o.service_area_id, []), "ours": o.service_area_id in ours} for o in found]
        return super().get_context_data(**kwargs) | {
            "window_form": window_form,
            "window": window,
            "rows": rows,
            "can_mark": can_mark_interest(user),
            "can_see_interest": can_see_interest(user),
            "back": self.request.get_full_path(),
        }


class InterestView(AllowedMixin, View):
    """POST only: the officer's borough is interested (or no longer) in buying together in a service area."""

    allowed = staticmethod(can_mark_interest)
    refusal = "Only an approved officer of a borough can say their borough is interested."

    def post(self, request, *args, **kwargs):
        service_area = get_object_or_404(ServiceArea, pk=kwargs["pk"])
        if request.POST.get("interested") == "no":
            services.procurement_interest_withdraw(service_area=service_area, withdrawn_by=request.user)
            messages.success(request, f"Your borough is no longer marked as interested in buying {service_area} together.")
        else:
            services.procurement_interest_mark(service_area=service_area, marked_by=request.user)
            messages.success(
                request, f"Your borough is marked as interested in buying {service_area} together; LOTI staff will be in touch."
            )
        back = request.POST.get("next", "")
        return redirect(back if back.startswith("/register/opportunities/") else "register:opportunities")


class PublicRegisterView(ListView):
    """Anyone: what contract transparency already publishes (service area, product, supplier, end date)."""

    template_name = "register/public.html"
    paginate_by = 50
    context_object_name = "systems"

    @cached_property
    def service_area(self):
        pk = self.request.GET.get("service_area", "")
        return ServiceArea.objects.filter(pk=pk).first() if pk.isdigit() else None

    def get_queryset(self):
        return selectors.public_register(service_area=self.service_area)

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(**kwargs) | {
            "service_areas": ServiceArea.objects.order_by("name"),
            "chosen": self.service_area,
            "query_without_page": query.urlencode() + "&" if query else "",
        }


class _Echo:
    def write(self, value):
        return value


class PublicRegisterCsvView(View):
    """The public register as open data (Open Government Licence), streamed: one query however many rows."""

    def get(self, request, *args, **kwargs):
        writer = csv.writer(_Echo(), lineterminator="\n")
        rows = selectors.public_register().iterator(chunk_size=2000)

        def lines():
            yield writer.writerow(selectors.PUBLIC_COLUMNS)
            for area, product, supplier, end in rows:
                yield writer.writerow([_plain(area), _plain(product), _plain(supplier), end.isoformat() if end else ""])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="technology-register.csv"'
        return response


def _plain(text: str) -> str:
    from loti.imports import escape_formula  # a spreadsheet must not run a cell as a formula

    return escape_formula(text)


class MaturityView(AllowedMixin, FormView):
    """The officer's borough's self-assessment for this financial year, its scores beside London's median,
    and the scores of the boroughs that agreed to share theirs."""

    template_name = "register/maturity.html"
    form_class = MaturityForm
    allowed = staticmethod(can_self_assess)
    refusal = "The maturity self-assessment is for approved officers of London boroughs."

    @cached_property
    def year(self) -> FinancialYear:
        return financial_year_for_reading(year_label_for(timezone.localdate()))  # the page reads; saving creates it

    @cached_property
    def organisation_id(self) -> int:
        organisation_id = officer_organisation_id(self.request.user)
        assert organisation_id is not None  # can_self_assess lets only an approved officer through
        return organisation_id

    @cached_property
    def own(self):
        return selectors.own_maturity(organisation_id=self.organisation_id, year=self.year)

    def get_form_kwargs(self):
        return super().get_form_kwargs() | {"earlier": self.own}

    def get_context_data(self, **kwargs):
        medians = selectors.maturity_medians(year=self.year)
        rows = []
        for row in medians:
            mine = self.own.get(row.dimension)
            shown = row.median if row.responses >= selectors.MEDIAN_MIN_RESPONSES else None
            rows.append({"median": row, "shown_median": shown, "mine": mine})
        shared = selectors.maturity_shared(organisation_id=self.organisation_id)
        return super().get_context_data(**kwargs) | {
            "year": self.year,
            "organisation": self.request.user.organisation,
            "rows": rows,
            "min_responses": selectors.MEDIAN_MIN_RESPONSES,
            "others": [
                (name, [scores.get(dimension) for dimension in MaturityDimension.values])
                for name, scores in selectors.shared_maturity(year=self.year, viewer_organisation_id=self.organisation_id)
            ],
            "dimensions": MaturityDimension.choices,
            "sharing_form": SharingForm(initial={"shared": "yes" if shared else "no"}),
            "shared": shared,
        }

    def form_valid(self, form):
        try:
            services.maturity_assess(
                year=financial_year_get_or_create(label=self.year.label), answered_by=self.request.user, answers=form.answers()
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"Your borough's {self.year} maturity self-assessment is saved.")
        return redirect("register:maturity")


class MaturitySharingView(AllowedMixin, View):
    allowed = staticmethod(can_self_assess)
    refusal = "Only a borough's own officers decide whether its maturity scores are shared."

    def post(self, request, *args, **kwargs):
        form = SharingForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose whether to share your borough's maturity scores.")
            return redirect("register:maturity")
        organisation_id = officer_organisation_id(request.user)
        assert organisation_id is not None  # can_self_assess lets only an approved officer through
        services.maturity_sharing_set(organisation_id=organisation_id, shared=form.cleaned_data["shared"], decided_by=request.user)
        messages.success(
            request,
            "Other member boroughs can now see your borough's maturity scores."
            if form.cleaned_data["shared"]
            else "Your borough's maturity scores are no longer shared: others see only London's median.",
        )
        return redirect("register:maturity")
