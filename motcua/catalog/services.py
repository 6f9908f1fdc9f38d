"""Writes for the catalog: validate, save and import procedure versions with their parts (issue 2, items 4–5).

The import layout (`CATALOG_COLUMNS`) lives here next to its validation; the export builds its rows
with `version_spec_of` / `version_spec_row`, the same normalised form the importer compares against,
so an export re-imports with no changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from dataclasses import field as dataclass_field
from datetime import date
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.db.models import F

from motcua.accounts.models import Role, Unit
from motcua.catalog.models import (
    ClockRule,
    ComponentForm,
    DocumentComponent,
    FeeItem,
    FeeKind,
    Level,
    OnlineLevel,
    Postal,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    QuotaUnit,
    Subjects,
    TimeUnitChoice,
)
from motcua.catalog.models import Field as CatalogField
from motcua.catalog.rules import steps_total_error
from motcua.lib.tables import (
    ImportResult,
    RowError,
    RowReader,
    Table,
    choice_message,
    format_date,
    format_decimal,
    format_flag,
    parse_decimal,
    parse_int,
    range_message,
    split_items,
    table_column_errors,
)
from motcua.lib.text import fold
from motcua.workdays.arith import MAX_AMOUNT, TimeUnit

# fmt: off
CATALOG_REQUIRED_COLUMNS = (
    "code", "name", "field", "level", "unit_code", "amount", "time_unit", "clock_rule", "online_level",
)
CATALOG_OPTIONAL_COLUMNS = (
    "valid_from", "valid_to", "subjects", "agency_text", "time_limit_text", "committed_amount", "committed_unit",
    "handled_at_counter", "is_inter_agency", "clock_runs_awaiting_payment", "postal", "result_type",
    "electronic_result", "fee_text", "legal_basis", "source", "coordinating_unit_codes", "components", "fees", "steps",
)
# fmt: on
CATALOG_COLUMNS = CATALOG_REQUIRED_COLUMNS + CATALOG_OPTIONAL_COLUMNS
SEPARATORS = (";", "|")
STEP_FLAGS = {"supplement": "can_request_supplement", "sign": "requires_signature"}
MAX_QUANTITY = 100
MAX_FEE = 10**14 - 1  # FeeItem.amount has 14 digits
MAX_QUOTA = Decimal("9999.99")  # ProcessStep.quota_amount: 6 digits, 2 decimals


class CatalogError(Exception):
    """Bad catalog input; `messages` lists every problem, nothing was saved."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class ComponentSpec:
    name: str
    form: str
    quantity: int
    mandatory: bool = True


@dataclass(frozen=True)
class FeeSpec:
    name: str
    kind: str
    amount: int | None
    moment: str


@dataclass(frozen=True)
class StepSpec:
    name: str
    role: str
    quota: Decimal
    quota_unit: str
    unit_code: str = ""
    can_request_supplement: bool = False
    requires_signature: bool = False


@dataclass(frozen=True)
class VersionSpec:
    """A procedure version in the normalised form of the import layout (units by code)."""

    code: str
    name: str
    field: str
    level: str
    unit_code: str
    amount: int | None
    time_unit: str
    clock_rule: str
    online_level: str
    valid_from: date | None = None
    valid_to: date | None = None
    subjects: str = Subjects.BOTH.value
    agency_text: str = ""
    time_limit_text: str = ""
    committed_amount: int | None = None
    committed_unit: str = ""
    handled_at_counter: bool = False
    is_inter_agency: bool = False
    clock_runs_awaiting_payment: bool = True
    postal: str = Postal.BOTH.value
    result_type: str = ""
    electronic_result: bool = False
    fee_text: str = ""
    legal_basis: str = ""
    source: str = ""
    coordinating_unit_codes: tuple[str, ...] = ()
    components: tuple[ComponentSpec, ...] = ()
    fees: tuple[FeeSpec, ...] = ()
    steps: tuple[StepSpec, ...] = ()
    row: int = dataclass_field(default=0, compare=False)


# --- Rules shared by the importer and the admin -------------------------------------------------


