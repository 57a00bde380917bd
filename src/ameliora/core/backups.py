"""Backups: the database and the uploaded files in one archive, and the way back.

An archive is a gzipped tar holding:

* ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the site runs) or
  ``database.pgdump`` (``pg_dump --format=custom``, restored by ``pg_restore``);
* ``media/…``: every file under ``MEDIA_ROOT`` (attachments, job results), read after the database,
  so every file the database refers to is there;
* ``manifest.json``, last: format version, application version, database vendor and server, the
  migrations applied, when it was made, and the SHA-256 and size of every other member.

:func:`create_backup` writes the archive under a temporary name, readable by its owner only (it
holds health data), and renames it into place once complete: a crash never leaves a truncated
archive under the final name. :func:`restore_backup` checks every member against the manifest
before it touches anything, refuses a database that already holds data unless forced, then restores
the database (one transaction) and the files.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_KEYS = {"format", "app_version", "created_at", "database", "migrations", "files"}
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
# libpq reads these from the environment; dj-database-url puts them in OPTIONS from the URL's query.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    size: int
    vendor: str
    files: int


@dataclass(frozen=True)
class RestoreSummary:
    created_at: str
    app_version: str
    vendor: str
    files: int
    organizations: int
    users: int
    pending_migrations: int


# --- Backup ----------------------------------------------------------------------------------------


def create_backup(destination: Path) -> BackupSummary:
    """Write an archive to ``destination`` (a file, or a directory that gets a dated file name)."""
    if destination.is_dir():
        destination = destination / f"ameliora-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar.gz"
    if not destination.parent.is_dir():
        raise BackupError(f"The directory {destination.parent} does not exist.")
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".ameliora-backup-") as scratch:
        dump = Path(scratch) / DATABASE_FILES[vendor]
        database = _dump_sqlite(dump) if vendor == "sqlite" else _dump_postgresql(dump)
        media = _media_files()
        manifest: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "app_version": version("ameliora"),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": database,
            "migrations": sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()),
            "files": {},
        }
        partial = destination.with_name(f".{destination.name}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as archive:
                    manifest["files"][dump.name] = _add(archive, dump, dump.name)
                    for path in media:
                        name = f"{MEDIA}/{path.relative_to(settings.MEDIA_ROOT).as_posix()}"
                        manifest["files"][name] = _add(archive, path, name)
                    _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, destination)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    _fsync_directory(destination.parent)
    return BackupSummary(destination, destination.stat().st_size, vendor, len(media))


def _dump_sqlite(target: Path) -> dict[str, str]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    return {"vendor": "sqlite", "server": f"SQLite {sqlite3.sqlite_version}", "tool": "sqlite3 backup API"}


def _dump_postgresql(target: Path) -> dict[str, str]:
    connection.ensure_connection()
    server_major = connection.pg_version // 10000  # type: ignore[attr-defined]
    tool, tool_version = _client_tool("pg_dump")
    if _major(tool_version) < server_major:
        raise BackupError(
            f"{tool_version} cannot dump a PostgreSQL {server_major} server: install the PostgreSQL "
            f"{server_major} client tools (Debian: postgresql-client-{server_major}) and put them first in PATH."
        )
    _run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"], "pg_dump")
    server = f"PostgreSQL {connection.pg_version // 10000}.{connection.pg_version % 10000}"  # type: ignore[attr-defined]
    return {"vendor": "postgresql", "server": server, "tool": tool_version}


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def _add(archive: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    """Add one file, hashing it as tar reads it (each file is read once)."""
    info = archive.gettarinfo(path, arcname=name)
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    with path.open("rb") as stream:
        reader = _HashingReader(stream)
        archive.addfile(info, reader)
    return {"sha256": reader.hexdigest(), "size": info.size}


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(content), 0o600, int(datetime.now(UTC).timestamp())
    archive.addfile(info, io.BytesIO(content))


class _HashingReader:
    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self._hash.update(chunk)
        return chunk

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _fsync_directory(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- Restore ---------------------------------------------------------------------------------------


def restore_backup(archive: Path, *, force: bool = False) -> RestoreSummary:
    """Check ``archive`` against its manifest, then replace the database and the uploaded files with it.

    Refuses, changing nothing: a damaged or foreign archive, a backup of the other database vendor,
    a backup made by newer code (migrations unknown here), and, unless ``force``, a database that
    already holds organizations or users, or a ``MEDIA_ROOT`` that already holds files.
    """
    if not archive.is_file():
        raise BackupError(f"No such file: {archive}")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".ameliora-restore-") as scratch:
        root = Path(scratch) / "archive"
        manifest = _extract_and_verify(archive, root)
        vendor = manifest["database"]["vendor"]
        newer = set(manifest["migrations"]) - _known_migrations()
        if newer:
            raise BackupError(
                f"This backup was made by a newer version of Ameliora ({manifest['app_version']}; "
                f"{len(newer)} migration(s) unknown here, e.g. {min(newer)}): install that version first."
            )
        if not force:
            _refuse_existing_data(media_root)
        database = root / DATABASE_FILES[vendor]
        if vendor == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_postgresql(database, manifest["database"]["tool"])
        files = _replace_media(root / MEDIA, media_root, Path(scratch) / "previous-media")
    from ameliora.core.models import Organization, User

    return RestoreSummary(
        created_at=manifest["created_at"],
        app_version=manifest["app_version"],
        vendor=vendor,
        files=files,
        organizations=Organization.objects.count(),
        users=User.objects.count(),
        pending_migrations=len(_known_migrations() - set(manifest["migrations"])),
    )


def _extract_and_verify(archive: Path, root: Path) -> dict[str, Any]:
    """Extract every member under ``root``, hashing as it goes, then check them all against the manifest."""
    found: dict[str, dict[str, Any]] = {}
    manifest_bytes = b""
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            for member in tar:
                name = _safe_name(member)
                stream = tar.extractfile(member)
                if stream is None or name in found:
                    raise BackupError(f"The archive holds {name} twice: it is not an Ameliora backup.")
                if name == MANIFEST:
                    manifest_bytes = stream.read()
                    continue
                found[name] = {"sha256": _copy(stream, root / name), "size": member.size}
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise BackupError(f"{archive} is not a readable backup archive ({exc}).") from exc
    try:
        manifest: dict[str, Any] = json.loads(manifest_bytes)
        supported = manifest["format"] == FORMAT_VERSION
        complete = manifest.keys() >= MANIFEST_KEYS and "vendor" in manifest["database"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"{archive} has no valid manifest: it is not an Ameliora backup.") from exc
    if supported and not complete:
        raise BackupError(f"{archive} has no valid manifest: it is not an Ameliora backup.")
    if not supported:
        raise BackupError(f"{archive} is a backup of format {manifest['format']}; this version reads {FORMAT_VERSION}.")
    expected: dict[str, dict[str, Any]] = manifest["files"]
    for name in sorted(set(expected) | set(found)):
        if expected.get(name) != found.get(name):
            problem = "is missing" if name not in found else "is not in the manifest" if name not in expected else ""
            raise BackupError(
                f"The archive is damaged: {name} {problem or 'does not match its checksum'}. Nothing was restored."
            )
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"This is a backup of a {vendor} database, and DATABASE_URL points at {connection.vendor}: "
            "restore it into the same kind of database."
        )
    if DATABASE_FILES[vendor] not in found:
        raise BackupError("The archive holds no database. Nothing was restored.")
    return manifest


def _copy(stream: IO[bytes], target: Path) -> str:
    """Write ``stream`` to ``target``; return its SHA-256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with target.open("wb") as out:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _safe_name(member: tarfile.TarInfo) -> str:
    path = PurePosixPath(member.name)
    if not member.isfile() or path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The archive holds an unexpected entry ({member.name!r}): it is not an Ameliora backup.")
    if path.parts[0] != MEDIA and member.name not in {MANIFEST, *DATABASE_FILES.values()}:
        raise BackupError(f"The archive holds an unexpected entry ({member.name!r}): it is not an Ameliora backup.")
    return path.as_posix()


