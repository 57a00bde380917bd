"""Per-client rate limits of the public pages (and per API token), without storing the client's address.

The cache key is an HMAC of the client address (keyed with the project's secret, so a key cannot be
reversed by trying addresses), of the scope and of the time window; it expires with the window. The
address itself is never written anywhere by Ameliora: not in the database, not in the cache. allauth's
login rate limits get a keyed pseudonym of the address instead of the address too
(``address_pseudonym``, through ``core.adapters.AccountAdapter.get_client_ip``).

The client address is the one allauth's login rate limits use: behind a reverse proxy it is read
from ``X-Forwarded-For`` according to ``TRUSTED_PROXY_COUNT`` (see docs/operations.md), so the
visitors are not all counted as the proxy's own address.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

# (allowed attempts, window in seconds)
Limit = tuple[int, int]


def client_address(request: HttpRequest) -> str:
    """The client's address as the login rate limits see it; ``REMOTE_ADDR`` when unresolvable."""
    try:
        return str(get_adapter(request).get_client_address(request))
    except PermissionDenied:  # no address at all, or fewer X-Forwarded-For hops than proxies
        return str(request.META.get("REMOTE_ADDR", "") or "unknown")


def address_pseudonym(address: str) -> str:
    """A stand-in for a client address: the same for the same address (while ``SECRET_KEY`` stays),
    different for another, and not reversible without the secret (trying every IPv4 address needs it)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"client|{address}".encode(), hashlib.sha256).hexdigest()
    return f"client-{digest[:32]}"


def _key(identity: str, namespace: str, scope: str, window: int) -> str:
    bucket = int(time.time() // window)
    message = f"{scope}|{bucket}|{identity}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]
    return f"{namespace}:rl:{scope}:{digest}"


def is_limited_for(identity: str, namespace: str, scope: str, limit: Limit) -> bool:
    """True when ``identity`` (a client address, an API token's key…) used up its attempts of ``scope``."""
    attempts, window = limit
    return int(cache.get(_key(identity, namespace, scope, window), 0)) >= attempts


def hit_for(identity: str, namespace: str, scope: str, limit: Limit) -> None:
    """Count one attempt of ``identity`` in ``scope``."""
    _attempts, window = limit
    key = _key(identity, namespace, scope, window)
    if not cache.add(key, 1, timeout=window):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=window)


def is_limited(request: HttpRequest, namespace: str, scope: str, limit: Limit) -> bool:
    """True when this client already used up its attempts of ``scope`` in the current window."""
    return is_limited_for(client_address(request), namespace, scope, limit)


def hit(request: HttpRequest, namespace: str, scope: str, limit: Limit) -> None:
    """Count one attempt of this client in ``scope``."""
    hit_for(client_address(request), namespace, scope, limit)
