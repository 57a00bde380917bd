"""The public pages' rate limits count each visitor, also behind the reverse proxy."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.http import HttpRequest
from django.test import RequestFactory, override_settings

from ameliora.core import ratelimit

pytestmark = pytest.mark.django_db  # the cache is the database cache

LIMIT = (2, 3600)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def _request(remote: str, forwarded: str | None = None) -> HttpRequest:
    request = RequestFactory().post("/", REMOTE_ADDR=remote)
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_each_forwarded_client_has_its_own_count() -> None:
    first = _request("127.0.0.1", "203.0.113.7")
    for _ in range(LIMIT[0]):
        ratelimit.hit(first, "test", "scope", LIMIT)

    assert ratelimit.is_limited(first, "test", "scope", LIMIT)
    assert not ratelimit.is_limited(_request("127.0.0.1", "198.51.100.4"), "test", "scope", LIMIT)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_a_client_cannot_escape_its_count_by_forging_a_forwarded_address() -> None:
    client = _request("127.0.0.1", "203.0.113.7")
    for _ in range(LIMIT[0]):
        ratelimit.hit(client, "test", "scope", LIMIT)

    # The proxy appends the real address last; a forged first hop changes nothing.
    forged = _request("127.0.0.1", "10.9.8.7, 203.0.113.7")
    assert ratelimit.is_limited(forged, "test", "scope", LIMIT)


def test_without_a_proxy_the_connection_address_counts_and_scopes_are_separate() -> None:
    client = _request("192.0.2.10")
    for _ in range(LIMIT[0]):
        ratelimit.hit(client, "test", "scope", LIMIT)

    assert ratelimit.is_limited(client, "test", "scope", LIMIT)
    assert not ratelimit.is_limited(client, "test", "other", LIMIT)
    assert not ratelimit.is_limited(_request("192.0.2.11"), "test", "scope", LIMIT)


def test_the_address_is_not_in_the_cache_key() -> None:
    assert "192.0.2.10" not in ratelimit._key(ratelimit.client_address(_request("192.0.2.10")), "test", "scope", 3600)
