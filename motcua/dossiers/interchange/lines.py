"""One line of the interchange format: timestamps, the record a line describes, reading and writing it.

Pure: no database access here, so the format can be checked and tested on its own.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from motcua.accounts.models import Role
from motcua.catalog.models import QuotaUnit, TimeUnitChoice
from motcua.dossiers.models import PauseKind
from motcua.dossiers.rules import normalise_phone
from motcua.dossiers.services.core import now
from motcua.dossiers.states import (
    END_STATES,
    PORTAL_STATUS,
    STATE_BY_PORTAL_STATUS,
    ApplicantKind,
    Channel,
    Outcome,
    ReturnMethod,
    State,
)
from motcua.workdays.arith import TimeUnit

PORTAL_FORMAT = "%Y%m%d%H%M%S"  # the portal's 14-digit local time, e.g. 20250303090000
DATES = ("portal", "iso")
EXTENSION_FIELDS = frozenset(
    {
        "x_state",
        "x_submitter",
        "x_reception_point",
        "x_competent_agency",
        "x_current_appointment",
        "x_time_limit",
        "x_outcome",
        "x_result_summary",
        "x_return_method",
        "x_appointment_computed",
        "x_pauses",
        "x_reappointments",
        "x_steps",
        "x_events",
    }
)
# Person or organisation, as the portal's LoaiDoiTuong codes them.
APPLICANT_KIND_BY_CODE = {1: ApplicantKind.PERSON, 2: ApplicantKind.ORGANISATION}
_PORTAL_TIME = re.compile(r"^\d{14}$")


class LineError(Exception):
    """One line of an import file that cannot be imported, with every reason found."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


# --- Timestamps ---------------------------------------------------------------------------------


def local_zone() -> ZoneInfo:
    """Return the zone of the portal's local timestamps (the project's TIME_ZONE, Asia/Ho_Chi_Minh)."""
    return ZoneInfo(settings.TIME_ZONE)


def timestamp_parse(value: Any) -> datetime:
    """Return the instant of a portal `yyyyMMddHHmmss` (local time) or ISO 8601 value; raise ValueError."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # the 14 digits sent as a JSON number
    if not isinstance(value, str):
        raise ValueError(value)
    text = value.strip()
    parsed = datetime.strptime(text, PORTAL_FORMAT) if _PORTAL_TIME.match(text) else datetime.fromisoformat(text)
    return parsed.replace(tzinfo=local_zone()) if parsed.tzinfo is None else parsed


def timestamp_format(moment: datetime | None, *, dates: str = "portal") -> str | None:
    """Return `moment` as the portal's local `yyyyMMddHHmmss`, or as ISO 8601 with offset (to the second)."""
    if moment is None:
        return None
    local = moment.astimezone(local_zone())
    return local.strftime(PORTAL_FORMAT) if dates == "portal" else local.isoformat(timespec="seconds")


# --- The record a line describes ----------------------------------------------------------------


@dataclass(frozen=True)
class Pause:
    """A pause of the clock (x_pauses): supplement or financial obligation."""

    start: datetime
    end: datetime | None
    kind: str = PauseKind.SUPPLEMENT
    reason: str = ""


@dataclass(frozen=True)
class Reappointment:
    """A move of the appointment (x_reappointments), e.g. by an apology letter."""

    from_at: datetime
    to_at: datetime
    reason: str = ""


@dataclass(frozen=True)
class Step:
    """A step of the internal process as it happened (x_steps)."""

    order: int
    name: str
    unit_code: str
    start: datetime
    due: datetime
    end: datetime | None = None
    role: str = ""
    quota: tuple[Decimal, str] | None = None
    finish: str = ""  # how it ended: forwarded, returned, consulting, replied, decided, stopped
    note: str = ""
    consultation: bool = False


