"""Assembles each app's ninja router under ``/api/v1/``. Errors are JSON: ``{"message": ...}``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InputError
from ninja.security import django_auth

from ameliora.api.docs import SWAGGER, signed_in_only
from ameliora.assessments.api import router as assessments_router
from ameliora.core.api import router as core_router
from ameliora.documents.api import router as documents_router
from ameliora.events.api import router as events_router
from ameliora.indicators.api import router as indicators_router
from ameliora.learning.api import router as learning_router
from ameliora.plans.api import router as plans_router
from ameliora.processes.api import router as processes_router
from ameliora.surveys.api import router as surveys_router

api = NinjaAPI(
    title="Ameliora API",
    version="1",
    description="Quality and patient-safety work of care teams. Session authentication; "
    "organization resources live under /o/{org_slug}/.",
    auth=django_auth,
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


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"message": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"message": "You do not have the right to do this."}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"message": " ".join(exc.messages)}, status=400)


# ninja's own errors answer {"detail": ...}; ours all answer {"message": ...}.
@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    # Same body as the tenancy middleware's 401 for /api/v1/o/<slug>/ URLs.
    return api.create_response(request, {"message": "Authentication required."}, status=401)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"message": exc.message}, status=exc.status_code)


@api.exception_handler(InputError)
def invalid_input(request: HttpRequest, exc: InputError) -> HttpResponse:
    return api.create_response(request, {"message": "Invalid request.", "errors": exc.errors}, status=422)
