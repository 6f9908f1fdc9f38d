"""Writes for units: create, update, and the all-or-nothing import of a unit table (issue 2, item 5).

The import layout (columns `UNIT_COLUMNS`) lives here next to its validation, and the export
builds its rows with the same functions so an export re-imports with no changes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction

from motcua.accounts.models import Unit, UnitKind
from motcua.lib.tables import ImportResult, RowError, RowReader, Table, format_date, table_column_errors

UNIT_REQUIRED_COLUMNS = ("code", "name", "kind", "parent_code")
UNIT_COLUMNS = (*UNIT_REQUIRED_COLUMNS, "valid_from", "valid_to", "address", "phone")
MAX_DUE_SOON_HOURS = 200  # 25 working days: beyond that "about to be late" means nothing
KIND_LABEL = "loại đơn vị / unit kind"


class UnitError(Exception):
    """Bad input for a unit write; `messages` lists every problem, nothing was saved."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class UnitSpec:
    """One unit as the import layout describes it (the parent by its code)."""

    code: str
    name: str
    kind: str
    parent_code: str
    valid_from: date | None
    valid_to: date | None
    address: str = ""
    phone: str = ""
    row: int = field(default=0, compare=False)


def unit_code_error(code: str) -> str | None:
    """Return a message when `code` does not match settings.UNIT_CODE_PATTERN, else None."""
    if re.fullmatch(settings.UNIT_CODE_PATTERN, code):
        return None
    return (
        f'mã đơn vị "{code}" không đúng mẫu {settings.UNIT_CODE_PATTERN} (ví dụ 000.00.13.H56) / '
        "the unit code does not match the configured pattern"
    )


def unit_range_error(valid_from: date | None, valid_to: date | None) -> str | None:
    """Return a message when the validity ends before it starts, else None."""
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        return f"ngày hết hiệu lực {valid_to} trước ngày bắt đầu {valid_from} / valid_to is before valid_from"
    return None


def unit_within_errors(child: UnitSpec, parent: UnitSpec) -> list[tuple[str, str]]:
    """Return (column, message) pairs when `child`'s validity does not lie within `parent`'s."""
    span = f"{_span(child.valid_from, child.valid_to)} ⊄ {parent.code}: {_span(parent.valid_from, parent.valid_to)}"
    errors = []
    if parent.valid_from is not None and (child.valid_from is None or child.valid_from < parent.valid_from):
        errors.append(
            (
                "valid_from",
                f"đơn vị bắt đầu hiệu lực trước đơn vị cấp trên ({span}) / the unit starts before its parent",
            )
        )
    if parent.valid_to is not None and (child.valid_to is None or child.valid_to > parent.valid_to):
        errors.append(("valid_to", f"đơn vị còn hiệu lực sau đơn vị cấp trên ({span}) / the unit outlives its parent"))
    return errors


def _span(start: date | None, end: date | None) -> str:
    return f"{format_date(start) or '…'} – {format_date(end) or '…'}"


def unit_validate_row(*, row: int, values: Mapping[str, str]) -> tuple[UnitSpec | None, list[RowError]]:
    """Return the row read as a `UnitSpec` (None when bad) and the problems of its own cells."""
    reader = RowReader(row, values)
    code = reader.text("code", required=True, max_length=40)
    if code and (message := unit_code_error(code)):
        reader.error("code", message)
    spec = UnitSpec(
        code=code,
        name=reader.text("name", required=True, max_length=255),
        kind=reader.choice("kind", UnitKind.values, label=KIND_LABEL),
        parent_code=reader.text("parent_code", max_length=40),
        valid_from=reader.date("valid_from"),
        valid_to=reader.date("valid_to"),
        address=reader.text("address", max_length=255),
        phone=reader.text("phone", max_length=40),
        row=row,
    )
    if message := unit_range_error(spec.valid_from, spec.valid_to):
        reader.error("valid_to", message)
    return (None if reader.errors else spec), reader.errors


def unit_specs_in_database() -> dict[str, UnitSpec]:
    """Return every stored unit as a `UnitSpec`, by code (one query)."""
    rows = Unit.objects.values_list(
        "code", "name", "kind", "parent__code", "valid_from", "valid_to", "address", "phone"
    ).order_by("code")
    return {
        code: UnitSpec(code, name, kind, parent_code or "", valid_from, valid_to, address, phone)
        for code, name, kind, parent_code, valid_from, valid_to, address, phone in rows
    }


