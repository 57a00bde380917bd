from __future__ import annotations

import ipaddress
from typing import Any

from allauth import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from ameliora.core import guests
from ameliora.core.models import Invitation
from ameliora.core.ratelimit import address_pseudonym


def _rate_limit_group(address: str) -> str:
    """The address, or for IPv6 its network (``ALLAUTH_RATE_LIMIT_IPV6_PREFIX``, /64 by default), as
    allauth groups addresses for its rate limits: one subscriber's whole IPv6 network counts as one client."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        prefix = allauth_settings.RATE_LIMIT_IPV6_PREFIX
        return str(ipaddress.IPv6Network(f"{ip}/{prefix}", strict=False).network_address)
    return address


def _invitation_url(request: HttpRequest) -> str | None:
    """The invitation the visitor opened (its token is kept in the session by the invitation page)."""
    token = request.session.get("invitation_token")
    if token:
        return reverse("core:invitation_accept", kwargs={"token": token})
    return guests.pending_invitation_url(request.session.get(guests.SESSION_KEY))


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is by invitation only: accounts are created from an invitation link (to join an
    organization, or as a guest of one of its exchange spaces).

    Client addresses: allauth keys its rate limits (``ACCOUNT_RATE_LIMITS``) with ``get_client_ip``, and
    keeps those keys in the cache for the length of each window. ``get_client_ip`` therefore answers a
    keyed pseudonym of the address, never the address; ``get_client_address`` is the real one.
    """

    def get_client_address(self, request: HttpRequest) -> str:
        """The client's address, resolved by allauth: the ``X-Forwarded-For`` hop added by the
        ``ALLAUTH_TRUSTED_PROXY_COUNT``-th trusted proxy, else ``REMOTE_ADDR`` (PermissionDenied if none)."""
        return str(super().get_client_ip(request))

    def get_client_ip(self, request: HttpRequest) -> str:
        return address_pseudonym(_rate_limit_group(self.get_client_address(request)))

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Only a pending invitation opens sign-up: an expired or revoked link must not.
        token = request.session.get("invitation_token")
        invitation = Invitation.objects.filter(token=token).first() if token else None
        if invitation is not None and invitation.is_pending:
            return True
        return guests.pending_invitation_url(request.session.get(guests.SESSION_KEY)) is not None

    def get_login_redirect_url(self, request: HttpRequest) -> Any:
        return _invitation_url(request) or super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> Any:
        # After sign-up (and its email confirmation) the newcomer goes back to accept the invitation.
        return _invitation_url(request) or super().get_signup_redirect_url(request)