def procedure_amount_error(amount: int | None, unit: str) -> str | None:
    """Return a message when a time limit amount does not suit its unit (empty only for same_day)."""
    time_unit = TimeUnit(unit)
    if amount is None:
        if time_unit is TimeUnit.SAME_DAY:
            return None
        return "thời hạn không được để trống (trừ khi đơn vị là same_day) / required unless the unit is same_day"
    if not 1 <= amount <= MAX_AMOUNT[time_unit]:
        return (
            f"thời hạn {amount} {unit} không hợp lệ: phải từ 1 đến {MAX_AMOUNT[time_unit]} / "
            f"the amount must be from 1 to {MAX_AMOUNT[time_unit]} {unit}"
        )
    return None


def _overlaps(a: tuple[date | None, date | None], b: tuple[date | None, date | None]) -> bool:
    """Return whether two inclusive date ranges (None = open end) share a day."""
    return (a[0] or date.min) <= (b[1] or date.max) and (b[0] or date.min) <= (a[1] or date.max)


def _span(start: date | None, end: date | None) -> str:
    return f"{format_date(start) or '…'} – {format_date(end) or '…'}"


def procedure_version_overlap_errors(
    *, code: str, valid_from: date | None, valid_to: date | None, exclude_id: int | None = None
) -> list[str]:
    """Return a message per stored version of `code` (other than `exclude_id`) whose validity overlaps."""
    others = ProcedureVersion.objects.filter(procedure__code=code).exclude(pk=exclude_id or 0)
    return [
        f"hiệu lực {_span(valid_from, valid_to)} chồng lấn phiên bản đã có của thủ tục {code} "
        f"({_span(other_from, other_to)}) / overlaps a stored version of the procedure"
        for other_from, other_to in others.values_list("valid_from", "valid_to")
        if _overlaps((valid_from, valid_to), (other_from, other_to))
    ]


def procedure_version_steps_error(
    *, amount: int | None, time_unit: str, steps: Iterable[tuple[Decimal, str]]
) -> str | None:
    """Return a message when the internal process quotas exceed the statutory time limit (CAT-6)."""
    return steps_total_error(amount, time_unit, steps)


def procedure_time_errors(
    *,
    valid_from: date | None,
    valid_to: date | None,
    amount: int | None,
    time_unit: str,
    committed_amount: int | None = None,
    committed_unit: str = "",
    steps: Iterable[tuple[Decimal, str]] | None = None,
) -> list[tuple[str, str]]:
    """Return (column, message) pairs for the dates, time limits and step quotas of a version."""
    errors: list[tuple[str, str]] = []
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        errors.append(
            (
                "valid_to",
                f"ngày hết hiệu lực {valid_to} trước ngày bắt đầu {valid_from} / valid_to is before valid_from",
            )
        )
    if message := procedure_amount_error(amount, time_unit):
        errors.append(("amount", message))
    if committed_unit or committed_amount is not None:
        if not committed_unit:
            errors.append(("committed_unit", "cần đơn vị của thời hạn cam kết / committed_unit is required"))
        elif message := procedure_amount_error(committed_amount, committed_unit):
            errors.append(("committed_amount", message))
    if (
        steps is not None
        and not errors
        and (message := procedure_version_steps_error(amount=amount, time_unit=time_unit, steps=steps))
    ):
        errors.append(("steps", message))
    return errors


def procedure_version_validate(
    *,
    code: str,
    valid_from: date | None,
    valid_to: date | None,
    amount: int | None,
    time_unit: str,
    committed_amount: int | None = None,
    committed_unit: str = "",
    exclude_id: int | None = None,
    steps: Iterable[tuple[Decimal, str]] | None = None,
) -> list[tuple[str, str]]:
    """Return (column, message) pairs for a version about to be saved: time limits, quotas, overlap."""
    errors = procedure_time_errors(
        valid_from=valid_from,
        valid_to=valid_to,
        amount=amount,
        time_unit=time_unit,
        committed_amount=committed_amount,
        committed_unit=committed_unit,
        steps=steps,
    )
    if not any(column == "valid_to" for column, _ in errors):
        overlaps = procedure_version_overlap_errors(
            code=code, valid_from=valid_from, valid_to=valid_to, exclude_id=exclude_id
        )
        errors += [("valid_from", message) for message in overlaps]
    return errors


