"""The Decision 766/QĐ-TTg service index (DOMAIN.md §7; issue 4 item 4) of a unit and its sub-tree for a period.

The indicator catalogue of §7.2 is data (`INDICATORS`, grouped as the national portal displays it, §7.1);
scoring is pure (`rate_of`, `indicator_points`, `band_of`: IDX-1 … IDX-3) and computed at full precision
with fractions, rounded to 2 decimals only for display (IDX-2). `index766` measures every indicator our
model supports from the period report and the catalogue; the others are "no data source yet" (0 points,
N/A, with the reason). `index766_items` lists the dossiers or procedures behind any indicator.

Every dossier class comes from the period report (`period_report`, `period_report_dossiers`): 2.1 is its
`handled_on_time` ÷ `handled` (finished with E ≤ A plus pending in time at T, over everything handled in
the window), 3.3 its `received_online` ÷ `received`; 4.1, 4.2 and 3.x narrow the dossiers behind
`resolved` or `received` by stored attributes (result file, component files, channel, online level).
An index therefore streams the window three times (the report, then the dossiers behind `resolved` and
`received`), all read at one instant T, and queries the catalogue once.

Readings of DOMAIN.md where it leaves room (each a setting with a documented default where §13 says so):

- Online points (§13 #6): the 12 points are split among 3.1, 3.3 and 3.x by INDEX766_ONLINE_SPLIT
  (default 4 / 4 / 4), which must add up to 12.
- Targets: the catalogue's (3.1 80 %, 3.3 50 %, 4.2 80 %, 4.3 80 %, 3.5 80 %, 5.4 90 %) unless
  INDEX766_TARGETS overrides them per code; 2.1 has none, so its points are R × 20 (the usual reading);
  a target there (e.g. {"2.1": 95}) gives the full 20 points from that rate.
- Empty denominator (IDX-2): "N/A", scored 0; INDEX766_NA_SCORING = {"4.1": "full", …} scores it the
  maximum instead. An indicator without a data source always scores 0.
- Bands (IDX-3): INDEX766_BANDS, (lowest score, code) pairs; default 90 xuất sắc, 80 tốt, 70 khá,
  50 trung bình, else yếu — the middle bands are an assumption [GK]. The band reads the exact total.
- 3.3: the sync rate is 100 %, since `motcua` is the system of record of its dossiers; the portal's
  "with an electronic result when the result is a document" qualifier is not applied (it is 4.1's).
- 3.1: procedures in force at T under the competence of the unit or its sub-tree with an online level
  (partial or full) ÷ all of them; the full-online ratio (full ÷ all, eligibility not being recorded) is
  shown beside it. 3.2 (monitor): of those online procedures, the ones with an online dossier received in
  the window. 3.x: received dossiers of full-online procedures that came online ÷ all of them.
- 1.3 (not period-based): procedures in force at T with a name, process steps, components, a time limit,
  subjects and an implementing agency (Decree 63/2010 art. 8(2)) ÷ all of them. The method (cách thức
  thực hiện) has no field of its own; the online level and the postal option always state it.
- 2.2 (monitor): the report's mean processing time in office days, net of pauses (ST-13), over the
  dossiers resolved with a result in the window (the portal takes those started in the period).
- 5.4: 100 % − (late rate + "dislike" rate) over the dossiers handled in the window (2.1's denominator):
  the numerator is 2.1's on-time dossiers less those whose overall rating, first given by T, is shown as
  "không hài lòng" (RATING_THREE_LEVELS; by default the two dissatisfied levels, RATE-2). A dossier both
  late and disliked counts once, so that the numerator is a list of dossiers like every other one.
  Feedback (PAKN) is not counted: motcua has no feedback module yet (`extra["feedback_counted"]`).
- 4.1: of the dossiers resolved with a result in the window whose procedure returns a document (non-empty
  `result_type`), those with an electronic result file. 4.2: of the dossiers resolved with a result, those
  whose every received component has a file and, when the result is a document, an electronic result
  (DIG-2).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Unit
from motcua.accounts.selectors import unit_descendant_ids
from motcua.catalog.models import DocumentComponent, OnlineLevel, ProcedureVersion, ProcessStep, TimeUnitChoice
from motcua.catalog.selectors import in_force
from motcua.dossiers.models import Dossier, ReceivedComponent
from motcua.dossiers.rating_scale import dissatisfied_levels
from motcua.dossiers.states import Channel, State
from motcua.reports.definitions import FACT_FIELDS, Measure, facts_build, is_portal_on_time, local_date
from motcua.reports.selectors import (
    Figures,
    ReportError,
    ReportWindow,
    period_report,
    period_report_dossiers,
    report_window,
)

Number = int | float | Fraction
BATCH = 500  # dossier codes per query when narrowing a figure's dossiers (SQLite's variable limit)


class Kind(StrEnum):
    """Whether an indicator is scored or only monitored (theo dõi)."""

    SCORED = "scored"
    MONITOR = "monitor"


class Status(StrEnum):
    """The state of an indicator's measurement."""

    OK = "ok"
    NOT_APPLICABLE = "not_applicable"  # empty denominator (IDX-2)
    NO_DATA = "no_data"  # no data source in motcua yet


