"""Data the register tests make: service areas and systems of the portal tests' boroughs."""

import datetime
from decimal import Decimal

from members.models import Organisation, OrganisationKind, ServiceArea, System


def area(name: str) -> ServiceArea:
    return ServiceArea.objects.get_or_create(name=name, defaults={"slug": name.lower().replace(" ", "-")})[0]


def system(
    organisation: Organisation,
    service_area: ServiceArea,
    product: str,
    *,
    end: datetime.date | None,
    value: str | None = "10000.00",
    supplier: str = "Example Ltd",
    start: datetime.date | None = None,
) -> System:
    return System.objects.create(
        organisation=organisation,
        service_area=service_area,
        product=product,
        supplier=supplier,
        contract_start=start,
        contract_end=end,
        annual_value=Decimal(value) if value is not None else None,
    )


def london(count: int = 33) -> list[Organisation]:
    """Boroughs E09000001.. up to `count`, made where the test has not made them."""
    boroughs = []
    for n in range(1, count + 1):
        gss = f"E090000{n:02d}"
        found = Organisation.objects.filter(gss_code=gss).first()
        boroughs.append(
            found
            or Organisation.objects.create(
                name=f"Borough {n:02d}", slug=f"borough-{n:02d}", kind=OrganisationKind.LONDON_BOROUGH, gss_code=gss
            )
        )
    return boroughs
