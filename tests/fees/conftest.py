"""A small LOTI for the fees tests: a core borough, two councils sharing one IT service, the GLA and London Councils."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from budget.models import AgreementKind, FeeSchedule, FundingAgreement, Instalment
from loti.models import FinancialYear
from loti.services import financial_year_get_or_create
from members.models import Membership, MembershipTier, Organisation, OrganisationKind
from tests.factories import OrganisationFactory


def make_borough(name: str, gss_code: str) -> Organisation:
    return OrganisationFactory.create(name=name, gss_code=gss_code, email_domains=[])


def fee_schedules(year: FinancialYear, *, pro_rata: bool = False) -> None:
    for tier, fee in [
        (MembershipTier.CORE, "30000.00"),
        (MembershipTier.SHARED_SERVICE, "22500.00"),
        (MembershipTier.FUNDING_PARTNER, "0.00"),
    ]:
        FeeSchedule.objects.create(year=year, tier=tier, annual_fee=Decimal(fee), vat_rate=Decimal("0.20"), pro_rata=pro_rata)


@pytest.fixture
def members(db):
    year = financial_year_get_or_create(label="2020/21")
    fee_schedules(year)
    camden = make_borough("Camden", "E09000007")
    richmond = make_borough("Richmond upon Thames", "E09000027")
    wandsworth = make_borough("Wandsworth", "E09000032")
    gla = Organisation.objects.create(name="Greater London Authority", slug="gla", kind=OrganisationKind.GLA)
    london_councils = Organisation.objects.create(name="London Councils", slug="london-councils", kind=OrganisationKind.LONDON_COUNCILS)
    start = datetime.date(2019, 7, 15)
    Membership.objects.create(organisation=camden, tier=MembershipTier.CORE, start_date=start, local_digital_declaration_signed=start)
    Membership.objects.create(organisation=richmond, tier=MembershipTier.SHARED_SERVICE, start_date=start, shared_with=wandsworth)
    Membership.objects.create(organisation=wandsworth, tier=MembershipTier.SHARED_SERVICE, start_date=start, shared_with=richmond)
    Membership.objects.create(organisation=gla, tier=MembershipTier.FUNDING_PARTNER, start_date=start)
    Membership.objects.create(organisation=london_councils, tier=MembershipTier.FUNDING_PARTNER, start_date=start)
    return SimpleNamespace(year=year, camden=camden, richmond=richmond, wandsworth=wandsworth, gla=gla, london_councils=london_councils)


@pytest.fixture
def gla_grant(members):
    """MD2373: up to £30k in 2018/19 and up to £100k a year 2019/20–2021/22, terminable during 2020/21."""
    agreement = FundingAgreement.objects.create(
        funder=members.gla,
        name="GLA grant for LOTI (MD2373)",
        reference="MD2373",
        kind=AgreementKind.GRANT,
        total_amount=Decimal("330000.00"),
        termination_right="The right to terminate during 2020/21",
        termination_year=financial_year_get_or_create(label="2020/21"),
    )
    for label, amount in [("2018/19", "30000.00"), ("2019/20", "100000.00"), ("2020/21", "100000.00"), ("2021/22", "100000.00")]:
        Instalment.objects.create(agreement=agreement, year=financial_year_get_or_create(label=label), amount=Decimal(amount))
    return agreement
