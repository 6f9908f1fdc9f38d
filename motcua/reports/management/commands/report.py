"""`manage.py report --unit CODE --from DATE --to DATE [--as-of DATETIME] --format {json,xlsx,pdf} [--output FILE]`.

Stable contract (DESIGN.md): the period report of the unit and its sub-tree. `json` prints one JSON
object on stdout with the total's figures at the top level (carried_in, received, received_online,
resolved, resolved_early, resolved_on_time, resolved_late, pending, pending_in_time, pending_overdue,
refused, ended_otherwise, online_rate, on_time_rate, reconciliation_gap, …) plus unit_code, unit_name,
date_from, date_to, window_start and as_of; `--group-by` adds "rows". `xlsx` and `pdf` write the file
named by `--output` (required for them), one row per child unit plus the total. Dates are YYYY-MM-DD or
DD/MM/YYYY; `--as-of` is ISO 8601 (no offset = Vietnam time) and defaults to now. Any bad input ends
with exactly one line on stderr and exit status 2, nothing on stdout.

Closed periods (reports.periods): when the window is exactly a closed month or quarter of the unit
(and `--as-of`, if given, is not before its end), the JSON is its latest snapshot as stored, byte for
byte the same whatever changed since, with `"closed": true` and `"snapshot_version": n`; otherwise
`"closed": false` and `"snapshot_version": null`. `--live` adds the recomputation from today's data
under "live" (JSON) or writes the recomputation instead of the snapshot (xlsx, pdf).

`--source counters|raw` chooses how a recomputation is read: from the statistics counters (the
default; no median processing time) or from the raw rows (ADR 0005); the JSON's "source" says which.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from motcua.accounts.cli import ContractCommand, bad_input, instant_parse, unit_by_code
from motcua.lib.tables import parse_date
from motcua.reports.periods import closed_report, period_report_json
from motcua.reports.selectors import GROUP_BY, SOURCES, ReportError, period_report

FORMATS = ("json", "xlsx", "pdf")


class Command(ContractCommand):
    help = (
        "Báo cáo tình hình, kết quả giải quyết hồ sơ của một đơn vị và các đơn vị trực thuộc trong một kỳ / "
        "period report of a unit and its sub-tree"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="Mã định danh đơn vị / unit code")
        parser.add_argument("--from", dest="date_from", required=True, help="Từ ngày (tính cả ngày này) / first day")
        parser.add_argument("--to", dest="date_to", required=True, help="Đến ngày (tính cả ngày này) / last day")
        parser.add_argument("--as-of", dest="as_of", help="Số liệu tính đến thời điểm (ISO 8601) / as-of instant")
        parser.add_argument("--format", choices=FORMATS, default="json", help="json (mặc định), xlsx hoặc pdf")
        parser.add_argument("--output", help="Tệp ghi kết quả (bắt buộc với xlsx, pdf) / output file")
        parser.add_argument("--group-by", dest="group_by", choices=GROUP_BY, help="Nhóm số liệu theo / group rows by")
        parser.add_argument(
            "--live",
            action="store_true",
            help="Kỳ đã khóa sổ: kèm số liệu tính lại từ dữ liệu hiện tại / closed period: add the live recomputation",
        )
        parser.add_argument(
            "--source",
            choices=SOURCES,
            help="Đọc từ bộ đếm (mặc định) hoặc từ dữ liệu gốc / read the counters (default) or the raw rows",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = unit_by_code(options["unit"])
        date_from, date_to = day_parse(options["date_from"], "--from"), day_parse(options["date_to"], "--to")
        as_of = instant_parse(options["as_of"], "--as-of") if options["as_of"] else None
        kind, output = options["format"], options["output"]
        if kind != "json" and not output:
            raise bad_input(_("--format %(kind)s cần --output TỆP / --output FILE is required") % {"kind": kind})
        group_by = options["group_by"] or ("unit" if kind != "json" else None)
        asked: dict[str, Any] = {"unit": unit, "date_from": date_from, "date_to": date_to, "as_of": as_of}
        source = options["source"]
        try:
            if kind == "json":
                data = period_report_json(**asked, group_by=group_by, source=source, live=options["live"])
            else:
                closed = None if options["live"] else closed_report(**asked, group_by=group_by)
                report = closed.report(group_by) if closed else period_report(**asked, group_by=group_by, source=source)
        except ReportError as error:
            raise bad_input(str(error)) from error
        if kind == "json":
            text = json.dumps(data, ensure_ascii=False, indent=2)
            if output:
                write_output(output, f"{text}\n".encode())
            else:
                self.stdout.write(text)
            return
        # Imported here: WeasyPrint logs while it loads, and the JSON and error paths must keep stderr clean.
        from motcua.reports.exports import period_report_pdf, period_report_xlsx

        note = closed.notice if closed else ""
        if kind == "xlsx":
            content = period_report_xlsx(report, note=note)
        else:
            content = period_report_pdf(report, unit=unit, note=note)
        write_output(output, content)


def day_parse(value: str, option: str) -> date:
    """Return a date typed as YYYY-MM-DD or DD/MM/YYYY."""
    day = parse_date(value.strip())
    if day is None:
        raise bad_input(
            _("%(option)s: ngày không hợp lệ %(value)r, cần YYYY-MM-DD hoặc DD/MM/YYYY / invalid date")
            % {"option": option, "value": value}
        )
    return day


def write_output(path: str, content: bytes) -> None:
    """Write the report to `path`, turning a file system error into bad input."""
    try:
        with open(path, "wb") as file:
            file.write(content)
    except OSError as error:
        raise bad_input(
            _("--output: không ghi được tệp %(path)r (%(error)s) / cannot write the file")
            % {
                "path": path,
                "error": error.strerror or error,
            }
        ) from error
