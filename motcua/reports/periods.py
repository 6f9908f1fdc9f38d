"""Closed periods (kỳ báo cáo đã khóa sổ; issue 4 item 3, DOMAIN.md V-3, ST-18): which periods can be closed,
what a snapshot holds, and the reads that serve a closed period's report exactly as it was closed.

A period is a month or quarter of a window scheme (reports.windows): calendar periods start on the 1st,
Decree 09/2019 periods on the 15th, so (kind, first day) names a period in either scheme.

A snapshot's content is the period report of the unit and its sub-tree read at the end of the period
(T = 23:59:59.999999 local of its last day), every grouping of `selectors.GROUP_BY` included, with what
it was computed from: the source, a digest of the statistics definitions and the settings they read.
It is JSON text in a fixed key order; its hash is the SHA-256 of the canonical form (keys sorted,
compact separators, UTF-8), so the hash does not depend on how the text was laid out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Unit
from motcua.reports import definitions, processing_time, selectors
from motcua.reports.models import PeriodKind, PeriodSnapshot
from motcua.reports.selectors import GROUP_BY, Figures, PeriodReport, ReportRow, ReportWindow, figures_from
from motcua.reports.windows import Scheme, Span, window, window_of

CONTENT_FORMAT = 1  # the layout of `PeriodSnapshot.content`; a new layout gets a new number
SOURCE = "raw"  # a snapshot is computed from the dossiers themselves, the reference the counters are checked by
FIGURE_FIELDS = tuple(field.name for field in fields(Figures))
ROMAN = ("I", "II", "III", "IV")


class PeriodInvalid(ValueError):
    """A period that does not exist (not the first day of a month or quarter); Vietnamese / English."""


@dataclass(frozen=True)
class Period:
    """A month or quarter of a scheme, named by its year and number, with its dates (both inclusive)."""

    kind: str
    scheme: str
    year: int
    number: int
    date_from: date
    date_to: date

    @property
    def end(self) -> datetime:
        """Return T, the instant the period is read at: the last microsecond of its last day, local time."""
        return datetime.combine(self.date_to, time.max, tzinfo=timezone.get_default_timezone())

    def has_ended(self, today: date) -> bool:
        """Return whether the period is over on `today` (its last day is past)."""
        return today > self.date_to

    @property
    def label(self) -> str:
        """Return "Tháng 03/2025" or "Quý I/2025"."""
        if self.kind == PeriodKind.MONTH:
            return _("Tháng %(number)02d/%(year)s") % {"number": self.number, "year": self.year}
        return _("Quý %(number)s/%(year)s") % {"number": ROMAN[self.number - 1], "year": self.year}

    @property
    def dates(self) -> str:
        """Return "15/02/2025 – 14/03/2025"."""
        return f"{self.date_from:%d/%m/%Y} – {self.date_to:%d/%m/%Y}"


def _span(kind: str) -> Span:
    if kind not in PeriodKind.values:
        raise PeriodInvalid(f"Loại kỳ “{kind}” không khóa sổ được, chọn month hoặc quarter / unknown period kind")
    return Span(kind)


def period_named(kind: str, year: int, number: int, *, scheme: str) -> Period:
    """Return month or quarter `number` of `year` in `scheme` (Decree 09 month 3/2025 is 15/02 – 14/03/2025)."""
    try:
        date_from, date_to = window(_span(kind), year, number, scheme=Scheme(scheme))
    except ValueError as error:
        raise PeriodInvalid(str(error)) from None
    return Period(kind, Scheme(scheme).value, year, number, date_from, date_to)


def period_of(kind: str, start: date) -> Period:
    """Return the month or quarter that starts on `start`: the 1st in the calendar scheme, the 15th in Decree 09's."""
    span = _span(kind)
    scheme = {1: Scheme.CALENDAR, 15: Scheme.DECREE_09}.get(start.day)
    if scheme is not None:
        date_from, date_to = window_of(start, span, scheme=scheme)
        if date_from == start:
            # a window is named by the calendar month or quarter it ends in (Decree 09 month 3 ends on 14/03)
            number = (date_to.month - 1) // (1 if span == Span.MONTH else 3) + 1
            return Period(kind, scheme.value, date_to.year, number, date_from, date_to)
    raise PeriodInvalid(
        f"Ngày {start:%d/%m/%Y} không phải ngày đầu của một {PeriodKind(kind).label.lower()} "
        f"(ngày 1 theo dương lịch, ngày 15 theo Nghị định 09/2019) / not the first day of a period"
    )


