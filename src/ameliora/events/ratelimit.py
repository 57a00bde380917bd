"""Per-client rate limits of the public pages, without storing the client's address.

The cache key is an HMAC of the address (keyed with the project's secret, so the key cannot be
reversed by trying addresses) and of the time window; it expires with the window. The address itself
is never written anywhere by Ameliora: not in the database, not in the cache, not in the event.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# scope -> (allowed attempts, window in seconds)
LIMITS: dict[str, tuple[int, int]] = {
    "declare": (5, 3600),  # five declarations an hour from one client
    "track_fail": (10, 900),  # ten wrong tracking codes per quarter of an hour
    "track_message": (20, 3600),  # twenty messages an hour
}


def _client_key(request: HttpRequest, scope: str) -> tuple[str, int]:
    _limit, window = LIMITS[scope]
    address = request.META.get("REMOTE_ADDR", "") or "unknown"
    bucket = int(time.time() // window)
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{scope}|{bucket}|{address}".encode(), hashlib.sha256).hexdigest()[
        :40
    ]
    return f"events:rl:{scope}:{digest}", window


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
