"""Assembles each app's ninja router under ``/api/v1/``. Errors are JSON: ``{"message": ...}``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from ameliora.core.api import router as core_router

api = NinjaAPI(
    title="Ameliora API",
    version="1",
    description="Quality and patient-safety work of care teams. Session authentication; "
    "organization resources live under /o/{org_slug}/.",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/", core_router)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"message": "Not found."}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"message": "You do not have the right to do this."}, status=403)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"message": " ".join(exc.messages)}, status=400)
