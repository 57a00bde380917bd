"""The database out of reach for a moment: a clear 503 page, nothing committed lost, the next request works.

* PostgreSQL: the request's own connection is terminated by the server (``pg_terminate_backend``)
  in the middle of the request, or while it sits idle between two requests;
* SQLite: another connection holds the write lock, so the request finds the database locked.

The test client leaves out what a WSGI server does around each request: Django's
``close_old_connections`` when the request starts and when it ends, which drops a broken or expired
connection. :func:`served` puts it back, so that these tests see what gunicorn would.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, cast

import psycopg
import pytest
from django.db import close_old_connections, connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.test import Client

from ameliora.core.errors import API_MESSAGE
from ameliora.core.models import Invitation, Membership

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL connection faults")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite locks")

MEMBERS = "/o/tilleuls/members/"
API_MEMBERS = "/api/v1/o/tilleuls/members"


def served(client: Client, method: str, path: str, data: dict[str, Any] | None = None) -> Any:
    """One request as a WSGI server runs it (see the module docstring)."""
    close_old_connections()
    response = getattr(client, method)(path, data or {})
    close_old_connections()
    return response


@pytest.fixture
def admin_client(alice: Membership, transactional_db: None) -> Client:
    """Alice, signed in, with a client that shows error pages instead of raising the view's exception."""
    client = Client(raise_request_exception=False)
    client.force_login(alice.user)
    return client


def invite(client: Client, email: str) -> Any:
    return served(client, "post", MEMBERS, {"email": email, "roles": ["member"]})


def assert_try_again_page(response: Any) -> None:
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Ameliora est momentanément indisponible" in page
    assert "Réessayez dans 10 secondes" in page
    assert "bootstrap.min.css" in page, "the page keeps its stylesheet"


# --- PostgreSQL ----------------------------------------------------------------------------------


def terminate(pid: int) -> None:
    """Kill one server process from another connection, as an administrator or a failover would."""
    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"], autocommit=True
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def dropping_connection_before(statement: str) -> Callable[..., Any]:
    """An execute wrapper that has the server terminate this connection just before ``statement`` runs."""

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if sql.startswith(statement):
            terminate(context["connection"].connection.info.backend_pid)
        return execute(sql, params, many, context)

    return wrapper


@pytest.fixture(params=[0, 60], ids=["CONN_MAX_AGE=0", "CONN_MAX_AGE=60"])
def conn_max_age(request: pytest.FixtureRequest, transactional_db: None) -> Iterator[int]:
    """Both documented settings: a connection per request, and one kept for a minute between requests."""
    previous = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = request.param
    connection.close()
    yield request.param
    connection.settings_dict["CONN_MAX_AGE"] = previous
    connection.close()


@postgresql_only
def test_a_connection_dropped_mid_request_gives_a_503_page_and_the_next_request_works(
    admin_client: Client, conn_max_age: int
) -> None:
    assert invite(admin_client, "first@tilleuls.test").status_code == 302

    with connection.execute_wrapper(dropping_connection_before('INSERT INTO "core_invitation"')):
        failed = invite(admin_client, "second@tilleuls.test")

    assert_try_again_page(failed)
    assert list(Invitation.objects.values_list("email", flat=True)) == ["first@tilleuls.test"]
    assert invite(admin_client, "second@tilleuls.test").status_code == 302
    page = served(admin_client, "get", MEMBERS).content.decode()
    assert "first@tilleuls.test" in page
    assert "second@tilleuls.test" in page


@postgresql_only
def test_a_connection_dropped_mid_request_answers_json_under_the_api(admin_client: Client) -> None:
    with connection.execute_wrapper(dropping_connection_before('SELECT "core_membership"')):
        failed = served(admin_client, "get", API_MEMBERS)

    assert failed.status_code == 503
    assert failed.json() == {"message": API_MESSAGE}
    assert served(admin_client, "get", API_MEMBERS).status_code == 200


@postgresql_only
def test_a_kept_connection_dropped_between_requests_is_replaced_before_use(admin_client: Client) -> None:
    connection.settings_dict["CONN_MAX_AGE"] = 60
    try:
        connection.close()
        assert served(admin_client, "get", MEMBERS).status_code == 200
        kept = connection.connection.info.backend_pid

        terminate(kept)  # e.g. PostgreSQL restarted while the web worker waited for the next request
        response = served(admin_client, "get", MEMBERS)

        assert response.status_code == 200
        assert connection.connection.info.backend_pid != kept
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.close()


# --- SQLite --------------------------------------------------------------------------------------


@contextmanager
def locked_elsewhere() -> Iterator[None]:
    """Another connection holds the write lock on the organizations table, which every page reads.

    The test database lives in memory with a shared cache, where a lock is reported at once; on a
    file, SQLite first waits for the busy timeout (20 s), which :func:`short_busy_timeout` shortens.
    """
    name = str(connection.settings_dict["NAME"])
    other = sqlite3.connect(name, uri=name.startswith("file:"), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE core_organization SET name = name")
        yield
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


@pytest.fixture
def short_busy_timeout(transactional_db: None) -> None:
    if not cast("SQLiteWrapper", connection).is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 200")


@sqlite_only
def test_a_locked_database_gives_a_503_page_and_the_next_request_works(
    admin_client: Client, short_busy_timeout: None
) -> None:
    assert invite(admin_client, "first@tilleuls.test").status_code == 302

    with locked_elsewhere():
        failed = invite(admin_client, "second@tilleuls.test")

    assert_try_again_page(failed)
    assert list(Invitation.objects.values_list("email", flat=True)) == ["first@tilleuls.test"]
    assert invite(admin_client, "second@tilleuls.test").status_code == 302
    page = served(admin_client, "get", MEMBERS).content.decode()
    assert "first@tilleuls.test" in page
    assert "second@tilleuls.test" in page


@sqlite_only
def test_a_locked_database_answers_json_under_the_api(admin_client: Client, short_busy_timeout: None) -> None:
    with locked_elsewhere():
        failed = served(admin_client, "get", API_MEMBERS)

    assert failed.status_code == 503
    assert failed.json() == {"message": API_MESSAGE}
    assert served(admin_client, "get", API_MEMBERS).status_code == 200
