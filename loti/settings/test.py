"""Tests run on the machine's real PostgreSQL (never SQLite) and, where a test asks, its real Redis."""

import dj_database_url

from .base import *  # noqa: F403
from .base import MEDIA_STORAGE, env, env_bool

DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loti"))}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": MEDIA_STORAGE,  # the MEDIA_ROOT folder, or the S3 bucket a test's worker is given (base.py)
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
# Other suites force_login staff without an authenticator; tests/portal turns the staff two-factor rule back on.
LOTI_REQUIRE_STAFF_MFA = False
# The real-worker tests (tests/reports) point the worker and the test process at the test Redis by environment.
if env("CELERY_BROKER_URL"):
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", CELERY_BROKER_URL)  # set: the default is never used
    CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(env("CELERY_VISIBILITY_TIMEOUT", "7200"))}
# Seconds to pause at each step of a report's render, so a test can kill a worker mid-report.
REPORT_RENDER_DELAY = float(env("REPORT_RENDER_DELAY", "0"))
# A worker a test starts may be given a mail server that fails on purpose (tests/invoices/test_worker.py).
if env("TEST_EMAIL_BACKEND"):
    EMAIL_BACKEND = env("TEST_EMAIL_BACKEND", EMAIL_BACKEND)  # set: the default is never used
