"""`manage.py import_units FILE [--dry-run]`: import units from .csv or .xlsx, all or nothing."""

from __future__ import annotations

from argparse import ArgumentParser
from collections.abc import Sequence
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.accounts.services import UnitError, unit_import_table
from motcua.lib.tables import TableError, table_read

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "Nhập đơn vị từ tệp .csv hoặc .xlsx (cột code,name,kind,parent_code,…); tệp có lỗi thì không nhập gì."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Tệp .csv (UTF-8) hoặc .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì")

    def handle(self, *args: Any, file: str, dry_run: bool, **options: Any) -> None:
        try:
            result = unit_import_table(table=table_read(file), dry_run=dry_run)
        except TableError as exc:
            self._fail([str(exc)])
        except UnitError as exc:
            self._fail(exc.messages)
        if dry_run:
            message = _(
                "Kiểm tra xong, chưa ghi gì: %(total)d đơn vị: %(created)d sẽ tạo mới, "
                "%(updated)d sẽ cập nhật, %(unchanged)d không đổi"
            )
        else:
            message = _("Đã nhập %(total)d đơn vị: %(created)d mới, %(updated)d cập nhật, %(unchanged)d không đổi")
        counts = {"total": result.total, "created": result.created, "updated": result.updated}
        self.stdout.write(message % {**counts, "unchanged": result.unchanged})

    def _fail(self, messages: Sequence[str]) -> NoReturn:
        """Print every problem on its own line, then stop with exit status 2 (bad-input messages are bilingual)."""
        for message in messages:
            self.stderr.write(message)
        raise CommandError(
            f"{len(messages)} lỗi, không nhập gì / {len(messages)} errors, nothing imported",
            returncode=EXIT_BAD_INPUT,
        )
