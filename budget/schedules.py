"""The budget app's periodic jobs, kept by django-celery-beat so staff can change them in the admin.

They are made after every migrate (post_migrate), not by a data migration: a schedule that is missing is
created, one that staff have changed is left as it is, and a database flushed by tests gets them back.
"""

from dataclasses import dataclass

from django.db import transaction


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    every_minutes: int | None = None
    crontab: dict | None = None


SCHEDULES = [
    Schedule(
        name="Overdue invoice reminders (daily)",
        task="budget.tasks.reminders.send_overdue_reminders",
        crontab={"minute": "0", "hour": "7", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"},
    ),
    Schedule(
        name="Invoices waiting to be sent to finance: send them again (every 15 minutes)",
        task="budget.tasks.invoices.send_pending_invoices",
        every_minutes=15,
    ),
    Schedule(
        name="Report runs: hand queued runs to the task queue (every 5 minutes)",
        task="budget.tasks.reports.sweep_queued_reports",
        every_minutes=5,
    ),
    Schedule(
        name="CELC reports for the year just ended (1 April, 06:00)",
        task="budget.tasks.reports.produce_year_end_reports",
        crontab={"minute": "0", "hour": "6", "day_of_week": "*", "day_of_month": "1", "month_of_year": "4"},
    ),
]


def schedules_ensure(**kwargs) -> int:
    """Create the schedules that do not exist yet; return how many were made."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    made = 0
    with transaction.atomic():
        for schedule in SCHEDULES:
            if PeriodicTask.objects.filter(name=schedule.name).exists():
                continue
            when = {}
            if schedule.every_minutes:
                when["interval"], _ = IntervalSchedule.objects.get_or_create(every=schedule.every_minutes, period=IntervalSchedule.MINUTES)
            else:
                assert schedule.crontab is not None  # every schedule has an interval or a crontab
                when["crontab"], _ = CrontabSchedule.objects.get_or_create(**schedule.crontab, timezone="Europe/London")
            PeriodicTask.objects.create(name=schedule.name, task=schedule.task, enabled=True, **when)
            made += 1
    return made
