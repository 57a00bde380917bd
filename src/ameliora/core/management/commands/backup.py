"""``ameliora backup DESTINATION``: the database and the uploaded files in one archive (see ``core/backups.py``)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ameliora.core.backups import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a backup archive of the database and MEDIA_ROOT (readable by its owner only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "destination",
            type=Path,
            help="The archive to write, or a directory where it gets a dated name (ameliora-YYYYmmdd-HHMMSS.tar.gz).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            summary = create_backup(options["destination"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backup written to {summary.path} ({summary.size / 1e6:.1f} MB: "
            f"{summary.vendor} database, {summary.files} uploaded file(s))"
        )
        if settings.OBJECT_STORAGE_BUCKET:
            self.stdout.write(
                f"The uploaded files are in the bucket {settings.OBJECT_STORAGE_BUCKET} (AMELIORA_S3_BUCKET), "
                "not in this archive: keep the bucket versioned and copied elsewhere "
                '(docs/operations.md, "Several hosts").'
            )
