"""Pydantic schemas of the /api/v1/ resources: query filters and responses."""

from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from motcua.accounts.models import Unit, UnitKind, UnitSuccession
from motcua.catalog.models import (
    DocumentComponent,
    FeeItem,
    Level,
    OnlineLevel,
    ProcedureVersion,
    ProcessStep,
)
from motcua.catalog.rules import quota_in_hours


class ErrorBody(Schema):
    code: str = Field(description="machine-readable error code, e.g. not_found")
    message: str = Field(description="Vietnamese message / English message")


class ErrorOut(Schema):
    error: ErrorBody


# --- units -------------------------------------------------------------------------------------


class UnitFilter(Schema):
    q: str = Field("", description="tìm theo tên hoặc mã / text in the name or code")
    kind: UnitKind | None = Field(None, description="loại đơn vị / unit kind")
    on: date | None = Field(None, description="còn hiệu lực vào ngày (YYYY-MM-DD) / valid on this date")


class UnitRef(Schema):
    code: str
    name: str


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    kind_label: str
    parent_code: str | None
    valid_from: date | None
    valid_to: date | None

    @staticmethod
    def resolve_kind_label(obj: Unit) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent_code(obj: Unit) -> str | None:
        return obj.parent.code if obj.parent else None


class SuccessionOut(Schema):
    unit: UnitRef
    type: str
    effective_date: date
    legal_ref: str


class UnitDetailOut(UnitOut):
    address: str
    phone: str
    parent: UnitRef | None
    children: list[UnitRef]
    successors: list[SuccessionOut]
    predecessors: list[SuccessionOut]

    @staticmethod
    def resolve_parent(obj: Unit) -> UnitRef | None:
        return UnitRef(code=obj.parent.code, name=obj.parent.name) if obj.parent else None

    @staticmethod
    def resolve_children(obj: Unit) -> list[UnitRef]:
        return [UnitRef(code=c.code, name=c.name) for c in obj.children.all()]

    @staticmethod
    def resolve_successors(obj: Unit) -> list[SuccessionOut]:
        return [_succession_out(link, link.successor) for link in obj.successions.all()]

    @staticmethod
    def resolve_predecessors(obj: Unit) -> list[SuccessionOut]:
        return [_succession_out(link, link.predecessor) for link in obj.predecessions.all()]


def _succession_out(link: UnitSuccession, unit: Unit) -> SuccessionOut:
    """Return a succession link seen from the other side (`unit` is the unit at the far end)."""
    return SuccessionOut(
        unit=UnitRef(code=unit.code, name=unit.name),
        type=link.type,
        effective_date=link.effective_date,
        legal_ref=link.legal_ref,
    )


# --- catalog -------------------------------------------------------------------------------------


class ProcedureFilter(Schema):
    q: str = Field("", description="tìm không phân biệt dấu / accent-insensitive text search")
    field: str = Field("", description="lĩnh vực: mã số hoặc tên / field id or exact name")
    unit: str = Field("", description="mã đơn vị giải quyết / competent or coordinating unit code")
    level: Level | None = Field(None, description="cấp thực hiện / level")
    online_level: OnlineLevel | None = Field(None, description="mức độ trực tuyến / online level")
    on: date | None = Field(None, description="có hiệu lực vào ngày (YYYY-MM-DD), mặc định hôm nay / in force on")


class DateFilter(Schema):
    on: date | None = Field(None, description="có hiệu lực vào ngày (YYYY-MM-DD), mặc định hôm nay / in force on")


class FieldOut(Schema):
    id: int
    name: str


class ProcedureOut(Schema):
    code: str
    name: str
    field: FieldOut
    level: str
    competent_unit: UnitRef
    time_limit_amount: int | None
    time_limit_unit: str
    time_limit_display: str
    online_level: str
    valid_from: date | None
    valid_to: date | None

    @staticmethod
    def resolve_code(obj: ProcedureVersion) -> str:
        return obj.procedure.code


class ComponentOut(Schema):
    order: int
    name: str
    form: str
    quantity: int
    mandatory: bool
    template_url: str | None

    @staticmethod
    def resolve_template_url(obj: DocumentComponent) -> str | None:
        return obj.template.url if obj.template else None


class FeeOut(Schema):
    kind: str
    name: str
    amount: Decimal | None
    collected_at: str

    @staticmethod
    def resolve_collected_at(obj: FeeItem) -> str:
        return str(obj.collected_at)


class StepOut(Schema):
    order: int
    name: str
    role: str
    unit: UnitRef | None
    quota_amount: Decimal
    quota_unit: str
    can_request_supplement: bool
    requires_signature: bool

    @staticmethod
    def resolve_unit(obj: ProcessStep) -> UnitRef | None:
        return UnitRef(code=obj.unit.code, name=obj.unit.name) if obj.unit else None


class VersionRef(Schema):
    name: str
    valid_from: date | None
    valid_to: date | None
    in_force: bool


class ProcedureDetailOut(ProcedureOut):
    subjects: str
    coordinating_units: list[UnitRef]
    agency_text: str
    time_limit_text: str
    committed_amount: int | None
    committed_unit: str
    clock_rule: str
    handled_at_counter: bool
    is_inter_agency: bool
    postal: str
    result_type: str
    electronic_result: bool
    fee_text: str
    legal_basis: str
    components: list[ComponentOut]
    fees: list[FeeOut]
    steps: list[StepOut]
    steps_total_hours: Decimal = Field(
        description="tổng thời gian các bước, giờ làm việc / step quotas in working hours"
    )
    versions: list[VersionRef] = Field(default_factory=list, description="mọi phiên bản của mã / every version")

    @staticmethod
    def resolve_coordinating_units(obj: ProcedureVersion) -> list[UnitRef]:
        return [UnitRef(code=u.code, name=u.name) for u in obj.coordinating_units.all()]

    @staticmethod
    def resolve_steps_total_hours(obj: ProcedureVersion) -> Decimal:
        return sum((quota_in_hours(s.quota_amount, s.quota_unit) for s in obj.steps.all()), Decimal(0))
