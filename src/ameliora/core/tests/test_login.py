"""Signing in: by email, and rate-limited against password guessing (allauth's ``login_failed`` limit),
without keeping the client's address in the cache."""

from __future__ import annotations

import base64
import pickle

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from pytest_django.fixtures import Settings

from ameliora.core.adapters import AccountAdapter
from ameliora.core.models import Membership
from ameliora.core.tests.assertions import shows
from ameliora.core.tests.factories import PASSWORD


def sign_in(client: Client, email: str, password: str) -> int:
    return client.post("/accounts/login/", {"login": email, "password": password}).status_code


def test_the_rate_limit_cache_table_exists_in_the_test_database(db: None) -> None:
    # The limits are counted in the database cache, shared by every app process.
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert settings.CACHES["default"]["LOCATION"] in connection.introspection.table_names()


def test_a_member_signs_in_with_email_and_password(bob: Membership, client: Client) -> None:
    assert sign_in(client, "BOB@tilleuls.test", PASSWORD) == 302
    assert client.get("/")["Location"] == "/o/tilleuls/"


def test_after_five_failed_attempts_even_the_right_password_is_refused(bob: Membership, client: Client) -> None:
    for _attempt in range(5):
        assert sign_in(client, "bob@tilleuls.test", "wrong-password") == 200

    response = client.post("/accounts/login/", {"login": "bob@tilleuls.test", "password": PASSWORD})

    assert response.status_code == 200
    assert shows(response, DefaultAccountAdapter.error_messages["too_many_login_attempts"])
    assert "_auth_user_id" not in client.session


def test_the_limit_counts_per_account_whatever_the_address(bob: Membership) -> None:
    for attempt in range(5):
        Client(REMOTE_ADDR=f"198.51.100.{attempt}").post(
            "/accounts/login/", {"login": "bob@tilleuls.test", "password": "wrong-password"}
        )

    assert sign_in(Client(REMOTE_ADDR="203.0.113.9"), "bob@tilleuls.test", PASSWORD) == 200


def test_failed_attempts_on_one_account_do_not_lock_a_colleague_out(
    alice: Membership, bob: Membership, client: Client
) -> None:
    for _attempt in range(4):
        sign_in(Client(), "bob@tilleuls.test", "wrong-password")

    assert sign_in(client, "alice@tilleuls.test", PASSWORD) == 302


# --- client addresses are never kept in clear --------------------------------------------------------------

PROXY = "127.0.0.1"
FIRST_CLIENT = "203.0.113.77"
SECOND_CLIENT = "198.51.100.23"


def sign_in_from(address: str, email: str, password: str) -> int:
    """Sign in through the reverse proxy, which appends the client's address to X-Forwarded-For."""
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)
    return sign_in(client, email, password)


def cache_rows() -> list[tuple[str, str]]:
    """Every key of the database cache with its stored value, unpickled (rate-limit histories)."""
    table = connection.ops.quote_name(settings.CACHES["default"]["LOCATION"])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {table}")  # noqa: S608 - the table name is ours
        rows = cursor.fetchall()
    return [(key, repr(pickle.loads(base64.b64decode(value)))) for key, value in rows]  # noqa: S301 - our own cache


@pytest.fixture
def behind_one_proxy(settings: Settings, db: None) -> None:
    """As documented for nginx: TRUSTED_PROXY_COUNT=1."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    cache.clear()


@pytest.mark.usefixtures("behind_one_proxy")
def test_failed_logins_leave_no_client_address_in_the_cache(bob: Membership) -> None:
    for _attempt in range(3):
        sign_in_from(FIRST_CLIENT, "bob@tilleuls.test", "wrong-password")

    rows = cache_rows()
    assert any(key.startswith(":1:allauth:rl:") for key, _value in rows)  # the limits did count
    for key, value in rows:
        assert FIRST_CLIENT not in key
        assert FIRST_CLIENT not in value
        assert PROXY not in key


@pytest.mark.usefixtures("behind_one_proxy")
def test_the_per_address_limit_still_stops_one_client_and_not_the_next(bob: Membership) -> None:
    # Five failures on five different accounts: only the per-address part of login_failed can count them.
    for attempt in range(5):
        assert sign_in_from(FIRST_CLIENT, f"nobody{attempt}@tilleuls.test", "wrong-password") == 200

    assert sign_in_from(FIRST_CLIENT, "bob@tilleuls.test", PASSWORD) == 200  # refused, still on the form
    assert sign_in_from(SECOND_CLIENT, "bob@tilleuls.test", PASSWORD) == 302


def test_the_pseudonym_groups_an_ipv6_network_as_allauth_does(rf: RequestFactory) -> None:
    adapter = AccountAdapter()
    first = adapter.get_client_ip(rf.get("/", REMOTE_ADDR="2001:db8:1:2::1"))
    same_network = adapter.get_client_ip(rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9"))
    other_network = adapter.get_client_ip(rf.get("/", REMOTE_ADDR="2001:db8:1:3::1"))

    assert first == same_network != other_network
    assert "2001" not in first