STATUS_LABELS: dict[Status, Promise] = {
    Status.OK: _("Đã tính"),
    Status.NOT_APPLICABLE: _("Không áp dụng (N/A)"),
    Status.NO_DATA: _("Chưa có dữ liệu"),
}


class Drill(StrEnum):
    """What lies behind an indicator's numerator and denominator."""

    DOSSIERS = "dossiers"
    PROCEDURES = "procedures"
    NONE = "none"


@dataclass(frozen=True)
class Group:
    """A group as DVCQG displays it (§7.1)."""

    code: str
    name: Promise
    max_points: int


GROUPS: tuple[Group, ...] = (
    Group("transparency", _("Công khai, minh bạch"), 18),
    Group("progress", _("Tiến độ giải quyết"), 20),
    Group("online_service", _("Dịch vụ công trực tuyến"), 12),
    Group("online_payment", _("Thanh toán trực tuyến"), 10),
    Group("digitisation", _("Số hóa hồ sơ"), 22),
    Group("satisfaction", _("Mức độ hài lòng"), 18),
)


@dataclass(frozen=True)
class Indicator:
    """An indicator of §7.2: its group, maximum, target (%), and why it is not measured yet (if so)."""

    code: str
    name: Promise
    group: str
    max_points: int
    target: int | None = None
    kind: Kind = Kind.SCORED
    drill: Drill = Drill.NONE
    missing: Promise | None = None  # the reason there is no data source yet; None when measured


NO_PAKN = _("Chưa có phân hệ tiếp nhận, xử lý phản ánh, kiến nghị")
NO_PAYMENT = _("Chưa ghi nhận thanh toán trực tuyến của hồ sơ (DuocThanhToanTrucTuyen)")
NO_POPULATION = _("Chưa ghi nhận xác thực VNeID và khai thác dữ liệu dân cư của hồ sơ")
ONLINE_SPLIT = ("3.1", "3.3", "3.x")  # the 12 online points are shared among these (§13 #6)
D, P = Drill.DOSSIERS, Drill.PROCEDURES

