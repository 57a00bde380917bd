from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is by invitation only: accounts are created from an invitation link."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(request.session.get("invitation_token"))

    def get_login_redirect_url(self, request: HttpRequest) -> Any:
        token = request.session.get("invitation_token")
        if token:
            from django.urls import reverse

            return reverse("core:invitation_accept", kwargs={"token": token})
        return super().get_login_redirect_url(request)