def part_name_error(name: str) -> str | None:
    """Return a message when a component, fee or step name holds a separator of the import layout."""
    if any(separator in name for separator in SEPARATORS):
        return "tên không được chứa ký tự ; hoặc | (dùng để phân tách trong tệp nhập) / must not contain ; or |"
    return None


# --- Reading one row of the import layout -------------------------------------------------------


def _check_part_name(name: str, problems: list[str]) -> None:
    if not name:
        problems.append("tên không được để trống / the name is required")


def _component_from_parts(parts: list[str], problems: list[str]) -> ComponentSpec | None:
    """Read "Tên giấy tờ|form|quantity[|optional]"."""
    if len(parts) not in (3, 4):
        problems.append('cần dạng "Tên giấy tờ|form|quantity[|optional]" / expected "name|form|quantity[|optional]"')
        return None
    name, form, quantity_text = parts[:3]
    _check_part_name(name, problems)
    if form not in ComponentForm.values:
        problems.append(choice_message(form, ComponentForm.values, "hình thức / form"))
    quantity = parse_int(quantity_text, low=1, high=MAX_QUANTITY)
    if quantity is None:
        problems.append(f"số lượng {range_message(quantity_text, 1, MAX_QUANTITY)}")
    optional = parts[3] if len(parts) == 4 else ""
    if optional not in ("", "optional"):
        problems.append(f'phần thứ tư chỉ nhận "optional", không phải "{optional}" / the 4th part must be "optional"')
    if problems or quantity is None:
        return None
    return ComponentSpec(name, form, quantity, mandatory=optional != "optional")


def _fee_from_parts(parts: list[str], problems: list[str]) -> FeeSpec | None:
    """Read "Tên|kind|amount|moment" (amount in đồng, may be empty)."""
    if len(parts) != 4:
        problems.append('cần dạng "Tên|kind|amount|moment" / expected "name|kind|amount|moment"')
        return None
    name, kind, amount_text, moment = parts
    _check_part_name(name, problems)
    if len(name) > 255:
        problems.append("tên dài quá 255 ký tự / name longer than 255 characters")
    if kind not in FeeKind.values:
        problems.append(choice_message(kind, FeeKind.values, "loại phí / fee kind"))
    amount = parse_int(amount_text, low=0, high=MAX_FEE) if amount_text else None
    if amount_text and amount is None:
        problems.append(f"mức thu {range_message(amount_text, 0, MAX_FEE)}")
    if moment not in FeeItem.Moment.values:
        problems.append(choice_message(moment, FeeItem.Moment.values, "thời điểm thu / moment"))
    return None if problems else FeeSpec(name, kind, amount, moment)


def _step_from_parts(parts: list[str], problems: list[str], *, unit_codes: set[str]) -> StepSpec | None:
    """Read "Tên bước|role|quota|quota_unit[|unit_code[|flags]]" (flags: supplement, sign, comma-separated)."""
    if not 4 <= len(parts) <= 6:
        problems.append(
            'cần dạng "Tên bước|role|quota|quota_unit|unit_code" / expected "name|role|quota|quota_unit|unit_code"'
        )
        return None
    name, role, quota_text, quota_unit = parts[:4]
    unit_code = parts[4] if len(parts) > 4 else ""
    flags = [flag.strip() for flag in parts[5].split(",") if flag.strip()] if len(parts) > 5 else []
    _check_part_name(name, problems)
    if len(name) > 255:
        problems.append("tên dài quá 255 ký tự / name longer than 255 characters")
    if role not in Role.values:
        problems.append(choice_message(role, Role.values, "vai trò / role"))
    quota = parse_decimal(quota_text)
    if quota is None or not Decimal(0) < quota <= MAX_QUOTA or quota != quota.quantize(Decimal("0.01")):
        problems.append(
            f'thời gian "{quota_text}" phải là số dương, tối đa 2 chữ số thập phân / quota must be a positive number'
        )
    if quota_unit not in QuotaUnit.values:
        problems.append(choice_message(quota_unit, QuotaUnit.values, "đơn vị thời gian / quota unit"))
    if unit_code and unit_code not in unit_codes:
        problems.append(f'mã đơn vị "{unit_code}" không có trong cơ sở dữ liệu / unknown unit code')
    if unknown := [flag for flag in flags if flag not in STEP_FLAGS]:
        problems.append(choice_message(unknown[0], list(STEP_FLAGS), "cờ / flag"))
    if problems or quota is None:
        return None
    return StepSpec(name, role, quota, quota_unit, unit_code, "supplement" in flags, "sign" in flags)


