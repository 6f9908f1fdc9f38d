"""The dossier ledger (sổ theo dõi hồ sơ, DOMAIN.md LED-1): its rows, its numbering and its .xlsx export.

A receiving unit keeps one book per calendar year ("Quyển số" = the year); a dossier's "Số thứ tự" is
its rank among the unit's acceptances of that year, ordered by acceptance time. The receipt prints
the same number, so the paper receipt and the ledger line always match.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

from motcua.dossiers.documents.forms import FormKind, form_for
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import Channel, Outcome, ReturnMethod, State

# One dossier is one set of papers: the model records no separate count of sets (DOMAIN.md REC-4 "sets").
SETS_PER_DOSSIER = 1


@dataclass(frozen=True)
class LedgerRow:
    """One line of the ledger; times are aware datetimes, shown in local time."""

    index: int  # STT of this listing
    book: int  # Quyển số: the year of acceptance
    serial: int  # Số thứ tự in the book of the receiving unit
    code: str
    procedure: str
    sets: int
    applicant: str
    address_phone: str
    competent_agency: str
    receiving_unit_id: int
    received_at: datetime
    appointment_at: datetime | None
    transferred_at: datetime | None
    result_at: datetime | None
    delivered_at: datetime | None
    note: str | Promise  # lazy: rendered in the language of the page or export


# (field of LedgerRow, column heading, width in characters); "" = a blank column for the signature.
LEDGER_COLUMNS: tuple[tuple[str, str | Promise, int], ...] = (
    ("index", gettext_lazy("STT"), 5),
    ("serial", gettext_lazy("Số vào sổ"), 9),
    ("code", gettext_lazy("Mã hồ sơ"), 24),
    ("procedure", gettext_lazy("Tên thủ tục hành chính"), 36),
    ("sets", gettext_lazy("Số lượng hồ sơ (bộ)"), 8),
    ("applicant", gettext_lazy("Tên cá nhân, tổ chức"), 24),
    ("address_phone", gettext_lazy("Địa chỉ, số điện thoại"), 30),
    ("competent_agency", gettext_lazy("Cơ quan chủ trì giải quyết"), 26),
    ("received_at", gettext_lazy("Nhận hồ sơ"), 16),
    ("appointment_at", gettext_lazy("Hẹn trả kết quả"), 16),
    ("transferred_at", gettext_lazy("Chuyển hồ sơ đến cơ quan giải quyết"), 16),
    ("result_at", gettext_lazy("Nhận kết quả từ cơ quan giải quyết"), 16),
    ("delivered_at", gettext_lazy("Trả kết quả cho cá nhân, tổ chức"), 16),
    ("", gettext_lazy("Ký nhận"), 12),
    ("note", gettext_lazy("Ghi chú"), 24),
)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def ledger_position(*, dossier: Dossier) -> tuple[int, int] | None:
    """Return (book, number) of an accepted dossier in its receiving unit's ledger, or None if not accepted."""
    if dossier.accepted_at is None:
        return None
    accepted = timezone.localtime(dossier.accepted_at)
    earlier = Q(accepted_at__lt=dossier.accepted_at) | Q(accepted_at=dossier.accepted_at, pk__lte=dossier.pk)
    book_start = _local_midnight(date(accepted.year, 1, 1))
    number = Dossier.objects.filter(
        earlier, receiving_unit_id=dossier.receiving_unit_id, accepted_at__gte=book_start
    ).count()
    return accepted.year, number


def _book_offsets(unit_ids: Collection[int], day: date) -> dict[int, int]:
    """Return, per unit, how many dossiers its book of `day`'s year holds before `day`."""
    counts = (
        Dossier.objects.filter(
            receiving_unit_id__in=unit_ids,
            accepted_at__gte=_local_midnight(date(day.year, 1, 1)),
            accepted_at__lt=_local_midnight(day),
        )
        .values("receiving_unit_id")
        .annotate(n=Count("id"))
    )
    return {row["receiving_unit_id"]: row["n"] for row in counts}


def ledger_rows(*, unit_ids: Collection[int], date_from: date, date_to: date) -> list[LedgerRow]:
    """Return the ledger lines of dossiers accepted by `unit_ids` from `date_from` to `date_to` (inclusive)."""
    return list(ledger_lines(unit_ids=unit_ids, date_from=date_from, date_to=date_to))


