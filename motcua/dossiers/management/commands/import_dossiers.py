"""`manage.py import_dossiers FILE [--skip-invalid] [--dry-run]`: import dossier history from JSON Lines.

Stable contract (DESIGN.md): every bad line is reported as `line N: …` on stderr; a file with a bad
line imports nothing and exits with status 2, unless `--skip-invalid` imports the good lines (status 0).
"""

from __future__ import annotations

import io
import sys
from argparse import ArgumentParser
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.dossiers.interchange import ImportReport, dossier_import_lines

EXIT_BAD_INPUT = 2


@contextmanager
def _lines_of(path: str) -> Iterator[TextIO]:
    """Yield the file (or standard input for "-") as UTF-8 text, a byte-order mark allowed."""
    if path == "-":
        yield io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig")
        return
    with open(path, encoding="utf-8-sig") as file:
        yield file


class Command(BaseCommand):
    help = (
        "Nhập lịch sử hồ sơ từ tệp JSON Lines theo định dạng trao đổi (docs/interchange-format.md); "
        "tệp có dòng lỗi thì không nhập gì, trừ khi có --skip-invalid."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="Tệp JSON Lines (UTF-8); - để đọc từ đầu vào chuẩn")
        parser.add_argument(
            "--skip-invalid", action="store_true", help="Nhập các dòng đúng, báo và bỏ qua các dòng lỗi (mã thoát 0)"
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì")

    def handle(self, *args: Any, file: str, skip_invalid: bool, dry_run: bool, **options: Any) -> None:
        try:
            with _lines_of(file) as lines:
                report = dossier_import_lines(lines=lines, skip_invalid=skip_invalid, dry_run=dry_run)
        except OSError as error:
            raise CommandError(
                _("Không đọc được tệp %(file)s: %(reason)s / cannot read the file")
                % {"file": file, "reason": error.strerror},
                returncode=EXIT_BAD_INPUT,
            ) from None
        except UnicodeDecodeError:
            raise CommandError(
                _("Tệp %(file)s không phải văn bản UTF-8, không nhập gì / the file is not UTF-8") % {"file": file},
                returncode=EXIT_BAD_INPUT,
            ) from None
        for message in [*report.warnings, *report.errors]:
            self.stderr.write(message)
        if report.errors and not skip_invalid:
            raise CommandError(
                _("%(bad)d dòng lỗi, không nhập gì / %(bad)d bad lines, nothing imported") % {"bad": report.bad_lines},
                returncode=EXIT_BAD_INPUT,
            )
        self.stdout.write(self._summary(report))

    def _summary(self, report: ImportReport) -> str:
        counts = {"created": report.created, "unchanged": report.unchanged, "bad": report.bad_lines}
        if report.dry_run:
            message = _(
                "Kiểm tra xong, chưa ghi gì: %(created)d hồ sơ sẽ được tạo, %(unchanged)d không đổi, "
                "%(bad)d dòng lỗi sẽ bị bỏ qua"
            )
        else:
            message = _("Đã nhập %(created)d hồ sơ mới, %(unchanged)d không đổi, %(bad)d dòng lỗi bị bỏ qua")
        return message % counts
