"""``ameliora backup`` and ``ameliora restore``: a backup restored into an empty database gives everything back.

These run on the suite's database: SQLite here, PostgreSQL in the PostgreSQL step of ``make test``
(where ``pg_dump`` and ``pg_restore`` do the work). Rows are committed (``transactional_db``) so that
``pg_dump``, another process, sees them.
"""

from __future__ import annotations

import io
import json
import re
import stat
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from ameliora.core import backups
from ameliora.core.demo import build_demo
from ameliora.core.models import Attachment, Membership, Organization, User
from ameliora.core.tests.assertions import downloaded
from ameliora.core.tests.factories import AttachmentFactory


def counts() -> dict[str, int]:
    """Rows per table, for every model (many-to-many tables included)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
    }


def files(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def backup(destination: Path) -> Path:
    out = io.StringIO()
    call_command("backup", str(destination), stdout=out)
    match = re.fullmatch(r"Backup written to (\S+) \(.*\)\n", out.getvalue())
    assert match, out.getvalue()
    return Path(match.group(1))


def restore(archive: Path, *options: str) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), *options, stdout=out)
    return out.getvalue()


def drop_every_table() -> None:
    """Leave the database as a freshly created one: no table at all."""
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TABLE {} CASCADE".format(", ".join(connection.ops.quote_name(t) for t in tables)))
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
            cursor.execute("PRAGMA foreign_keys = ON")
    assert connection.introspection.table_names() == []


def test_a_backup_restored_into_an_empty_database_gives_back_every_organization_record_and_file(
    transactional_db: None, media_root: Path, tmp_path: Path
) -> None:
    build_demo()
    before, uploaded = counts(), files(media_root)
    assert before["core.Organization"] >= 4
    assert before["core.Attachment"] > 0
    assert len(uploaded) >= before["core.Attachment"]
    destination = tmp_path / "backups"
    destination.mkdir()

    archive = backup(destination)

    assert [path.name for path in destination.iterdir()] == [archive.name], "no partial file left beside it"
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600, "readable by its owner only: it holds health data"

    drop_every_table()
    for path in media_root.rglob("*"):
        if path.is_file():
            path.unlink()
    summary = restore(archive)

    assert counts() == before
    assert files(media_root) == uploaded
    assert f"{before['core.Organization']} organization(s)" in summary
    assert f"{len(uploaded)} file(s)" in summary
    helene = User.objects.get(email="helene.garnier@tilleuls.test")
    client = Client()
    client.force_login(helene)
    assert client.get("/o/pharmacie-des-tilleuls/").status_code == 200
    attachment = Attachment.objects.filter(organization__slug="pharmacie-des-tilleuls").first()
    if attachment is not None:
        response = client.get(f"/o/pharmacie-des-tilleuls/attachments/{attachment.pk}/")
        assert response.status_code == 200
        assert downloaded(response) == uploaded[attachment.file.name]


@pytest.fixture
def small_site(alice: Membership, transactional_db: None) -> Attachment:
    """One organization, one person, one uploaded file."""
    return AttachmentFactory.create(organization=alice.organization, uploaded_by=alice.user)


@pytest.fixture
def archive(small_site: Attachment, tmp_path: Path) -> Path:
    return backup(tmp_path / "site.tar.gz")


def test_with_object_storage_the_backup_says_the_files_are_in_the_bucket_not_in_the_archive(
    tmp_path: Path, transactional_db: None, settings: Any
) -> None:
    settings.OBJECT_STORAGE_BUCKET = "ameliora-fichiers"
    out = io.StringIO()

    call_command("backup", str(tmp_path), stdout=out)

    written, note = out.getvalue().splitlines()
    assert written.startswith("Backup written to ")
    assert "bucket ameliora-fichiers" in note
    assert "not in this archive" in note


def test_restore_refuses_a_database_that_holds_data_unless_forced(archive: Path, small_site: Attachment) -> None:
    Organization.objects.create(name="Created after the backup", slug="later")

    with pytest.raises(CommandError, match=r"already holds data \(2 organization\(s\), 1 user\(s\)\).*--force"):
        restore(archive)

    assert Organization.objects.filter(slug="later").exists()
    restore(archive, "--force")
    assert list(Organization.objects.values_list("slug", flat=True)) == ["tilleuls"]
    assert small_site.file.read() == Attachment.objects.get().file.read()


def test_restore_refuses_files_already_in_media_root_unless_forced(
    archive: Path, small_site: Attachment, media_root: Path
) -> None:
    drop_every_table()
    (media_root / "stray.txt").write_text("left by someone")

    with pytest.raises(CommandError, match=r"MEDIA_ROOT.*already holds files"):
        restore(archive)

    restore(archive, "--force")
    assert not (media_root / "stray.txt").exists()
    assert Attachment.objects.get().file.read() == small_site.file.read()


def rewrite(archive: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of ``archive`` with members replaced (or removed, for None)."""
    members: dict[str, bytes] = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            stream = tar.extractfile(member)
            assert stream is not None
            members[member.name] = stream.read()
    members.update({name: content for name, content in change.items() if content is not None})
    for name in [name for name, content in change.items() if content is None]:
        del members[name]
    changed = archive.with_name("changed.tar.gz")
    with tarfile.open(changed, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return changed


def manifest_of(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as tar:
        stream = tar.extractfile(backups.MANIFEST)
        assert stream is not None
        manifest: dict[str, Any] = json.load(stream)
        return manifest


def test_the_manifest_describes_the_backup(archive: Path, small_site: Attachment) -> None:
    manifest = manifest_of(archive)

    assert manifest["format"] == 1
    assert manifest["app_version"] == "0.1.0"
    assert manifest["database"]["vendor"] == connection.vendor
    assert "core.0001_initial" in manifest["migrations"]
    assert set(manifest["files"]) == {
        backups.DATABASE_FILES[connection.vendor],
        f"media/{small_site.file.name}",
    }


def test_a_damaged_archive_is_refused_and_nothing_is_touched(archive: Path, small_site: Attachment) -> None:
    damaged = rewrite(archive, {f"media/{small_site.file.name}": b"flipped bits"})

    with pytest.raises(CommandError, match=f"damaged: media/{small_site.file.name} does not match its checksum"):
        restore(damaged, "--force")

    assert Organization.objects.count() == 1
    assert small_site.file.read() != b"flipped bits"


def test_an_archive_missing_a_file_is_refused(archive: Path, small_site: Attachment) -> None:
    with pytest.raises(CommandError, match="is missing"):
        restore(rewrite(archive, {f"media/{small_site.file.name}": None}), "--force")


def test_something_else_than_a_backup_is_refused(tmp_path: Path, transactional_db: None) -> None:
    not_a_backup = tmp_path / "photo.tar.gz"
    not_a_backup.write_bytes(b"\x89PNG\r\n")

    with pytest.raises(CommandError, match="not a readable backup archive"):
        restore(not_a_backup)
    with pytest.raises(CommandError, match="No such file"):
        restore(tmp_path / "missing.tar.gz")


def test_an_archive_whose_manifest_is_incomplete_is_refused(archive: Path) -> None:
    manifest = manifest_of(archive)
    del manifest["migrations"]

    with pytest.raises(CommandError, match="no valid manifest"):
        restore(rewrite(archive, {backups.MANIFEST: json.dumps(manifest).encode()}), "--force")


def test_a_backup_of_the_other_database_vendor_is_refused(archive: Path) -> None:
    manifest = manifest_of(archive)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest["database"] = {**manifest["database"], "vendor": other}

    with pytest.raises(CommandError, match=f"backup of a {other} database"):
        restore(rewrite(archive, {backups.MANIFEST: json.dumps(manifest).encode()}), "--force")


def test_a_backup_made_by_newer_code_is_refused(archive: Path) -> None:
    manifest = manifest_of(archive)
    manifest["migrations"] = [*manifest["migrations"], "core.9999_from_the_future"]

    with pytest.raises(CommandError, match=r"newer version of Ameliora.*core\.9999_from_the_future"):
        restore(rewrite(archive, {backups.MANIFEST: json.dumps(manifest).encode()}), "--force")

    assert Organization.objects.count() == 1


def test_a_failed_backup_leaves_no_file_behind(
    small_site: Attachment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "_add_bytes", full_disk)

    with pytest.raises(OSError, match="No space left"):
        backup(tmp_path)

    assert [path.name for path in tmp_path.iterdir() if path.name.startswith((".ameliora", "ameliora"))] == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump")
def test_a_pg_dump_older_than_the_server_is_refused_with_what_to_install(
    small_site: Attachment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backups, "_client_tool", lambda name: (name, f"{name} 9.6.24"))

    with pytest.raises(CommandError, match=r"pg_dump 9\.6\.24 cannot dump a PostgreSQL \d+ server.*postgresql-client-"):
        backup(tmp_path)
