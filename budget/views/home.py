"""The front door: 'My borough' for a signed-in officer, a landing page for everyone else.
It lives in budget because it shows money beside projects."""

import datetime
from decimal import Decimal

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django.views.generic import TemplateView

from budget.models import Invoice, Payment
from budget.selectors.invoices import InvoiceStatus, invoices_with_status
from budget.services.supplier import supplier_missing
from loti.models import FinancialYear
from members.http import SignedInRequest
from members.models import Membership
from members.permissions import is_pending_officer, officer_organisation_id, organisation_scope
from projects.models import Benefit, ParticipantRole, Project, ProjectStatus
from projects.permissions import can_answer_survey
from projects.selectors import (
    HOME_LIST_LENGTH,
    borough_project_counts,
    borough_projects_due_update,
    borough_projects_returned,
    borough_projects_to_decide,
    borough_recent_projects,
    open_survey,
    survey_answers_of,
)

UPDATE_EVERY = datetime.timedelta(days=90)


class BoroughHomeView(LoginRequiredMixin, TemplateView):
    request: SignedInRequest
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        organisation_id = officer_organisation_id(user)
        context["pending"] = is_pending_officer(user)
        if organisation_id is None:
            return context
        today = timezone.localdate()
        organisation = user.organisation
        year = FinancialYear.objects.filter(start_date__lte=today, end_date__gte=today).first()
        invoices = list(
            invoices_with_status(organisation_scope(user, Invoice.objects.filter(organisation_id=organisation_id)))
            .select_related("year")
            .order_by("-year__start_date", "-sequence")
        )
        for invoice in invoices:
            invoice.status_label = InvoiceStatus.labels.get(invoice.status, invoice.status)  # type: ignore[attr-defined]  # for the template
        # What the borough owes across all its invoices leads the page: the sum of every positive balance.
        unpaid = [i for i in invoices if i.kind == "invoice" and i.balance > 0]
        overdue = [i for i in unpaid if i.status == InvoiceStatus.OVERDUE]
        this_years = next((i for i in invoices if year and i.year_id == year.pk and i.kind == "invoice"), None)
        counts = borough_project_counts(organisation_id=organisation_id)
        projects = list(borough_recent_projects(organisation_id=organisation_id))
        for project in projects:
            project.our_role_label = ParticipantRole(project.our_role).label
        benefits = Benefit.objects.filter(organisation_id=organisation_id).aggregate(
            count=Count("pk"), saved=Sum("amount"), hours=Sum("hours")
        )
        context.update(
            organisation=organisation,
            membership=Membership.objects.current_on(today).filter(organisation_id=organisation_id).first(),
            year=year,
            invoice=this_years,
            invoices=invoices,
            pdf_ready=not supplier_missing(),
            owed_total=sum((i.balance for i in unpaid), Decimal("0.00")),
            owed_count=len(unpaid),
            overdue_total=sum((i.balance for i in overdue), Decimal("0.00")),
            overdue_count=len(overdue),
            paid_total=organisation_scope(
                user, Payment.objects.filter(invoice__organisation_id=organisation_id), "invoice__organisation"
            ).aggregate(total=Sum("amount"))["total"]
            or 0,
            projects=projects,
            project_counts=counts,
            more_projects=counts["ongoing"] - len(projects),
            borough_directory=f"{reverse('projects:directory')}?borough={organisation_id}",
            benefits=benefits,
            todo=self.todo(user, organisation_id, today),
        )
        return context

    @staticmethod
    def todo(user, organisation_id, today) -> list[dict]:
        """What needs doing: proposals to decide on, updates due, the survey to answer; a few of each, then how many more."""
        items: list[dict[str, str | None]] = []
        to_decide = borough_projects_to_decide(organisation_id=organisation_id)
        due = borough_projects_due_update(organisation_id=organisation_id, today=today, every=UPDATE_EVERY)
        for projects, text, url, more in (
            (
                borough_projects_returned(organisation_id=organisation_id),
                "Change “{}” as LOTI asked, then submit it again",
                "/projects/{}/edit/",
                "{} more proposals were returned for changes",
            ),
            (to_decide, "Decide whether your borough supports “{}”", "/projects/{}/support/", "{} more proposals await your decision"),
            (due, "Post a progress update on “{}”", "/projects/{}/updates/new/", "{} more projects need a progress update"),
        ):
            shown = list(projects.values("title", "slug")[: HOME_LIST_LENGTH + 1])
            for project in shown[:HOME_LIST_LENGTH]:
                items.append({"text": text.format(project["title"]), "url": url.format(project["slug"])})
            if len(shown) > HOME_LIST_LENGTH:
                items.append({"text": more.format(projects.count() - HOME_LIST_LENGTH), "url": None})
        survey = open_survey(today=today)
        if survey and can_answer_survey(user) and not survey_answers_of(survey=survey, user=user).exists():
            items.append(
                {"text": f"Answer the {survey.year} satisfaction survey by {survey.closes_on:%-d %B %Y}", "url": reverse("projects:survey")}
            )
        return items


_borough_home = BoroughHomeView.as_view()


@require_safe
def home(request):
    """Signed in: 'My borough'. Anyone else: what LOTI is and where to go next."""
    if request.user.is_authenticated:
        return _borough_home(request)
    return render(
        request,
        "site/landing.html",
        {"project_count": Project.objects.exclude(status=ProjectStatus.DRAFT).count()},
    )