# "3.x", "3.y" and "4.x" have no official code (DOMAIN.md §7.2); the online maxima are INDEX766_ONLINE_SPLIT's.
INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "1.1",
        _("Công bố thủ tục hành chính đúng hạn"),
        "transparency",
        6,
        missing=_("Chưa lưu quyết định công bố và ngày hiệu lực của căn cứ pháp lý"),
    ),
    Indicator(
        "1.2",
        _("Công khai thủ tục hành chính đúng hạn trên Cơ sở dữ liệu quốc gia"),
        "transparency",
        4,
        missing=_("Chưa lưu thời điểm công khai trên Cơ sở dữ liệu quốc gia về thủ tục hành chính"),
    ),
    Indicator("1.3", _("Công khai đầy đủ thông tin thủ tục hành chính"), "transparency", 2, drill=P),
    Indicator(
        "1.4",
        _("Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia"),
        "transparency",
        6,
        missing=_("Chưa có nhật ký đồng bộ hồ sơ với Cổng Dịch vụ công quốc gia"),
    ),
    Indicator("2.1", _("Hồ sơ giải quyết trước hạn, đúng hạn"), "progress", 20, drill=D),
    Indicator("2.2", _("Thời gian giải quyết trung bình"), "progress", 0, kind=Kind.MONITOR, drill=D),
    Indicator("3.x", _("Hồ sơ trực tuyến toàn trình"), "online_service", 4, drill=D),
    Indicator("3.1", _("Thủ tục hành chính cung cấp dịch vụ công trực tuyến"), "online_service", 4, 80, drill=P),
    Indicator("3.2", _("Dịch vụ công trực tuyến phát sinh hồ sơ"), "online_service", 0, kind=Kind.MONITOR, drill=P),
    Indicator("3.3", _("Hồ sơ nộp trực tuyến"), "online_service", 4, 50, drill=D),
    Indicator(
        "3.5",
        _("Phí, lệ phí được tích hợp thanh toán trực tuyến"),
        "online_payment",
        2,
        80,
        missing=_("Chưa có dữ liệu phí, lệ phí trên Cơ sở dữ liệu quốc gia để đối chiếu"),
    ),
    Indicator(
        "3.y", _("Thủ tục hành chính có giao dịch thanh toán trực tuyến"), "online_payment", 2, missing=NO_PAYMENT
    ),
    Indicator("3.6", _("Hồ sơ thanh toán trực tuyến"), "online_payment", 6, missing=NO_PAYMENT),
    Indicator("4.1", _("Hồ sơ được cấp kết quả điện tử"), "digitisation", 6, drill=D),
    Indicator("4.2", _("Hồ sơ được số hóa"), "digitisation", 4, 80, drill=D),
    Indicator(
        "4.x",
        _("Chứng thực bản sao điện tử từ bản chính"),
        "digitisation",
        2,
        missing=_("Chưa ghi nhận việc chứng thực bản sao điện tử từ bản chính"),
    ),
    Indicator(
        "4.3",
        _("Khai thác, sử dụng lại dữ liệu số hóa"),
        "digitisation",
        2,
        80,
        missing=_("Chưa có cờ tái sử dụng dữ liệu số hóa của thành phần hồ sơ (HoSoCoThanhPhanSoHoa)"),
    ),
    Indicator(
        "4.4",
        _("Hồ sơ kết nối Kho quản lý dữ liệu điện tử của tổ chức, cá nhân"),
        "digitisation",
        4,
        missing=_("Chưa kết nối Kho quản lý dữ liệu điện tử của tổ chức, cá nhân"),
    ),
    Indicator("4.5a", _("Thủ tục hành chính khai thác dữ liệu dân cư"), "digitisation", 2, missing=NO_POPULATION),
    Indicator("4.5b", _("Hồ sơ sử dụng dữ liệu dân cư"), "digitisation", 2, missing=NO_POPULATION),
    Indicator(
        "5.1",
        _("Phản ánh, kiến nghị về quy định, hành vi hành chính"),
        "satisfaction",
        0,
        kind=Kind.MONITOR,
        missing=NO_PAKN,
    ),
    Indicator("5.2", _("Phản ánh, kiến nghị được xử lý đúng hạn"), "satisfaction", 6, missing=NO_PAKN),
    Indicator("5.3", _("Mức độ hài lòng về tiếp nhận, xử lý phản ánh, kiến nghị"), "satisfaction", 6, missing=NO_PAKN),
    Indicator("5.4", _("Mức độ hài lòng về giải quyết thủ tục hành chính"), "satisfaction", 6, 90, drill=D),
)


# --- settings --------------------------------------------------------------------------------

ONLINE_SPLIT_DEFAULT = {"3.1": 4, "3.3": 4, "3.x": 4}
ONLINE_POINTS = 12


