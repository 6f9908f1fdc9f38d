"""`manage.py recount [--unit CODE] [--from DATE --to DATE]`: check the statistics counters against the raw rows.

Computes the period report of the unit's sub-tree (default: the province, the root unit) for the
window (default: the current year) from the counters and from the raw rows, and prints every figure
that differs as "unit, measure, counters, raw" — for the unit, each child unit's row, and below any
child that differs. Exit status 1 when there is a difference, 0 with one line when there is none,
2 on bad input.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.cli import ContractCommand, bad_input, unit_by_code
from motcua.accounts.models import Unit
from motcua.reports.management.commands.report import day_parse
from motcua.reports.recount import counters_recount
from motcua.reports.selectors import ReportError

EXIT_DIFFERENCE = 1


def _root_unit() -> Unit:
    roots = list(Unit.objects.filter(parent__isnull=True)[:2])
    if len(roots) != 1:
        raise bad_input(_("Có nhiều đơn vị gốc, hãy chọn --unit / several root units: give --unit"))
    return roots[0]


def _window(options: dict[str, Any]) -> tuple[date, date]:
    """Return the dates asked for; a missing end of the window is the start or the end of that year."""
    date_from = day_parse(options["date_from"], "--from") if options["date_from"] else None
    date_to = day_parse(options["date_to"], "--to") if options["date_to"] else None
    year = (date_from or date_to or timezone.localdate()).year
    return date_from or date(year, 1, 1), date_to or date(year, 12, 31)


class Command(ContractCommand):
    help = "Đối chiếu bộ đếm thống kê với số liệu gốc / compare the statistics counters with the raw rows"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help="Mã đơn vị (mặc định: đơn vị gốc) / unit code (default: the root)")
        parser.add_argument("--from", dest="date_from", help="Từ ngày (mặc định: 1/1 năm nay) / first day")
        parser.add_argument("--to", dest="date_to", help="Đến ngày (mặc định: 31/12 năm nay) / last day")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = unit_by_code(options["unit"]) if options["unit"] else _root_unit()
        date_from, date_to = _window(options)
        try:
            differences = counters_recount(unit=unit, date_from=date_from, date_to=date_to)
        except ReportError as error:
            raise bad_input(str(error)) from error
        window = {"unit": unit.code, "from": f"{date_from:%d/%m/%Y}", "to": f"{date_to:%d/%m/%Y}"}
        if not differences:
            self.stdout.write(
                _("Không có chênh lệch giữa bộ đếm và số liệu gốc: %(unit)s, %(from)s–%(to)s / no difference") % window
            )
            return
        self.stdout.write(_("đơn vị / unit\tchỉ tiêu / measure\tbộ đếm / counters\tsố liệu gốc / raw"))
        for found in differences:
            self.stdout.write(f"{found.unit_code}\t{found.measure}\t{found.counters}\t{found.raw}")
        self.stdout.write(
            _("%(n)d chênh lệch: %(unit)s, %(from)s–%(to)s / differences") % {"n": len(differences), **window}
        )
        sys.exit(EXIT_DIFFERENCE)