def _read_amount(reader: RowReader, column: str) -> int | None:
    value = reader.text(column)
    if not value:
        return None
    number = parse_int(value, low=-(10**9), high=10**9)
    if number is None:
        reader.error(column, f'thời hạn "{value}" không phải số nguyên / the amount is not an integer')
    return number


def _read_unit_code(reader: RowReader, column: str, unit_codes: set[str]) -> str:
    code = reader.text(column, required=True)
    if code and code not in unit_codes:
        reader.error(column, f'mã đơn vị "{code}" không có trong cơ sở dữ liệu / unknown unit code')
    return code


def _read_unit_codes(reader: RowReader, column: str, unit_codes: set[str]) -> tuple[str, ...]:
    codes = sorted(set(split_items(reader.values.get(column, ""))))
    for code in codes:
        if code not in unit_codes:
            reader.error(column, f'mã đơn vị "{code}" không có trong cơ sở dữ liệu / unknown unit code')
    return tuple(codes)


def _read_version_fields(reader: RowReader, unit_codes: set[str]) -> VersionSpec:
    """Return the row as a `VersionSpec`, recording an error per bad cell in `reader`."""
    return VersionSpec(
        code=reader.text("code", required=True, max_length=40),
        name=reader.text("name", required=True),
        field=reader.text("field", required=True, max_length=200),
        level=reader.choice("level", Level.values, label="cấp thực hiện / level"),
        unit_code=_read_unit_code(reader, "unit_code", unit_codes),
        amount=_read_amount(reader, "amount"),
        time_unit=reader.choice("time_unit", TimeUnitChoice.values, label="đơn vị thời hạn / time unit"),
        clock_rule=reader.choice("clock_rule", ClockRule.values, label="quy tắc khi bổ sung / clock rule"),
        online_level=reader.choice("online_level", OnlineLevel.values, label="mức độ trực tuyến / online level"),
        valid_from=reader.date("valid_from"),
        valid_to=reader.date("valid_to"),
        subjects=reader.choice("subjects", Subjects.values, label="đối tượng / subjects", default=Subjects.BOTH),
        agency_text=reader.text("agency_text"),
        time_limit_text=reader.text("time_limit_text"),
        committed_amount=_read_amount(reader, "committed_amount"),
        committed_unit=reader.choice(
            "committed_unit", TimeUnitChoice.values, label="đơn vị thời hạn cam kết / committed unit", required=False
        ),
        handled_at_counter=reader.flag("handled_at_counter", default=False),
        is_inter_agency=reader.flag("is_inter_agency", default=False),
        clock_runs_awaiting_payment=reader.flag("clock_runs_awaiting_payment", default=True),
        postal=reader.choice("postal", Postal.values, label="bưu chính công ích / postal", default=Postal.BOTH),
        result_type=reader.text("result_type", max_length=255),
        electronic_result=reader.flag("electronic_result", default=False),
        fee_text=reader.text("fee_text"),
        legal_basis=reader.text("legal_basis"),
        source=reader.text("source"),
        coordinating_unit_codes=_read_unit_codes(reader, "coordinating_unit_codes", unit_codes),
        components=tuple(reader.items("components", _component_from_parts)),
        fees=tuple(reader.items("fees", _fee_from_parts)),
        steps=tuple(reader.items("steps", partial(_step_from_parts, unit_codes=unit_codes))),
        row=reader.row,
    )


