"""The benchmark: production-like settings on the generated database, plus a bare view and a query counter."""

import dj_database_url

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env

# Same connection settings as production (base), only the database is the generated one.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/loti_bench"), conn_max_age=60, conn_health_checks=True
    )
}
DEBUG = False
ROOT_URLCONF = "bench.urls"
# Counts the queries of each request into an X-Query-Count header; only here, never in production.
MIDDLEWARE = ["bench.middleware.QueryCountMiddleware", *MIDDLEWARE]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
# The API's per-client limit would turn wrk's flood from one address into 429s: measure the API, not its limit.
LOTI_API_RATE = env("LOTI_API_RATE", "100000000/min")