def period_months(year: int, *, scheme: str) -> list[Period]:
    """Return the twelve months then the four quarters of `year` in `scheme`."""
    months = [period_named(PeriodKind.MONTH, year, number, scheme=scheme) for number in range(1, 13)]
    quarters = [period_named(PeriodKind.QUARTER, year, number, scheme=scheme) for number in range(1, 5)]
    return [*months, *quarters]


# --- the content of a snapshot ----------------------------------------------------------------


def definitions_digest() -> str:
    """Return the SHA-256 of the code the figures come from: the definitions, processing time and the report."""
    digest = hashlib.sha256()
    for module in (definitions, processing_time, selectors):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()


def _basis() -> dict[str, Any]:
    return {
        "source": SOURCE,
        "definitions_digest": definitions_digest(),
        "settings": {
            "DOSSIER_DUE_SOON_HOURS": float(getattr(settings, "DOSSIER_DUE_SOON_HOURS", 8)),
            "TIME_ZONE": settings.TIME_ZONE,
        },
    }


def snapshot_content(*, unit: Unit, period: Period) -> dict[str, Any]:
    """Return the report of `unit` for `period` read at its end, every grouping included, with its basis.

    The groupings are separate passes over the dossiers; their totals must agree, or the data changed
    in between (PeriodInvalid asks to try again: nothing half-read is kept).
    """
    reports = {
        group_by: selectors.period_report(
            unit=unit,
            date_from=period.date_from,
            date_to=period.date_to,
            as_of=period.end,
            group_by=group_by,
            source=SOURCE,
        ).as_dict()
        for group_by in GROUP_BY
    }
    tops = [{k: v for k, v in report.items() if k not in ("group_by", "rows")} for report in reports.values()]
    if any(top != tops[0] for top in tops):
        raise PeriodInvalid("Số liệu thay đổi trong lúc khóa sổ, hãy thử lại / the data changed while closing, retry")
    return {
        "format": CONTENT_FORMAT,
        "period": {
            "kind": period.kind,
            "scheme": period.scheme,
            "year": period.year,
            "number": period.number,
            "date_from": period.date_from.isoformat(),
            "date_to": period.date_to.isoformat(),
        },
        "basis": _basis(),
        "report": tops[0],
        "rows": {group_by: report["rows"] for group_by, report in reports.items()},
    }


