"""Per-client rate limits of the public declaration and tracking pages (see :mod:`ameliora.core.ratelimit`)."""

from __future__ import annotations

from django.http import HttpRequest

from ameliora.core import ratelimit

# scope -> (allowed attempts, window in seconds)
LIMITS: dict[str, tuple[int, int]] = {
    "declare": (5, 3600),  # five declarations an hour from one client
    "track_fail": (10, 900),  # ten wrong tracking codes per quarter of an hour
    "track_message": (20, 3600),  # twenty messages an hour
}


def is_limited(request: HttpRequest, scope: str) -> bool:
    """True when this client already used up its attempts in the current window."""
    return ratelimit.is_limited(request, "events", scope, LIMITS[scope])


def hit(request: HttpRequest, scope: str) -> None:
    """Count one attempt of this client."""
    ratelimit.hit(request, "events", scope, LIMITS[scope])
