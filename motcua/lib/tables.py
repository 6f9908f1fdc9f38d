"""Spreadsheet-like tables: read .csv or .xlsx into numbered rows, write them back, report row errors.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first data row is row 2.
Nothing here knows about Django, so importers of every app share the same reading rules.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import InvalidFileException

Row = tuple[int, dict[str, str]]
T = TypeVar("T")

_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


class TableError(ValueError):
    """A file that cannot be read as a table at all (wrong type, unreadable, bad encoding)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one cell, shown as `row N, column C: message`."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass(frozen=True, slots=True)
class Table:
    """A header and its data rows, each with its spreadsheet row number."""

    header: list[str]
    rows: list[Row]


@dataclass(slots=True)
class ImportResult:
    """What an import created, updated or left alone (or would, in a dry run)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def table_read(path: str | Path) -> Table:
    """Read a .csv (UTF-8, with or without BOM) or .xlsx file into a `Table`."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _table_from_cells(_csv_cells(path))
    if suffix == ".xlsx":
        return _table_from_cells(_xlsx_cells(path))
    raise TableError(
        f'Không đọc được tệp "{path.name}": chỉ nhận tệp .csv hoặc .xlsx / unsupported file type (use .csv or .xlsx)'
    )


def _csv_cells(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise TableError(f'Không tìm thấy tệp "{path}" / file not found') from exc
    except UnicodeDecodeError as exc:
        raise TableError(f'Tệp "{path.name}" không phải văn bản UTF-8 / the file is not UTF-8 text') from exc
    except OSError as exc:
        raise TableError(f'Không đọc được tệp "{path}": {exc.strerror} / cannot read the file') from exc
    try:
        return list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise TableError(f'Tệp "{path.name}" không đúng định dạng CSV ({exc}) / malformed CSV') from exc


def _xlsx_cells(path: Path) -> list[list[str]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise TableError(f'Không tìm thấy tệp "{path}" / file not found') from exc
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise TableError(f'Tệp "{path.name}" không phải tệp Excel .xlsx hợp lệ / not a valid .xlsx file') from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # stored dimensions are often wrong; read every row
        return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """Return an Excel cell as the text a person typed (dates as ISO, 3.0 as 3, booleans as 1/0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table_from_cells(cells: Sequence[Sequence[str]]) -> Table:
    numbered = [(number, [cell.strip() for cell in row]) for number, row in enumerate(cells, start=1)]
    numbered = [(number, row) for number, row in numbered if any(row)]
    if not numbered:
        raise TableError("Tệp không có dòng tiêu đề / the file has no header row")
    header_number, header = numbered[0]
    while header and not header[-1]:
        header.pop()
    header = [name.lower() for name in header]
    seen: set[str] = set()
    for index, name in enumerate(header, start=1):
        if not name:
            raise TableError(f"row {header_number}, column {index}: thiếu tên cột / empty column name")
        if name in seen:
            raise TableError(f"row {header_number}, column {name}: cột bị lặp / duplicate column")
        seen.add(name)
    rows: list[Row] = []
    for number, row in numbered[1:]:
        extra = [index for index, cell in enumerate(row[len(header) :], start=len(header) + 1) if cell]
        if extra:
            raise TableError(
                f"row {number}, column {extra[0]}: ô nằm ngoài các cột có tiêu đề / cell outside the header"
            )
        rows.append((number, {name: row[index] if index < len(row) else "" for index, name in enumerate(header)}))
    return Table(header=header, rows=rows)


def table_csv_text(header: Sequence[str], rows: Iterable[Mapping[str, str]]) -> str:
    """Return the rows as RFC 4180 CSV text (CRLF line ends) under `header`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return buffer.getvalue()


def table_write_xlsx(path: str | Path, header: Sequence[str], rows: Iterable[Mapping[str, str]], title: str) -> None:
    """Write the rows to an .xlsx file as text cells (write-only mode, so large exports stay small in memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_text_cell(sheet, row.get(name, "")) for name in header])
    workbook.save(Path(path))


def _text_cell(sheet: object, value: str) -> WriteOnlyCell | None:
    """Return a cell that holds `value` as text: openpyxl would store "=…" as a formula otherwise."""
    if not value:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def table_column_errors(header: Sequence[str], *, required: Sequence[str], known: Sequence[str]) -> list[RowError]:
    """Return one error per required column absent from `header` and per column not in `known`.

    Unknown columns are refused rather than ignored, so a misspelt optional column cannot silently
    reset a field to its default.
    """
    missing = [
        RowError(1, name, "thiếu cột bắt buộc / missing required column") for name in required if name not in header
    ]
    unknown = [
        RowError(1, name, f"cột không có trong mẫu nhập (các cột: {', '.join(known)}) / unknown column")
        for name in header
        if name not in known
    ]
    return missing + unknown


@dataclass
class RowReader:
    """Read typed values out of one row, collecting a `RowError` per bad cell instead of stopping."""

    row: int
    values: Mapping[str, str]
    errors: list[RowError] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        """Record a problem with `column` of this row."""
        self.errors.append(RowError(self.row, column, message))

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        """Return the cell text; record an error when required and empty, or too long."""
        value = self.values.get(column, "")
        if required and not value:
            self.error(column, "không được để trống / required")
        elif max_length is not None and len(value) > max_length:
            self.error(column, f"dài quá {max_length} ký tự / longer than {max_length} characters")
        return value

    def choice(
        self, column: str, choices: Sequence[str], *, label: str, default: str = "", required: bool = True
    ) -> str:
        """Return the cell if it is one of `choices` (`default` when empty; "" when empty and not required)."""
        value = self.values.get(column, "") or default
        if value in choices or (not value and not required):
            return value
        self.error(column, choice_message(value, choices, label))
        return ""

    def date(self, column: str) -> date | None:
        """Return the cell as a date (YYYY-MM-DD or DD/MM/YYYY), None when empty."""
        value = self.values.get(column, "")
        if not value:
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(column, f'ngày không hợp lệ "{value}" (dùng YYYY-MM-DD hoặc DD/MM/YYYY) / invalid date')
        return parsed

    def flag(self, column: str, *, default: bool) -> bool:
        """Return the cell read as 0/1 (`default` when empty)."""
        value = self.values.get(column, "")
        if not value:
            return default
        if value in ("0", "1"):
            return value == "1"
        self.error(column, f'giá trị không hợp lệ "{value}" (chọn 0 hoặc 1) / expected 0 or 1')
        return default

    def integer(self, column: str, *, low: int, high: int) -> int | None:
        """Return the cell as an integer within [low, high], None when empty or bad."""
        value = self.values.get(column, "")
        if not value:
            return None
        number = parse_int(value, low=low, high=high)
        if number is None:
            self.error(column, range_message(value, low, high))
        return number

    def items(self, column: str, parse: Callable[[list[str], list[str]], T | None]) -> list[T]:
        """Return the ";"-separated items of a list cell, each parsed from its "|"-separated parts."""
        result: list[T] = []
        for index, item in enumerate(split_items(self.values.get(column, "")), start=1):
            problems: list[str] = []
            parsed = parse([part.strip() for part in item.split("|")], problems)
            for problem in problems:
                self.error(column, f"mục {index} / item {index}: {problem}")
            if parsed is not None and not problems:
                result.append(parsed)
        return result


def split_items(value: str) -> list[str]:
    """Return the non-empty ";"-separated items of a list cell."""
    return [item.strip() for item in value.split(";") if item.strip()]


def choice_message(value: str, choices: Sequence[str], label: str) -> str:
    """Return the message for a value outside `choices`; `label` is "Vietnamese name / English name"."""
    vi_label, _, en_label = label.partition(" / ")
    if not value:
        return f"{vi_label} không được để trống (chọn một trong: {', '.join(choices)}) / missing {en_label or vi_label}"
    return f'{vi_label} không hợp lệ "{value}" (chọn một trong: {", ".join(choices)}) / unknown {en_label or vi_label}'


def range_message(value: str, low: int, high: int) -> str:
    """Return the message for a value that is not an integer within [low, high]."""
    return (
        f'giá trị "{value}" không hợp lệ: phải là số nguyên từ {low} đến {high} / '
        f"must be an integer from {low} to {high}"
    )


def parse_date(value: str) -> date | None:
    """Return `value` (YYYY-MM-DD or DD/MM/YYYY) as a date, None when it is neither."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def parse_int(value: str, *, low: int, high: int) -> int | None:
    """Return `value` as an integer within [low, high] ("1.500.000" grouping allowed), else None."""
    digits = value.replace(".", "") if _THOUSANDS.match(value) else value
    if not re.fullmatch(r"-?\d+", digits):
        return None
    number = int(digits)
    return number if low <= number <= high else None


def parse_decimal(value: str) -> Decimal | None:
    """Return `value` ("1.5" or "1,5") as a finite Decimal, else None."""
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def format_date(value: date | None) -> str:
    """Return a date as YYYY-MM-DD, or "" for an open end."""
    return value.isoformat() if value is not None else ""


def format_decimal(value: Decimal) -> str:
    """Return a Decimal without exponent or trailing zeros ("1.50" → "1.5", "2.00" → "2")."""
    return f"{value.normalize():f}"


def format_flag(value: bool) -> str:
    """Return a boolean as "1" or "0"."""
    return "1" if value else "0"
