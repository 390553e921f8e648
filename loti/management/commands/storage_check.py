"""Check, before serving, that report PDFs and media can be written, read back and removed where they are kept:
the S3-compatible bucket when AWS_STORAGE_BUCKET_NAME is set, else the MEDIA_ROOT folder."""

import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Write, read back and delete a probe file in the media storage (S3 bucket or MEDIA_ROOT)."

    def add_arguments(self, parser):
        parser.add_argument("--create-bucket", action="store_true", help="Create the S3 bucket when it does not exist")

    def handle(self, *args, create_bucket: bool, **options):
        where = self._where()
        if create_bucket and hasattr(default_storage, "bucket_name"):
            self._ensure_bucket()
        name = f"storage-check/{uuid.uuid4().hex}.txt"
        try:
            saved = default_storage.save(name, ContentFile(b"LOTI Portal storage check"))
            with default_storage.open(saved, "rb") as handle:
                if handle.read() != b"LOTI Portal storage check":
                    raise CommandError(f"{where}: the probe file read back differently")
            default_storage.delete(saved)
        except CommandError:
            raise
        except Exception as error:
            raise CommandError(f"{where}: {type(error).__name__}: {error}") from error
        self.stdout.write(f"Media storage ok: {where}")

    @staticmethod
    def _where() -> str:
        storage: Any = default_storage  # S3 or a folder: their attributes differ
        if hasattr(storage, "bucket_name"):
            endpoint = storage.endpoint_url or "AWS S3"
            return f"bucket {storage.bucket_name} at {endpoint}"
        return f"folder {storage.location}"

    def _ensure_bucket(self) -> None:
        from botocore.exceptions import ClientError

        storage: Any = default_storage  # S3 here
        client = storage.connection.meta.client
        try:
            client.head_bucket(Bucket=storage.bucket_name)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
                raise CommandError(f"bucket {storage.bucket_name}: {error}") from error
            options = {}
            region = storage.region_name
            if region and region != "us-east-1":
                options["CreateBucketConfiguration"] = {"LocationConstraint": region}
            client.create_bucket(Bucket=storage.bucket_name, **options)
            self.stdout.write(f"Created bucket {storage.bucket_name}")
