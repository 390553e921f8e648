"""Production: everything from the environment; refuses to start without the essentials."""

from .base import *  # noqa: F403
from .base import DATABASE_URL, MEDIA_STORAGE, REDIS_URL, SECRET_KEY, env, env_bool

if not DATABASE_URL:
    raise RuntimeError("DATABASE_URL must be set in production (PostgreSQL).")
if not REDIS_URL:
    raise RuntimeError("REDIS_URL must be set in production (the Celery broker).")
if SECRET_KEY.startswith("insecure-"):
    raise RuntimeError("SECRET_KEY must be set in production.")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": MEDIA_STORAGE,  # S3-compatible when AWS_STORAGE_BUCKET_NAME is set (base.py)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Sign-in rate limits must be shared by every worker.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# Invoices: the supplier's details only from the environment, never the demo's; issuing refuses while one is missing.
LOTI_INVOICE_FROM = env("LOTI_INVOICE_FROM", "")
LOTI_VAT_NUMBER = env("LOTI_VAT_NUMBER", "")
LOTI_BANK_ACCOUNT_NAME = env("LOTI_BANK_ACCOUNT_NAME", "")
LOTI_BANK_SORT_CODE = env("LOTI_BANK_SORT_CODE", "")
LOTI_BANK_ACCOUNT_NUMBER = env("LOTI_BANK_ACCOUNT_NUMBER", "")
LOTI_INVOICE_CONTACT = env("LOTI_INVOICE_CONTACT", "")