def _file_errors(specs: Sequence[UnitSpec], stored: Mapping[str, UnitSpec], bad_codes: set[str]) -> list[RowError]:
    """Return the problems that need the whole file: duplicates, unknown parents, cycles, validity.

    `bad_codes` are codes of rows that failed their own checks: they count as known parents, so a
    bad parent row is reported once, on its own row.
    """
    errors: list[RowError] = []
    first_row: dict[str, int] = {}
    for spec in specs:
        if spec.code in first_row:
            message = f'mã đơn vị "{spec.code}" bị lặp (đã có ở dòng {first_row[spec.code]}) / duplicate code'
            errors.append(RowError(spec.row, "code", message))
        first_row.setdefault(spec.code, spec.row)
    merged = {**stored, **{spec.code: spec for spec in specs}}
    for spec in specs:
        if spec.parent_code in bad_codes and spec.parent_code not in merged:
            continue
        if spec.parent_code and spec.parent_code not in merged:
            message = (
                f'đơn vị cấp trên "{spec.parent_code}" không có trong tệp hoặc cơ sở dữ liệu / unknown parent code'
            )
            errors.append(RowError(spec.row, "parent_code", message))
        elif cycle := _cycle_from(spec.code, merged):
            message = f"cấp trên tạo thành vòng lặp ({' → '.join(cycle)}) / the parent chain forms a cycle"
            errors.append(RowError(spec.row, "parent_code", message))
        elif spec.parent_code:
            errors += [RowError(spec.row, c, m) for c, m in unit_within_errors(spec, merged[spec.parent_code])]
    return errors + _stored_children_errors(specs, stored)


def _stored_children_errors(specs: Sequence[UnitSpec], stored: Mapping[str, UnitSpec]) -> list[RowError]:
    """Return problems of stored children, absent from the file, that no longer fit their parent's new validity."""
    in_file = {spec.code for spec in specs}
    children: dict[str, list[UnitSpec]] = defaultdict(list)
    for child in stored.values():
        if child.code not in in_file and child.parent_code:
            children[child.parent_code].append(child)
    errors: list[RowError] = []
    for spec in specs:
        for child in children[spec.code]:
            for _, message in unit_within_errors(child, spec):
                errors.append(RowError(spec.row, "valid_from", f"đơn vị cấp dưới {child.code}: {message}"))
    return errors


def _cycle_from(code: str, units: Mapping[str, UnitSpec]) -> list[str]:
    """Return the parent chain from `code` back to itself when it loops, else an empty list."""
    chain = [code]
    current = units[code].parent_code
    while current and current in units and len(chain) <= len(units):
        chain.append(current)
        if current == code:
            return chain
        if current in chain[:-1]:  # a loop above this unit; its own members report it
            return []
        current = units[current].parent_code
    return []


@transaction.atomic  # read and write in one transaction, so checks and writes see the same data
def unit_import(
    *, header: Sequence[str], rows: Sequence[tuple[int, Mapping[str, str]]], dry_run: bool = False
) -> ImportResult:
    """Create or update every unit of the table by code, all or nothing; raise `UnitError` on any bad row."""
    errors = table_column_errors(header, required=UNIT_REQUIRED_COLUMNS, known=UNIT_COLUMNS)
    if errors:
        raise UnitError([str(error) for error in errors])
    specs: list[UnitSpec] = []
    bad_codes: set[str] = set()
    for number, values in rows:
        spec, row_errors = unit_validate_row(row=number, values=values)
        errors += row_errors
        if spec is not None:
            specs.append(spec)
        else:
            bad_codes.add(values.get("code", ""))
    stored = unit_specs_in_database()
    errors += _file_errors(specs, stored, bad_codes)
    if errors:
        raise UnitError([str(error) for error in sorted(errors, key=lambda e: e.row)])
    result = ImportResult(dry_run=dry_run)
    changed = []
    for spec in specs:
        if spec.code not in stored:
            result.created += 1
        elif stored[spec.code] == spec:
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        changed.append(spec)
    if not dry_run and changed:
        _unit_apply(changed)
    return result


def unit_import_table(*, table: Table, dry_run: bool = False) -> ImportResult:
    """Import a table read by `motcua.lib.tables.table_read`."""
    return unit_import(header=table.header, rows=table.rows, dry_run=dry_run)


@transaction.atomic
def _unit_apply(specs: Sequence[UnitSpec]) -> None:
    """Write the changed units, then link parents, so row order never matters."""
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[spec.code for spec in specs])}
    for spec in specs:
        unit = units.setdefault(spec.code, Unit(code=spec.code))
        unit.name, unit.kind, unit.address, unit.phone = spec.name, spec.kind, spec.address, spec.phone
        unit.valid_from, unit.valid_to = spec.valid_from, spec.valid_to
        unit.save()
    parents = {unit.code: unit for unit in Unit.objects.filter(code__in={spec.parent_code for spec in specs})}
    for spec in specs:
        unit = units[spec.code]
        parent_id = parents[spec.parent_code].pk if spec.parent_code else None
        if unit.parent_id != parent_id:
            unit.parent_id = parent_id
            unit.save(update_fields=["parent"])


