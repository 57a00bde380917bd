"""Signing in: by email, and rate-limited against password guessing (allauth's ``login_failed`` limit)."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import connection
from django.test import Client

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
