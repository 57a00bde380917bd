"""Per-client rate limit of the public answer page (see :mod:`ameliora.core.ratelimit`)."""

from __future__ import annotations

from django.http import HttpRequest

from ameliora.core import ratelimit

# scope -> (allowed attempts, window in seconds). A shared tablet in a waiting room answers often.
LIMITS: dict[str, tuple[int, int]] = {
    "answer": (30, 3600),  # thirty submitted questionnaires an hour from one connection
    # Refused submissions (missing or malformed answers) count apart, with room for honest corrections:
    # a flood of invalid posts costs a form validation each and is stopped too.
    "invalid": (120, 3600),
}


def is_limited(request: HttpRequest, scope: str) -> bool:
    """True when this client already used up its attempts in the current window."""
    return ratelimit.is_limited(request, "surveys", scope, LIMITS[scope])


def hit(request: HttpRequest, scope: str) -> None:
    """Count one attempt of this client."""
    ratelimit.hit(request, "surveys", scope, LIMITS[scope])
