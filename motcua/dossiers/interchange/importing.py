"""Import of dossier history from interchange lines (`manage.py import_dossiers`)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, transaction

from motcua.accounts.models import Role, Unit
from motcua.catalog.models import ProcedureVersion, QuotaUnit
from motcua.dossiers.events import event_build
from motcua.dossiers.interchange.lines import (
    DossierRecord,
    LineError,
    local_zone,
    record_json,
    record_parse,
    timestamp_format,
)
from motcua.dossiers.interchange.stored import dossiers_for_interchange, record_of_dossier
from motcua.dossiers.models import Dossier, DossierCodeSequence, DossierEvent, DossierStep, PauseKind
from motcua.dossiers.services.core import DossierError, new_lookup_secret, now
from motcua.dossiers.services.deadlines import appointment_for, time_limit_of
from motcua.dossiers.states import END_STATES, State
from motcua.workdays.arith import TimeUnit

PAUSE_EVENTS: dict[str, tuple[str, str, str]] = {
    PauseKind.SUPPLEMENT: ("supplement_requested", State.SUPPLEMENT_REQUESTED, "supplement_received"),
    PauseKind.PAYMENT: ("payment_requested", State.AWAITING_PAYMENT, "payment_recorded"),
}
# The event that ends processing, by final state; every other final state ends by a decision.
ENDING: dict[str, tuple[str, str]] = {
    State.REFUSED_AT_RECEPTION: ("refused", State.REFUSED_AT_RECEPTION),
    State.STOPPED: ("stopped", State.STOPPED),
}
_ART19_CODE = re.compile(r"^(?P<unit>.+)-(?P<day>\d{6})-(?P<number>\d{4,})$")


@dataclass
class ImportReport:
    """What an import did (or, on a dry run or with errors, would have done)."""

    dry_run: bool = False
    lines: int = 0
    created: int = 0
    unchanged: int = 0
    bad_lines: int = 0
    errors: list[str] = field(default_factory=list)  # "line N: …", one per problem
    warnings: list[str] = field(default_factory=list)
    committed: bool = False

    def fail(self, number: int, messages: list[str]) -> None:
        self.bad_lines += 1
        self.errors.extend(f"line {number}: {message}" for message in messages)


class _Catalog:
    """Units and procedure versions by code, read once per import."""

    def __init__(self) -> None:
        self.units: dict[str, Unit | None] = {}
        self.versions: dict[str, list[ProcedureVersion]] = {}

    def unit(self, code: str) -> Unit | None:
        if code not in self.units:
            self.units[code] = Unit.objects.filter(code=code).first()
        return self.units[code]

    def version(self, code: str, on: date) -> tuple[ProcedureVersion | None, str]:
        """Return the version in force on `on`, else the nearest one with a warning, else None."""
        if code not in self.versions:
            self.versions[code] = list(
                ProcedureVersion.objects.filter(procedure__code=code)
                .select_related("procedure", "competent_unit")
                .prefetch_related("steps")
                .order_by("valid_from")
            )
        versions = self.versions[code]
        for version in versions:
            if (version.valid_from or date.min) <= on <= (version.valid_to or date.max):
                return version, ""
        if not versions:
            return None, ""
        started = [v for v in versions if (v.valid_from or date.min) <= on]
        version = started[-1] if started else versions[0]
        since = f"{version.valid_from:%d/%m/%Y}" if version.valid_from else "—"
        return version, (
            f"cảnh báo: MaTTHC {code} không có phiên bản hiệu lực ngày {on:%d/%m/%Y}, dùng phiên bản từ {since} / "
            f"warning: no version of {code} in force on {on.isoformat()}, used the one from {since}"
        )


@dataclass
class _Plan:
    """A parsed line resolved against the database: what to write and what to warn about."""

    record: DossierRecord
    version: ProcedureVersion
    units: dict[str, Unit]
    explanation: list[str]
    warnings: list[str]


def _resolve_units(
    record: DossierRecord, catalog: _Catalog, version: ProcedureVersion | None
) -> tuple[dict[str, Unit], list[str]]:
    """Return the units the record names by code, and a message for each code that is unknown."""
    codes = {
        "MaDonViTiepNhan": record.unit_code,
        "x_reception_point": record.reception_point_code,
        "x_competent_agency": record.competent_agency_code,
        **{f"x_steps[{i}].unit": step.unit_code for i, step in enumerate(record.steps, 1)},
    }
    units, errors, unknown = {}, [], set()
    for key, code in codes.items():
        unit = catalog.unit(code) if code else None
        if unit is not None:
            units[code] = unit
        elif code and code not in unknown:  # the reception point defaults to the receiving unit: name it once
            unknown.add(code)
            errors.append(f"{key}: mã đơn vị không tồn tại {code!r} / unknown unit code")
    if version is not None and not record.competent_agency_code:
        units[version.competent_unit.code] = version.competent_unit
    return units, errors


def _resolve(record: DossierRecord, catalog: _Catalog) -> _Plan:
    """Return the plan for `record`: catalog version, units, time limit and appointment; raise LineError."""
    on = (record.accepted_at or record.submitted_at).astimezone(local_zone()).date()
    version, warning = catalog.version(record.procedure_code, on)
    units, errors = _resolve_units(record, catalog, version)
    if version is None:
        errors.insert(0, f"MaTTHC: thủ tục không có trong danh mục {record.procedure_code!r} / unknown procedure code")
    if errors or version is None:
        raise LineError(errors)
    time_limit = record.time_limit or (time_limit_of(version) if record.accepted_at else None)
    appointment, computed = record.appointment_at, False
    explanation: list[str] = []
    if record.accepted_at and appointment is None and time_limit is not None:
        amount, time_unit = time_limit
        try:
            appointment, explanation = appointment_for(
                unit=units[record.unit_code], accepted_at=record.accepted_at, amount=amount or 0, time_unit=time_unit
            )
        except DossierError as error:
            raise LineError([f"NgayHenTra: không tính được / cannot be computed: {error.message}"]) from None
        computed = True
    moves = record.reappointments
    resolved = replace(
        record,
        competent_agency_code=record.competent_agency_code or version.competent_unit.code,
        time_limit=(time_limit[0] if time_limit[1] != TimeUnit.SAME_DAY else None, time_limit[1])
        if time_limit
        else None,
        appointment_at=appointment,
        current_appointment_at=record.current_appointment_at or (moves[-1].to_at if moves else appointment),
        appointment_computed=record.appointment_computed or computed,
    )
    return _Plan(resolved, version, units, explanation, [warning] if warning else [])


def _history(record: DossierRecord) -> list[tuple[datetime, str, str, dict[str, Any]]]:
    """Return (at, type, to_state, data) for every transition the record's times show, oldest first."""
    moments: list[tuple[datetime, str, str, dict[str, Any]]] = [
        (record.submitted_at, "submitted", State.SUBMITTED, {"channel": record.channel})
    ]
    if record.accepted_at:
        data = {"appointment_at": timestamp_format(record.appointment_at, dates="iso")}
        moments.append((record.accepted_at, "accepted", State.ACCEPTED, data))
    for pause in record.pauses:
        requested, paused_state, resumed = PAUSE_EVENTS[pause.kind]
        moments.append((pause.start, requested, paused_state, {"reason": pause.reason}))
        if pause.end:
            moments.append((pause.end, resumed, State.IN_PROCESS, {}))
    if record.processing_ended_at:
        ended_by, ended_in = ENDING.get(record.state, ("decided", State.DONE))
        moments.append((record.processing_ended_at, ended_by, ended_in, {"outcome": record.outcome}))
    if record.delivered_at:
        moments.append((record.delivered_at, "delivered", State.DELIVERED, {"method": record.return_method}))
    return sorted(moments, key=lambda moment: moment[0])


