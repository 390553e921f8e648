"""Simple factories: one saved object per model the admin shows, each making what it needs."""

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from budget.models import (
    BudgetLine,
    ClosableYear,
    DebtInvoice,
    FeeSchedule,
    FundingAgreement,
    Instalment,
    Invoice,
    LedgerEntry,
    Payment,
    ReportRecipient,
    ReportRun,
)
from loti.models import ImportRecord, SentEmail
from loti.services import financial_year_get_or_create
from members.models import (
    Invitation,
    MaturityScore,
    MaturitySharing,
    Membership,
    Organisation,
    ProcurementInterest,
    ServiceArea,
    System,
    User,
)
from projects.models import (
    Benefit,
    Engagement,
    Participant,
    Pillar,
    ProgressUpdate,
    Project,
    Survey,
    SurveyResponse,
    Workstream,
)


def year(label="2020/21"):
    return financial_year_get_or_create(label=label)


def organisation(name="Camden", gss_code="E09000007", kind="london_borough"):
    return Organisation.objects.get_or_create(
        name=name, defaults={"slug": name.lower().replace(" ", "-"), "kind": kind, "gss_code": gss_code, "email_domains": ["camden.gov.uk"]}
    )[0]


def membership():
    return Membership.objects.get_or_create(organisation=organisation(), start_date=datetime.date(2020, 4, 1), defaults={"tier": "core"})[0]


def officer():
    return User.objects.get_or_create(username="officer", defaults={"email": "officer@camden.gov.uk", "organisation": organisation()})[0]


def invitation():
    return Invitation.objects.get_or_create(token="a" * 40, defaults={"email": "new@camden.gov.uk", "organisation": organisation()})[0]


def pillar(name="Covid Recovery"):
    return Pillar.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-")})[0]


def workstream(name="Data Collaboration"):
    return Workstream.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-"), "pillar": pillar()})[0]


def project(title="Digital inclusion toolkit"):
    return Project.objects.get_or_create(
        title=title, defaults={"slug": title.lower().replace(" ", "-"), "pillar": pillar(), "year": year()}
    )[0]


def participant():
    return Participant.objects.get_or_create(project=project(), organisation=organisation(), defaults={"role": "lead"})[0]


def progress_update():
    return ProgressUpdate.objects.get_or_create(
        project=project(), date=datetime.date(2020, 9, 1), defaults={"phase": "discover", "rag": "green", "text": "On track"}
    )[0]


def benefit():
    return Benefit.objects.get_or_create(
        project=project(), year=year(), kind="time_saved", description="Fewer forms", defaults={"hours": Decimal("10.0")}
    )[0]


def survey():
    return Survey.objects.get_or_create(
        year=year(), defaults={"opens_on": datetime.date(2021, 2, 1), "closes_on": datetime.date(2021, 2, 28)}
    )[0]


def survey_response():
    return SurveyResponse.objects.get_or_create(
        survey=survey(),
        respondent_email="cio@camden.gov.uk",
        workstream=workstream(),
        defaults={"organisation": organisation(), "rating": 4},
    )[0]


def fee_schedule():
    return FeeSchedule.objects.get_or_create(
        year=year(), tier="core", defaults={"annual_fee": Decimal("52500.00"), "vat_rate": Decimal("0.20")}
    )[0]


def invoice():
    return Invoice.objects.get_or_create(
        number="INV-2020-21-0001",
        defaults={
            "year": year(),
            "sequence": 1,
            "organisation": organisation(),
            "description": "LOTI membership 2020/21",
            "issued_on": datetime.date(2020, 4, 1),
            "due_on": datetime.date(2020, 5, 1),
            "net": Decimal("100.00"),
            "vat_rate": Decimal("0.20"),
            "vat": Decimal("20.00"),
            "gross": Decimal("120.00"),
        },
    )[0]


def payment():
    return Payment.objects.get_or_create(
        invoice=invoice(), reference="BACS-1", defaults={"amount": Decimal("120.00"), "received_on": datetime.date(2020, 5, 1)}
    )[0]


def funding_agreement():
    gla = organisation("Greater London Authority", None, "gla")
    return FundingAgreement.objects.get_or_create(
        name="GLA grant", defaults={"funder": gla, "kind": "grant", "total_amount": Decimal("300000.00")}
    )[0]


def instalment():
    return Instalment.objects.get_or_create(agreement=funding_agreement(), year=year(), defaults={"amount": Decimal("100000.00")})[0]


def budget_line():
    return BudgetLine.objects.get_or_create(
        year=year(), section="income", name="Borough contributions", defaults={"amount": Decimal("1000.00")}
    )[0]


def ledger_entry():
    return LedgerEntry.objects.get_or_create(
        year=year(),
        reference="LC-JNL-1",
        defaults={"budget_line": budget_line(), "date": datetime.date(2020, 5, 1), "counterparty": "Camden", "amount": Decimal("10.00")},
    )[0]


def closable_year():
    return ClosableYear.objects.get(pk=year().pk)


def debt_invoice():
    return DebtInvoice.objects.get(pk=invoice().pk)


def report_run():
    return ReportRun.objects.get_or_create(kind="budget", year=year(), defaults={"status": "done"})[0]


def report_recipient():
    return ReportRecipient.objects.get_or_create(email="celc@londoncouncils.gov.uk", defaults={"name": "CELC secretary"})[0]


