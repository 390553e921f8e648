"""Books made here, so every figure of the budget report can be checked to the penny.

Year 2020/21 (label 2020/21). Plan and what is recorded against it:
- Borough Contributions, plan 30,000.00, actuals from membership fees. Camden (core, 30,000 net), Richmond and
  Wandsworth (shared service, 22,500 net each) are invoiced on 1 April 2020 (due 1 May); Wandsworth's invoice is
  credited. Camden pays 36,000.00 gross, Richmond 10,000.00 gross. Actual 52,500.00; received net 38,333.33.
- GLA, plan 100,000.00: its 2020/21 instalment of 100,000.00 is claimed. Actual 100,000.00.
- London Councils, plan 100,000.00: its instalment is only expected. Actual 0.00; forecast 100,000.00.
- Balance brought forward from 2019/20, 12,345.67, brought forward: actual 12,345.67.
- Sponsorship, plan 5,000.00, ledger: one entry of 2,500.50.
- Personnel (estimated), plan 150,000.00: entries 60,000.10 and 40,000.00.
- Events (committed), plan 10,000.00: an entry of 4,000.00 and a refund of −250.25.
- Website (paid), plan 8,000.00: an entry of 8,499.99 (over plan).
- Smarter London allocation 50,000.00; one approved project of the pillar in the year with 20,000.00 approved.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from budget.models import (
    ActualsFrom,
    AgreementKind,
    BudgetLine,
    FeeSchedule,
    FundingAgreement,
    Instalment,
    InstalmentStatus,
    Invoice,
)
from budget.services.invoicing import invoice_credit, invoices_issue
from budget.services.ledger import ledger_entry_record
from budget.services.payments import payment_record
from loti.services import financial_year_get_or_create
from members.models import Membership, MembershipTier, Organisation, OrganisationKind
from projects.models import Pillar, Project
from tests.factories import BudgetLineFactory, OrganisationFactory

LABEL = "2020/21"


def borough(name: str, gss: str) -> Organisation:
    return OrganisationFactory.create(name=name, gss_code=gss, email_domains=[])


def line(year, section, name, amount, position, **extra) -> BudgetLine:
    return BudgetLineFactory.create(year=year, section=section, name=name, amount=Decimal(amount), position=position, **extra)


@pytest.fixture
def books(db, staff_user):
    year = financial_year_get_or_create(label=LABEL)
    for tier, fee in [
        (MembershipTier.CORE, "30000.00"),
        (MembershipTier.SHARED_SERVICE, "22500.00"),
        (MembershipTier.FUNDING_PARTNER, "0.00"),
    ]:
        FeeSchedule.objects.create(year=year, tier=tier, annual_fee=Decimal(fee), vat_rate=Decimal("0.20"))
    camden, richmond, wandsworth = (
        borough("Camden", "E09000007"),
        borough("Richmond upon Thames", "E09000027"),
        borough("Wandsworth", "E09000032"),
    )
    gla = Organisation.objects.create(name="Greater London Authority", slug="gla", kind=OrganisationKind.GLA)
    london_councils = Organisation.objects.create(name="London Councils", slug="london-councils", kind=OrganisationKind.LONDON_COUNCILS)
    start = datetime.date(2019, 4, 1)
    Membership.objects.create(organisation=camden, tier=MembershipTier.CORE, start_date=start, local_digital_declaration_signed=start)
    Membership.objects.create(organisation=richmond, tier=MembershipTier.SHARED_SERVICE, start_date=start, shared_with=wandsworth)
    Membership.objects.create(organisation=wandsworth, tier=MembershipTier.SHARED_SERVICE, start_date=start, shared_with=richmond)

    gla_grant = FundingAgreement.objects.create(
        funder=gla,
        name="GLA grant",
        kind=AgreementKind.GRANT,
        total_amount=Decimal("100000.00"),
        termination_right="The GLA may stop funding during 2020/21",
        termination_year=year,
    )
    Instalment.objects.create(
        agreement=gla_grant, year=year, amount=Decimal("100000.00"), status=InstalmentStatus.CLAIMED, claimed_on=datetime.date(2020, 6, 1)
    )
    lc = FundingAgreement.objects.create(
        funder=london_councils, name="London Councils contribution", kind=AgreementKind.CONTRIBUTION, total_amount=Decimal("100000.00")
    )
    Instalment.objects.create(agreement=lc, year=year, amount=Decimal("100000.00"))

    income = "income"
    lines = SimpleNamespace(
        fees=line(year, income, "Borough Contributions", "30000.00", 1, actuals_from=ActualsFrom.MEMBERSHIP_FEES),
        gla=line(year, income, "GLA", "100000.00", 2, actuals_from=ActualsFrom.FUNDING_AGREEMENT, funding_agreement=gla_grant),
        lc=line(year, income, "London Councils", "100000.00", 3, actuals_from=ActualsFrom.FUNDING_AGREEMENT, funding_agreement=lc),
        carried=line(year, income, "Balance brought forward from 2019/20", "12345.67", 4, actuals_from=ActualsFrom.BROUGHT_FORWARD),
        sponsorship=line(year, income, "Sponsorship", "5000.00", 5),
        personnel=line(year, "expenditure", "Personnel", "150000.00", 1, status="estimated"),
        events=line(year, "expenditure", "Events", "10000.00", 2, status="committed"),
        website=line(year, "expenditure", "Website", "8000.00", 3, status="paid"),
    )
    pillar = Pillar.objects.create(name="Smarter London", slug="smarter-london", position=1)
    lines.allocation = line(year, "allocation", "Smarter London", "50000.00", 1, pillar=pillar)
    Project.objects.create(
        title="Shared data platform",
        slug="shared-data-platform",
        pillar=pillar,
        status="approved",
        year=year,
        funding_requested=Decimal("25000.00"),
        funding_approved=Decimal("20000.00"),
    )

    invoices_issue(year=year, issued_on=datetime.date(2020, 4, 1))
    invoices = {invoice.organisation.name: invoice for invoice in Invoice.objects.filter(year=year).select_related("organisation")}
    invoice_credit(invoice=invoices["Wandsworth"], reason="Left LOTI", by=staff_user)
    payment_record(invoice=invoices["Camden"], amount="36000.00", received_on=datetime.date(2020, 5, 1), reference="BACS-1")
    payment_record(invoice=invoices["Richmond upon Thames"], amount="10000.00", received_on=datetime.date(2020, 5, 2), reference="BACS-2")

    for target, day, amount, reference in [
        (lines.sponsorship, (2020, 9, 1), "2500.50", "S-1"),
        (lines.personnel, (2020, 4, 30), "60000.10", "P-1"),
        (lines.personnel, (2020, 5, 31), "40000.00", "P-2"),
        (lines.events, (2020, 6, 10), "4000.00", "E-1"),
        (lines.events, (2020, 6, 20), "-250.25", "E-2"),
        (lines.website, (2020, 7, 1), "8499.99", "W-1"),
    ]:
        ledger_entry_record(line=target, date=datetime.date(*day), counterparty="Supplier", amount=amount, reference=reference)
    return SimpleNamespace(year=year, lines=lines, invoices=invoices, gla_grant=gla_grant, lc=lc, user=staff_user)
