"""The API's two ways in: a bearer token (scripts, other systems) or the session (the pages' htmx).

``core.tokens.TokenMiddleware`` has already checked a bearer token (state, rate, organization,
scopes) and signed the request in as the token's user; :class:`BearerToken` accepts that request
without a CSRF check, and puts the ``bearer`` security scheme in the OpenAPI document. A request
without a token goes on to the session, which checks the CSRF header on writes.
"""

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from ameliora.core.api_types import CSRF_FAILED


class BearerToken(HttpBearer):
    """``Authorization: Bearer am_…``: a personal or organization token (see core/tokens.py)."""

    openapi_bearerFormat = "am_<key>_<secret>"  # noqa: N815 (ninja's attribute name)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return getattr(request, "api_token", None)


class SessionCookie(SessionAuth):
    """Django's session, as ninja's ``django_auth``; a failed CSRF check says how to pass it."""

    def _get_key(self, request: HttpRequest) -> Any:
        try:
            return super()._get_key(request)
        except HttpError as exc:
            raise HttpError(403, str(CSRF_FAILED)) from exc
