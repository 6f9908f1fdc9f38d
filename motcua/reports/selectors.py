"""The period report (issue 4; DOMAIN.md §6.2): from raw rows here, the reference the counters are checked by.

`period_report` reads the statistics counters by default (`reports.counted`, ADR 0005), which give
the same figures but the median processing time; `source="raw"` computes it here: `raw_report`
streams the facts of every dossier the window touches — three queries ordered by dossier id and
merged in Python (dossiers with their apology and procedure; pause intervals; withdrawal requests),
so memory stays flat whatever the volume — classifies each dossier with
`definitions.period_measures` and tallies the measures per group. No figure is computed any other way,
so whatever is built on the same definitions agrees with it, and `period_report_dossiers` lists the
dossiers behind any one figure (always from raw rows).

Scope: dossiers whose receiving unit is the unit or below it (ST-12). Window: local dates, both
inclusive; it opens at S = 00:00 local of `date_from` and is read at T = the end of `date_to`
(23:59:59.999999 local), or at `as_of` when that is earlier; `as_of` defaults to now, so the current
period is read now (DOMAIN.md §6 notation).

Rates are percentages with 2 decimals, None on an empty denominator (IDX-2):

- `on_time_rate` follows Decision 766 indicator 2.1: (dossiers finished in the window — resolved,
  stopped or withdrawn — with E ≤ A by the portal rule, ST-3/ST-6/ST-9, plus dossiers pending in time
  at T) ÷ `handled`, where handled = resolved + pending + ended_otherwise, i.e. carried_in + received
  when the reconciliation gap is 0 (ST-15's "cần xử lý"). Refusals at reception are outside (ST-1).
  Vĩnh Phúc's "due" denominator (resolved + pending overdue, DOMAIN.md §6.3) is not used.
- `resolved_on_time_rate` = (resolved_early + resolved_on_time) ÷ resolved: the date-based split
  (ST-2) of periodic reports (Lâm Đồng's 98.81 %).
- `online_rate` = received_online ÷ received (Decision 766 indicator 3.3 also weighs the result type
  and the sync rate; not applied here).

Processing time (ST-13): mean and median of E − accepted − P in office hours, over the dossiers
resolved with a result in the window (the portal's supplement wait has no result and is left out),
each measured with its own counting unit's calendar in force on the day it ended
(`reports.processing_time`); in office days of the report unit's calendar. About-to-be-late (ST-5)
uses the report unit's calendar and threshold (`Unit.due_soon_hours`, inherited, else
DOSSIER_DUE_SOON_HOURS); no other count depends on a calendar.
A dossier's appointment is the one stored now: for a past `as_of`, an appointment moved by a pause
that ended after `as_of` is read as moved.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.accounts.models import Unit
from motcua.accounts.selectors import unit_descendant_ids, unit_due_soon_hours
from motcua.catalog.models import Field, Level
from motcua.dossiers.models import Dossier, DossierEvent, PauseInterval
from motcua.dossiers.states import Channel, State
from motcua.reports.definitions import (
    FACT_FIELDS,
    DossierFacts,
    Measure,
    Pause,
    facts_build,
    local_date,
    period_measures,
)
from motcua.reports.processing_time import UnitCalendars, processing_minutes
from motcua.reports.windows import window_explicit
from motcua.workdays.arith import Calendar

GROUP_BY = ("unit", "field", "procedure", "channel", "level")
CHUNK = 2000  # rows fetched per round trip while streaming


class ReportError(ValueError):
    """Bad input for a report; the message is Vietnamese, then English after " / "."""


@dataclass(frozen=True)
class ReportWindow:
    """The dates asked for and the instants they stand for: S (start) and T (end)."""

    date_from: date
    date_to: date
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Figures:
    """Every figure of the period report for one group (or the total); see the module docstring."""

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
    reconciliation_gap: int  # carried_in + received − resolved − pending − ended_otherwise (ST-14, ST-19)
    received_split_gap: int  # received − online − counter − postal
    resolved_split_gap: int  # resolved − early − on time − late
    pending_split_gap: int  # pending − in time − overdue


@dataclass(frozen=True)
class ReportRow:
    """One group of the report: a child unit, field, procedure, channel or level."""

    key: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class PeriodReport:
    """The period report of a unit and its sub-tree: the total and, when grouped, one row per group."""

    unit_code: str
    unit_name: str
    window: ReportWindow
    group_by: str | None
    total: Figures
    rows: tuple[ReportRow, ...] = ()
    source: str = "raw"  # "counters" or "raw" (ADR 0005)
    source_note: str = ""  # why the raw rows were read when the counters were not asked against

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data: the total's figures at the top level, then the rows."""
        data: dict[str, Any] = {
            "unit_code": self.unit_code,
            "unit_name": self.unit_name,
            "date_from": self.window.date_from.isoformat(),
            "date_to": self.window.date_to.isoformat(),
            "window_start": _iso(self.window.start),
            "as_of": _iso(self.window.end),
            "source": self.source,
            **asdict(self.total),
        }
        if self.source_note:
            data["source_note"] = self.source_note
        if self.group_by:
            data["group_by"] = self.group_by
            data["rows"] = [{"key": row.key, "label": row.label, **asdict(row.figures)} for row in self.rows]
        return data


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment, timezone.get_default_timezone()).isoformat()


