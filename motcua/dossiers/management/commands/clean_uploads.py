"""`manage.py clean_uploads [--older-than-hours N] [--dry-run]`: remove uploaded files no dossier records.

Run it from cron daily (docs/operator-guide.md). A process killed between writing an upload and
committing its DossierFile leaves the file on disk; files younger than `--older-than-hours` (default 24)
are kept, since their submission may still be committing. Prints each file removed (with `--dry-run`,
each file that would be) relative to UPLOAD_ROOT, then the count and the bytes freed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.accounts.cli import positive_int
from motcua.dossiers.uploads import uploads_orphaned

OLDER_THAN_HOURS = 24


class Command(BaseCommand):
    help = "Xóa tệp tải lên không có trong CSDL / remove uploaded files no dossier records"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-hours",
            type=positive_int,
            default=OLDER_THAN_HOURS,
            help=f"Chỉ xóa tệp cũ hơn số giờ này (mặc định {OLDER_THAN_HOURS}) / only files older than this many hours",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ liệt kê, không xóa / list the files, delete nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = Path(settings.UPLOAD_ROOT)
        dry_run = options["dry_run"]
        count = size = 0
        for path in uploads_orphaned(older_than=timedelta(hours=options["older_than_hours"])):
            try:
                file_size = path.stat(follow_symlinks=False).st_size
                if not dry_run:
                    path.unlink()
            except FileNotFoundError:  # another run removed it meanwhile
                continue
            count, size = count + 1, size + file_size
            self.stdout.write(str(path.relative_to(root)))
        if dry_run:
            message = _("Có thể xóa %(n)d tệp không có trong CSDL, %(bytes)d byte / orphan files removable, bytes")
        else:
            message = _("Đã xóa %(n)d tệp không có trong CSDL, %(bytes)d byte / orphan files removed, bytes")
        self.stdout.write(message % {"n": count, "bytes": size})
