"""Who is asking, by address: behind the TLS proxy the connecting address is the proxy's, so the client's comes
from the proxy's header when the environment says the proxy is trusted (ALLAUTH_TRUSTED_PROXY_COUNT or
ALLAUTH_TRUSTED_CLIENT_IP_HEADER). The same answer counts sign-in failures (allauth) and goes in the security log."""

from allauth.account.adapter import get_adapter


def client_ip(request) -> str:
    if request is None:
        return "-"
    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # a header that does not match the configured proxies: log what we know, never fail
        return request.META.get("REMOTE_ADDR") or "-"