def report_window(*, date_from: date, date_to: date, as_of: datetime | None = None) -> ReportWindow:
    """Return the window of local dates `date_from`…`date_to` read at the end of `date_to` or `as_of` (default now)."""
    try:
        window_explicit(date_from, date_to)
    except ValueError as error:
        raise ReportError(str(error)) from None
    if as_of is not None and timezone.is_naive(as_of):
        raise ReportError("Thời điểm số liệu thiếu múi giờ / as_of needs a time zone")
    zone = timezone.get_default_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    end = min(datetime.combine(date_to, time.max, tzinfo=zone), timezone.now() if as_of is None else as_of)
    if end < start:
        raise ReportError(f"Thời điểm số liệu trước ngày {date_from:%d/%m/%Y} / as_of is before the window starts")
    return ReportWindow(date_from=date_from, date_to=date_to, start=start, end=end)


# --- tallies ----------------------------------------------------------------------------------


@dataclass
class _Tally:
    counts: Counter[str] = field(default_factory=Counter)
    minutes: list[int] = field(default_factory=list)

    def add(self, measures: Iterable[Measure], minutes: int | None) -> None:
        self.counts.update(measures)
        if minutes is not None:
            self.minutes.append(minutes)


def _figures(tally: _Tally, minutes_per_day: int | None) -> Figures:
    return figures_from(tally.counts, minutes=tally.minutes, minutes_per_day=minutes_per_day)


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100 * part / whole, 2)


def _in_units(minutes: float | None, per_unit: int | None) -> float | None:
    return None if minutes is None or not per_unit else round(minutes / per_unit, 2)


def figures_from(
    counts: Mapping[str, int],
    *,
    minutes: Sequence[int] = (),
    minutes_per_day: int | None = None,
    minutes_sum: int | None = None,
    minutes_count: int | None = None,
) -> Figures:
    """Return the figures of per-measure counts: the counts, rates, processing times and reconciliation gaps.

    `minutes` are the net office minutes of each dossier resolved with a result (ST-13), giving the
    mean and the median. A report read from counters passes their sum and count instead: the same
    mean, and no median (ADR 0005). Rates and gaps are computed here only, whatever the source.
    """
    c = {measure.value: counts.get(measure.value, 0) for measure in Measure}
    total = sum(minutes) if minutes_sum is None else minutes_sum
    count = len(minutes) if minutes_count is None else minutes_count
    mean = total / count if count else None
    median = statistics.median(minutes) if minutes else None
    avg_hours, median_hours = _in_units(mean, 60), _in_units(median, 60)
    avg_days, median_days = _in_units(mean, minutes_per_day), _in_units(median, minutes_per_day)
    return Figures(
        **c,
        online_rate=_rate(c["received_online"], c["received"]),
        on_time_rate=_rate(c["handled_on_time"], c["handled"]),
        resolved_on_time_rate=_rate(c["resolved_early"] + c["resolved_on_time"], c["resolved"]),
        avg_processing_hours=avg_hours,
        median_processing_hours=median_hours,
        avg_processing_days=avg_days,
        median_processing_days=median_days,
        reconciliation_gap=c["carried_in"] + c["received"] - c["resolved"] - c["pending"] - c["ended_otherwise"],
        received_split_gap=c["received"] - c["received_online"] - c["received_counter"] - c["received_postal"],
        resolved_split_gap=c["resolved"] - c["resolved_early"] - c["resolved_on_time"] - c["resolved_late"],
        pending_split_gap=c["pending"] - c["pending_in_time"] - c["pending_overdue"],
    )


