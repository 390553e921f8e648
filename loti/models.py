"""The small shared core: financial years and the record of every import."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models


class DateRange(models.Func):
    """daterange(start, end, '[]'): both days included."""

    function = "daterange"
    output_field = DateRangeField()

    def __init__(self, start, end, bounds="[]"):
        super().__init__(start, end, models.Value(bounds))


class FinancialYear(models.Model):
    label = models.CharField(max_length=7, unique=True, help_text="Written 2020/21")
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gt=models.F("start_date")), name="financial_year_ends_after_start"),
            models.CheckConstraint(condition=models.Q(label__regex=r"^\d{4}/\d{2}$"), name="financial_year_label_format"),
            ExclusionConstraint(
                name="financial_years_do_not_overlap",
                expressions=[(DateRange("start_date", "end_date"), RangeOperators.OVERLAPS)],
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def previous(self) -> "FinancialYear | None":
        return FinancialYear.objects.filter(end_date__lt=self.start_date).order_by("-start_date").first()


class ImportRecord(models.Model):
    """Who imported which file, when, and what it wrote."""

    kind = models.CharField(max_length=40)
    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    via = models.CharField(max_length=20, choices=[("admin", "Admin"), ("command", "Command")])
    imported_at = models.DateTimeField(auto_now_add=True)
    rows_new = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.kind} from {self.filename} at {self.imported_at:%Y-%m-%d %H:%M}"


class SentEmail(models.Model):
    """One notification delivered to one person: its key is claimed before the mail goes, so a task run twice mails once.

    The key names the notification (kind, the record it is about, and which occurrence); with the recipient it is unique.
    """

    key = models.CharField(max_length=200)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=255)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [models.UniqueConstraint(fields=["key", "recipient"], name="one_email_per_notification_and_recipient")]

    def __str__(self) -> str:
        return f"{self.key} to {self.recipient}"