@dataclass(frozen=True)
class DossierRecord:
    """One dossier as the interchange format carries it; codes instead of database ids."""

    code: str
    procedure_code: str
    unit_code: str
    submitted_at: datetime
    state: str
    channel: int = Channel.COUNTER
    accepted_at: datetime | None = None
    appointment_at: datetime | None = None
    processing_ended_at: datetime | None = None
    delivered_at: datetime | None = None
    applicant_kind: str = ApplicantKind.PERSON
    applicant_name: str = ""
    applicant_id_number: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    applicant_address: str = ""
    subject: str = ""
    submitter: tuple[str, str, str] = ("", "", "")  # name, ID number, phone
    reception_point_code: str = ""
    competent_agency_code: str = ""  # empty: the procedure version's competent unit
    current_appointment_at: datetime | None = None
    time_limit: tuple[int | None, str] | None = None
    outcome: str = ""
    result_code: str = ""
    result_summary: str = ""
    return_method: str = ""
    appointment_computed: bool = False
    pauses: tuple[Pause, ...] = ()
    reappointments: tuple[Reappointment, ...] = ()
    steps: tuple[Step, ...] = ()


# --- Reading a line -----------------------------------------------------------------------------

_MISSING = object()


class FieldReader:
    """Typed reads from one decoded object; a bad value becomes a message and reading goes on."""

    def __init__(self, obj: Mapping[str, Any], errors: list[str], prefix: str = "") -> None:
        self.obj, self.errors, self.prefix = obj, errors, prefix

    def fail(self, key: str, message: str) -> None:
        self.errors.append(f"{self.prefix}{key}: {message}")

    def _value(self, key: str, required: bool) -> Any:
        value = self.obj.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(key, "thiếu giá trị bắt buộc / required")
            return _MISSING
        return value

    def text(self, key: str, *, required: bool = False, max_length: int | None = 255) -> str:
        value = self._value(key, required)
        if value is _MISSING:
            return ""
        if not isinstance(value, str):
            self.fail(key, "phải là chuỗi ký tự / must be a string")
            return ""
        if max_length is not None and len(value.strip()) > max_length:
            self.fail(key, f"dài quá {max_length} ký tự / longer than {max_length} characters")
            return ""
        return value.strip()

    def moment(self, key: str, *, required: bool = False) -> datetime | None:
        value = self._value(key, required)
        if value is _MISSING:
            return None
        try:
            return timestamp_parse(value)
        except ValueError:
            self.fail(key, f"thời điểm không hợp lệ {value!r}, cần yyyyMMddHHmmss hoặc ISO 8601 / invalid timestamp")
            return None

    def integer(self, key: str, *, choices: range, default: int | None = None) -> int | None:
        value = self._value(key, default is None)
        if value is _MISSING:
            return default
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)  # the portal often sends codes as strings ("1")
        if isinstance(value, bool) or not isinstance(value, int) or value not in choices:
            low, high = choices.start, choices.stop - 1
            self.fail(key, f"phải là số nguyên từ {low} đến {high}, không phải {value!r} / must be {low}–{high}")
            return default
        return value

    def choice(self, key: str, choices: Collection[str], *, default: str = "") -> str:
        value = self.text(key, max_length=40)
        if value and value not in choices:
            self.fail(key, f"giá trị {value!r} không hợp lệ (chọn: {', '.join(choices)}) / unknown value")
            return default
        return value or default

    def flag(self, key: str) -> bool:
        value = self.obj.get(key)
        if value is not None and not isinstance(value, bool):
            self.fail(key, "phải là true hoặc false / must be true or false")
        return value is True

    def decimal(self, key: str) -> Decimal | None:
        value = self._value(key, False)
        if value is _MISSING:
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = Decimal(-1)
        if isinstance(value, bool) or not number.is_finite() or number < 0 or number >= 10000:
            self.fail(key, f"số không hợp lệ {value!r} / invalid number")
            return None
        return number

    def nested(self, key: str) -> FieldReader | None:
        value = self._value(key, False)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            self.fail(key, "phải là một đối tượng {…} / must be an object")
            return None
        return FieldReader(value, self.errors, f"{self.prefix}{key}.")

    def items(self, key: str) -> list[FieldReader]:
        value = self._value(key, False)
        if value is _MISSING:
            return []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.fail(key, "phải là một danh sách đối tượng [{…}] / must be a list of objects")
            return []
        return [FieldReader(item, self.errors, f"{self.prefix}{key}[{index}].") for index, item in enumerate(value, 1)]


