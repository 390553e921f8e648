"""`/healthz`: the cheap check that the proxy, the compose file and monitoring ask — can this process reach
PostgreSQL and Redis? Answered before every other middleware, so it needs no session, no allowed host and no
HTTPS (the check comes from inside the network)."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse

HEALTH_PATH = "/healthz"
log = logging.getLogger("loti.health")


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # any failure is "unavailable", never a 500
        log.warning("healthz: database unavailable: %s", str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__)
        return "unavailable"


def _redis() -> str:
    url = getattr(settings, "REDIS_URL", None)
    if not url:
        return "not configured"  # the demo runs tasks in-process
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
        return "ok"
    except redis.RedisError as error:
        log.warning("healthz: redis unavailable: %s", error)
        return "unavailable"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        checks = {"database": _database(), "redis": _redis()}
        healthy = "unavailable" not in checks.values()
        response = JsonResponse({"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503)
        response["Cache-Control"] = "no-store"
        return response


def main(argv: list[str]) -> int:
    """The containers' health check. With a URL (web): that URL answers 200. Without (beat): this container
    reaches PostgreSQL and Redis, as /healthz would."""
    if argv:
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(argv[0], timeout=8) as response:
                return 0 if response.status == 200 else 1
        except (urllib.error.URLError, OSError) as error:
            print(f"unhealthy: {error}")
            return 1
    import django

    django.setup()
    checks = {"database": _database(), "redis": _redis()}
    print(" ".join(f"{name}={state}" for name, state in checks.items()))
    return 1 if "unavailable" in checks.values() else 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