# --- streaming the facts ----------------------------------------------------------------------

_ROW_FIELDS = (
    *FACT_FIELDS,
    "id",
    "procedure_version_id",
    "apology__approved_at",
    "procedure_version__procedure__code",
    "procedure_version__name",
    "procedure_version__field_id",
    "procedure_version__level",
)


def _scope(unit_ids: Iterable[int], window: ReportWindow) -> QuerySet[Dossier]:
    """Return the dossiers of the units that any measure of the window may count (a superset; ST-14)."""
    start, end = window.start, window.end
    ended_in = Q(processing_ended_at__gte=start, processing_ended_at__lte=end)
    open_then = Q(accepted_at__lte=end) & (
        Q(accepted_at__gte=start) | Q(processing_ended_at__isnull=True) | Q(processing_ended_at__gte=start)
    )
    uncollected = Q(state__in=[State.DONE, State.DELIVERED], processing_ended_at__lt=start) & (
        Q(delivered_at__isnull=True) | Q(delivered_at__gt=end)
    )
    untimed_refusal = Q(state=State.REFUSED_AT_RECEPTION, processing_ended_at__isnull=True) & Q(
        submitted_at__gte=start, submitted_at__lte=end
    )
    return Dossier.objects.filter(receiving_unit_id__in=list(unit_ids)).filter(
        ended_in | open_then | uncollected | untimed_refusal
    )


class _Follower:
    """Hand out, in increasing dossier id, the rows of a stream ordered by dossier id (a merge join)."""

    def __init__(self, rows: Iterator[Mapping[str, Any]]) -> None:
        self._groups = ((key, list(group)) for key, group in groupby(rows, key=itemgetter("dossier_id")))
        self._head = next(self._groups, None)

    def take(self, dossier_id: int) -> list[Mapping[str, Any]]:
        while self._head is not None and self._head[0] < dossier_id:
            self._head = next(self._groups, None)
        if self._head is None or self._head[0] != dossier_id:
            return []
        rows, self._head = self._head[1], next(self._groups, None)
        return rows


def facts_stream(
    scope: QuerySet[Dossier] | Sequence[int], *, extra: Sequence[str] = ()
) -> Iterator[tuple[DossierFacts, dict[str, Any]]]:
    """Yield the facts of every dossier of `scope` in id order with its row (group keys, `extra`), in three queries.

    `scope` is a query of dossiers, or a list of their ids: the pauses and events are then read by
    those ids, never through a join that PostgreSQL may answer by walking a whole index.
    """
    withdrawn_states = [State.WITHDRAWAL_REQUESTED, State.STOPPED]
    streamed = isinstance(scope, QuerySet)  # a list of ids is a caller's chunk or batch: read in one go
    if isinstance(scope, QuerySet):
        rows, ids = scope, scope.values("pk")
        of_dossiers, of_withdrawn = Q(dossier__in=ids), Q(dossier__in=ids.filter(state__in=withdrawn_states))
    else:  # no join: each row's state is checked below
        rows, of_dossiers = Dossier.objects.filter(pk__in=scope), Q(dossier_id__in=scope)
        of_withdrawn = of_dossiers

    def read(query: QuerySet[Any, Any]) -> Iterator[Any]:
        return query.iterator(chunk_size=CHUNK) if streamed else iter(query)

    pauses = _Follower(
        read(
            PauseInterval.objects.filter(of_dossiers)
            .order_by("dossier_id", "started_at", "id")
            .values("dossier_id", "started_at", "ended_at", "kind", "counts_clock")
        )
    )
    withdrawals = _Follower(
        read(
            DossierEvent.objects.filter(of_withdrawn, type="withdrawal_requested")
            .order_by("dossier_id", "seq")
            .values("dossier_id", "at")
        )
    )
    for row in read(rows.order_by("id").values(*_ROW_FIELDS, *extra)):
        withdrawal = withdrawals.take(row["id"]) if row["state"] in withdrawn_states else []
        stored = [Pause(p["started_at"], p["ended_at"], p["kind"], p["counts_clock"]) for p in pauses.take(row["id"])]
        facts = facts_build(
            row,
            pauses=stored,
            apology_approved_at=row["apology__approved_at"],
            withdrawal_requested_at=withdrawal[0]["at"] if withdrawal else None,
        )
        yield facts, row