def pauses_of(fields: FieldReader) -> tuple[Pause, ...]:
    pauses = []
    for item in fields.items("x_pauses"):
        start, end = item.moment("start", required=True), item.moment("end")
        kind = item.choice("kind", PauseKind.values, default=PauseKind.SUPPLEMENT)
        reason = item.text("reason", max_length=None)
        if start is not None:
            pauses.append(Pause(start=start, end=end, kind=kind, reason=reason))
    return tuple(sorted(pauses, key=lambda p: p.start))


def reappointments_of(fields: FieldReader) -> tuple[Reappointment, ...]:
    moves = []
    for item in fields.items("x_reappointments"):
        from_at, to_at = item.moment("from", required=True), item.moment("to", required=True)
        reason = item.text("reason", max_length=None)
        if from_at is not None and to_at is not None:
            if to_at <= from_at:
                item.fail("to", "ngày hẹn mới phải sau ngày hẹn cũ / must be later than `from`")
            moves.append(Reappointment(from_at=from_at, to_at=to_at, reason=reason))
    return tuple(moves)


def _step_of(item: FieldReader) -> Step | None:
    order = item.integer("order", choices=range(1, 1000))
    name = item.text("name", required=True)
    unit_code = item.text("unit", required=True, max_length=40)
    start, due, end = item.moment("start", required=True), item.moment("due", required=True), item.moment("end")
    role = item.choice("role", Role.values)
    quota = item.nested("quota")
    amount = quota.decimal("amount") if quota else None
    quota_unit = quota.choice("unit", QuotaUnit.values, default=QuotaUnit.WORKING_DAYS) if quota else ""
    finish = item.text("finish", max_length=16)
    note = item.text("note", max_length=None)
    consultation = item.flag("consultation")
    if order is None or start is None or due is None or not name or not unit_code:
        return None
    if end is not None and end < start:
        item.fail("end", "kết thúc trước khi bắt đầu / ends before it starts")
    return Step(
        order=order,
        name=name,
        unit_code=unit_code,
        start=start,
        due=due,
        end=end,
        role=role,
        quota=(amount, quota_unit) if amount is not None else None,
        finish=finish,
        note=note,
        consultation=consultation,
    )


def _steps_of(fields: FieldReader) -> tuple[Step, ...]:
    steps = [_step_of(item) for item in fields.items("x_steps")]
    return tuple(step for step in steps if step is not None)


def _state_of(fields: FieldReader) -> str:
    status = fields.integer("TrangThaiHoSo", choices=range(1, 11))
    state = fields.choice("x_state", State.values)
    if status is None:
        return ""
    if state and PORTAL_STATUS[state] != status:
        fields.fail("x_state", f"trạng thái {state} không ứng với TrangThaiHoSo {status} / does not match")
    return state or STATE_BY_PORTAL_STATUS[status]