def content_text(data: Mapping[str, Any]) -> str:
    """Return the JSON text stored for `data`: its own key order, compact, non-ASCII kept."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def content_hash(data: Mapping[str, Any]) -> str:
    """Return the SHA-256 of the canonical JSON of `data` (keys sorted, compact, UTF-8)."""
    canonical = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def snapshot_data(snapshot: PeriodSnapshot) -> dict[str, Any]:
    """Return the stored content of a snapshot as data, in its stored key order."""
    data: dict[str, Any] = json.loads(snapshot.content)
    return data


def snapshot_verify(snapshot: PeriodSnapshot) -> bool:
    """Return whether the stored content still has the hash computed when it was stored."""
    return content_hash(snapshot_data(snapshot)) == snapshot.content_hash


# --- differences (the audit record of a restatement) -------------------------------------------

_EMPTY = asdict(figures_from({}))


def _row_differences(
    grouping: str | None, key: str, label: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[dict[str, Any]]:
    return [
        {
            "grouping": grouping,
            "key": key,
            "label": label,
            "measure": name,
            "before": before.get(name),
            "after": after.get(name),
        }
        for name in FIGURE_FIELDS
        if before.get(name) != after.get(name)
    ]


def _rows_by_key(rows: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {row["key"]: row for row in rows}


def report_differences(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return every figure that differs between two snapshot contents: the total, then each grouping's rows.

    A row present on one side only is compared with an empty row (zero counts, no rates).
    """
    found = _row_differences(None, "", _("Tổng cộng"), before["report"], after["report"])
    for grouping in GROUP_BY:
        old = _rows_by_key(before["rows"].get(grouping, []))
        new = _rows_by_key(after["rows"].get(grouping, []))
        for key in [*old, *(k for k in new if k not in old)]:
            label = str((new.get(key) or old[key])["label"])
            found += _row_differences(grouping, key, label, old.get(key, _EMPTY), new.get(key, _EMPTY))
    return found


# --- reading a closed period ------------------------------------------------------------------


def period_snapshot_latest(*, unit: Unit, kind: str, date_from: date) -> PeriodSnapshot | None:
    """Return the current (highest) version of a closed period, None when it is open."""
    return (
        PeriodSnapshot.objects.filter(unit=unit, kind=kind, date_from=date_from)
        .select_related("unit", "created_by")
        .order_by("-version")
        .first()
    )


def period_history(*, unit: Unit, kind: str, date_from: date) -> QuerySet[PeriodSnapshot]:
    """Return every version of a period, the closing first."""
    return (
        PeriodSnapshot.objects.filter(unit=unit, kind=kind, date_from=date_from)
        .select_related("unit", "created_by")
        .order_by("version")
    )


@dataclass(frozen=True)
class ClosedReport:
    """The latest snapshot of a closed period, served instead of a recomputation."""

    snapshot: PeriodSnapshot
    data: dict[str, Any]

    @property
    def version(self) -> int:
        return self.snapshot.version

    def as_dict(self, group_by: str | None) -> dict[str, Any]:
        """Return what `manage.py report --format json` prints: the stored report, plus `closed` and the version."""
        printed = dict(self.data["report"])
        if group_by:
            printed["group_by"] = group_by
            printed["rows"] = self.data["rows"][group_by]
        return {**printed, "closed": True, "snapshot_version": self.version}

    def report(self, group_by: str | None) -> PeriodReport:
        """Return the stored report as a PeriodReport (for the page and the exports)."""
        top = self.data["report"]
        rows: tuple[ReportRow, ...] = ()
        if group_by:
            rows = tuple(
                ReportRow(key=row["key"], label=row["label"], figures=_figures(row))
                for row in self.data["rows"][group_by]
            )
        return PeriodReport(
            unit_code=top["unit_code"],
            unit_name=top["unit_name"],
            window=ReportWindow(
                date_from=date.fromisoformat(top["date_from"]),
                date_to=date.fromisoformat(top["date_to"]),
                start=datetime.fromisoformat(top["window_start"]),
                end=datetime.fromisoformat(top["as_of"]),
            ),
            group_by=group_by,
            total=_figures(top),
            rows=rows,
            source=top.get("source", SOURCE),
            source_note=top.get("source_note", ""),
        )

    @property
    def notice(self) -> str:
        """Return "Kỳ đã khóa sổ ngày 01/04/2025 (phiên bản 1)", the mark of every closed report."""
        return closed_notice(self.snapshot)


def closed_notice(snapshot: PeriodSnapshot) -> str:
    """Return the mark of a snapshot: the day its figures were frozen and its version."""
    day = timezone.localtime(snapshot.created_at, timezone.get_default_timezone())
    return _("Kỳ đã khóa sổ ngày %(day)s (phiên bản %(version)s)") % {
        "day": f"{day:%d/%m/%Y}",
        "version": snapshot.version,
    }


