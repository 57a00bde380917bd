"""Production settings: ``check --deploy`` is clean, bad environments fail loudly, SQLite is set up for concurrency."""

from __future__ import annotations

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper
from pytest_django import DjangoDbBlocker

import ameliora.settings

SETTINGS_FILE = Path(ameliora.settings.__file__)
SRC = SETTINGS_FILE.parent.parent


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "DATABASE_URL", "ALLOWED_HOSTS", "REDIS_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ameliora.settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH", "")])),
        AMELIORA_VAR_DIR=str(tmp_path),
        DEBUG="False",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="ameliora.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    env.update(overrides)
    return env


def test_check_deploy_reports_nothing_with_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def load_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> dict[str, object]:
    """Execute settings.py afresh with ``env`` (the running test settings are left alone)."""
    for key in ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AMELIORA_VAR_DIR", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(SETTINGS_FILE))


@pytest.mark.parametrize("value", ["yes", "1", "on", ""])
def test_debug_must_be_true_or_false(value: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be True or False"):
        load_settings(monkeypatch, tmp_path, DEBUG=value)


def test_production_without_a_secret_key_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch, tmp_path, DEBUG="False")


def test_the_secret_key_can_come_from_a_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("s3cret-from-a-docker-secret\n", encoding="utf-8")

    loaded = load_settings(monkeypatch, tmp_path, DEBUG="False", SECRET_KEY_FILE=str(secret_file))

    assert loaded["SECRET_KEY"] == "s3cret-from-a-docker-secret"


def test_without_redis_or_a_bucket_sessions_are_in_the_database_and_files_on_disk(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for key in ("REDIS_URL", "AMELIORA_S3_BUCKET"):
        monkeypatch.delenv(key, raising=False)

    loaded = load_settings(monkeypatch, tmp_path)

    assert "SESSION_ENGINE" not in loaded  # Django's default: the database
    assert loaded["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"  # type: ignore[index]


def test_with_redis_the_cache_and_the_sessions_are_in_redis(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    loaded = load_settings(monkeypatch, tmp_path, REDIS_URL="redis://redis.internal:6379/2")

    assert loaded["CACHES"]["default"] == {  # type: ignore[index]
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://redis.internal:6379/2",
    }
    assert loaded["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_with_a_bucket_files_go_to_object_storage_without_overwriting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    secret_file = tmp_path / "s3_secret"
    secret_file.write_text("s3-secret\n", encoding="utf-8")

    loaded = load_settings(
        monkeypatch,
        tmp_path,
        AMELIORA_S3_BUCKET="ameliora-fichiers",
        AMELIORA_S3_ENDPOINT_URL="https://s3.fr-par.example",
        AMELIORA_S3_REGION="fr-par",
        AMELIORA_S3_ACCESS_KEY_ID="key-id",
        AMELIORA_S3_SECRET_ACCESS_KEY_FILE=str(secret_file),
    )

    storage = loaded["STORAGES"]["default"]  # type: ignore[index]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"] | {"max_memory_size": None} == {
        "bucket_name": "ameliora-fichiers",
        "endpoint_url": "https://s3.fr-par.example",
        "region_name": "fr-par",
        "access_key": "key-id",
        "secret_key": "s3-secret",
        "addressing_style": "path",
        "file_overwrite": False,
        "default_acl": None,
        "max_memory_size": None,
    }


@pytest.mark.skipif(connection.vendor != "sqlite", reason="WAL and busy timeout are SQLite settings")
def test_sqlite_connections_use_wal_and_a_busy_timeout(tmp_path: Path, django_db_blocker: DjangoDbBlocker) -> None:
    # The test database lives in memory, where WAL does not exist: open a file database with the same settings.
    params = {**settings.DATABASES["default"], "NAME": str(tmp_path / "wal.sqlite3")}
    fresh = DatabaseWrapper(params, alias="wal-check")
    with django_db_blocker.unblock():
        with fresh.cursor() as cursor:
            journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
            busy_timeout = cursor.execute("PRAGMA busy_timeout").fetchone()[0]
        fresh.close()

    assert journal_mode == "wal"
    assert busy_timeout >= 5000
