"""Budget summary pages and CELC report downloads. Wired in loti/urls.py under the "reports" namespace."""

from django.urls import path, re_path

from budget.views import reports
from loti.public_cache import public_cached

app_name = "reports"

YEAR = r"(?P<year>\d{4}-\d{2})"

urlpatterns = [
    path("budget/", reports.budget_summary, name="budget"),
    re_path(rf"^budget/{YEAR}/$", reports.budget_summary, name="budget-year"),
    path("budget/published/", public_cached(reports.public_budget_summary), name="public-budget"),
    re_path(rf"^budget/published/{YEAR}/$", public_cached(reports.public_budget_summary), name="public-budget-year"),
    path("reports/", reports.report_runs, name="runs"),
    path("reports/<int:pk>/download/", reports.report_download, name="download"),
    path("reports/link/<str:token>/", reports.report_download_link, name="download-link"),
]