def _figures(values: Mapping[str, Any]) -> Figures:
    stored: dict[str, Any] = {name: values.get(name) for name in FIGURE_FIELDS}
    return Figures(**stored)


def closed_report(
    *, unit: Unit, date_from: date, date_to: date, as_of: datetime | None = None, group_by: str | None = None
) -> ClosedReport | None:
    """Return the latest snapshot when the window is exactly a closed period of `unit`, else None.

    An `as_of` before the period's end asks for a moment inside the period: that is not the closed
    report, so it is recomputed.
    """
    end = datetime.combine(date_to, time.max, tzinfo=timezone.get_default_timezone())
    if as_of is not None and as_of < end:
        return None
    snapshot = (
        PeriodSnapshot.objects.filter(unit=unit, date_from=date_from, date_to=date_to)
        .select_related("unit", "created_by")
        .order_by("-version")
        .first()
    )
    if snapshot is None:
        return None
    data = snapshot_data(snapshot)
    if group_by and group_by not in data["rows"]:
        return None  # a grouping added after the period was closed: only the recomputation has it
    return ClosedReport(snapshot=snapshot, data=data)


@dataclass(frozen=True)
class PeriodState:
    """A period of a unit as the closing page lists it: open, not over yet, closed or restated."""

    period: Period
    latest: PeriodSnapshot | None
    ended: bool

    @property
    def state(self) -> str:
        if self.latest is None:
            return "open" if self.ended else "running"
        return "closed" if self.latest.version == 1 else "restated"


def period_states(*, unit: Unit, year: int, scheme: str, today: date) -> list[PeriodState]:
    """Return the months and quarters of `year` for `unit` with their latest snapshot (one query)."""
    periods = period_months(year, scheme=scheme)
    snapshots = PeriodSnapshot.objects.filter(
        unit=unit, date_from__gte=min(p.date_from for p in periods), date_to__lte=max(p.date_to for p in periods)
    ).select_related("created_by")
    latest: dict[tuple[str, date], PeriodSnapshot] = {}
    for snapshot in snapshots:
        key = (snapshot.kind, snapshot.date_from)
        if key not in latest or latest[key].version < snapshot.version:
            latest[key] = snapshot
    return [PeriodState(p, latest.get((p.kind, p.date_from)), p.has_ended(today)) for p in periods]


def period_report_json(
    *,
    unit: Unit,
    date_from: date,
    date_to: date,
    as_of: datetime | None = None,
    group_by: str | None = None,
    source: str | None = None,
    live: bool = False,
) -> dict[str, Any]:
    """Return the period report as `manage.py report --format json` prints it, with `closed` and `snapshot_version`.

    A closed period is its latest snapshot exactly as stored; `live` adds the recomputation from
    today's data beside it, under "live". Any other window is recomputed (closed false, version null).
    `source` chooses how a recomputation is read (selectors.period_report); a snapshot is always raw.
    """
    asked: dict[str, Any] = {"unit": unit, "date_from": date_from, "date_to": date_to, "as_of": as_of}
    closed = closed_report(**asked, group_by=group_by)
    if closed is None:
        recomputed = selectors.period_report(**asked, group_by=group_by, source=source).as_dict()
        return {**recomputed, "closed": False, "snapshot_version": None}
    printed = closed.as_dict(group_by)
    if live:
        printed["live"] = selectors.period_report(**asked, group_by=group_by, source=source).as_dict()
    return printed


def closed_live_differences(closed: ClosedReport, live: PeriodReport) -> list[dict[str, Any]]:
    """Return the figures where today's recomputation differs from the closed report, for the live report's grouping."""
    group_by = live.group_by
    data = live.as_dict()
    before = {"report": closed.data["report"], "rows": {group_by: closed.data["rows"][group_by]} if group_by else {}}
    after = {"report": data, "rows": {group_by: data["rows"]} if group_by else {}}
    return report_differences(before, after)