# --- grouping ---------------------------------------------------------------------------------


class ReportGrouping:
    """The key and label of each group of a `group_by`; a unit groups by the child it rolls up to."""

    def __init__(self, group_by: str | None, unit: Unit, unit_ids: set[int]) -> None:
        self.group_by = group_by
        self.labels: dict[str, str] = {}
        self.unit = unit
        self._top: dict[int, str] = {}
        self._units: dict[int, tuple[int | None, str, str]] = {}
        if group_by == "unit":
            rows = Unit.objects.filter(pk__in=unit_ids).values_list("id", "parent_id", "code", "name")
            self._units = {pk: (parent, code, name) for pk, parent, code, name in rows}
            for parent, code, name in self._units.values():
                if parent == unit.pk:
                    self.labels[code] = name
        self.key: Callable[[dict[str, Any]], str] = getattr(self, f"_by_{group_by}", self._by_none)

    def _by_none(self, row: dict[str, Any]) -> str:
        return ""

    def _by_unit(self, row: dict[str, Any]) -> str:
        unit_id: int = row["receiving_unit_id"]
        if unit_id not in self._top:
            current = unit_id
            while current != self.unit.pk and self._units[current][0] != self.unit.pk:
                current = self._units[current][0] or self.unit.pk
            self._top[unit_id] = self.unit.code if current == self.unit.pk else self._units[current][1]
        return self._top[unit_id]

    def _by_field(self, row: dict[str, Any]) -> str:
        return str(row["procedure_version__field_id"])

    def _by_procedure(self, row: dict[str, Any]) -> str:
        code: str = row["procedure_version__procedure__code"]
        self.labels.setdefault(code, row["procedure_version__name"])
        return code

    def _by_channel(self, row: dict[str, Any]) -> str:
        channel: int = row["channel"]
        self.labels.setdefault(str(channel), str(Channel(channel).label))
        return str(channel)

    def _by_level(self, row: dict[str, Any]) -> str:
        level: str = row["procedure_version__level"]
        self.labels.setdefault(level, str(Level(level).label) if level in Level.values else level)
        return level

    def finish(self, keys: Iterable[str]) -> list[tuple[str, str]]:
        """Return (key, label) of every group in display order; a unit's children all appear, even empty."""
        keys = set(keys)
        if self.group_by == "field":
            names = Field.objects.filter(pk__in=keys).values_list("id", "name")
            self.labels.update({str(pk): name for pk, name in names})
        if self.group_by == "unit":
            self.labels[self.unit.code] = self.unit.name
            keys |= set(self.labels) - {self.unit.code}
            # the unit's own dossiers (received at the parent itself) come first, then the children by code
            return [(key, self.labels.get(key, key)) for key in sorted(keys, key=lambda k: (k != self.unit.code, k))]
        ordered = sorted(keys, key=lambda k: (self.labels.get(k, k), k))
        return [(key, self.labels.get(key, key)) for key in ordered]


# --- the report -------------------------------------------------------------------------------


