"""'My borough': the home page of a borough officer. It lives in budget because it shows money beside projects."""
import datetime

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from budget.models import Invoice, Payment
from budget.selectors.invoices import InvoiceStatus, invoices_with_status
from loti.models import FinancialYear
from members.models import Membership
from members.permissions import is_pending_officer, officer_organisation_id, organisation_scope
from projects.models import Benefit, ParticipantRole
from projects.permissions import OPEN_FOR_SUPPORT, REPORTABLE, can_answer_survey
from projects.selectors import borough_projects, open_survey, survey_answers_of

UPDATE_EVERY = datetime.timedelta(days=90)


class BoroughHomeView(LoginRequiredMixin, TemplateView):
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
            invoice.status_label = InvoiceStatus.labels.get(invoice.status, invoice.status)
        this_years = next((i for i in invoices if year and i.year_id == year.pk and i.kind == "invoice"), None)
        projects = list(borough_projects(organisation_id=organisation_id))
        for project in projects:
            project.ours = next(p for p in project.participants.all() if p.organisation_id == organisation_id)
        joined = [p for p in projects if p.ours.accepted_at]
        benefits = Benefit.objects.filter(organisation_id=organisation_id).aggregate(
            count=Count("pk"), saved=Sum("amount"), hours=Sum("hours")
        )
        context.update(
            organisation=organisation,
            membership=Membership.objects.current_on(today).filter(organisation_id=organisation_id).first(),
            year=year,
            invoice=this_years,
            invoices=invoices,
            paid_total=organisation_scope(user, Payment.objects.filter(invoice__organisation_id=organisation_id), "invoice__organisation")
            .aggregate(total=Sum("amount"))["total"]
            or 0,
            projects=projects,
            projects_led=[p for p in joined if p.ours.role == ParticipantRole.LEAD],
            projects_joined=joined,
            benefits=benefits,
            todo=self.todo(user, organisation_id, projects, today),
        )
        return context

    @staticmethod
    def todo(user, organisation_id, projects, today) -> list[dict]:
        """What needs doing: proposals to decide on, updates due, the survey to answer."""
        items = []
        for project in projects:
            if project.ours.accepted_at is None and project.status in OPEN_FOR_SUPPORT:
                items.append({"text": f"Decide whether your borough supports “{project.title}”", "url": f"/projects/{project.slug}/support/"})
            elif project.ours.accepted_at and project.status in REPORTABLE and project.status != "completed":
                if project.last_update is None or project.last_update < today - UPDATE_EVERY:
                    items.append({"text": f"Post a progress update on “{project.title}”", "url": f"/projects/{project.slug}/updates/new/"})
        survey = open_survey(today=today)
        if survey and can_answer_survey(user) and not survey_answers_of(survey=survey, user=user).exists():
            items.append({"text": f"Answer the {survey.year} satisfaction survey by {survey.closes_on:%-d %B %Y}", "url": reverse("projects:survey")})
        return items
