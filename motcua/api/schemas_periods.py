"""Pydantic schemas of `/api/v1/reports/periods`: closed periods, their versions and the close/restate bodies."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema

from motcua.reports.models import PeriodKind


class PeriodListFilter(Schema):
    unit: str = Field(description="mã đơn vị / unit code")
    kind: PeriodKind | None = Field(None, description="month hoặc quarter / month or quarter")


class PeriodIn(Schema):
    unit: str = Field(description="mã đơn vị / unit code")
    kind: PeriodKind = Field(description="month hoặc quarter / month or quarter")
    start: date = Field(
        description=(
            "ngày đầu kỳ: ngày 1 (dương lịch) hoặc ngày 15 (Nghị định 09/2019) / "
            "first day: the 1st (calendar) or the 15th (Decree 09/2019)"
        )
    )


class PeriodRestateIn(PeriodIn):
    reason: str = Field(min_length=1, max_length=2000, description="lý do điều chỉnh / reason for the restatement")


class VersionOut(Schema):
    id: int
    version: int
    created_at: datetime
    created_by: str
    reason: str


class SnapshotOut(Schema):
    """One version of a closed period (the list shows each period's latest)."""

    id: int
    unit_code: str
    unit_name: str
    kind: str
    scheme: str = Field(description="decree_09 hoặc calendar / the window scheme")
    label: str
    date_from: date
    date_to: date
    version: int = Field(description="1 = khóa sổ, 2 trở đi = điều chỉnh / 1 closes, 2+ restate")
    created_at: datetime
    created_by: str
    reason: str
    content_hash: str = Field(description="SHA-256 của JSON chuẩn hóa / SHA-256 of the canonical JSON")


class DifferenceOut(Schema):
    grouping: str | None = Field(description="cách nhóm, null = dòng tổng cộng / grouping, null for the total")
    key: str
    label: str
    measure: str
    before: int | float | None
    after: int | float | None


class SnapshotDetailOut(SnapshotOut):
    """A version with its audit record, the period's other versions and the stored report."""

    verified: bool = Field(description="mã băm khớp với số liệu đã lưu / the hash matches the stored content")
    differences: list[DifferenceOut] = Field(description="so với phiên bản trước / against the previous version")
    versions: list[VersionOut]
    content: dict[str, Any] = Field(description="số liệu đã lưu / the stored report, every grouping")