def ledger_lines(
    *, unit_ids: Collection[int], date_from: date, date_to: date, chunk_size: int = 2000
) -> Iterator[LedgerRow]:
    """Yield the ledger lines of the period one by one, reading the dossiers in chunks (for large exports)."""
    transferred = DossierEvent.objects.filter(dossier=OuterRef("pk"), type="transferred").order_by("seq").values("at")
    dossiers = (
        Dossier.objects.filter(
            receiving_unit_id__in=unit_ids,
            accepted_at__gte=_local_midnight(date_from),
            accepted_at__lt=_local_midnight(date_to + timedelta(days=1)),
        )
        .select_related("procedure_version", "competent_agency")
        .annotate(
            transferred_at=Subquery(transferred[:1]),
            apology_new_at=F("apology__new_appointment_at"),
            apology_approved_at=F("apology__approved_at"),
        )
        .order_by("accepted_at", "id")
    )
    offsets = _book_offsets(unit_ids, date_from)
    counters: dict[tuple[int, int], int] = {}
    for index, dossier in enumerate(dossiers.iterator(chunk_size=chunk_size), start=1):
        assert dossier.accepted_at is not None  # filtered on accepted_at above
        book = timezone.localtime(dossier.accepted_at).year
        key = (dossier.receiving_unit_id, book)
        start = offsets.get(dossier.receiving_unit_id, 0) if book == date_from.year else 0
        counters[key] = counters.get(key, start) + 1
        yield _row(dossier, index=index, book=book, serial=counters[key])


def _row(dossier: Dossier, *, index: int, book: int, serial: int) -> LedgerRow:
    assert dossier.accepted_at is not None  # only accepted dossiers reach the ledger
    contacts = [dossier.applicant_address, dossier.applicant_phone and f"ĐT: {dossier.applicant_phone}"]
    return LedgerRow(
        index=index,
        book=book,
        serial=serial,
        code=dossier.code,
        procedure=dossier.procedure_version.name,
        sets=SETS_PER_DOSSIER,
        applicant=dossier.applicant_name,
        address_phone="; ".join(part for part in contacts if part),
        competent_agency=dossier.competent_agency.name,
        receiving_unit_id=dossier.receiving_unit_id,
        received_at=dossier.accepted_at,
        appointment_at=dossier.appointment_at,
        transferred_at=dossier.transferred_at,  # type: ignore[attr-defined]
        result_at=dossier.processing_ended_at,
        delivered_at=dossier.delivered_at,
        note=ledger_note(dossier),
    )


def ledger_note(dossier: Dossier) -> str | Promise:
    """Return the ledger's note: channel, re-appointment, how it ended and how the result goes back.

    The note stays lazy, so the page shows it in the reader's language and the export in Vietnamese.
    """
    notes: list[str | Promise] = []
    if dossier.channel != Channel.COUNTER:
        notes.append(Channel(dossier.channel).label)
    new_at = getattr(dossier, "apology_new_at", None)
    if new_at and getattr(dossier, "apology_approved_at", None):
        notes.append(
            format_lazy(gettext_lazy("Hẹn lại ngày trả: {date}"), date=f"{timezone.localtime(new_at):%H:%M %d/%m/%Y}")
        )
    if dossier.state in (State.WITHDRAWAL_REQUESTED, State.STOPPED):
        notes.append(State(dossier.state).label)
    if dossier.outcome == Outcome.REFUSED:
        notes.append(gettext_lazy("Từ chối giải quyết"))
    if dossier.return_method and dossier.return_method != ReturnMethod.COUNTER:
        notes.append(ReturnMethod(dossier.return_method).label)
    return format_lazy("; ".join(["{}"] * len(notes)), *notes)


def ledger_day(rows: Sequence[LedgerRow], day: date | None = None) -> date:
    """Return the day whose form set the ledger uses: `day`, else the last row's acceptance date, else today."""
    if day is not None:
        return day
    return timezone.localdate(rows[-1].received_at) if rows else timezone.localdate()


def ledger_xlsx(rows: Sequence[LedgerRow], *, title: str, unit_name: str = "", day: date | None = None) -> bytes:
    """Return the ledger as an .xlsx workbook: the form's header block, then one line per row.

    `title` is the line under the form title (usually the period); `day` picks the form number
    (the period's last day; by default the last row's acceptance date, else today).
    """
    buffer = io.BytesIO()
    ledger_xlsx_write(rows, buffer, title=title, unit_name=unit_name, day=ledger_day(rows, day))
    return buffer.getvalue()