def unit_spec_of(unit: Unit) -> UnitSpec:
    """Return a unit as a `UnitSpec`."""
    parent_code = unit.parent.code if unit.parent is not None else ""
    return UnitSpec(
        unit.code, unit.name, unit.kind, parent_code, unit.valid_from, unit.valid_to, unit.address, unit.phone
    )


def unit_check(
    *,
    unit: Unit | None,
    code: str,
    kind: str,
    parent: Unit | None,
    valid_from: date | None,
    valid_to: date | None,
    check_unique: bool = True,
) -> list[tuple[str, str]]:
    """Return (field, message) pairs for a unit about to be saved (`unit` None when new).

    `check_unique=False` leaves the unique code to a caller that checks it already (a model form).
    """
    errors: list[tuple[str, str]] = []
    if message := unit_code_error(code):
        errors.append(("code", message))
    elif check_unique and Unit.objects.filter(code=code).exclude(pk=unit.pk if unit is not None else 0).exists():
        errors.append(("code", f'mã đơn vị "{code}" đã tồn tại / the unit code already exists'))
    if kind not in UnitKind.values:
        errors.append(("kind", f'loại đơn vị không hợp lệ "{kind}" / unknown unit kind'))
    if message := unit_range_error(valid_from, valid_to):
        errors.append(("valid_to", message))
        return errors
    spec = UnitSpec(code, "", kind, parent.code if parent else "", valid_from, valid_to)
    if parent is not None:
        if unit is not None and unit.pk is not None and unit.pk in _ancestor_ids(parent):
            errors.append(("parent", "đơn vị cấp trên tạo thành vòng lặp / the parent chain forms a cycle"))
        else:
            errors += unit_within_errors(spec, unit_spec_of(parent))
    if unit is not None and unit.pk is not None:
        for child in unit.children.select_related("parent"):
            errors += [
                (c, f"đơn vị cấp dưới {child.code}: {m}") for c, m in unit_within_errors(unit_spec_of(child), spec)
            ]
    return errors


def _ancestor_ids(unit: Unit) -> list[int]:
    """Return the ids of `unit` and of every unit above it (one query)."""
    parents = dict(Unit.objects.values_list("id", "parent_id"))
    ids: list[int] = []
    current: int | None = unit.pk
    while current is not None and current not in ids:
        ids.append(current)
        current = parents.get(current)
    return ids


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    address: str = "",
    phone: str = "",
    external_codes: dict[str, str] | None = None,
) -> Unit:
    """Create a unit after checking it; raise `UnitError` and save nothing when it is bad."""
    errors = unit_check(unit=None, code=code, kind=kind, parent=parent, valid_from=valid_from, valid_to=valid_to)
    if errors:
        raise UnitError([message for _, message in errors])
    return Unit.objects.create(
        external_codes=external_codes or {},
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        address=address,
        phone=phone,
    )


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    valid_from: date | None,
    valid_to: date | None,
    address: str,
    phone: str,
    external_codes: dict[str, str] | None = None,
) -> Unit:
    """Update a unit after checking it; raise `UnitError` and save nothing when it is bad."""
    errors = unit_check(unit=unit, code=code, kind=kind, parent=parent, valid_from=valid_from, valid_to=valid_to)
    if errors:
        raise UnitError([message for _, message in errors])
    unit.code, unit.name, unit.kind, unit.parent = code, name, kind, parent
    unit.valid_from, unit.valid_to, unit.address, unit.phone = valid_from, valid_to, address, phone
    if external_codes is not None:
        unit.external_codes = external_codes
    unit.save()
    return unit


def unit_set_due_soon_hours(*, unit: Unit, hours: int | None) -> Unit:
    """Set the unit's about-to-be-late threshold in working hours (ST-5); None inherits it from above."""
    if hours is not None and not 1 <= hours <= MAX_DUE_SOON_HOURS:
        raise UnitError([f"Ngưỡng sắp đến hạn phải từ 1 đến {MAX_DUE_SOON_HOURS} giờ / threshold out of range"])
    unit.due_soon_hours = hours
    unit.save(update_fields=["due_soon_hours"])
    return unit


def unit_export_rows() -> list[dict[str, str]]:
    """Return every unit as a row of the import layout, parents' codes included, ordered by code."""
    return [
        {
            "code": spec.code,
            "name": spec.name,
            "kind": spec.kind,
            "parent_code": spec.parent_code,
            "valid_from": format_date(spec.valid_from),
            "valid_to": format_date(spec.valid_to),
            "address": spec.address,
            "phone": spec.phone,
        }
        for spec in unit_specs_in_database().values()
    ]
