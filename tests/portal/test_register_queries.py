"""The register and the opportunities at ten times London's scale (33 boroughs × 200 systems) answer in a fixed
number of queries: the same as with a handful of systems, pinned."""

import datetime
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loti.services import financial_year_get_or_create
from members.models import MaturityDimension, MaturityScore, MaturitySharing, ProcurementInterest, System

from .register_data import area, london

AREAS = 20


def fill(boroughs, per_borough: int, *, seed: int = 7) -> None:
    rng = random.Random(seed)
    areas = [area(f"Service area {n:02d}") for n in range(AREAS)]
    today = timezone.localdate()
    System.objects.bulk_create(
        System(
            organisation=borough,
            service_area=areas[n % AREAS],
            product=f"Product {n:03d}",
            supplier=f"Supplier {rng.randrange(40)}",
            contract_start=today - datetime.timedelta(days=700),
            contract_end=today + datetime.timedelta(days=rng.randrange(-400, 1500)),
            annual_value=Decimal(rng.randrange(1000, 500000)),
        )
        for borough in boroughs
        for n in range(per_borough)
    )
    ProcurementInterest.objects.bulk_create(ProcurementInterest(service_area=a, organisation=b) for a in areas for b in boroughs[:5])
    year = financial_year_get_or_create(on=today)
    MaturityScore.objects.bulk_create(
        MaturityScore(year=year, organisation=b, dimension=d, score=rng.randrange(1, 6)) for b in boroughs for d in MaturityDimension.values
    )
    MaturitySharing.objects.bulk_create(MaturitySharing(organisation=b, shared=True) for b in boroughs[::2])


def count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            body = b"".join(response.streaming_content)
            assert body.count(b"\n") > 1
    assert response.status_code == 200, path
    return len(captured)


PAGES = {
    # path: (who, queries pinned at 10x)
    "/register/": ("camden_officer", 3),
    "/register/camden/": ("camden_officer", 4),
    "/register/borough-01/": ("staff", 4),
    "/register/opportunities/": ("camden_officer", 4),
    "/register/opportunities/?start=2020-01-01&months=120": ("staff", 4),
    "/register/public/": (None, 3),
    "/register/public/?page=3": (None, 3),
    "/register/public.csv": (None, 1),
    "/maturity/": ("camden_officer", 9),
}


@pytest.mark.parametrize("path", PAGES)
def test_register_pages_do_not_grow_with_the_systems(client, loti, path, django_assert_num_queries):
    who, pinned = PAGES[path]
    if who:
        client.force_login(getattr(loti, who))
    few_boroughs = london(4)
    fill(few_boroughs, 30)
    few = count(client, path)
    System.objects.all().delete()
    ProcurementInterest.objects.all().delete()
    MaturityScore.objects.all().delete()
    MaturitySharing.objects.all().delete()
    fill(london(33), 200)
    assert System.objects.count() == 6600
    many = count(client, path)
    assert few == many, f"{path}: {few} queries with 120 systems, {many} with 6,600"
    with django_assert_num_queries(pinned):
        response = client.get(path)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
