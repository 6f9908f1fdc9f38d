"""The period report as .xlsx and PDF, in the layout officials use (DOMAIN.md ST-17; issue 4 item 6).

Columns: STT, the group (a child unit by default), dossiers to handle — total (1) = online (2) +
in person and by post (3) + carried in from the previous period (4), as on the usual report forms —,
resolved (total, early, on time, late), pending (total, in time, overdue), withdrawn or stopped,
refused at reception, the online and on-time rates, and the reconciliation gap (ST-19: shown, never
hidden). One row per group, then the total row.

Both are official documents: they are rendered in Vietnamese whatever the reader's language; the
workbook is written in openpyxl's write-only mode and the PDF by WeasyPrint from
`templates/reports/period_report_pdf.html`, with the national header of the one-stop forms.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from motcua.accounts.models import Unit
from motcua.dossiers.documents.pdf import date_words, place_name
from motcua.reports.selectors import Figures, PeriodReport


@dataclass(frozen=True)
class Column:
    """A figure column: the Figures attribute (or a derived name), its heading and its band heading."""

    key: str
    heading: str | Promise
    band: str | Promise = ""


RECEIVED_BAND = gettext_lazy("Số hồ sơ nhận giải quyết")
RESOLVED_BAND = gettext_lazy("Số hồ sơ đã giải quyết")
PENDING_BAND = gettext_lazy("Số hồ sơ đang giải quyết")
RATE_BAND = gettext_lazy("Tỷ lệ (%)")

COLUMNS: tuple[Column, ...] = (
    Column("to_handle", gettext_lazy("Tổng số"), RECEIVED_BAND),
    Column("received_online", gettext_lazy("Trực tuyến"), RECEIVED_BAND),
    Column("received_in_person", gettext_lazy("Trực tiếp, bưu chính công ích"), RECEIVED_BAND),
    Column("carried_in", gettext_lazy("Kỳ trước chuyển qua"), RECEIVED_BAND),
    Column("resolved", gettext_lazy("Tổng số"), RESOLVED_BAND),
    Column("resolved_early", gettext_lazy("Trước hạn"), RESOLVED_BAND),
    Column("resolved_on_time", gettext_lazy("Đúng hạn"), RESOLVED_BAND),
    Column("resolved_late", gettext_lazy("Quá hạn"), RESOLVED_BAND),
    Column("pending", gettext_lazy("Tổng số"), PENDING_BAND),
    Column("pending_in_time", gettext_lazy("Trong hạn"), PENDING_BAND),
    Column("pending_overdue", gettext_lazy("Quá hạn"), PENDING_BAND),
    Column("ended_otherwise", gettext_lazy("Rút hồ sơ, dừng giải quyết")),
    Column("refused", gettext_lazy("Từ chối tiếp nhận")),
    Column("online_rate", gettext_lazy("Trực tuyến"), RATE_BAND),
    Column("on_time_rate", gettext_lazy("Đúng hạn"), RATE_BAND),
    Column("reconciliation_gap", gettext_lazy("Chênh lệch đối soát")),
)
RATES = frozenset({"online_rate", "on_time_rate"})
GROUP_HEADINGS: dict[str | None, str | Promise] = {
    "unit": gettext_lazy("Đơn vị"),
    "field": gettext_lazy("Lĩnh vực"),
    "procedure": gettext_lazy("Thủ tục hành chính"),
    "channel": gettext_lazy("Kênh nộp hồ sơ"),
    "level": gettext_lazy("Cấp thực hiện"),
    None: gettext_lazy("Đơn vị"),
}
WIDTHS = (6, 42, *(11 for _column in COLUMNS))
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def figure_value(figures: Figures, key: str) -> int | float | None:
    """Return a column's value: a figure, or a sum the report forms show (total to handle, in person + post)."""
    if key == "to_handle":  # (1) = (2) + (3) + (4)
        return figures.received + figures.carried_in
    if key == "received_in_person":
        return figures.received_counter + figures.received_postal
    value: int | float | None = getattr(figures, key)
    return value


