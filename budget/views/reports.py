"""The budget summary (officers: plan, actuals and variance, over the years; the public: the published plan),
the list of report runs, and the PDF downloads (signed in, or by a signed link from the CELC email)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from budget.models import ReportRun, ReportRunStatus
from budget.reports.documents import budget_charts
from budget.selectors.plan import budget_plan, budget_years_with_lines
from budget.selectors.report import budget_report
from budget.services.reports import report_for_token
from loti.models import FinancialYear
from loti.responses import pdf_response
from members.permissions import is_officer, is_staff


def _may_see_money(user) -> bool:
    return is_staff(user) or is_officer(user)


def _year_from_slug(slug: str | None, years: list[FinancialYear]) -> FinancialYear | None:
    if slug is None:
        return years[-1] if years else None
    label = slug.replace("-", "/")
    for year in years:
        if year.label == label:
            return year
    raise Http404("No budget for that year")


@require_safe
@login_required
def budget_summary(request, year: str | None = None):
    if not _may_see_money(request.user):
        raise PermissionDenied("The budget summary is for LOTI staff and approved officers of member boroughs.")
    years = budget_years_with_lines()
    chosen = _year_from_slug(year, years)
    report = budget_report(year=chosen) if chosen else None
    return render(
        request,
        "reports/budget_summary.html",
        {"report": report, "charts": budget_charts(report) if report else [], "years": years, "year": chosen},
    )


@require_safe
def public_budget_summary(request, year: str | None = None):
    """LOTI works in the open: the budget as published (the plan only), when PUBLISH_BUDGET_SUMMARY is on."""
    if not getattr(settings, "PUBLISH_BUDGET_SUMMARY", False):
        raise Http404("The budget summary is not published")
    years = budget_years_with_lines()
    chosen = _year_from_slug(year, years)
    return render(
        request,
        "reports/public_budget.html",
        {"plan": budget_plan(year=chosen) if chosen else None, "years": years, "year": chosen},
    )


@require_safe
@login_required
def report_runs(request):
    if not _may_see_money(request.user):
        raise PermissionDenied("The CELC reports are for LOTI staff and approved officers of member boroughs.")
    runs = ReportRun.objects.select_related("year").order_by("-requested_at")[:100]
    return render(request, "reports/runs.html", {"runs": runs})


def _pdf_response(run: ReportRun):
    return pdf_response(run.pdf.open("rb"), filename=f"LOTI {run.get_kind_display()} {run.year.label.replace('/', '-')}.pdf")


@require_safe
@login_required
def report_download(request, pk: int):
    if not _may_see_money(request.user):
        raise PermissionDenied("The CELC reports are for LOTI staff and approved officers of member boroughs.")
    run = get_object_or_404(ReportRun.objects.select_related("year").exclude(pdf=""), pk=pk, status=ReportRunStatus.DONE)
    return _pdf_response(run)


@require_safe
def report_download_link(request, token: str):
    """The link emailed to CELC: no sign-in, but signed and valid for 14 days."""
    run = report_for_token(token=token)
    if run is None:
        return render(request, "reports/link_expired.html", status=404)
    return _pdf_response(run)