def _applicant_of(fields: FieldReader) -> dict[str, Any]:
    kind = fields.integer("LoaiDoiTuong", choices=range(1, 3), default=1)
    email = fields.text("Email", max_length=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            fields.fail("Email", f"địa chỉ thư điện tử không hợp lệ {email!r} / invalid e-mail address")
    phone = normalise_phone(fields.text("SoDienThoai", max_length=30))
    if len(phone) > 20:
        fields.fail("SoDienThoai", "dài quá 20 ký tự / longer than 20 characters")
    submitter = fields.nested("x_submitter")
    return {
        "applicant_kind": APPLICANT_KIND_BY_CODE[kind or 1],
        "applicant_name": fields.text("ChuHoSo", required=True),
        "applicant_id_number": fields.text("SoDinhDanh", max_length=20),
        "applicant_phone": phone[:20],
        "applicant_email": email,
        "applicant_address": fields.text("DiaChi", max_length=500),
        "subject": fields.text("TrichYeuHoSo", max_length=None),
        "submitter": (
            (submitter.text("name"), submitter.text("id_number", max_length=20), submitter.text("phone", max_length=20))
            if submitter
            else ("", "", "")
        ),
    }


def _time_limit_of(fields: FieldReader) -> tuple[int | None, str] | None:
    limit = fields.nested("x_time_limit")
    if limit is None:
        return None
    unit = limit.choice("unit", TimeUnitChoice.values)
    amount = limit.integer("amount", choices=range(1, 100000), default=0) or None
    if not unit:
        limit.fail("unit", "thiếu giá trị bắt buộc / required")
    elif unit != TimeUnit.SAME_DAY and amount is None:
        limit.fail("amount", "thiếu giá trị bắt buộc / required")
    return (amount if unit != TimeUnit.SAME_DAY else None, unit)


def record_parse(obj: Any) -> DossierRecord:
    """Return the dossier one decoded line describes; raise LineError listing every bad field."""
    if not isinstance(obj, dict):
        raise LineError(["dòng phải là một đối tượng JSON {…} / a line must be a JSON object"])
    errors: list[str] = []
    fields = FieldReader(obj, errors)
    for key in sorted(k for k in obj if k.startswith("x_") and k not in EXTENSION_FIELDS):
        fields.fail(key, "trường mở rộng không có trong định dạng / unknown extension field")
    unit_code = fields.text("MaDonViTiepNhan", required=True, max_length=40)
    record = DossierRecord(
        code=fields.text("MaHoSo", required=True, max_length=64),
        procedure_code=fields.text("MaTTHC", required=True, max_length=40),
        unit_code=unit_code,
        submitted_at=fields.moment("NgayNop", required=True),  # type: ignore[arg-type]  # checked below
        state=_state_of(fields),
        channel=fields.integer("KenhThucHien", choices=range(1, 4), default=Channel.COUNTER) or Channel.COUNTER,
        accepted_at=fields.moment("NgayTiepNhan"),
        appointment_at=fields.moment("NgayHenTra"),
        processing_ended_at=fields.moment("NgayKetThucXuLy"),
        delivered_at=fields.moment("NgayTra"),
        **_applicant_of(fields),
        reception_point_code=fields.text("x_reception_point", max_length=40) or unit_code,
        competent_agency_code=fields.text("x_competent_agency", max_length=40),
        current_appointment_at=fields.moment("x_current_appointment"),
        time_limit=_time_limit_of(fields),
        outcome=fields.choice("x_outcome", Outcome.values),
        result_code=fields.text("MaKetQua", max_length=100),
        result_summary=fields.text("x_result_summary", max_length=None),
        return_method=fields.choice("x_return_method", ReturnMethod.values),
        appointment_computed=fields.flag("x_appointment_computed"),
        pauses=pauses_of(fields),
        reappointments=reappointments_of(fields),
        steps=_steps_of(fields),
    )
    if not errors:
        errors.extend(_record_problems(record))
    if errors:
        raise LineError(errors)
    return record


def _order_problems(record: DossierRecord) -> list[str]:
    problems = []
    chain = [
        ("NgayNop", record.submitted_at),
        ("NgayTiepNhan", record.accepted_at),
        ("NgayKetThucXuLy", record.processing_ended_at),
        ("NgayTra", record.delivered_at),
    ]
    present = [(name, moment) for name, moment in chain if moment is not None]
    for (before, earlier), (after, later) in pairwise(present):
        if later < earlier:
            problems.append(f"{after}: trước {before} / earlier than {before}")
    if record.accepted_at and record.appointment_at and record.appointment_at < record.accepted_at:
        problems.append("NgayHenTra: trước NgayTiepNhan / earlier than NgayTiepNhan")
    moments = (
        [m for _name, m in chain if m] + [p.start for p in record.pauses] + [p.end for p in record.pauses if p.end]
    )
    if any(moment > now() for moment in moments):
        problems.append("thời điểm đã qua nằm ở tương lai / a recorded time lies in the future")
    return problems


def _state_problems(record: DossierRecord) -> list[str]:
    problems = []
    before_acceptance = record.state in (State.SUBMITTED, State.RETURNED_FOR_COMPLETION, State.REFUSED_AT_RECEPTION)
    if before_acceptance and (record.accepted_at or record.appointment_at):
        problems.append(
            "NgayTiepNhan, NgayHenTra: hồ sơ ở TrangThaiHoSo 1 hoặc 3 chưa được tiếp nhận / "
            "not accepted in states 1 and 3"
        )
    if record.processing_ended_at and record.state not in END_STATES:
        problems.append("NgayKetThucXuLy: chỉ có khi TrangThaiHoSo là 3, 8, 9 hoặc 10 / only in states 3, 8, 9, 10")
    if record.delivered_at and record.state != State.DELIVERED:
        problems.append("NgayTra: chỉ có khi TrangThaiHoSo là 10 / only in state 10")
    if sum(1 for p in record.pauses if p.end is None) > (
        1 if record.state in (State.SUPPLEMENT_REQUESTED, State.AWAITING_PAYMENT) else 0
    ):
        problems.append(
            "x_pauses: khoảng tạm dừng chưa kết thúc không khớp trạng thái / open pause does not match state"
        )
    if any(p.end is not None and p.end < p.start for p in record.pauses):
        problems.append("x_pauses: khoảng tạm dừng kết thúc trước khi bắt đầu / a pause ends before it starts")
    if sum(1 for step in record.steps if step.end is None) > 1:
        problems.append("x_steps: nhiều hơn một bước đang mở / more than one open step")
    return problems


def _record_problems(record: DossierRecord) -> list[str]:
    return _order_problems(record) + _state_problems(record)


# --- Writing a line as JSON ---------------------------------------------------------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _step_json(step: Step, dates: str) -> dict[str, Any]:
    return {
        "order": step.order,
        "name": step.name,
        "unit": step.unit_code,
        "role": step.role,
        "start": timestamp_format(step.start, dates=dates),
        "end": timestamp_format(step.end, dates=dates),
        "due": timestamp_format(step.due, dates=dates),
        "quota": {"amount": _number(step.quota[0]), "unit": step.quota[1]} if step.quota else None,
        "finish": step.finish,
        "note": step.note,
        "consultation": step.consultation,
    }


def _extensions_json(record: DossierRecord, dates: str) -> dict[str, Any]:
    name, id_number, phone = record.submitter
    return {
        "x_state": record.state,
        "x_submitter": {"name": name, "id_number": id_number, "phone": phone},
        "x_reception_point": record.reception_point_code,
        "x_competent_agency": record.competent_agency_code or None,
        "x_current_appointment": timestamp_format(record.current_appointment_at, dates=dates),
        "x_time_limit": {"amount": record.time_limit[0], "unit": record.time_limit[1]} if record.time_limit else None,
        "x_outcome": record.outcome,
        "x_result_summary": record.result_summary,
        "x_return_method": record.return_method,
        "x_appointment_computed": record.appointment_computed,
        "x_pauses": [
            {
                "start": timestamp_format(p.start, dates=dates),
                "end": timestamp_format(p.end, dates=dates),
                "kind": p.kind,
                "reason": p.reason,
            }
            for p in record.pauses
        ],
        "x_reappointments": [
            {
                "from": timestamp_format(m.from_at, dates=dates),
                "to": timestamp_format(m.to_at, dates=dates),
                "reason": m.reason,
            }
            for m in record.reappointments
        ],
        "x_steps": [_step_json(step, dates) for step in record.steps],
    }


def record_json(record: DossierRecord, *, dates: str = "portal") -> dict[str, Any]:
    """Return the line object of `record`: the portal's fields first, then the `x_` extensions."""
    return {
        "MaHoSo": record.code,
        "MaTTHC": record.procedure_code,
        "MaDonViTiepNhan": record.unit_code,
        "NgayNop": timestamp_format(record.submitted_at, dates=dates),
        "NgayTiepNhan": timestamp_format(record.accepted_at, dates=dates),
        "NgayHenTra": timestamp_format(record.appointment_at, dates=dates),
        "NgayKetThucXuLy": timestamp_format(record.processing_ended_at, dates=dates),
        "NgayTra": timestamp_format(record.delivered_at, dates=dates),
        "TrangThaiHoSo": PORTAL_STATUS[record.state],
        "KenhThucHien": record.channel,
        "LoaiDoiTuong": 2 if record.applicant_kind == ApplicantKind.ORGANISATION else 1,
        "ChuHoSo": record.applicant_name,
        "SoDinhDanh": record.applicant_id_number,
        "SoDienThoai": record.applicant_phone,
        "Email": record.applicant_email,
        "DiaChi": record.applicant_address,
        "TrichYeuHoSo": record.subject,
        "MaKetQua": record.result_code,
        **_extensions_json(record, dates),
    }