def online_split() -> dict[str, Fraction]:
    """Return the maxima of 3.1, 3.3 and 3.x from INDEX766_ONLINE_SPLIT (default 4 / 4 / 4; they add up to 12)."""
    value: Mapping[str, Number] = getattr(settings, "INDEX766_ONLINE_SPLIT", ONLINE_SPLIT_DEFAULT)
    unknown = set(value) - set(ONLINE_SPLIT)
    split = {code: _exact(value.get(code, 0)) for code in ONLINE_SPLIT}
    if unknown or sum(split.values()) != ONLINE_POINTS or min(split.values()) < 0:
        raise ImproperlyConfigured(
            f"INDEX766_ONLINE_SPLIT phải chia 12 điểm cho {', '.join(ONLINE_SPLIT)}: {value!r} / "
            "the online split must share 12 points among 3.1, 3.3 and 3.x"
        )
    return split


def indicator_max(indicator: Indicator) -> Fraction:
    """Return the indicator's maximum, the online split applied."""
    if indicator.code in ONLINE_SPLIT:
        return online_split()[indicator.code]
    return Fraction(indicator.max_points)


def indicator_target(indicator: Indicator) -> Fraction | None:
    """Return the indicator's target in %, INDEX766_TARGETS overriding the catalogue's (None: no target)."""
    overrides: Mapping[str, Number | None] = getattr(settings, "INDEX766_TARGETS", {})
    target = overrides.get(indicator.code, indicator.target)
    return None if target is None else _exact(target)


def na_scoring(code: str) -> str:
    """Return how an empty denominator scores: "zero" (default) or "full", per INDEX766_NA_SCORING."""
    choice: str = getattr(settings, "INDEX766_NA_SCORING", {}).get(code, "zero")
    if choice not in ("zero", "full"):
        raise ImproperlyConfigured(f"INDEX766_NA_SCORING[{code!r}] phải là zero hoặc full / must be zero or full")
    return choice


# --- pure scoring (IDX-1 … IDX-3) --------------------------------------------------------------


def _exact(value: Number) -> Fraction:
    # str() first, so that a setting of 0.8 means eight tenths, not its binary approximation
    return value if isinstance(value, Fraction) else Fraction(str(value))


def rate_of(numerator: int, denominator: int) -> Fraction | None:
    """Return R = numerator ÷ denominator in %, exactly; None ("N/A") on an empty denominator (IDX-2)."""
    return None if denominator == 0 else Fraction(100 * numerator, denominator)


def indicator_points(
    *, rate: Number | None, max_points: Number, target: Number | None = None, when_na: str = "zero"
) -> Fraction:
    """Return the points of R (in %) by IDX-1: the maximum from the target up, else pro rata; N/A by `when_na`.

    Without a target the points are R × max (R as a fraction); never more than the maximum.
    """
    top = _exact(max_points)
    if rate is None:
        return top if when_na == "full" else Fraction(0)
    r = max(_exact(rate), Fraction(0))
    if target is not None and _exact(target) > 0:
        points = top if r >= _exact(target) else r * top / _exact(target)
    else:
        points = r * top / 100
    return min(points, top)


@dataclass(frozen=True)
class Band:
    """A band of the total score (IDX-3)."""

    code: str
    lowest: Fraction
    label: str | Promise


BAND_LABELS: dict[str, Promise] = {
    "excellent": _("Xuất sắc"),
    "good": _("Tốt"),
    "fair": _("Khá"),
    "average": _("Trung bình"),
    "weak": _("Yếu"),
}
BANDS_DEFAULT = ((90, "excellent"), (80, "good"), (70, "fair"), (50, "average"), (0, "weak"))


def bands() -> list[Band]:
    """Return the bands of INDEX766_BANDS ((lowest score, code[, label]) …), highest first."""
    found = []
    for entry in getattr(settings, "INDEX766_BANDS", BANDS_DEFAULT):
        lowest, code, *label = entry
        found.append(Band(code=code, lowest=_exact(lowest), label=label[0] if label else BAND_LABELS.get(code, code)))
    if not found:
        raise ImproperlyConfigured("INDEX766_BANDS không được rỗng / INDEX766_BANDS must not be empty")
    return sorted(found, key=lambda band: band.lowest, reverse=True)


def band_of(total: Number) -> Band:
    """Return the band of an exact total: the highest band whose lowest score it reaches (else the lowest band)."""
    ordered = bands()
    return next((band for band in ordered if _exact(total) >= band.lowest), ordered[-1])


# --- what the data says ----------------------------------------------------------------------

