"""Typed requests, so views say what they may rely on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from ameliora.core.models import Membership, Organization, User


class AuthenticatedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


class OrgRequest(AuthenticatedRequest):
    """A request under ``/o/<org_slug>/``: the tenancy middleware has resolved both attributes."""

    organization: Organization
    membership: Membership
