"""Public pages and open files served from cache to visitors who are not signed in.

A response is kept under the data version (loti/data_versions.py) and the full URL, so it is rebuilt on the first
request after the data under it changes. Only a visitor with no session or messages cookie is served from or fills
the cache: anything built for a signed-in person never reaches it (and loti.middleware marks theirs private).
Cached responses carry an ETag and Last-Modified, so a client (or a shared cache) can ask "changed since?" and get
a 304. The page's CSP nonce is fresh on every request: the cached body holds a placeholder that is replaced.
"""

import base64
import functools
import hashlib
import os

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from .data_versions import data_version

NONCE_PLACEHOLDER = "loti-csp-nonce-placeholder"
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
TIMEOUT = 24 * 60 * 60  # an entry outlives no version change; this only frees the space of unvisited URLs


def is_anonymous_visit(request) -> bool:
    """No sign-in, no session, no one-off messages: the response would be the same for every such visitor."""
    if request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _key(request, token: str) -> str:
    url = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"loti:public:{token}:{url}"


def _fresh_nonce(request) -> str | None:
    """A new nonce for this response, known to the CSP middleware so its header matches the page."""
    if not hasattr(request, "csp_nonce"):
        return None
    nonce = base64.b64encode(os.urandom(16)).decode("ascii")
    request._csp_nonce = nonce
    request.csp_nonce = nonce
    return nonce


def _finish(request, entry: dict, changed_at) -> HttpResponse:
    body = entry["body"]
    if entry["nonce"]:
        body = body.replace(NONCE_PLACEHOLDER.encode(), (_fresh_nonce(request) or "").encode())
    response = HttpResponse(body, status=200)
    for name, value in entry["headers"].items():
        response[name] = value
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(changed_at.timestamp())
    response["X-Public-Cache"] = entry.get("state", "hit")
    patch_cache_control(response, public=True, no_cache=True)  # shared caches must ask again: changes show at once
    patch_vary_headers(response, ("Cookie",))
    conditional = get_conditional_response(request, etag=entry["etag"], last_modified=int(changed_at.timestamp()), response=response)
    return conditional or response  # (it is given the response, so it never answers None)


def public_cached(view):
    """Wrap a view whose response to an anonymous visitor depends only on its URL and the public data."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_anonymous_visit(request):
            return view(request, *args, **kwargs)
        version = data_version()
        key = _key(request, version["token"])
        entry = cache.get(key)
        if entry is None:
            uses_nonce = hasattr(request, "csp_nonce")
            if uses_nonce:
                request._csp_nonce = NONCE_PLACEHOLDER
                request.csp_nonce = NONCE_PLACEHOLDER
            try:
                response = view(request, *args, **kwargs)
            except Exception:
                if uses_nonce:
                    _fresh_nonce(request)  # the error page gets a nonce of its own
                raise
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            if response.status_code != 200 or response.cookies or getattr(response, "streaming", False):
                if uses_nonce:
                    _fresh_nonce_into(request, response)
                return response
            body = response.content
            entry = {
                "body": body,
                "nonce": uses_nonce and NONCE_PLACEHOLDER.encode() in body,
                "headers": {name: response[name] for name in KEPT_HEADERS if name in response},
                "etag": f'"{hashlib.sha256(body).hexdigest()[:32]}"',
            }
            cache.set(key, entry, TIMEOUT)
            entry = entry | {"state": "miss"}
        return _finish(request, entry, version["at"])

    return wrapped


def _fresh_nonce_into(request, response) -> None:
    """An uncached response (an error page) rendered with the placeholder gets a real nonce too."""
    if hasattr(response, "content") and NONCE_PLACEHOLDER.encode() in response.content:
        nonce = _fresh_nonce(request) or ""
        response.content = response.content.replace(NONCE_PLACEHOLDER.encode(), nonce.encode())
