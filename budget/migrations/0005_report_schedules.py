"""Schedule the reports with django-celery-beat (editable in the admin): a sweep every five minutes that
hands queued runs to the broker once it is back, and both CELC reports after each financial year ends."""
from django.db import migrations

SWEEP = ("Report runs: hand queued runs to the task queue (every 5 minutes)", "budget.tasks.reports.sweep_queued_reports")
YEAR_END = ("CELC reports for the year just ended (1 April, 06:00)", "budget.tasks.reports.produce_year_end_reports")


def schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    every_five, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    first_of_april, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_week="*", day_of_month="1", month_of_year="4", timezone="Europe/London"
    )
    PeriodicTask.objects.update_or_create(name=SWEEP[0], defaults={"task": SWEEP[1], "interval": every_five, "enabled": True})
    PeriodicTask.objects.update_or_create(
        name=YEAR_END[0], defaults={"task": YEAR_END[1], "crontab": first_of_april, "enabled": True}
    )
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=[SWEEP[0], YEAR_END[0]]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("budget", "0004_overdue_reminders_schedule"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