def _known_migrations() -> set[str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def _refuse_existing_data(media_root: Path) -> None:
    from ameliora.core.models import Organization, User

    if Organization._meta.db_table in connection.introspection.table_names():
        organizations, users = Organization.objects.count(), User.objects.count()
        if organizations or users:
            raise BackupError(
                f"The database already holds data ({organizations} organization(s), {users} user(s)): "
                "restore replaces everything in it. Run it again with --force to do so."
            )
    if media_root.is_dir() and any(path.is_file() for path in media_root.rglob("*")):
        raise BackupError(
            f"{media_root} (MEDIA_ROOT) already holds files: restore replaces them. Run it again with --force to do so."
        )


def _restore_sqlite(database: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(database)
    try:
        # One step: the copy replaces the whole database (schema and rows) under one lock.
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_postgresql(dump: Path, dumped_with: str) -> None:
    tool, tool_version = _client_tool("pg_restore")
    if _major(tool_version) < _major(dumped_with):
        raise BackupError(
            f"The backup was made with {dumped_with}; {tool_version} cannot read it: install the "
            f"PostgreSQL {_major(dumped_with)} client tools (Debian: postgresql-client-{_major(dumped_with)})."
        )
    connection.close()
    options = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    _run([tool, *options, f"--dbname={connection.settings_dict['NAME']}", str(dump)], "pg_restore")


def _replace_media(extracted: Path, media_root: Path, previous: Path) -> int:
    """Put the archive's files in ``MEDIA_ROOT``; what was there goes to ``previous`` (deleted with the scratch)."""
    media_root.mkdir(parents=True, exist_ok=True)
    previous.mkdir()
    for entry in list(media_root.iterdir()):
        shutil.move(entry, previous / entry.name)
    if not extracted.is_dir():
        return 0
    for entry in list(extracted.iterdir()):
        shutil.move(entry, media_root / entry.name)
    return sum(1 for path in media_root.rglob("*") if path.is_file())


# --- PostgreSQL client tools --------------------------------------------------------------------


def _client_tool(name: str) -> tuple[str, str]:
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(f"{name} is not installed: install the PostgreSQL client tools (Debian: postgresql-client).")
    # No shell, and the tool is found on PATH as the operator set it up: nothing here comes from a user.
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603
    return tool, output.replace(" (PostgreSQL)", "").split(" (")[0]


def _major(tool_version: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)*", tool_version)
    return int(match.group(1)) if match else 0


def _run(command: list[str], name: str) -> None:
    result = subprocess.run(  # noqa: S603 - an argument list built here, no shell
        command, env=dict(_libpq_environment()), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip() or result.stdout.strip()}")


def _libpq_environment() -> Iterator[tuple[str, str]]:
    """The environment plus the connection settings, so that no password appears on a command line."""
    yield from os.environ.items()
    database = connection.settings_dict
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if database.get(key):
            yield variable, str(database[key])
    yield "PGDATABASE", str(database["NAME"])
    for option, variable in LIBPQ_OPTIONS.items():
        if option in database.get("OPTIONS", {}):
            yield variable, str(database["OPTIONS"][option])
