"""The demo and development mode: with nothing configured it runs on an embedded PostgreSQL."""
from .base import *  # noqa: F401,F403
from .base import BASE_DIR, DATABASE_URL, env_bool

DEBUG = env_bool("DEBUG", True)

if not DATABASE_URL:
    import dj_database_url

    from loti.embedded_database import embedded_database_url

    DATABASES = {"default": dj_database_url.parse(embedded_database_url(BASE_DIR / ".pgdata"))}
