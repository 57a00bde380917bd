"""Assembles each app's ninja router under ``/api/v1/``.

Every error is JSON ``{"message": …}`` in the user's language (French unless the language cookie
says otherwise), and every operation documents its 4xx answers (``core.api_types.ERRORS``); a 422
adds one message per wrong field (``api/errors.py``).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputError

from ameliora.api.auth import BearerToken, SessionCookie
from ameliora.api.docs import SWAGGER, signed_in_only
from ameliora.api.errors import invalid_input
from ameliora.assessments.api import router as assessments_router
from ameliora.core.api import router as core_router
from ameliora.core.api_types import AUTHENTICATION_REQUIRED, FORBIDDEN, NOT_FOUND
from ameliora.documents.api import router as documents_router
from ameliora.events.api import router as events_router
from ameliora.indicators.api import router as indicators_router
from ameliora.learning.api import router as learning_router
from ameliora.plans.api import router as plans_router
from ameliora.processes.api import router as processes_router
from ameliora.surveys.api import router as surveys_router

BODY_UNREADABLE = _("The request body cannot be read: send JSON.")


api = NinjaAPI(
    title="Ameliora API",
    version="1",
    description="Quality and patient-safety work of care teams. Scripts and other systems send an API token "
    "(personal or organization, created in the settings pages or with `ameliora token create`) in the "
    "header `Authorization: Bearer am_…`; a token reads (GET) or also writes the modules it was given, "
    "in its organization only, and a JSON 429 answers beyond its requests per minute. The pages use "
    "session authentication (send the csrftoken cookie's value in the X-CSRFToken header with every "
    'POST). Organization resources live under /o/{org_slug}/. Errors are JSON {"message": …} in the '
    "user's language.",
    auth=[BearerToken(), SessionCookie()],
    urls_namespace="api",
    docs=SWAGGER,
    docs_decorator=signed_in_only,
)
api.add_router("/", core_router)
api.add_router("/o/{org_slug}/documents", documents_router)
api.add_router("/o/{org_slug}/indicators", indicators_router)
api.add_router("/o/{org_slug}/events", events_router)
api.add_router("/o/{org_slug}/assessments", assessments_router)
api.add_router("/o/{org_slug}/plans", plans_router)
api.add_router("/o/{org_slug}/processes", processes_router)
api.add_router("/o/{org_slug}/learning", learning_router)
api.add_router("/o/{org_slug}/surveys", surveys_router)


def _message(request: HttpRequest, message: object, status: int) -> HttpResponse:
    return api.create_response(request, {"message": str(message)}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _message(request, NOT_FOUND, 404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _message(request, FORBIDDEN, 403)


@api.exception_handler(MultiPartParserError)
def unreadable(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # Django's CSRF check reads a POST form before ninja reads anything: a broken multipart body
    # (no boundary) would otherwise be Django's HTML 400 page.
    return _message(request, BODY_UNREADABLE, 400)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _message(request, " ".join(exc.messages), 400)


# ninja's own errors answer {"detail": ...} in English; ours all answer {"message": ...}.
@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # Same body as the tenancy middleware's 401 for /api/v1/o/<slug>/ URLs.
    return _message(request, AUTHENTICATION_REQUIRED, 401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Our views raise ``HttpError`` with translated messages only."""
    return _message(request, exc.message, exc.status_code)


@api.exception_handler(InputError)
def invalid_request(request: HttpRequest, exc: InputError) -> HttpResponse:
    return api.create_response(request, invalid_input(exc.errors).dict(), status=422)
