"""`manage.py export_dossiers [--unit CODE] [--from DATE --to DATE] [--dates portal|iso] [--events] [--output FILE]`.

Writes JSON Lines in the interchange format (docs/interchange-format.md), one dossier per line, oldest
submission first, streamed so that a large export never sits in memory. `import_dossiers` reads it back.
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.accounts.models import Unit
from motcua.dossiers.interchange import DATES, dossier_export_lines
from motcua.lib.tables import parse_date

EXIT_BAD_INPUT = 2


def _day(value: str | None, option: str) -> date | None:
    if not value:
        return None
    day = parse_date(value.strip())
    if day is None:
        raise CommandError(
            _("%(option)s: ngày không hợp lệ %(value)r, cần YYYY-MM-DD hoặc DD/MM/YYYY / invalid date")
            % {"option": option, "value": value},
            returncode=EXIT_BAD_INPUT,
        )
    return day


class Command(BaseCommand):
    help = (
        "Xuất hồ sơ theo định dạng trao đổi JSON Lines (docs/interchange-format.md), đọc lại được bằng import_dossiers."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--unit", default="", help="Mã đơn vị tiếp nhận (kể cả các đơn vị trực thuộc)")
        parser.add_argument("--from", dest="date_from", help="Nộp từ ngày (YYYY-MM-DD, tính cả ngày này)")
        parser.add_argument("--to", dest="date_to", help="Nộp đến ngày (YYYY-MM-DD, tính cả ngày này)")
        parser.add_argument(
            "--dates",
            choices=DATES,
            default="portal",
            help="portal: yyyyMMddHHmmss giờ Việt Nam (mặc định); iso: ISO 8601",
        )
        parser.add_argument("--events", action="store_true", help="Kèm toàn bộ lịch sử sự kiện (x_events)")
        parser.add_argument("--output", help="Ghi vào tệp này thay vì in ra màn hình")

    def handle(self, *args: Any, unit: str, date_from: str | None, date_to: str | None, **options: Any) -> None:
        start, end = _day(date_from, "--from"), _day(date_to, "--to")
        if start and end and end < start:
            raise CommandError(_("--to trước --from / --to is before --from"), returncode=EXIT_BAD_INPUT)
        scope = None
        if unit:
            scope = Unit.objects.filter(code=unit).first()
            if scope is None:
                message = _("Mã đơn vị không tồn tại %(code)r / unknown unit code") % {"code": unit}
                raise CommandError(message, returncode=EXIT_BAD_INPUT)
        lines = dossier_export_lines(
            unit=scope, date_from=start, date_to=end, dates=options["dates"], with_events=options["events"]
        )
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="\n") as file:
                for line in lines:
                    file.write(line + "\n")
        else:
            for line in lines:
                self.stdout.write(line)
