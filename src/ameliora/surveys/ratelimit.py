"""Per-client rate limit of the public answer page, without storing the client's address.

The same approach as :mod:`ameliora.events.ratelimit` (domain apps do not import each other): the
cache key is an HMAC of the address, keyed with the project's secret, and of the time window; it
expires with the window. The address itself is never written anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# scope -> (allowed attempts, window in seconds). A shared tablet in a waiting room answers often.
LIMITS: dict[str, tuple[int, int]] = {
    "answer": (30, 3600),  # thirty submitted questionnaires an hour from one connection
    # Refused submissions (missing or malformed answers) count apart, with room for honest corrections:
    # a flood of invalid posts costs a form validation each and is stopped too.
    "invalid": (120, 3600),
}


def _client_key(request: HttpRequest, scope: str) -> tuple[str, int]:
    _limit, window = LIMITS[scope]
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    bucket = int(time.time() // window)
    message = f"{scope}|{bucket}|{address}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]
    return f"surveys:rl:{scope}:{digest}", window


def is_limited(request: HttpRequest, scope: str) -> bool:
    """True when this client already used up its attempts in the current window."""
    key, _window = _client_key(request, scope)
    return int(cache.get(key, 0)) >= LIMITS[scope][0]


def hit(request: HttpRequest, scope: str) -> None:
    """Count one attempt of this client."""
    key, window = _client_key(request, scope)
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=window)
