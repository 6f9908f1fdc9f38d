"""Pydantic schemas of `/api/v1/dossiers`: the creation body, one body per action, list rows and the detail."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from motcua.accounts.models import User
from motcua.api.schemas import UnitRef
from motcua.catalog.models import ComponentForm
from motcua.dossiers.models import (
    Apology,
    ApologyCause,
    Dossier,
    DossierEvent,
    DossierStep,
    PauseInterval,
    ReceivedComponent,
)
from motcua.dossiers.selectors import dossier_steps, dossier_timeline
from motcua.dossiers.states import ApplicantKind, Outcome, ReturnMethod, State
from motcua.lib.personal_data import phone_mask


def _local(value: datetime | None) -> datetime | None:
    """Return an aware instant in the local time zone; a naive one is read as local time."""
    if value is None:
        return None
    return timezone.localtime(value) if timezone.is_aware(value) else timezone.make_aware(value)


# Every instant is shown (and a naive input read) in Asia/Ho_Chi_Minh, ISO 8601 with its offset.
LocalDateTime = Annotated[datetime, AfterValidator(_local)]
OptionalLocalDateTime = Annotated[datetime | None, AfterValidator(_local)]


def _person(user: User | None) -> str | None:
    return str(user) if user is not None else None


# --- input -------------------------------------------------------------------------------------


class ApplicantIn(Schema):
    kind: ApplicantKind = Field(ApplicantKind.PERSON, description="cá nhân / tổ chức — person or organisation")
    name: str = Field(..., max_length=255, description="chủ hồ sơ / applicant's name")
    id_number: str = Field("", max_length=20, description="số định danh (12 số) hoặc mã số thuế / ID or tax code")
    phone: str = Field("", max_length=20, description="điện thoại / phone")
    email: str = Field("", max_length=254, description="thư điện tử / e-mail")
    address: str = Field("", max_length=500, description="địa chỉ / address")
    submitter_name: str = Field("", max_length=255, description="người nộp thay / submitter, if someone else")
    submitter_id_number: str = Field("", max_length=20)
    submitter_phone: str = Field("", max_length=20)


class ComponentIn(Schema):
    name: str = Field(..., min_length=1, description="tên giấy tờ / document name")
    form: ComponentForm = Field(ComponentForm.ORIGINAL, description="bản chính, bản sao … / original, copy …")
    quantity: int = Field(1, ge=1, le=100, description="số lượng / number of copies")


class DossierCreateIn(Schema):
    procedure: str = Field(..., min_length=1, description="mã thủ tục (MaTTHC) / procedure code")
    receiving_unit: str = Field(..., min_length=1, description="mã đơn vị tiếp nhận / receiving unit code")
    reception_point: str = Field("", description="mã nơi tiếp nhận, mặc định = đơn vị tiếp nhận / reception point")
    channel: Literal["online", "postal"] = Field("online", description="trực tuyến / bưu chính — online or postal")
    applicant: ApplicantIn
    components: list[ComponentIn] = Field(default_factory=list)
    subject: str = Field("", max_length=5000, description="nội dung yêu cầu / what is requested")


class ComponentsIn(Schema):
    components: list[ComponentIn] = Field(default_factory=list, description="giấy tờ nhận thêm / documents received")


class MissingIn(Schema):
    missing: list[Annotated[str, Field(min_length=1)]] = Field(
        ..., min_length=1, description="danh sách đầy đủ giấy tờ cần bổ sung / the full list of what is missing"
    )
    note: str = ""


class ReasonsIn(Schema):
    reasons: list[Annotated[str, Field(min_length=1)]] = Field(..., min_length=1, description="lý do / reasons")


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, description="lý do / reason")


class NoteIn(Schema):
    note: str = ""


class RequiredNoteIn(Schema):
    note: str = Field(..., min_length=1)


class AssignIn(Schema):
    assignee: str = Field(..., min_length=1, description="tên đăng nhập người xử lý / the assignee's username")


class ReturnStepIn(Schema):
    to_order: int = Field(..., ge=1, description="bước quay lại / the step order to return to")
    note: str = Field(..., min_length=1, description="lý do trả lại / why")


class ConsultIn(Schema):
    unit: str = Field(..., min_length=1, description="mã đơn vị được lấy ý kiến / unit code consulted")
    note: str = Field(..., min_length=1)
    quota_days: int = Field(..., ge=1, le=365, description="thời hạn trả lời, ngày làm việc / working days")


class PaymentRequestIn(Schema):
    amount: Decimal = Field(..., gt=0, max_digits=15, decimal_places=0, description="số tiền, đồng / amount in VND")
    note: str = ""


class PaymentRecordIn(Schema):
    reference: str = Field(..., min_length=1, max_length=100, description="số biên lai, mã giao dịch / receipt")


class ApologyDraftIn(Schema):
    cause: ApologyCause
    reason: str = Field(..., min_length=1, description="lý do chậm trễ / why late")
    responsible_unit: str = Field(..., min_length=1, description="mã đơn vị chịu trách nhiệm / unit code")
    new_appointment_at: LocalDateTime = Field(..., description="ngày hẹn mới, ISO 8601 / new appointment")
    responsible_step: int | None = Field(None, ge=1, description="thứ tự bước gây chậm / order of the late step")


class DecideIn(Schema):
    outcome: Outcome
    summary: str = Field(..., min_length=1, description="nội dung kết quả hoặc lý do từ chối / result or refusal")
    result_code: str = Field("", max_length=100, description="số, ký hiệu văn bản kết quả / result number")


class DeliverIn(Schema):
    method: ReturnMethod
    note: str = ""


class DossierFilter(Schema):
    state: State | None = Field(None, description="trạng thái / state")
    unit: str = Field("", description="mã đơn vị tiếp nhận, giải quyết hoặc nơi tiếp nhận / unit code")
    procedure: str = Field("", description="mã thủ tục / procedure code")
    due_from: date | None = Field(None, description="hẹn trả từ ngày / current appointment from (YYYY-MM-DD)")
    due_to: date | None = Field(None, description="hẹn trả đến ngày / current appointment to (YYYY-MM-DD)")
    q: str = Field("", description="mã hồ sơ, chủ hồ sơ, thủ tục / code, applicant, procedure text")


# --- output ------------------------------------------------------------------------------------


class ProcedureRef(Schema):
    code: str
    name: str


class DossierOut(Schema):
    """A list row: personal data masked."""

    code: str
    procedure: ProcedureRef
    receiving_unit: UnitRef
    competent_agency: UnitRef
    channel: int = Field(description="KenhThucHien: 1 trực tiếp, 2 trực tuyến, 3 bưu chính")
    state: str
    state_label: str
    portal_status: int = Field(description="TrangThaiHoSo 1–10")
    applicant_kind: str
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str
    submitted_at: LocalDateTime
    accepted_at: OptionalLocalDateTime
    appointment_at: OptionalLocalDateTime = Field(description="ngày hẹn trả ban đầu / original appointment")
    current_appointment_at: OptionalLocalDateTime = Field(description="ngày hẹn hiện tại / current appointment")
    processing_ended_at: OptionalLocalDateTime
    delivered_at: OptionalLocalDateTime

    @staticmethod
    def resolve_procedure(obj: Dossier) -> ProcedureRef:
        version = obj.procedure_version
        return ProcedureRef(code=version.procedure.code, name=version.name)

    @staticmethod
    def resolve_state_label(obj: Dossier) -> str:
        return str(obj.get_state_display())

    @staticmethod
    def resolve_applicant_id_number(obj: Dossier) -> str:
        return phone_mask(obj.applicant_id_number) if obj.applicant_id_number else ""

    @staticmethod
    def resolve_applicant_phone(obj: Dossier) -> str:
        return phone_mask(obj.applicant_phone) if obj.applicant_phone else ""


class EventOut(Schema):
    seq: int
    type: str
    at: LocalDateTime
    actor_name: str
    from_state: str
    to_state: str
    data: dict[str, Any]


class DossierStepOut(Schema):
    order: int
    name: str
    role: str
    unit: UnitRef
    assignee: str | None = Field(description="người xử lý / assignee's name")
    assignee_username: str | None
    quota_amount: Decimal
    quota_unit: str
    started_at: LocalDateTime
    due_at: LocalDateTime
    finished_at: OptionalLocalDateTime
    finish_kind: str
    note: str
    is_consultation: bool

    @staticmethod
    def resolve_assignee(obj: DossierStep) -> str | None:
        return _person(obj.assignee)

    @staticmethod
    def resolve_assignee_username(obj: DossierStep) -> str | None:
        return obj.assignee.username if obj.assignee else None


class PauseOut(Schema):
    kind: str
    started_at: LocalDateTime
    ended_at: OptionalLocalDateTime
    reason: str
    requested_by: str
    counts_clock: bool

    @staticmethod
    def resolve_requested_by(obj: PauseInterval) -> str:
        return str(obj.requested_by)


class ApologyOut(Schema):
    cause: str
    cause_label: str
    reason: str
    responsible_unit: UnitRef
    responsible_step: int | None
    original_appointment_at: LocalDateTime
    new_appointment_at: LocalDateTime
    drafted_by: str
    drafted_at: LocalDateTime
    approved_by: str | None
    approved_at: OptionalLocalDateTime

    @staticmethod
    def resolve_cause_label(obj: Apology) -> str:
        return str(obj.get_cause_display())

    @staticmethod
    def resolve_responsible_step(obj: Apology) -> int | None:
        return obj.responsible_step.order if obj.responsible_step else None

    @staticmethod
    def resolve_drafted_by(obj: Apology) -> str:
        return str(obj.drafted_by)

    @staticmethod
    def resolve_approved_by(obj: Apology) -> str | None:
        return _person(obj.approved_by)


class ReceivedComponentOut(Schema):
    name: str
    form: str
    quantity: int
    received_at: LocalDateTime
    is_supplement: bool
    has_file: bool

    @staticmethod
    def resolve_has_file(obj: ReceivedComponent) -> bool:
        return bool(obj.file)


class DossierDetailOut(DossierOut):
    """One dossier in full: applicant details unmasked, timeline, steps, pauses and apology."""

    reception_point: UnitRef
    applicant_email: str
    applicant_address: str
    submitter_name: str
    submitter_id_number: str
    submitter_phone: str
    subject: str
    time_limit_amount: int | None
    time_limit_unit: str
    clock_rule: str
    appointment_explanation: list[Any]
    completion_requested: bool
    supplement_count: int
    outcome: str
    result_summary: str
    result_code: str
    return_method: str
    current_step: DossierStepOut | None
    components: list[ReceivedComponentOut]
    steps: list[DossierStepOut]
    pauses: list[PauseOut]
    apology: ApologyOut | None
    timeline: list[EventOut]

    @staticmethod
    def resolve_applicant_id_number(obj: Dossier) -> str:
        return obj.applicant_id_number

    @staticmethod
    def resolve_applicant_phone(obj: Dossier) -> str:
        return obj.applicant_phone

    @staticmethod
    def resolve_apology(obj: Dossier) -> Apology | None:
        try:
            return obj.apology
        except Apology.DoesNotExist:
            return None

    @staticmethod
    def resolve_components(obj: Dossier) -> list[ReceivedComponent]:
        return list(obj.components.order_by("received_at", "id"))

    @staticmethod
    def resolve_steps(obj: Dossier) -> list[DossierStep]:
        return list(dossier_steps(obj))

    @staticmethod
    def resolve_pauses(obj: Dossier) -> list[PauseInterval]:
        return list(obj.pauses.select_related("requested_by").order_by("started_at", "id"))

    @staticmethod
    def resolve_timeline(obj: Dossier) -> list[DossierEvent]:
        return list(dossier_timeline(obj))
