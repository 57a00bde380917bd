"""``ameliora restore ARCHIVE``: put back the database and the uploaded files of a backup (``core/backups.py``)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ameliora.core.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore a backup archive into the configured database and MEDIA_ROOT (stop the web and worker first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="An archive written by `ameliora backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that already holds organizations or users, and the files in MEDIA_ROOT.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = restore_backup(options["archive"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        then = (
            f"; now run `ameliora migrate` ({summary.pending_migrations} migration(s) newer than the backup)"
            if summary.pending_migrations
            else ""
        )
        self.stdout.write(
            f"Restored the backup of {summary.created_at} (Ameliora {summary.app_version}, {summary.vendor}): "
            f"{summary.organizations} organization(s), {summary.users} user(s), {summary.files} file(s){then}"
        )
        if settings.OBJECT_STORAGE_BUCKET:
            self.stdout.write(
                f"The files are read from the bucket {settings.OBJECT_STORAGE_BUCKET} (AMELIORA_S3_BUCKET), not from "
                "MEDIA_ROOT: restore the bucket's objects from its own copy."
            )