def column_numbers() -> list[str]:
    """Return the numbering row under the headings: (1), (2), "(3) = (4) + (5) + (6)", …"""
    numbers = [f"({n})" for n in range(1, len(WIDTHS) + 1)]
    numbers[2] = "(3) = (4) + (5) + (6)"
    return numbers


def report_lines(report: PeriodReport) -> list[tuple[str, str, Figures]]:
    """Return (STT, label, figures) of each line: the groups (or the unit alone), then the total."""
    lines = [(str(number), row.label, row.figures) for number, row in enumerate(report.rows, start=1)]
    if not report.rows:
        lines.append(("1", report.unit_name, report.total))
    return [*lines, ("", _("Tổng cộng"), report.total)]


def period_text(report: PeriodReport) -> str:
    """Return "Từ ngày 10/03/2025 đến ngày 31/03/2025 (số liệu tính đến 23:59 ngày 31/03/2025)"."""
    window = report.window
    as_of = timezone.localtime(window.end, timezone.get_default_timezone())
    return _("Từ ngày %(start)s đến ngày %(end)s (số liệu tính đến %(as_of)s)") % {
        "start": f"{window.date_from:%d/%m/%Y}",
        "end": f"{window.date_to:%d/%m/%Y}",
        "as_of": f"{as_of:%H:%M} {_('ngày')} {as_of:%d/%m/%Y}",
    }


# --- xlsx -------------------------------------------------------------------------------------


def period_report_xlsx(report: PeriodReport, *, note: str = "") -> bytes:
    """Return the report as an .xlsx workbook (write-only): title block, two header rows, one line per group.

    `note` follows the period line (a closed period's mark, "Kỳ đã khóa sổ ngày … (phiên bản n)").
    """
    workbook = Workbook(write_only=True)
    with translation.override("vi"):
        sheet = workbook.create_sheet(title=_("Báo cáo")[:31])
        _sheet_setup(sheet)
        _title_block(sheet, report, note)
        _header_rows(sheet, report)
        lines = report_lines(report)
        for index, (number, label, figures) in enumerate(lines):
            bold = index == len(lines) - 1
            cells = [_cell(sheet, number, center=True, bold=bold), _cell(sheet, label, bold=bold)]
            cells += [_figure_cell(sheet, figure_value(figures, column.key), column, bold) for column in COLUMNS]
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEADER_FIRST_ROW = 5  # rows 1–4: unit, title, period, blank


def _sheet_setup(sheet: WriteOnlyWorksheet) -> None:
    for number, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = f"C{HEADER_FIRST_ROW + 3}"
    sheet.print_title_rows = f"{HEADER_FIRST_ROW}:{HEADER_FIRST_ROW + 2}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _title_block(sheet: WriteOnlyWorksheet, report: PeriodReport, note: str = "") -> None:
    last = get_column_letter(len(WIDTHS))
    sheet.append([_cell(sheet, report.unit_name.upper(), bold=True)])
    sheet.append([_cell(sheet, _("BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"), bold=True, size=14)])
    sheet.append([_cell(sheet, f"{period_text(report)}. {note}" if note else period_text(report), italic=True)])
    sheet.append([])
    for row in (2, 3):
        sheet.merged_cells.add(f"A{row}:{last}{row}")