def procedure_version_read_row(
    *, row: int, values: Mapping[str, str], unit_codes: set[str]
) -> tuple[VersionSpec | None, list[RowError]]:
    """Return the row read as a `VersionSpec` (None when bad) and the problems of its own cells."""
    reader = RowReader(row, values)
    spec = _read_version_fields(reader, unit_codes)
    bad = {error.column for error in reader.errors}
    if not bad & {"time_unit", "amount", "valid_from", "valid_to"}:
        committed_ok = not bad & {"committed_unit", "committed_amount"}
        for column, message in procedure_time_errors(
            valid_from=spec.valid_from,
            valid_to=spec.valid_to,
            amount=spec.amount,
            time_unit=spec.time_unit,
            committed_amount=spec.committed_amount if committed_ok else None,
            committed_unit=spec.committed_unit if committed_ok else "",
            steps=None if "steps" in bad else [(step.quota, step.quota_unit) for step in spec.steps],
        ):
            reader.error(column, message)
    if reader.errors:
        return None, reader.errors
    return _normalised(spec), []


def _normalised(spec: VersionSpec) -> VersionSpec:
    """Return the spec with same-day amounts dropped (a same-day limit has no amount)."""
    return replace(
        spec,
        amount=None if spec.time_unit == TimeUnit.SAME_DAY else spec.amount,
        committed_amount=None if spec.committed_unit == TimeUnit.SAME_DAY else spec.committed_amount,
    )


# --- The import: whole-file checks, then one transaction ------------------------------------------

VersionKey = tuple[str, date | None]


def _stored_versions(codes: Iterable[str]) -> dict[VersionKey, ProcedureVersion]:
    """Return the stored versions of `codes` with everything `version_spec_of` reads, by (code, valid_from)."""
    versions = (
        ProcedureVersion.objects.filter(procedure__code__in=list(codes))
        .select_related("procedure", "field", "competent_unit")
        .prefetch_related("components", "fees", "steps__unit", "coordinating_units")
    )
    return {(version.procedure.code, version.valid_from): version for version in versions}


def _file_errors(specs: Sequence[VersionSpec], stored: Mapping[VersionKey, ProcedureVersion]) -> list[RowError]:
    """Return duplicate and overlapping versions, within the file and against stored versions.

    A stored version with the same (code, valid_from) as a row is that row's target: the row
    replaces it, so only the other stored versions of the code are compared.
    """
    errors: list[RowError] = []
    by_code: dict[str, list[VersionSpec]] = defaultdict(list)
    for spec in specs:
        by_code[spec.code].append(spec)
    for code, versions in by_code.items():
        starts = {spec.valid_from for spec in versions}
        others = [
            (version.valid_from, version.valid_to)
            for (stored_code, start), version in stored.items()
            if stored_code == code and start not in starts
        ]
        errors += _code_errors(versions, others)
    return errors


def _code_errors(versions: Sequence[VersionSpec], others: Sequence[tuple[date | None, date | None]]) -> list[RowError]:
    """Return the duplicates and overlaps among the file's versions of one code and its other stored versions."""
    errors: list[RowError] = []
    first_row: dict[date | None, int] = {}
    for index, spec in enumerate(versions):
        span = (spec.valid_from, spec.valid_to)
        if spec.valid_from in first_row:
            message = (
                f"phiên bản {spec.code} bắt đầu {format_date(spec.valid_from) or '(để trống)'} bị lặp "
                f"(dòng {first_row[spec.valid_from]}) / duplicate version (code, valid_from)"
            )
            errors.append(RowError(spec.row, "valid_from", message))
            continue
        first_row[spec.valid_from] = spec.row
        for other in versions[:index]:
            if other.valid_from != spec.valid_from and _overlaps(span, (other.valid_from, other.valid_to)):
                message = (
                    f"hiệu lực {_span(*span)} chồng lấn phiên bản ở dòng {other.row} "
                    f"({_span(other.valid_from, other.valid_to)}) / overlaps the version on row {other.row}"
                )
                errors.append(RowError(spec.row, "valid_from", message))
        for other_span in others:
            if _overlaps(span, other_span):
                message = (
                    f"hiệu lực {_span(*span)} chồng lấn phiên bản đã có trong cơ sở dữ liệu "
                    f"({_span(*other_span)}) / overlaps a stored version"
                )
                errors.append(RowError(spec.row, "valid_from", message))
    return errors


