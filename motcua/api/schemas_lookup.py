"""Schemas of `POST /api/v1/lookup`: what a citizen's app sends and the dossier status it gets back."""

from ninja import Field, Schema

from motcua.api.schemas_dossiers import LocalDateTime, OptionalLocalDateTime


class LookupIn(Schema):
    code: str = Field("", max_length=64, description="mã hồ sơ / dossier code")
    phone: str = Field("", max_length=20, description="số điện thoại đã đăng ký / the phone number on file")
    secret: str = Field("", max_length=64, description="mã bí mật trong QR của giấy hẹn / the receipt's QR secret")


class NamedRef(Schema):
    code: str
    name: str


class TimelineOut(Schema):
    at: LocalDateTime
    text: str = Field(description="sự kiện bằng lời dễ hiểu / the event in plain words")
    details: list[str]


class RequestOut(Schema):
    at: LocalDateTime
    items: list[str] = Field(description="giấy tờ cần mang, gửi / documents to bring or send")
    note: str
    is_open: bool
    before_acceptance: bool


class ApologyOut(Schema):
    reason: str
    original_appointment_at: LocalDateTime
    new_appointment_at: LocalDateTime


class ResultOut(Schema):
    summary: str
    electronic_available: bool = Field(description="tải được kết quả điện tử trên Cổng / downloadable on the portal")


class RatingOut(Schema):
    level: int = Field(description="1 (rất không hài lòng) … 5 (rất hài lòng)")
    label: str
    rated_at: LocalDateTime


class LookupOut(Schema):
    code: str
    procedure: NamedRef
    state: str
    portal_status: int = Field(description="TrangThaiHoSo 1–10")
    state_label: str = Field(description="trạng thái bằng lời dễ hiểu / the state in plain words")
    next_step: str
    receiving_unit: NamedRef
    competent_agency: NamedRef
    applicant_phone_masked: str
    submitted_at: LocalDateTime
    accepted_at: OptionalLocalDateTime
    appointment_at: OptionalLocalDateTime = Field(description="ngày hẹn trả hiện tại / the current appointment")
    original_appointment_at: OptionalLocalDateTime
    delivered_at: OptionalLocalDateTime
    timeline: list[TimelineOut]
    requests: list[RequestOut]
    apology: ApologyOut | None
    result: ResultOut | None
    can_rate: bool
    rating: RatingOut | None