RESULT_STATES = (State.DONE, State.DELIVERED)  # a result or written refusal exists (ST-7's RESULT_KINDS)
WITH_RESULT = Q(state__in=RESULT_STATES)
RETURNS_DOCUMENT = ~Q(procedure_version__result_type="")
ELECTRONIC_RESULT = ~Q(result_file="")
DIGITISED = Q(has_components=True, has_undigitised=False) & (~RETURNS_DOCUMENT | ELECTRONIC_RESULT)
WITH_DOCUMENT = WITH_RESULT & RETURNS_DOCUMENT
FULL_ONLINE = Q(procedure_version__online_level=OnlineLevel.FULL)


@dataclass(frozen=True)
class Narrowing:
    """An indicator read from the dossiers behind a report figure, narrowed by stored attributes."""

    measure: Measure
    denominator: Q
    numerator: Q


# The figure-based indicators: (numerator, denominator) figures of the period report.
FIGURE_MEASURES: dict[str, tuple[Measure, Measure]] = {
    "2.1": (Measure.HANDLED_ON_TIME, Measure.HANDLED),
    "3.3": (Measure.RECEIVED_ONLINE, Measure.RECEIVED),
}
NARROWINGS: dict[str, Narrowing] = {
    "2.2": Narrowing(Measure.RESOLVED, WITH_RESULT, WITH_RESULT),
    "3.x": Narrowing(Measure.RECEIVED, FULL_ONLINE, FULL_ONLINE & Q(channel=Channel.ONLINE)),
    "4.1": Narrowing(
        Measure.RESOLVED, WITH_RESULT & RETURNS_DOCUMENT, WITH_RESULT & RETURNS_DOCUMENT & ELECTRONIC_RESULT
    ),
    "4.2": Narrowing(Measure.RESOLVED, WITH_RESULT, WITH_RESULT & DIGITISED),
}


def _dossiers(codes: Sequence[str]) -> QuerySet[Dossier]:
    components = ReceivedComponent.objects.filter(dossier=OuterRef("pk"))
    return Dossier.objects.filter(code__in=codes).annotate(
        has_components=Exists(components), has_undigitised=Exists(components.filter(file=""))
    )


def _batches(codes: Sequence[str]) -> Iterator[Sequence[str]]:
    for first in range(0, len(codes), BATCH):
        yield codes[first : first + BATCH]


def dossier_counts(codes: Sequence[str], conditions: Mapping[str, Q]) -> Counter[str]:
    """Return how many of the dossiers `codes` meet each condition (one query per batch of codes)."""
    totals: Counter[str] = Counter({name: 0 for name in conditions})
    for batch in _batches(codes):
        row = _dossiers(batch).aggregate(**{name: Count("pk", filter=q) for name, q in conditions.items()})
        totals.update({name: value or 0 for name, value in row.items()})
    return totals


def dossier_codes_where(codes: Sequence[str], condition: Q) -> list[str]:
    """Return, sorted, the codes among `codes` of the dossiers meeting `condition`."""
    found: list[str] = []
    for batch in _batches(codes):
        found.extend(_dossiers(batch).filter(condition).values_list("code", flat=True))
    return sorted(found)


def procedure_is_complete(row: Mapping[str, Any]) -> bool:
    """Return whether a published procedure carries the minimum information of Decree 63/2010 art. 8(2) (1.3).

    Name, process steps, components, time limit, subjects and implementing agency must be present.
    """
    has_limit = row["time_limit_unit"] == TimeUnitChoice.SAME_DAY or row["time_limit_amount"] is not None
    return all(
        (
            str(row["name"]).strip(),
            row["has_steps"],
            row["has_components"],
            has_limit,
            row["subjects"],
            row["competent_unit_id"] is not None or str(row["agency_text"]).strip(),
        )
    )


@dataclass(frozen=True)
class Catalog:
    """The procedures in force at T under the competence of the unit and its sub-tree, by code."""

    all: frozenset[str]
    complete: frozenset[str]
    online: frozenset[str]
    full_online: frozenset[str]


