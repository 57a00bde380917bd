"""The one place that resolves ``request.organization`` and ``request.membership``.

Every URL under ``/o/<org_slug>/`` passes here before its view runs:

1. an anonymous visitor is sent to the login page;
2. a signed-in user who is not a member of that organization gets 404 (we do not reveal which
   organizations exist);
3. a non-member who holds a guest pass of that organization today reaches the views marked as
   guest views (:mod:`ameliora.core.guests`), with ``request.membership`` left ``None``;
4. a member whose organization requires two-factor authentication for their role, and who has
   not set it up, is sent to the two-factor set-up page.

Views below ``/o/<org_slug>/`` can therefore rely on ``request.membership`` being set; they do not
receive ``org_slug`` as an argument (it is consumed here), except API views, whose schema declares it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.validators import slug_re
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from ameliora.core.api_types import AUTHENTICATION_REQUIRED, NOT_FOUND
from ameliora.core.guests import allows_guests, guest_areas
from ameliora.core.models import Membership, Organization
from ameliora.core.permissions import MFA_SENSITIVE_ROLES
from ameliora.core.tokens import is_service_request

MFA_REQUIRED_MESSAGE = _("Your organization requires two-factor authentication for your role. Set it up to continue.")


def get_membership(user: Any, org_slug: str) -> Membership:
    """The user's membership in the organization named by ``org_slug``, or 404.

    API paths accept any text where the slug goes; a value that is no slug (a NUL character, which
    PostgreSQL refuses in a query) is unknown without asking the database.
    """
    if not user.is_authenticated or not slug_re.fullmatch(org_slug):
        raise Http404
    try:
        return (
            Membership.objects.select_related("organization", "user")
            .prefetch_related("role_set")
            .get(organization__slug=org_slug, user=user)
        )
    except Membership.DoesNotExist as exc:
        raise Http404 from exc


def needs_mfa_setup(membership: Membership) -> bool:
    if not membership.organization.require_mfa_for_managers:
        return False
    if not MFA_SENSITIVE_ROLES & membership.roles:
        return False
    return not Authenticator.objects.filter(user=membership.user, type=Authenticator.Type.TOTP).exists()


class OrganizationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organization = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        request.guest_areas = []  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        org_slug = view_kwargs.get("org_slug")
        if org_slug is None:
            return None
        is_api = request.path.startswith("/api/")
        if not is_api:
            # HTML views get the organization from the request; ninja views declare the path parameter.
            del view_kwargs["org_slug"]
        if not request.user.is_authenticated:
            if is_api:
                return JsonResponse({"message": str(AUTHENTICATION_REQUIRED)}, status=401)
            return redirect_to_login(request.get_full_path())
        try:
            membership = get_membership(request.user, org_slug)
        except Http404:
            return self._not_a_member(request, org_slug, view_func, is_api=is_api)
        request.organization = membership.organization  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        # A service token's account has no person to set up two-factor authentication.
        if not is_service_request(request) and needs_mfa_setup(membership):
            return self._ask_for_mfa_setup(request, is_api=is_api)
        return None

    def _not_a_member(
        self, request: HttpRequest, org_slug: str, view_func: Callable[..., HttpResponse], *, is_api: bool
    ) -> HttpResponse | None:
        """404 (JSON under ``/api/``), unless a guest of the organization opens a guest view."""
        if is_api:
            return JsonResponse({"message": str(NOT_FOUND)}, status=404)
        if allows_guests(view_func) and self._let_guest_in(request, org_slug):
            return None
        raise Http404

    @staticmethod
    def _let_guest_in(request: HttpRequest, org_slug: str) -> bool:
        """A guest view, and the person holds a guest pass of the organization today."""
        organization = Organization.objects.filter(slug=org_slug).first() if slug_re.fullmatch(org_slug) else None
        areas = guest_areas(request.user, organization) if organization is not None else []
        if not areas:
            return False
        request.organization = organization  # type: ignore[attr-defined]
        request.guest_areas = areas  # type: ignore[attr-defined]
        return True

    @staticmethod
    def _ask_for_mfa_setup(request: HttpRequest, *, is_api: bool) -> HttpResponse:
        if is_api:
            return JsonResponse({"message": str(MFA_REQUIRED_MESSAGE)}, status=403)
        messages.warning(request, MFA_REQUIRED_MESSAGE)
        return redirect("mfa_activate_totp")