@dataclass
class ReportRun:
    """What one report computation shares: the window, the units in scope, the calendars and the grouping."""

    unit: Unit
    window: ReportWindow
    unit_ids: set[int]
    calendar: Calendar | None  # the report unit's: about-to-be-late (ST-5) and the length of an office day
    grouping: ReportGrouping
    threshold_hours: float
    calendars: UnitCalendars  # each dossier's processing time is measured with its own unit's (ST-13)

    @property
    def minutes_per_day(self) -> int | None:
        """Return the office minutes of one day of the report unit's calendar (processing time in days)."""
        return self.calendar.hours.minutes_per_day if self.calendar else None

    @classmethod
    def prepare(cls, *, unit: Unit, window: ReportWindow, group_by: str | None) -> ReportRun:
        if group_by is not None and group_by not in GROUP_BY:
            raise ReportError(
                f"Không nhóm được theo “{group_by}”, chọn một trong {', '.join(GROUP_BY)} / unknown group_by"
            )
        unit_ids = unit_descendant_ids([unit.pk])
        calendars = UnitCalendars()
        # None without a published calendar: about-to-be-late in wall-clock hours, no processing times
        calendar = calendars.calendar(unit.pk, local_date(window.end))
        threshold = unit_due_soon_hours(unit, default_hours=settings.DOSSIER_DUE_SOON_HOURS)
        grouping = ReportGrouping(group_by, unit, unit_ids)
        return cls(unit, window, unit_ids, calendar, grouping, threshold, calendars)

    def classified(self) -> Iterator[tuple[DossierFacts, str, frozenset[Measure]]]:
        """Yield each dossier the window counts, with its group key and its measures."""
        start, end = self.window.start, self.window.end
        for facts, row in facts_stream(_scope(self.unit_ids, self.window)):
            measures = period_measures(
                facts, start=start, end=end, calendar=self.calendar, threshold_hours=self.threshold_hours
            )
            if measures:
                yield facts, self.grouping.key(row), measures

    def processing_minutes(self, facts: DossierFacts, measures: frozenset[Measure]) -> int | None:
        """Return the net office minutes of a dossier resolved with a result in the window (ST-13), else None."""
        return processing_minutes(facts, self.calendars) if Measure.RESOLVED in measures else None

    def report(self, total: Figures, rows: Mapping[str, Figures], *, source: str, note: str = "") -> PeriodReport:
        """Return the report of this run from the figures of the total and of each group."""
        ordered: tuple[ReportRow, ...] = ()
        if self.grouping.group_by is not None:
            empty = figures_from({})
            ordered = tuple(
                ReportRow(key=key, label=label, figures=rows.get(key, empty))
                for key, label in self.grouping.finish(rows)
            )
        return PeriodReport(
            unit_code=self.unit.code,
            unit_name=self.unit.name,
            window=self.window,
            group_by=self.grouping.group_by,
            total=total,
            rows=ordered,
            source=source,
            source_note=note,
        )


SOURCES = ("counters", "raw")


def period_report(
    *,
    unit: Unit,
    date_from: date,
    date_to: date,
    as_of: datetime | None = None,
    group_by: str | None = None,
    source: str | None = None,
) -> PeriodReport:
    """Return the period report of `unit` and its sub-tree, from the counters unless `source` is "raw".

    The counters (`reports.counted`, ADR 0005) give the same figures as the raw rows except the
    median processing time, which only the raw rows give; the report says which source it read.
    """
    if source is not None and source not in SOURCES:
        raise ReportError(f"Không có nguồn số liệu “{source}”, chọn counters hoặc raw / unknown source")
    window = report_window(date_from=date_from, date_to=date_to, as_of=as_of)
    run = ReportRun.prepare(unit=unit, window=window, group_by=group_by)
    if source == "raw":
        return raw_report(run)
    from motcua.reports.counted import counted_report  # it builds on this module

    return counted_report(run)


def raw_report(run: ReportRun, *, note: str = "") -> PeriodReport:
    """Return the period report of a run computed from raw rows, every dossier classified by the definitions."""
    total, groups = _Tally(), defaultdict[str, _Tally](_Tally)
    for facts, key, measures in run.classified():
        minutes = run.processing_minutes(facts, measures)
        total.add(measures, minutes)
        groups[key].add(measures, minutes)
    per_day = run.minutes_per_day
    rows = {key: _figures(tally, per_day) for key, tally in groups.items()}
    return run.report(_figures(total, per_day), rows, source="raw", note=note)


def period_report_dossiers(
    *,
    unit: Unit,
    date_from: date,
    date_to: date,
    as_of: datetime | None = None,
    measure: Measure | str,
    group_by: str | None = None,
    group: str | None = None,
) -> list[str]:
    """Return the codes of the dossiers behind one figure of the report (optionally of one group), sorted."""
    try:
        wanted = Measure(measure)
    except ValueError:
        raise ReportError(f"Không có chỉ tiêu “{measure}” / unknown measure") from None
    if group is not None and group_by is None:
        raise ReportError("Chọn một nhóm cần chọn cách nhóm / group needs group_by")
    window = report_window(date_from=date_from, date_to=date_to, as_of=as_of)
    run = ReportRun.prepare(unit=unit, window=window, group_by=group_by)
    codes = [
        facts.code
        for facts, key, measures in run.classified()
        if wanted in measures and (group is None or key == group)
    ]
    return sorted(codes)