def ledger_xlsx_write(
    rows: Iterable[LedgerRow], target: IO[bytes], *, title: str, unit_name: str = "", day: date
) -> None:
    """Write the ledger workbook to `target`, streaming: memory stays flat whatever the number of rows."""
    form = form_for(FormKind.LEDGER, day)
    workbook = Workbook(write_only=True)  # rows go to a temporary file, not to memory
    with translation.override("vi"):  # the ledger is an official form, kept in Vietnamese
        sheet = workbook.create_sheet(title=str(FormKind.LEDGER.label)[:31])
        _sheet_setup(sheet, header_rows=6)
        _header_block(sheet, unit_name=unit_name, form_number=form.number, basis=form.legal_basis, title=title)
        headings = [str(label) for _key, label, _width in LEDGER_COLUMNS]
        sheet.append([_cell(sheet, heading, bold=True, wrap=True, border=True) for heading in headings])
        styles = _BodyStyles(sheet)
        for row in rows:
            sheet.append([styles.cell(sheet, _value(row, key)) for key, _label, _width in LEDGER_COLUMNS])
        workbook.save(target)  # inside the override: the note's lazy texts render in Vietnamese here


def _sheet_setup(sheet: WriteOnlyWorksheet, *, header_rows: int) -> None:
    for number, (_key, _label, width) in enumerate(LEDGER_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = f"A{header_rows + 1}"
    sheet.print_title_rows = f"{header_rows}:{header_rows}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0


def _header_block(sheet: WriteOnlyWorksheet, *, unit_name: str, form_number: str, basis: str, title: str) -> None:
    width = len(LEDGER_COLUMNS)
    last, right = get_column_letter(width), get_column_letter(width - _RIGHT_SPAN + 1)
    lines = [(unit_name.upper(), form_number), ("", f"({basis})"), (_("SỔ THEO DÕI HỒ SƠ"), ""), (title, ""), ("", "")]
    for number, (left, right_text) in enumerate(lines, start=1):
        is_title = number == 3
        cells: list[WriteOnlyCell | None] = [
            _cell(sheet, left, bold=number == 1 or is_title, size=14 if is_title else 11, center=number > 2)
        ]
        cells += [None] * (width - _RIGHT_SPAN - 1)
        cells.append(_cell(sheet, right_text, bold=number == 1, italic=number == 2, size=9 if number == 2 else 11))
        sheet.append(cells)
    for merged in ("A1:F1", f"A3:{last}3", f"A4:{last}4", f"{right}1:{last}1", f"{right}2:{last}2"):
        sheet.merged_cells.add(merged)


_RIGHT_SPAN = 4  # columns under the form number and legal basis, top right
_THIN = Side(style="thin")


def _cell(
    sheet: WriteOnlyWorksheet,
    value: object,
    *,
    bold: bool = False,
    italic: bool = False,
    size: int = 11,
    center: bool = False,
    wrap: bool = False,
    border: bool = False,
) -> WriteOnlyCell | None:
    if value is None or value == "":
        return None
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text typed by applicants must never become a formula ("=…")
    cell.font = Font(name="Times New Roman", size=size, bold=bold, italic=italic)
    cell.alignment = Alignment(
        horizontal="center" if center or wrap else None, vertical="center" if wrap else "top", wrap_text=wrap
    )
    if border:
        cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    return cell


class _BodyStyles:
    """The two styles of the ledger's lines (text or number, date), each registered with the workbook once.

    Assigning a font, alignment or border makes openpyxl hash the style objects: once per cell that
    cost minutes for a year's ledger, so each cell gets a copy of a registered style array instead.
    """

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        plain, dated = WriteOnlyCell(sheet), WriteOnlyCell(sheet)
        for cell in (plain, dated):
            cell.font = Font(name="Times New Roman", size=11)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
        dated.number_format = "dd/mm/yyyy hh:mm"
        self.plain, self.dated = plain._style, dated._style

    def cell(self, sheet: WriteOnlyWorksheet, value: object) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=_excel_value(value))
        if isinstance(value, str):
            cell.data_type = "s"  # text typed by applicants must never become a formula ("=…")
        cell._style = copy(self.dated if isinstance(value, datetime) else self.plain)
        return cell


def _value(row: LedgerRow, key: str) -> object:
    value: object = getattr(row, key) if key else ""
    if isinstance(value, Promise):
        return str(value)
    return f"{row.serial}/{row.book}" if key == "serial" else value


def _excel_value(value: object) -> object:
    # Excel has no time zones: write the local wall-clock time the officer reads on the receipt.
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    return None if value == "" else value
