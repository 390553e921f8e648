"""What LOTI staff see first when they open the admin: what waits for them, and how the money stands."""

import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from budget.models import Payment, ReportRun
from budget.selectors.invoices import overdue_invoices
from loti.years import parse_year_label, year_label_for
from projects.models import Project, ProjectStatus

DASHBOARD_LIST_LENGTH = 5
TO_REVIEW = (ProjectStatus.PROPOSED, ProjectStatus.UNDER_REVIEW)


def admin_dashboard(*, today: datetime.date | None = None) -> dict:
    """A few queries whatever the size of the data: counts and sums in the database, short lists."""
    today = today or timezone.localdate()
    label = year_label_for(today)
    start, end = parse_year_label(label)  # read paths never create a financial year
    to_review = Project.objects.filter(status__in=TO_REVIEW)
    overdue = overdue_invoices(today=today).order_by().aggregate(count=Count("pk"), owed=Sum("balance"))
    received = Payment.objects.filter(received_on__range=(start, end)).aggregate(total=Sum("amount"), count=Count("pk"))
    return {
        "year": label,
        "to_review": list(to_review.order_by("submitted_at", "pk").values("pk", "title", "status", "submitted_at")[:DASHBOARD_LIST_LENGTH]),
        "to_review_count": to_review.count(),
        "overdue_count": overdue["count"],
        "overdue_owed": overdue["owed"] or 0,
        "received_total": received["total"] or 0,
        "received_count": received["count"],
        "report_runs": list(ReportRun.objects.select_related("year").order_by("-requested_at")[:DASHBOARD_LIST_LENGTH]),
    }