@transaction.atomic  # read and write in one transaction, so checks and writes see the same data
def catalog_import(
    *, header: Sequence[str], rows: Sequence[tuple[int, Mapping[str, str]]], dry_run: bool = False
) -> ImportResult:
    """Create or update every version of the table by (code, valid_from), all or nothing.

    Raise `CatalogError` with every problem, as `row N, column C: message`, when any row is bad.
    """
    errors = table_column_errors(header, required=CATALOG_REQUIRED_COLUMNS, known=CATALOG_COLUMNS)
    if errors:
        raise CatalogError([str(error) for error in errors])
    unit_codes = set(Unit.objects.values_list("code", flat=True))
    specs: list[VersionSpec] = []
    for number, values in rows:
        spec, row_errors = procedure_version_read_row(row=number, values=values, unit_codes=unit_codes)
        errors += row_errors
        if spec is not None:
            specs.append(spec)
    stored = _stored_versions({spec.code for spec in specs})
    errors += _file_errors(specs, stored)
    if errors:
        raise CatalogError([str(error) for error in sorted(errors, key=lambda error: error.row)])
    result = ImportResult(dry_run=dry_run)
    plan: list[tuple[VersionSpec, ProcedureVersion | None]] = []
    for spec in specs:
        version = stored.get((spec.code, spec.valid_from))
        if version is None:
            result.created += 1
        elif version_spec_of(version) == spec:
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        plan.append((spec, version))
    if not dry_run and plan:
        _catalog_apply(plan)
    return result


def catalog_import_table(*, table: Table, dry_run: bool = False) -> ImportResult:
    """Import a table read by `motcua.lib.tables.table_read`."""
    return catalog_import(header=table.header, rows=table.rows, dry_run=dry_run)


def _shortens(spec: VersionSpec, version: ProcedureVersion | None) -> bool:
    """Return whether the row moves a stored version's end earlier."""
    if version is None or spec.valid_to is None:
        return False
    return version.valid_to is None or spec.valid_to < version.valid_to


@transaction.atomic
def _catalog_apply(plan: Sequence[tuple[VersionSpec, ProcedureVersion | None]]) -> None:
    """Write the plan in one transaction.

    Rows match stored versions by (code, valid_from), so an update only moves `valid_to`. Shortened
    versions are written first; after that every stored range lies within its final range, so no
    write can trip the database's no-overlap constraint halfway through.
    """
    codes = {code for spec, _ in plan for code in _unit_codes_of(spec)}
    units = Unit.objects.in_bulk(list(codes), field_name="code")
    for spec, version in sorted(plan, key=lambda item: not _shortens(*item)):
        procedure_version_upsert(spec=spec, version=version, units=units)


def _unit_codes_of(spec: VersionSpec) -> set[str]:
    return {spec.unit_code, *spec.coordinating_unit_codes, *(step.unit_code for step in spec.steps if step.unit_code)}


def procedure_version_upsert(
    *, spec: VersionSpec, version: ProcedureVersion | None = None, units: Mapping[str, Unit] | None = None
) -> ProcedureVersion:
    """Create or update version (code, valid_from) from a validated `spec`, replacing parts that differ.

    `version` is the stored version to update when the caller already has it (with its parts prefetched).
    """
    if units is None:
        units = Unit.objects.in_bulk(list(_unit_codes_of(spec)), field_name="code")
    if version is None:
        version = _stored_versions([spec.code]).get((spec.code, spec.valid_from))
    old = version_spec_of(version) if version is not None else None
    if version is not None and old == spec:
        return version
    if version is None:
        version = ProcedureVersion(procedure=Procedure.objects.get_or_create(code=spec.code)[0])
    _set_version_fields(version, spec, units)
    version.save()
    if old is None or old.coordinating_unit_codes != spec.coordinating_unit_codes:
        version.coordinating_units.set([units[code] for code in spec.coordinating_unit_codes])
    if old is None or old.components != spec.components:
        _replace_components(version, spec.components)
    if old is None or old.fees != spec.fees:
        FeeItem.objects.filter(version=version).delete()
        FeeItem.objects.bulk_create(
            FeeItem(version=version, name=f.name, kind=f.kind, amount=f.amount, collected_at=f.moment)
            for f in spec.fees
        )
    if old is None or old.steps != spec.steps:
        _replace_steps(version, spec.steps, units)
    return version