def import_record():
    return ImportRecord.objects.get_or_create(
        filename="orgs.csv", defaults={"kind": "organisations", "sha256": "0" * 64, "via": "command"}
    )[0]


def sent_email():
    return SentEmail.objects.get_or_create(key="invitation:1", recipient="new.lead@camden.gov.uk", defaults={"subject": "Join Camden"})[0]


def group():
    from django.contrib.auth.models import Group

    return Group.objects.get_or_create(name="Programme managers")[0]


def email_address():
    from allauth.account.models import EmailAddress

    user = officer()
    return EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})[0]


def authenticator():
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.get_or_create(
        user=officer(), type="recovery_codes", defaults={"data": {"seed": "0" * 40, "used_mask": 0}}
    )[0]


def interval_schedule():
    from django_celery_beat.models import IntervalSchedule

    return IntervalSchedule.objects.get_or_create(every=10, period="minutes")[0]


def crontab_schedule():
    from django_celery_beat.models import CrontabSchedule

    return CrontabSchedule.objects.get_or_create(minute="0", hour="9")[0]


def solar_schedule():
    from django_celery_beat.models import SolarSchedule

    return SolarSchedule.objects.get_or_create(event="sunrise", latitude=Decimal("51.5"), longitude=Decimal("-0.12"))[0]


def clocked_schedule():
    from django_celery_beat.models import ClockedSchedule

    return ClockedSchedule.objects.get_or_create(clocked_time=timezone.make_aware(datetime.datetime(2030, 1, 1, 9)))[0]  # noqa: DTZ001 - made aware in the portal's zone


def periodic_task():
    from django_celery_beat.models import PeriodicTask

    return PeriodicTask.objects.get_or_create(
        name="Invoice reminders", defaults={"task": "budget.tasks.remind", "interval": interval_schedule()}
    )[0]


def service_area():
    return ServiceArea.objects.get_or_create(name="Revenues and benefits", defaults={"slug": "revenues-and-benefits"})[0]


def system():
    return System.objects.get_or_create(
        organisation=organisation(), service_area=service_area(), product="Revenues system", defaults={"supplier": "Example Ltd"}
    )[0]


def procurement_interest():
    return ProcurementInterest.objects.get_or_create(service_area=service_area(), organisation=organisation())[0]


def maturity_score():
    return MaturityScore.objects.get_or_create(year=year(), organisation=organisation(), dimension="data", defaults={"score": 3})[0]


def maturity_sharing():
    return MaturitySharing.objects.get_or_create(organisation=organisation(), defaults={"shared": True})[0]


def engagement():
    return Engagement.objects.get_or_create(pillar=pillar(), stakeholder="Nesta", mode="inform", relationship="known")[0]


FACTORIES = {
    "auth.Group": group,
    "account.EmailAddress": email_address,
    "mfa.Authenticator": authenticator,
    "django_celery_beat.PeriodicTask": periodic_task,
    "django_celery_beat.ClockedSchedule": clocked_schedule,
    "django_celery_beat.CrontabSchedule": crontab_schedule,
    "django_celery_beat.SolarSchedule": solar_schedule,
    "django_celery_beat.IntervalSchedule": interval_schedule,
    "loti.FinancialYear": year,
    "loti.ImportRecord": import_record,
    "loti.SentEmail": sent_email,
    "members.Organisation": organisation,
    "members.Membership": membership,
    "members.User": officer,
    "members.Invitation": invitation,
    "members.ServiceArea": service_area,
    "members.System": system,
    "members.ProcurementInterest": procurement_interest,
    "members.MaturityScore": maturity_score,
    "members.MaturitySharing": maturity_sharing,
    "projects.Engagement": engagement,
    "projects.Pillar": pillar,
    "projects.Workstream": workstream,
    "projects.Project": project,
    "projects.Participant": participant,
    "projects.ProgressUpdate": progress_update,
    "projects.Benefit": benefit,
    "projects.Survey": survey,
    "projects.SurveyResponse": survey_response,
    "budget.FeeSchedule": fee_schedule,
    "budget.Invoice": invoice,
    "budget.Payment": payment,
    "budget.FundingAgreement": funding_agreement,
    "budget.Instalment": instalment,
    "budget.BudgetLine": budget_line,
    "budget.ReportRun": report_run,
    "budget.ReportRecipient": report_recipient,
    "budget.LedgerEntry": ledger_entry,
    "budget.ClosableYear": closable_year,
    "budget.DebtInvoice": debt_invoice,
}


@pytest.fixture
def write_file(tmp_path):
    """Write text (or bytes) to a file in a temporary folder and return its path."""

    def write(name: str, content) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


@pytest.fixture
def strategy(db):
    """What the example rows in templates and docs may name: Camden, the GLA, a pillar, a workstream, a project,
    the 2020/21 survey, invoice INV-2020-21-0001, the GLA grant and the 2020/21 line LOTI team salaries."""
    BudgetLine.objects.get_or_create(
        year=year(), section="expenditure", name="LOTI team salaries", defaults={"amount": Decimal("400000.00"), "status": "committed"}
    )
    organisation()
    workstream()
    project()
    survey()
    invoice()
    funding_agreement()
    ServiceArea.objects.get_or_create(name="Revenues and benefits", defaults={"slug": "revenues-and-benefits"})  # systems