def catalog_of(unit_ids: Iterable[int], day: date) -> Catalog:
    """Return the catalogue the transparency and online indicators read (1.3, 3.1, 3.2)."""
    versions = (
        ProcedureVersion.objects.filter(in_force(day), competent_unit_id__in=list(unit_ids))
        .annotate(
            has_steps=Exists(ProcessStep.objects.filter(version=OuterRef("pk"))),
            has_components=Exists(DocumentComponent.objects.filter(version=OuterRef("pk"))),
        )
        .values(
            "procedure__code",
            "name",
            "online_level",
            "subjects",
            "time_limit_unit",
            "time_limit_amount",
            "competent_unit_id",
            "agency_text",
            "has_steps",
            "has_components",
        )
    )
    rows = list(versions)
    return Catalog(
        all=frozenset(r["procedure__code"] for r in rows),
        complete=frozenset(r["procedure__code"] for r in rows if procedure_is_complete(r)),
        online=frozenset(r["procedure__code"] for r in rows if r["online_level"] != OnlineLevel.NONE),
        full_online=frozenset(r["procedure__code"] for r in rows if r["online_level"] == OnlineLevel.FULL),
    )


def procedures_with_online_dossiers(received: Sequence[str]) -> set[str]:
    """Return the procedure codes of the dossiers among `received` that came online (3.2)."""
    found: set[str] = set()
    for batch in _batches(received):
        rows = Dossier.objects.filter(code__in=batch, channel=Channel.ONLINE)
        found.update(rows.values_list("procedure_version__procedure__code", flat=True).distinct())
    return found