def _set_version_fields(version: ProcedureVersion, spec: VersionSpec, units: Mapping[str, Unit]) -> None:
    version.valid_from, version.valid_to = spec.valid_from, spec.valid_to
    version.name = spec.name
    version.field = CatalogField.objects.get_or_create(name=spec.field)[0]
    version.level, version.subjects = spec.level, spec.subjects
    version.competent_unit = units[spec.unit_code]
    version.agency_text = spec.agency_text
    version.time_limit_amount, version.time_limit_unit = spec.amount, spec.time_unit
    version.time_limit_text = spec.time_limit_text
    version.committed_amount, version.committed_unit = spec.committed_amount, spec.committed_unit
    version.clock_rule = spec.clock_rule
    version.clock_runs_awaiting_payment = spec.clock_runs_awaiting_payment
    version.online_level = spec.online_level
    version.handled_at_counter, version.is_inter_agency = spec.handled_at_counter, spec.is_inter_agency
    version.postal, version.result_type = spec.postal, spec.result_type
    version.electronic_result = spec.electronic_result
    version.fee_text, version.legal_basis, version.source = spec.fee_text, spec.legal_basis, spec.source
    version.search_text = fold(f"{spec.code} {spec.name} {spec.field}")


def _replace_components(version: ProcedureVersion, components: Sequence[ComponentSpec]) -> None:
    """Replace the components, keeping an uploaded template for a component whose name is unchanged."""
    stored = DocumentComponent.objects.filter(version=version)
    templates = {component.name: component.template for component in stored if component.template}
    stored.delete()
    DocumentComponent.objects.bulk_create(
        DocumentComponent(
            version=version,
            order=order,
            name=component.name,
            form=component.form,
            quantity=component.quantity,
            mandatory=component.mandatory,
            template=templates.get(component.name, ""),
        )
        for order, component in enumerate(components, start=1)
    )


def _replace_steps(version: ProcedureVersion, steps: Sequence[StepSpec], units: Mapping[str, Unit]) -> None:
    ProcessStep.objects.filter(version=version).delete()
    ProcessStep.objects.bulk_create(
        ProcessStep(
            version=version,
            order=order,
            name=step.name,
            role=step.role,
            unit=units[step.unit_code] if step.unit_code else None,
            quota_amount=step.quota,
            quota_unit=step.quota_unit,
            can_request_supplement=step.can_request_supplement,
            requires_signature=step.requires_signature,
        )
        for order, step in enumerate(steps, start=1)
    )


# --- The normalised form of a stored version, and the export ---------------------------------------


def version_spec_of(version: ProcedureVersion) -> VersionSpec:
    """Return a stored version in the normalised form of the import layout."""
    same_day = version.time_limit_unit == TimeUnit.SAME_DAY
    return VersionSpec(
        code=version.procedure.code,
        name=version.name,
        field=version.field.name,
        level=version.level,
        unit_code=version.competent_unit.code,
        amount=None if same_day else version.time_limit_amount,
        time_unit=version.time_limit_unit,
        clock_rule=version.clock_rule,
        online_level=version.online_level,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        subjects=version.subjects,
        agency_text=version.agency_text,
        time_limit_text=version.time_limit_text,
        committed_amount=None if version.committed_unit in ("", TimeUnit.SAME_DAY) else version.committed_amount,
        committed_unit=version.committed_unit,
        handled_at_counter=version.handled_at_counter,
        is_inter_agency=version.is_inter_agency,
        clock_runs_awaiting_payment=version.clock_runs_awaiting_payment,
        postal=version.postal,
        result_type=version.result_type,
        electronic_result=version.electronic_result,
        fee_text=version.fee_text,
        legal_basis=version.legal_basis,
        source=version.source,
        coordinating_unit_codes=tuple(sorted(unit.code for unit in version.coordinating_units.all())),
        components=tuple(
            ComponentSpec(c.name, c.form, c.quantity, c.mandatory)
            for c in sorted(version.components.all(), key=lambda c: (c.order, c.pk))
        ),
        fees=tuple(
            FeeSpec(f.name, f.kind, None if f.amount is None else int(f.amount), f.collected_at)
            for f in sorted(version.fees.all(), key=lambda f: f.pk)
        ),
        steps=tuple(_step_spec_of(step) for step in sorted(version.steps.all(), key=lambda s: (s.order, s.pk))),
    )