def _events_write(dossier: Dossier, plan: _Plan, source: dict[str, Any], imported_at: datetime) -> None:
    """Write the dossier's chain: its recorded transitions, then the imported event carrying the source line."""
    last: DossierEvent | None = None
    state = ""
    events = []
    history = _history(plan.record)
    history.append(
        (
            imported_at,
            "imported",
            plan.record.state,
            {"source": source, "appointment_computed": plan.record.appointment_computed},
        )
    )
    for at, type_, to_state, data in history:
        data = {**data, "imported": True} if type_ != "imported" else data
        last = event_build(
            dossier=dossier,
            last=last,
            type=type_,
            at=at.astimezone(UTC),  # the hash covers the instant as the database returns it, in UTC
            actor_id=None,
            actor_name="",
            from_state=state,
            to_state=to_state,
            data=data,
        )
        events.append(last)
        state = to_state
    DossierEvent.objects.bulk_create(events)


def _steps_write(dossier: Dossier, plan: _Plan) -> DossierStep | None:
    """Create the recorded steps; return the open one (the current step of an open dossier)."""
    catalog_steps = {step.order: step for step in plan.version.steps.all()}
    current = None
    for step in plan.record.steps:
        known = catalog_steps.get(step.order)
        quota = step.quota or ((known.quota_amount, known.quota_unit) if known else (Decimal(0), QuotaUnit.HOURS))
        row = DossierStep.objects.create(
            dossier=dossier,
            order=step.order,
            name=step.name,
            role=step.role or (known.role if known else Role.PROCESSING_OFFICER),
            unit=plan.units[step.unit_code],
            quota_amount=quota[0],
            quota_unit=quota[1],
            started_at=step.start,
            due_at=step.due,
            finished_at=step.end,
            finish_kind=step.finish,
            note=step.note,
            is_consultation=step.consultation,
        )
        if step.end is None:
            current = row
    return current


