"""Typed requests, so views say what they may rely on, and the parsing of the odd hand-read parameter."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, QueryDict

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from ameliora.core.guests import GuestArea
    from ameliora.core.models import Membership, Organization, User


class AuthenticatedRequest(HttpRequest):
    user: User
    htmx: HtmxDetails


class OrgRequest(AuthenticatedRequest):
    """A request under ``/o/<org_slug>/``: the tenancy middleware has resolved both attributes."""

    organization: Organization
    membership: Membership


class GuestRequest(AuthenticatedRequest):
    """A request to a guest view (:func:`ameliora.core.guests.guest_view`): a member of the organization
    (``membership`` set), or a guest of it (``membership`` is ``None``, ``guest_areas`` lists what they may open)."""

    organization: Organization
    membership: Membership | None
    guest_areas: list[GuestArea]


#: The status of a page shown again with a refused form: its errors stand next to their fields and
#: what was typed is kept. 422 says "understood, but not valid"; htmx swaps it into the page as it
#: does a 200 (the ``htmx-config`` meta tag of ``base.html``), while it ignores other 4xx answers.
INVALID_FORM = HTTPStatus.UNPROCESSABLE_ENTITY


def form_status(*forms: Any) -> int:
    """:data:`INVALID_FORM` when one of ``forms`` (``None`` allowed) holds errors, else 200."""
    return INVALID_FORM if any(form is not None and form.errors for form in forms) else HTTPStatus.OK


def posted(request: HttpRequest) -> QueryDict | None:
    """The data to bind a form to: the POST body on a POST, even an empty one, else ``None``.

    ``Form(request.POST or None)`` leaves the form unbound when a POST has no field at all (a robot, a
    forged request): it is then neither valid nor in error, and the page answers without a message.
    """
    return request.POST if request.method == "POST" else None


#: A database id has at most 18 digits (a 64-bit integer); more would overflow the column.
_ID_DIGITS = 18


def parse_id(text: str | None) -> int | None:
    """``text`` as an object id if it is one, else ``None``.

    For ids read from ``request.GET`` / ``request.POST`` by hand. ``str.isdigit`` is not enough:
    ``"²".isdigit()`` is true and ``int("²")`` raises, and 30 digits overflow the database's integer.
    """
    if text and len(text) <= _ID_DIGITS and text.isascii() and text.isdigit():
        return int(text)
    return None