def _step_spec_of(step: ProcessStep) -> StepSpec:
    unit_code = step.unit.code if step.unit is not None else ""
    return StepSpec(
        step.name,
        step.role,
        step.quota_amount,
        step.quota_unit,
        unit_code,
        step.can_request_supplement,
        step.requires_signature,
    )


def version_spec_row(spec: VersionSpec) -> dict[str, str]:
    """Return a `VersionSpec` as a row of the import layout."""
    flags = ("handled_at_counter", "is_inter_agency", "clock_runs_awaiting_payment", "electronic_result")
    texts = ("code", "name", "field", "level", "unit_code", "time_unit", "clock_rule", "online_level", "subjects")
    more_texts = ("agency_text", "time_limit_text", "committed_unit", "postal", "result_type", "fee_text")
    row = {name: str(getattr(spec, name)) for name in (*texts, *more_texts, "legal_basis", "source")}
    row.update({name: format_flag(getattr(spec, name)) for name in flags})
    return row | {
        "amount": "" if spec.amount is None else str(spec.amount),
        "committed_amount": "" if spec.committed_amount is None else str(spec.committed_amount),
        "valid_from": format_date(spec.valid_from),
        "valid_to": format_date(spec.valid_to),
        "coordinating_unit_codes": ";".join(spec.coordinating_unit_codes),
        "components": ";".join(
            "|".join([c.name, c.form, str(c.quantity), *([] if c.mandatory else ["optional"])]) for c in spec.components
        ),
        "fees": ";".join(
            "|".join([f.name, f.kind, "" if f.amount is None else str(f.amount), f.moment]) for f in spec.fees
        ),
        "steps": ";".join(_step_text(step) for step in spec.steps),
    }


def _step_text(step: StepSpec) -> str:
    flags = [flag for flag, attribute in STEP_FLAGS.items() if getattr(step, attribute)]
    parts = [step.name, step.role, format_decimal(step.quota), step.quota_unit, step.unit_code, ",".join(flags)]
    while parts[-1] == "":  # drop empty optional trailing parts
        parts.pop()
    return "|".join(parts)


def catalog_export_rows() -> list[dict[str, str]]:
    """Return every procedure version as a row of the import layout, by code then start date."""
    versions = (
        ProcedureVersion.objects.select_related("procedure", "field", "competent_unit")
        .prefetch_related("components", "fees", "steps__unit", "coordinating_units")
        .order_by("procedure__code", F("valid_from").asc(nulls_first=True))
    )
    return [version_spec_row(version_spec_of(version)) for version in versions]


# --- Saving from the admin ----------------------------------------------------------------------------


@transaction.atomic
def procedure_version_save(*, version: ProcedureVersion) -> ProcedureVersion:
    """Validate and save a version edited in the admin (its parts are saved by the caller).

    Raise `CatalogError` and save nothing on an overlap or a bad time limit.
    """
    errors = procedure_version_validate(
        code=version.procedure.code,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        amount=version.time_limit_amount,
        time_unit=version.time_limit_unit,
        committed_amount=version.committed_amount,
        committed_unit=version.committed_unit,
        exclude_id=version.pk,
    )
    if errors:
        raise CatalogError([message for _, message in errors])
    if version.time_limit_unit == TimeUnit.SAME_DAY:
        version.time_limit_amount = None
    if version.committed_unit == TimeUnit.SAME_DAY:
        version.committed_amount = None
    version.search_text = fold(f"{version.procedure.code} {version.name} {version.field.name}")
    version.save()
    return version