def _sequence_reserve(code: str, unit: Unit) -> None:
    """Move the unit's daily sequence past an imported art. 19 code, so that new codes never collide with it."""
    match = _ART19_CODE.match(code)
    if match is None or match["unit"] != unit.code:
        return
    try:
        day = datetime.strptime(match["day"], "%y%m%d").date()
    except ValueError:
        return
    row, _created = DossierCodeSequence.objects.select_for_update().get_or_create(unit=unit, day=day)
    if row.last_value < int(match["number"]):
        row.last_value = int(match["number"])
        row.save(update_fields=["last_value"])


def _dossier_create(plan: _Plan, source: dict[str, Any], imported_at: datetime) -> Dossier:
    """Write one imported dossier with its steps and its hash-chained history."""
    record, version = plan.record, plan.version
    accepted = record.accepted_at is not None
    dossier = Dossier.objects.create(
        code=record.code,
        procedure_version=version,
        reception_point=plan.units[record.reception_point_code],
        receiving_unit=plan.units[record.unit_code],
        competent_agency=plan.units[record.competent_agency_code],
        channel=record.channel,
        applicant_kind=record.applicant_kind,
        applicant_name=record.applicant_name,
        applicant_id_number=record.applicant_id_number,
        applicant_phone=record.applicant_phone,
        applicant_email=record.applicant_email,
        applicant_address=record.applicant_address,
        submitter_name=record.submitter[0],
        submitter_id_number=record.submitter[1],
        submitter_phone=record.submitter[2],
        subject=record.subject,
        state=record.state,
        submitted_at=record.submitted_at,
        accepted_at=record.accepted_at,
        time_limit_amount=record.time_limit[0] if record.time_limit else None,
        time_limit_unit=record.time_limit[1] if record.time_limit else "",
        clock_rule=version.clock_rule if accepted else "",
        clock_runs_awaiting_payment=version.clock_runs_awaiting_payment,
        appointment_at=record.appointment_at,
        current_appointment_at=record.current_appointment_at,
        appointment_explanation=plan.explanation,
        processing_ended_at=record.processing_ended_at,
        delivered_at=record.delivered_at,
        outcome=record.outcome,
        result_summary=record.result_summary,
        result_code=record.result_code,
        return_method=record.return_method,
        lookup_secret=new_lookup_secret(),
    )
    current = _steps_write(dossier, plan)
    if current is not None and record.state not in END_STATES:
        dossier.current_step = current
        dossier.save(update_fields=["current_step"])
    _events_write(dossier, plan, source, imported_at)
    _sequence_reserve(record.code, dossier.receiving_unit)
    return dossier


def _differences(source: dict[str, Any], plan: _Plan, dossier: Dossier) -> list[str]:
    """Return the fields the line gives that differ from the stored dossier (fields it omits are not compared)."""
    stored = record_json(record_of_dossier(dossier), dates="iso")
    given = record_json(plan.record, dates="iso")
    return [key for key in given if key in source and given[key] != stored[key]]


def _decode(text: str) -> dict[str, Any]:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as error:
        raise LineError([f"JSON không hợp lệ / invalid JSON: {error.msg} (cột / column {error.colno})"]) from None
    if not isinstance(obj, dict):
        raise LineError(["dòng phải là một đối tượng JSON {…} / a line must be a JSON object"])
    return obj


def _line_import(text: str, catalog: _Catalog, imported_at: datetime, report: ImportReport, number: int) -> None:
    source = _decode(text)
    plan = _resolve(record_parse(source), catalog)
    existing = dossiers_for_interchange().filter(code=plan.record.code).first()
    if existing is not None:
        differing = _differences(source, plan, existing)
        if differing:
            raise LineError(
                [
                    f"MaHoSo {plan.record.code!r} đã có với dữ liệu khác ở {', '.join(differing)}, không sửa / "
                    "conflict: the stored dossier differs and was left unchanged"
                ]
            )
        report.unchanged += 1
        return
    _dossier_create(plan, source, imported_at)
    report.created += 1
    report.warnings.extend(f"line {number}: {warning}" for warning in plan.warnings)


def dossier_import_lines(*, lines: Iterable[str], skip_invalid: bool = False, dry_run: bool = False) -> ImportReport:
    """Import dossiers from JSON Lines in one transaction: all or nothing, unless `skip_invalid` keeps the good lines.

    MaHoSo is the key: a dossier already stored with the same data is skipped, one stored with
    different data is reported as a conflict (a bad line) and left as it is. A dry run checks
    everything, writes included, and rolls back.
    """
    report = ImportReport(dry_run=dry_run)
    catalog = _Catalog()
    imported_at = now()
    with transaction.atomic():
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            report.lines += 1
            try:
                with transaction.atomic():  # a savepoint: a line that fails half-way leaves nothing behind
                    _line_import(text, catalog, imported_at, report, number)
            except LineError as error:
                report.fail(number, error.messages)
            except DatabaseError as error:
                report.fail(number, [f"cơ sở dữ liệu từ chối dòng này / the database refused the line: {error}"])
        report.committed = not dry_run and (skip_invalid or not report.errors)
        if not report.committed:
            transaction.set_rollback(True)
    return report
