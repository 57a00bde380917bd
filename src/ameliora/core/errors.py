"""Error pages: refusals (403) and missing pages (404) in the app's layout; the 503 page when the
database is out of reach for a moment, instead of a bare 500.

:func:`permission_denied` (``handler403``) and :func:`page_not_found` (``handler404``) render in
``base.html`` with the navigation, say why in plain words and what to do, and link back (to the page
the person came from when it is one of ours, else to the dashboard). Under ``/api/`` they answer
JSON ``{"message": …}`` like the rest of the API.

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
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views import defaults

from ameliora.core.api_types import FORBIDDEN, NOT_FOUND

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


def _back_url(request: HttpRequest) -> str:
    """Where "go back" leads: the referring page when it is on this site (and not this very page), else home."""
    referer = request.headers.get("referer", "")
    if (
        referer
        and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and not referer.endswith(request.get_full_path())
    ):
        return referer
    organization = getattr(request, "organization", None)
    areas = getattr(request, "guest_areas", [])
    if getattr(request, "membership", None) is None and areas:
        return str(areas[0].url)  # a guest: the space they were invited to, not the host's dashboard
    if organization is not None:
        return reverse("core:dashboard", kwargs={"org_slug": organization.slug})
    return reverse("core:home")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A member reached a page their roles do not open: say so, name their roles, and link back."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": str(FORBIDDEN)}, status=403)
    return render(request, "403.html", {"back_url": _back_url(request)}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Nothing here, or nothing this person may open (other organizations answer 404 too, on purpose)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"message": str(NOT_FOUND)}, status=404)
    return render(request, "404.html", {"back_url": _back_url(request)}, status=404)