# --- the index ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """One indicator's measurement and points."""

    indicator: Indicator
    max_points: Fraction
    target: Fraction | None
    numerator: int | None
    denominator: int | None
    value: Fraction | float | None  # R in % (2.2: office days)
    points: Fraction
    status: Status
    reason: str | Promise = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the indicator as JSON-ready data, numbers rounded to 2 decimals for display (IDX-2)."""
        item = self.indicator
        return {
            "code": item.code,
            "name": str(item.name),
            "group": item.group,
            "kind": item.kind.value,
            "max_points": _display(self.max_points),
            "target": _display(self.target),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "value": _display(self.value),
            "value_unit": "working_days" if item.code == "2.2" else "percent",
            "points": _display(self.points),
            "status": self.status.value,
            "status_label": str(STATUS_LABELS[self.status]),
            "reason": str(self.reason),
            "drill": item.drill.value,
            "extra": {
                key: _display(value) if isinstance(value, Fraction) else value for key, value in self.extra.items()
            },
        }


def _display(value: Fraction | float | None) -> float | None:
    return None if value is None else round(float(value), 2)


@dataclass(frozen=True)
class Index766:
    """The index of a unit and its sub-tree for a window: every indicator, the group sums, total and band."""

    unit_code: str
    unit_name: str
    window: ReportWindow
    scores: tuple[Score, ...]

    @property
    def total(self) -> Fraction:
        """Return the exact total of the scored indicators."""
        return sum((s.points for s in self.scores if s.indicator.kind == Kind.SCORED), Fraction(0))

    @property
    def band(self) -> Band:
        return band_of(self.total)

    def group_points(self, code: str) -> Fraction:
        """Return the exact points of one group."""
        return sum((s.points for s in self.scores if s.indicator.group == code), Fraction(0))

    def as_dict(self) -> dict[str, Any]:
        """Return the index as JSON-ready data: window, total, band, groups and indicators."""
        band = self.band
        return {
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "date_from": self.window.date_from.isoformat(),
            "date_to": self.window.date_to.isoformat(),
            "window_start": _iso(self.window.start),
            "as_of": _iso(self.window.end),
            "total": _display(self.total),
            "max_total": sum(group.max_points for group in GROUPS),
            "band": {"code": band.code, "label": str(band.label)},
            "groups": [
                {
                    "code": group.code,
                    "name": str(group.name),
                    "max_points": group.max_points,
                    "points": _display(self.group_points(group.code)),
                    "indicators": [s.indicator.code for s in self.scores if s.indicator.group == group.code],
                }
                for group in GROUPS
            ],
            "indicators": [score.as_dict() for score in self.scores],
        }


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment, timezone.get_default_timezone()).isoformat()


@dataclass(frozen=True)
class Measured:
    """What the data says about one indicator before scoring."""

    numerator: int | None
    denominator: int | None
    value: Fraction | float | None = None  # when not numerator ÷ denominator (2.2)
    extra: dict[str, Any] = field(default_factory=dict)


def score(indicator: Indicator, measured: Measured | None) -> Score:
    """Return the score of one indicator; `measured` None means there is no data source yet."""
    top, target = indicator_max(indicator), indicator_target(indicator)
    if indicator.kind == Kind.MONITOR:
        top = Fraction(0)
    if measured is None:
        reason = indicator.missing or _("Chưa có dữ liệu")
        return Score(indicator, top, target, None, None, None, Fraction(0), Status.NO_DATA, reason)
    value = measured.value
    if value is None and measured.numerator is not None and measured.denominator is not None:
        value = rate_of(measured.numerator, measured.denominator)
    status = Status.NOT_APPLICABLE if value is None else Status.OK
    rate = None if value is None else _exact(value)
    points = indicator_points(rate=rate, max_points=top, target=target, when_na=na_scoring(indicator.code))
    if indicator.kind == Kind.MONITOR:
        points = Fraction(0)
    return Score(
        indicator, top, target, measured.numerator, measured.denominator, value, points, status, extra=measured.extra
    )


@dataclass
class _Sources:
    """The data of one index computation, shared by every indicator of a unit and window."""

    unit: Unit
    window: ReportWindow
    unit_ids: set[int]

    @classmethod
    def prepare(cls, *, unit: Unit, date_from: date, date_to: date, as_of: datetime | None) -> _Sources:
        # Read every figure at one instant T, even for the current period, so that they agree.
        window = report_window(date_from=date_from, date_to=date_to, as_of=as_of)
        return cls(unit, window, unit_descendant_ids([unit.pk]))

    def report_figures(self) -> Figures:
        w = self.window
        return period_report(unit=self.unit, date_from=w.date_from, date_to=w.date_to, as_of=w.end).total

    def codes(self, measure: Measure) -> list[str]:
        """Return the codes of the dossiers behind one figure of the period report."""
        w = self.window
        return period_report_dossiers(
            unit=self.unit, date_from=w.date_from, date_to=w.date_to, as_of=w.end, measure=measure
        )

    def catalog(self) -> Catalog:
        return catalog_of(self.unit_ids, local_date(self.window.end))


def _measure_catalog(catalog: Catalog, online_with_dossiers: set[str]) -> dict[str, Measured]:
    full_rate = rate_of(len(catalog.full_online), len(catalog.all))
    return {
        "1.3": Measured(len(catalog.complete), len(catalog.all)),
        "3.1": Measured(
            len(catalog.online),
            len(catalog.all),
            extra={"full_online": len(catalog.full_online), "full_online_rate": full_rate},
        ),
        "3.2": Measured(len(catalog.online & online_with_dossiers), len(catalog.online)),
    }


def _measure_dossiers(sources: _Sources) -> dict[str, Measured]:
    figures = sources.report_figures()
    measured = {
        code: Measured(getattr(figures, numerator.value), getattr(figures, denominator.value))
        for code, (numerator, denominator) in FIGURE_MEASURES.items()
    }
    by_measure = {measure: sources.codes(measure) for measure in {n.measure for n in NARROWINGS.values()}}
    for code, narrowing in NARROWINGS.items():
        counts = dossier_counts(
            by_measure[narrowing.measure], {"numerator": narrowing.numerator, "denominator": narrowing.denominator}
        )
        measured[code] = Measured(counts["numerator"], counts["denominator"])
    measured["2.2"] = Measured(
        None,
        measured["2.2"].denominator,
        value=figures.avg_processing_days,
        extra={
            "avg_processing_hours": figures.avg_processing_hours,
            "median_processing_days": figures.median_processing_days,
        },
    )
    measured["5.4"] = _measure_satisfaction(figures, by_measure[Measure.RESOLVED], sources.window)
    online = procedures_with_online_dossiers(by_measure[Measure.RECEIVED])
    return measured | _measure_catalog(sources.catalog(), online)


def _disliked(codes: Sequence[str], as_of: datetime) -> list[str]:
    """Return the codes among `codes` whose overall rating, first given by `as_of`, is "không hài lòng"."""
    return dossier_codes_where(codes, Q(rating__overall__in=dissatisfied_levels(), rating__first_rated_at__lte=as_of))


def _measure_satisfaction(figures: Figures, resolved: Sequence[str], window: ReportWindow) -> Measured:
    """Measure 5.4 (see the module docstring): only resolved dossiers have a result, so only they are rated."""
    disliked = _disliked(resolved, window.end)
    rows = Dossier.objects.filter(code__in=disliked).values(*FACT_FIELDS)  # few: the disliked ones
    disliked_on_time = sum(1 for row in rows if is_portal_on_time(facts_build(row)))
    return Measured(
        figures.handled_on_time - disliked_on_time,
        figures.handled,
        extra={
            "late": figures.handled - figures.handled_on_time,
            "disliked": len(disliked),
            "feedback_counted": False,
        },
    )


def index766(*, unit: Unit, date_from: date, date_to: date, as_of: datetime | None = None) -> Index766:
    """Return the Decision 766 index of `unit` and its sub-tree for the window (see the module docstring)."""
    sources = _Sources.prepare(unit=unit, date_from=date_from, date_to=date_to, as_of=as_of)
    measured = _measure_dossiers(sources)
    scores = tuple(score(indicator, measured.get(indicator.code)) for indicator in INDICATORS)
    return Index766(unit_code=unit.code, unit_name=unit.name, window=sources.window, scores=scores)


# --- drill-down ---------------------------------------------------------------------------------


class Part(StrEnum):
    """Which side of an indicator's ratio to list."""

    NUMERATOR = "numerator"
    DENOMINATOR = "denominator"


