"""Report PDFs on S3-compatible object storage, against a local S3 server (moto in server mode: real HTTP and
signed S3 requests, not a mocked client). A real Celery worker, configured only by the environment as
production is, produces the PDF into the bucket; the portal streams it to those allowed to see it and to no
one else; nothing is written to the local media folder and nothing is served from /media/."""

import hashlib
import os
import time

import boto3
import pytest
import redis
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer

from budget.models import ReportRunStatus
from budget.services.reports import report_request
from members.models import Membership, Organisation, User
from tests.reports.celery_control import REDIS_URL, Worker, using_broker
from tests.reports.conftest import seed_published_budget

from .http import free_port

pytestmark = [pytest.mark.production, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BUCKET = "loti-portal-reports"
KEYS = {"AWS_ACCESS_KEY_ID": "loti-test-key", "AWS_SECRET_ACCESS_KEY": "loti-test-secret", "AWS_S3_REGION_NAME": "eu-west-2"}


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_settings(s3_endpoint, settings):
    """The STORAGES that base.py builds from these variables, for this test process."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": KEYS["AWS_S3_REGION_NAME"],
                "access_key": KEYS["AWS_ACCESS_KEY_ID"],
                "secret_key": KEYS["AWS_SECRET_ACCESS_KEY"],
                "location": "",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 60,
                "file_overwrite": False,
                "addressing_style": "path",
            },
        },
    }
    return {"AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_ENDPOINT_URL": s3_endpoint, **KEYS}


def bucket_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
        region_name=KEYS["AWS_S3_REGION_NAME"],
    )


def person(email: str, organisation=None, *, approved=True, staff=False) -> User:
    return User.objects.create_user(
        username=email,
        email=email,
        password="a long test password",
        organisation=organisation,
        organisation_approved_at=timezone.now() if organisation and approved else None,
        is_staff=staff,
        is_superuser=staff,
    )


def test_a_report_made_by_the_worker_lives_in_the_bucket_and_is_served_only_to_those_allowed(
    s3_settings, s3_endpoint, tmp_path, client, capsys
):
    # The deploy step creates the bucket and proves it can write, read back and delete there.
    call_command("storage_check", "--create-bucket")
    assert f"Media storage ok: bucket {BUCKET} at {s3_endpoint}" in capsys.readouterr().out
    s3 = bucket_client(s3_endpoint)
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0  # the probe is gone

    year = seed_published_budget()
    camden = Organisation.objects.create(name="Camden", slug="camden", kind="london_borough", gss_code="E09000007")
    Membership.objects.create(organisation=camden, tier="core", start_date=year.start_date)
    staff = person("director@loti.london", staff=True)
    officer = person("officer@camden.gov.uk", camden)
    waiting = person("waiting@camden.gov.uk", camden, approved=False)

    media = tmp_path / "media"
    media.mkdir()
    redis.Redis.from_url(REDIS_URL).flushdb()
    database = connection.settings_dict
    env = {
        **os.environ,
        **s3_settings,
        "DJANGO_SETTINGS_MODULE": "loti.settings.test",
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "MEDIA_ROOT": str(media),
    }
    worker = Worker("s3", env, tmp_path)
    try:
        worker.wait_ready()
        with using_broker(REDIS_URL):
            run = report_request(kind="budget", year=year, by=staff)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.status in (ReportRunStatus.DONE, ReportRunStatus.FAILED):
                break
            time.sleep(0.5)
    finally:
        worker.stop()
    assert run.status == ReportRunStatus.DONE, f"{run.status} {run.message}\n{worker.log.read_text()[-3000:]}"

    # In the bucket, private, byte for byte what the run recorded; nothing in the local folder.
    stored = s3.get_object(Bucket=BUCKET, Key=run.pdf.name)["Body"].read()
    assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == run.sha256
    assert run.pdf.name.startswith("reports/budget-2020-21-run")
    assert not any(media.rglob("*")), list(media.rglob("*"))
    acl = s3.get_object_acl(Bucket=BUCKET, Key=run.pdf.name)
    assert not any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in acl["Grants"]), acl["Grants"]

    download = reverse("reports:download", args=[run.pk])
    for allowed in (staff, officer):
        client.force_login(allowed)
        response = client.get(download)
        assert response.status_code == 200, allowed.email
        assert b"".join(response.streaming_content) == stored
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "X-Amz-Signature" not in response.get("Location", "")  # streamed, no bucket address handed out
    client.force_login(staff)
    admin_download = client.get(reverse("admin:budget_reportrun_download", args=[run.pk]))
    assert admin_download.status_code == 200 and b"".join(admin_download.streaming_content) == stored

    client.force_login(waiting)
    assert client.get(download).status_code == 403
    client.logout()
    anonymous = client.get(download)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("account_login"))
    assert client.get(f"/media/{run.pdf.name}").status_code == 404
