"""The demo and development mode: with nothing configured it runs on an embedded PostgreSQL."""

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASE_URL, MEDIA_STORAGE, env_bool

# The demo shows what production shows: the portal's own error pages, never Django's debug pages (DEBUG=1 for those).
DEBUG = env_bool("DEBUG", False)
LOTI_DEMO = True
# Without DEBUG, WhiteNoise serves the styles and scripts straight from the source folders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if not DATABASE_URL:
    import dj_database_url

    from loti.embedded_database import embedded_database_url

    DATABASES = {"default": dj_database_url.parse(embedded_database_url(BASE_DIR / ".pgdata"))}

# `make run` (loti.demo_server) collects the static files first: whitenoise serves them compressed and hashed, as in
# production. A plain `manage.py runserver` keeps Django's own static handler (the source files, no collectstatic).
STORAGES = {
    "default": MEDIA_STORAGE,  # an S3 bucket here too when AWS_STORAGE_BUCKET_NAME is set
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if env_bool("LOTI_SERVE_COLLECTED_STATIC"):
    STORAGES["staticfiles"] = {"BACKEND": "loti.staticfiles.CollectedStaticFilesStorage"}
    WHITENOISE_USE_FINDERS = False
    WHITENOISE_AUTOREFRESH = False
