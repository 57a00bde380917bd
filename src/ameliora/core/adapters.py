from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from ameliora.core.models import Invitation


def _invitation_url(request: HttpRequest) -> str | None:
    """The invitation the visitor opened (its token is kept in the session by the invitation page)."""
    token = request.session.get("invitation_token")
    return reverse("core:invitation_accept", kwargs={"token": token}) if token else None


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is by invitation only: accounts are created from an invitation link."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Only a pending invitation opens sign-up: an expired or revoked link must not.
        token = request.session.get("invitation_token")
        invitation = Invitation.objects.filter(token=token).first() if token else None
        return invitation is not None and invitation.is_pending

    def get_login_redirect_url(self, request: HttpRequest) -> Any:
        return _invitation_url(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> Any:
        # After sign-up (and its email confirmation) the newcomer goes back to accept the invitation.
        return _invitation_url(request) or super().get_signup_redirect_url(request)