@dataclass(frozen=True)
class Items:
    """The dossiers or procedures behind one side of an indicator, by code, sorted."""

    kind: Drill
    codes: list[str]


def _catalog_items(code: str, part: Part, sources: _Sources) -> list[str]:
    catalog = sources.catalog()
    if code == "3.2":
        chosen = catalog.online
        if part == Part.NUMERATOR:
            chosen = chosen & procedures_with_online_dossiers(sources.codes(Measure.RECEIVED))
    else:
        chosen = {"1.3": catalog.complete, "3.1": catalog.online}[code] if part == Part.NUMERATOR else catalog.all
    return sorted(chosen)


def index766_items(
    *,
    unit: Unit,
    date_from: date,
    date_to: date,
    as_of: datetime | None = None,
    code: str,
    part: Part | str = Part.NUMERATOR,
) -> Items:
    """Return the dossier or procedure codes behind the numerator or denominator of indicator `code`."""
    indicator = next((i for i in INDICATORS if i.code == code), None)
    if indicator is None:
        raise ReportError(f"Không có chỉ số “{code}” / unknown indicator")
    try:
        side = Part(part)
    except ValueError:
        raise ReportError(f"Phần “{part}” không hợp lệ, chọn numerator hoặc denominator / unknown part") from None
    sources = _Sources.prepare(unit=unit, date_from=date_from, date_to=date_to, as_of=as_of)
    if indicator.drill == Drill.PROCEDURES:
        return Items(Drill.PROCEDURES, _catalog_items(code, side, sources))
    if code == "5.4":
        handled = sources.codes(Measure.HANDLED_ON_TIME if side == Part.NUMERATOR else Measure.HANDLED)
        if side == Part.NUMERATOR:
            dropped = set(_disliked(sources.codes(Measure.RESOLVED), sources.window.end))
            handled = [c for c in handled if c not in dropped]
        return Items(Drill.DOSSIERS, handled)
    if code in FIGURE_MEASURES:
        numerator, denominator = FIGURE_MEASURES[code]
        return Items(Drill.DOSSIERS, sources.codes(numerator if side == Part.NUMERATOR else denominator))
    if code in NARROWINGS:
        narrowing = NARROWINGS[code]
        condition = narrowing.numerator if side == Part.NUMERATOR else narrowing.denominator
        return Items(Drill.DOSSIERS, dossier_codes_where(sources.codes(narrowing.measure), condition))
    return Items(Drill.NONE, [])