def _header_rows(sheet: WriteOnlyWorksheet, report: PeriodReport) -> None:
    top, bottom = HEADER_FIRST_ROW, HEADER_FIRST_ROW + 1
    first: list[WriteOnlyCell | None] = [_head(sheet, _("STT")), _head(sheet, GROUP_HEADINGS[report.group_by])]
    second: list[WriteOnlyCell | None] = [_head(sheet, ""), _head(sheet, "")]
    merges = [f"A{top}:A{bottom}", f"B{top}:B{bottom}"]
    start = 3
    for band, columns in _bands(COLUMNS):
        end = start + len(columns) - 1
        if band:
            first += [_head(sheet, band)] + [_head(sheet, "") for _extra in columns[1:]]
            second += [_head(sheet, column.heading) for column in columns]
            merges.append(f"{get_column_letter(start)}{top}:{get_column_letter(end)}{top}")
        else:
            first.append(_head(sheet, columns[0].heading))
            second.append(_head(sheet, ""))
            merges.append(f"{get_column_letter(start)}{top}:{get_column_letter(start)}{bottom}")
        start = end + 1
    for cells in (first, second, [_head(sheet, text, bold=False) for text in column_numbers()]):
        sheet.append(cells)
    for merged in merges:
        sheet.merged_cells.add(merged)


def _bands(columns: Sequence[Column]) -> list[tuple[str | Promise, list[Column]]]:
    """Group consecutive columns under their band heading; a column without a band stands alone."""
    bands: list[tuple[str | Promise, list[Column]]] = []
    for column in columns:
        if column.band and bands and bands[-1][0] == column.band:
            bands[-1][1].append(column)
        else:
            bands.append((column.band, [column]))
    return bands


def _cell(
    sheet: WriteOnlyWorksheet,
    value: object,
    *,
    bold: bool = False,
    italic: bool = False,
    size: int = 11,
    center: bool = False,
) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=str(value) if isinstance(value, Promise) else value)
    if isinstance(cell.value, str):
        cell.data_type = "s"  # names are text, never formulas ("=…")
    cell.font = Font(name="Times New Roman", size=size, bold=bold, italic=italic)
    cell.alignment = Alignment(horizontal="center" if center else None, vertical="center", wrap_text=True)
    return cell


def _head(sheet: WriteOnlyWorksheet, value: object, *, bold: bool = True) -> WriteOnlyCell:
    cell = _cell(sheet, value, bold=bold, center=True)
    cell.border = _BORDER
    return cell


def _figure_cell(sheet: WriteOnlyWorksheet, value: int | float | None, column: Column, bold: bool) -> WriteOnlyCell:
    cell = _cell(sheet, value, bold=bold, center=True)
    if column.key in RATES:
        cell.number_format = "0.00"
    cell.border = _BORDER
    return cell


# --- PDF --------------------------------------------------------------------------------------


def period_report_html(report: PeriodReport, *, unit: Unit, note: str = "") -> str:
    """Return the print HTML of the report (A4 landscape) with the national header of `unit` (`note` as in xlsx)."""
    with translation.override("vi"):
        lines = [
            {"number": number, "label": label, "values": [_shown(figure_value(figures, c.key), c) for c in COLUMNS]}
            for number, label, figures in report_lines(report)
        ]
        context = {
            "title": _("Báo cáo tình hình, kết quả giải quyết thủ tục hành chính"),
            "page_size": "A4 landscape",
            "issuer_name": unit.name,
            "issuer_parent": unit.parent.name if unit.parent else "",
            "number": "………/BC",
            "place": place_name(unit),
            "date_words": date_words(timezone.now()),
            "period": f"{period_text(report)}. {note}" if note else period_text(report),
            "group_heading": GROUP_HEADINGS[report.group_by],
            "bands": [(band, len(columns), [c.heading for c in columns]) for band, columns in _bands(COLUMNS)],
            "numbers": [f"({n})" for n in range(1, len(WIDTHS) + 1)],
            "lines": lines,
            "total": report.total,
        }
        return render_to_string("reports/period_report_pdf.html", context)


def _shown(value: int | float | None, column: Column) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}".replace(".", ",") if column.key in RATES else f"{value:,}".replace(",", ".")


def period_report_pdf(report: PeriodReport, *, unit: Unit, note: str = "") -> bytes:
    """Return the report as a PDF; the template embeds everything, so nothing is fetched."""
    html = period_report_html(report, unit=unit, note=note)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}, allow_redirects=False)).write_pdf()
