"""Pydantic schemas of `/api/v1/reports/...`: the period report (the CLI's JSON keys) and the Decision 766 index."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ninja import Field, Schema

from motcua.reports.definitions import Measure
from motcua.reports.index766 import Part


class GroupBy(StrEnum):
    """How the period report's rows are grouped (reports.selectors.GROUP_BY)."""

    UNIT = "unit"
    FIELD = "field"
    PROCEDURE = "procedure"
    CHANNEL = "channel"
    LEVEL = "level"


class PeriodFilter(Schema):
    unit: str = Field(description="mã đơn vị; gồm cả các đơn vị trực thuộc / unit code, with its sub-tree")
    date_from: date = Field(alias="from", description="từ ngày, tính cả ngày này (YYYY-MM-DD) / first day")
    date_to: date = Field(alias="to", description="đến ngày, tính cả ngày này (YYYY-MM-DD) / last day")
    as_of: datetime | None = Field(
        None, description="số liệu tính đến thời điểm (ISO 8601, không có múi giờ = giờ Việt Nam) / as-of instant"
    )


class PeriodReportFilter(PeriodFilter):
    group_by: GroupBy | None = Field(None, description="nhóm số liệu theo / group rows by")
    live: bool = Field(
        False,
        description=(
            "kỳ đã khóa sổ: kèm số liệu tính lại từ dữ liệu hiện tại trong `live` / "
            "closed period: add today's recomputation under `live`"
        ),
    )


class PeriodDossiersFilter(PeriodFilter):
    measure: Measure = Field(description="chỉ tiêu của báo cáo, ví dụ resolved_late / the report figure")
    group_by: GroupBy | None = Field(None, description="cách nhóm của dòng cần xem / grouping of the row")
    group: str | None = Field(None, description="khóa của dòng (cần group_by) / the row's key (needs group_by)")


class IndexItemsFilter(PeriodFilter):
    indicator: str = Field(description="mã chỉ số, ví dụ 2.1 / indicator code")
    part: Part = Field(Part.NUMERATOR, description="tử số hoặc mẫu số / numerator or denominator")


class FiguresOut(Schema):
    """Every figure of the period report (reports.selectors.Figures); rates in % with 2 decimals, None = N/A."""

    carried_in: int
    received: int
    received_online: int
    received_counter: int
    received_postal: int
    resolved: int
    resolved_early: int
    resolved_on_time: int
    resolved_late: int
    resolved_portal_on_time: int
    resolved_awaiting_supplement: int
    resolved_late_within_extended: int
    pending: int
    pending_in_time: int
    pending_overdue: int
    about_to_be_late: int
    refused: int
    ended_otherwise: int
    stopped: int
    withdrawn: int
    apologies: int
    not_collected: int
    handled: int
    handled_on_time: int
    online_rate: float | None
    on_time_rate: float | None
    resolved_on_time_rate: float | None
    avg_processing_hours: float | None
    median_processing_hours: float | None
    avg_processing_days: float | None
    median_processing_days: float | None
    reconciliation_gap: int
    received_split_gap: int
    resolved_split_gap: int
    pending_split_gap: int


class ReportRowOut(FiguresOut):
    key: str
    label: str


class PeriodReportLiveOut(FiguresOut):
    """The period report recomputed from the dossiers: the total's figures at the top level, then the rows."""

    unit_code: str
    unit_name: str
    date_from: str
    date_to: str
    window_start: str = Field(description="S: 00:00 giờ Việt Nam của ngày đầu / window start")
    as_of: str = Field(description="T: cuối ngày cuối kỳ hoặc thời điểm đã chọn / the instant the report is read at")
    source: str | None = Field(None, description="counters hoặc raw (số liệu gốc) / where the figures were read")
    source_note: str | None = Field(None, description="vì sao đọc số liệu gốc / why the raw rows were read")
    group_by: str | None = Field(None, description="chỉ có khi nhóm / only when grouped")
    rows: list[ReportRowOut] | None = Field(None, description="chỉ có khi nhóm / only when grouped")


class PeriodReportOut(PeriodReportLiveOut):
    """The JSON of `manage.py report --format json`: a closed period's snapshot as stored, else the recomputation."""

    closed: bool = Field(description="kỳ đã khóa sổ: số liệu là bản đã khóa / a closed period's frozen figures")
    snapshot_version: int | None = Field(description="phiên bản đang dùng (1 = khóa sổ) / the snapshot's version")
    live: PeriodReportLiveOut | None = Field(None, description="chỉ khi live=1 / only with live=1")


class BandOut(Schema):
    code: str
    label: str


class IndexGroupOut(Schema):
    code: str
    name: str
    max_points: int
    points: float
    indicators: list[str]


class IndicatorOut(Schema):
    code: str
    name: str
    group: str
    kind: str = Field(description="scored hoặc monitor (theo dõi) / scored or monitored")
    max_points: float
    target: float | None = Field(description="chỉ tiêu (%) / target in %")
    numerator: int | None
    denominator: int | None
    value: float | None = Field(description="R (%), 2.2: ngày làm việc; None = N/A / R in %")
    value_unit: str
    points: float
    status: str = Field(description="ok, not_applicable (mẫu số 0) hoặc no_data (chưa có dữ liệu)")
    status_label: str
    reason: str
    drill: str = Field(description="dossiers, procedures hoặc none: xem /reports/index766/items")
    extra: dict[str, Any] = Field(default_factory=dict, description="số liệu phụ / further figures")


class Index766Out(Schema):
    unit_code: str
    unit_name: str
    date_from: str
    date_to: str
    window_start: str
    as_of: str
    total: float
    max_total: int
    band: BandOut
    groups: list[IndexGroupOut]
    indicators: list[IndicatorOut]
