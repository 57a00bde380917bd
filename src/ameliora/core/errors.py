"""Server errors: a database out of reach for a moment answers 503 "try again", not a bare 500.

Django calls :func:`server_error` (``handler500``) for any exception a view or a middleware let
through, with the exception still being handled. When it is a database connection lost or refused,
a query cancelled, or SQLite locked beyond its busy timeout, the answer is a 503 page that says to
try again in a moment (JSON ``{"message": …}`` under ``/api/``). Nothing committed is lost: the
request's own transaction rolled back; Django drops the broken connection (``close_old_connections``
at the end of the request; ``CONN_HEALTH_CHECKS`` for one kept between requests), so the next
request opens a fresh one.

The page is rendered without the request's context processors: they would query the database.
"""

from __future__ import annotations

import sqlite3
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.views import defaults

RETRY_AFTER_SECONDS = 10
API_MESSAGE = "The database is unavailable for a moment. Try again in a few seconds."


def is_database_unavailable(exc: BaseException | None) -> bool:
    """A connection-level failure worth retrying, as opposed to a bug in a query."""
    if isinstance(exc, InterfaceError):  # the connection was already closed
        return True
    if not isinstance(exc, OperationalError):
        return False
    if isinstance(exc.__cause__, sqlite3.OperationalError):
        # SQLite reports a missing table as an OperationalError too: only locks are transient.
        return "locked" in str(exc.__cause__)
    return True  # PostgreSQL: connection lost or refused, admin shutdown, query cancelled, lock timeout


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    if not is_database_unavailable(sys.exc_info()[1]):
        return defaults.server_error(request, template_name)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"message": API_MESSAGE}, status=503)
    else:
        html = render_to_string("503.html", {"LANGUAGE_CODE": get_language(), "retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
