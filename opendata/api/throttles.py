"""One limit for every client of the public API, by its address (behind the proxy, the forwarded one)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class PublicApiThrottle(SimpleRateThrottle):
    scope = "public_api"

    def get_rate(self) -> str:
        return settings.LOTI_API_RATE  # read on each request, so settings (and tests) can change it

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
