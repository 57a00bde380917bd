"""The OpenAPI schema and its Swagger UI page, for signed-in people only.

The schema names every endpoint and field of the application; a visitor without an account has no
use for it. django-ninja wraps both views (``openapi-json`` and ``openapi-view``) in the same
``docs_decorator``: anonymous callers get a JSON 401 for the schema, as for every other API URL, and
the sign-in page (then back) for the docs page, which a person opens in a browser.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja.openapi.docs import Swagger

View = Callable[..., HttpResponse]

# Swagger UI's default validator badge is an image from a third-party site: the Content-Security-Policy
# would block it, and the schema must not be sent there.
SWAGGER = Swagger(settings={"validatorUrl": None})


def signed_in_only(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        match = request.resolver_match
        if match is not None and match.url_name == "openapi-view":
            return redirect_to_login(request.get_full_path())
        # Same body as the API's other 401 answers (api/urls.py, core/tenancy.py).
        return JsonResponse({"message": "Authentication required."}, status=401)

    return wrapper
