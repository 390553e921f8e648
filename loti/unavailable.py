"""503, not 500, while PostgreSQL is away: the portal's "try again in a minute" page with Retry-After.

Two ways in, because Django turns an exception into a response where it happens: a view (or its template) that
cannot reach the database is caught by the middleware's process_exception; an error in another middleware (the
session or user lookup) reaches `server_error`, the portal's handler500. The outage is logged once per process
when it starts and once when it ends, never as a traceback per request.
"""

import logging
import time

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from loti.log_filters import is_database_unavailable

RETRY_AFTER_SECONDS = 60
log = logging.getLogger("loti.unavailable")
_away_since: float | None = None  # per process: when this process first saw the database away


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def unavailable_response(request, error: BaseException) -> HttpResponse:
    global _away_since
    if _away_since is None:
        _away_since = time.monotonic()
        log.warning("database unavailable (answering 503 until it is back): %s", _first_line(error))
    # Rendered without context processors: the user, the session and messages all live in the database.
    content = loader.get_template("503.html").render({"request": request, "user": AnonymousUser(), "messages": []})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response.database_unavailable = True  # type: ignore[attr-defined]  # a mark on this response for the middleware
    return response


def _database_answers() -> bool:
    """Asked only while an outage is open: a page that made no query proves nothing."""
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        return False


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        global _away_since
        response = self.get_response(request)
        if _away_since is not None and not getattr(response, "database_unavailable", False) and _database_answers():
            log.warning("database back after %.0f s", time.monotonic() - _away_since)
            _away_since = None
        return response

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            return unavailable_response(request, exception)
        return None


@requires_csrf_token
def server_error(request, template_name="500.html"):
    """handler500: the 503 page when the error was the database being away, else the portal's 500 page."""
    import sys

    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return unavailable_response(request, error)
    from loti.pages import server_error as portal_server_error

    return portal_server_error(request, template_name=template_name)
