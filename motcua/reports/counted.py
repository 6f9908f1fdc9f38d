"""The period report read from the statistics counters (ADR 0005): the same figures as the raw rows, fast.

For a window of local dates read at T = the end of `date_to`:

- flows are the sums of the window's buckets — whole years and months where the window covers them,
  days at its edges (`segments`);
- a stock at T is the sum of its changes over every bucket up to `date_to`, `carried_in` the pending
  stock's up to the day before `date_from`;
- handled = resolved + ended otherwise + pending, handled on time = resolved on time by the portal rule
  + stopped or withdrawn on time + pending in time (definitions.period_measures);
- the dossiers not counted yet (changed since the last fill) are corrected in memory: their current
  contribution is added and the one stored for them (their tally) taken out, so the report is exact
  whatever the fill has done;
- about to be late (ST-5) needs the report unit's calendar at T: a bisection finds the last
  appointment within the threshold, one indexed COUNT counts the pending dossiers due from T up to it,
  and the few whose E is not `processing_ended_at` (withdrawn, stopped, waiting for a supplement) are
  classified from their raw rows — all of them when the calendar cannot tell;
- the median processing time needs every dossier's value: it is left out (None); the mean is exact.

A T inside a day (`--as-of` at noon, or now for the current period) is read at the end of that day
from the counters, then the dossiers with an instant between T and the end of the day (accepted,
ended, delivered, apologised, due) are read from raw rows and moved back to T.

The counters, the waiting dossiers and their tallies are read in several statements; the fill's
sequence number, read before and after, proves that no fill committed in between (else the read is
repeated, and the last time under the fill-state row's lock).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, GreaterThan

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Apology, Dossier, DossierEvent, PauseInterval, PauseKind
from motcua.dossiers.states import State
from motcua.reports.counters import (
    LATEST,
    MICROSECOND,
    STOCKS,
    DayChanges,
    counters_sequence,
    dossier_changes,
    end_of_day,
    instants_of,
    window_counts,
)
from motcua.reports.definitions import DossierFacts, Measure, counting_unit_id, is_about_to_be_late, local_date
from motcua.reports.models import FLOW_COLUMNS, CounterBucket, CounterFill, DossierTally, Grain
from motcua.reports.processing_time import processing_minutes
from motcua.reports.selectors import Figures, PeriodReport, ReportRun, facts_stream, figures_from
from motcua.workdays.arith import CalendarError

EPOCH = date(1900, 1, 1)  # before any dossier: the first day of every stock's sum
OPTIMISTIC_READS = 3
RAW_CHUNK = 5000  # ids per read of raw rows (SQLite takes at most 32,766 parameters)
_STOCK_MEASURES = {column: measure.value for column, measure, _test in STOCKS}
_GROUP_COLUMN = {"unit": "unit_id", "procedure": "procedure_version_id", "field": "procedure_version_id"}
_GROUP_COLUMN |= {"level": "procedure_version_id", "channel": "channel"}


# --- which buckets cover a range of days ------------------------------------------------------


def _month_end(day: date) -> date:
    following = day.replace(year=day.year + 1, month=1) if day.month == 12 else day.replace(month=day.month + 1)
    return following.replace(day=1) - timedelta(days=1)


def segments(first: date, last: date) -> list[tuple[str, date, date]]:
    """Return the runs of buckets (grain, first period, last period) that cover the days `first`…`last` exactly.

    Whole years are read from year buckets, whole months from month buckets, the rest from days.
    """
    runs: list[tuple[str, date, date]] = []
    day = first
    while day <= last:
        if day.month == 1 and day.day == 1 and date(day.year, 12, 31) <= last:
            grain, following = Grain.YEAR, date(day.year + 1, 1, 1)
        elif day.day == 1 and _month_end(day) <= last:
            grain, following = Grain.MONTH, _month_end(day) + timedelta(days=1)
        else:
            grain, following = Grain.DAY, day + timedelta(days=1)
        if runs and runs[-1][0] == grain:
            runs[-1] = (grain, runs[-1][1], day)
        else:
            runs.append((grain, day, day))
        day = following
    return runs


def _covering(first: date, last: date) -> Q:
    """Return the condition selecting the buckets that cover `first`…`last` (nothing when the range is empty)."""
    condition = Q(pk__in=[])
    for grain, start, end in segments(first, last):
        condition |= Q(grain=grain, period__gte=start, period__lte=end)
    return condition


# --- the groups -------------------------------------------------------------------------------


class _Groups:
    """Turn what counters are keyed by (unit, procedure version, channel) into the report's group keys."""

    def __init__(self, run: ReportRun) -> None:
        self.run = run
        self.group_by = run.grouping.group_by
        self._versions: dict[int, dict[str, Any]] = {}

    def load_versions(self, version_ids: Iterable[int | None]) -> None:
        """Read the procedure, field and level of the versions not seen yet (one query)."""
        if self.group_by not in ("procedure", "field", "level"):
            return
        wanted = {pk for pk in version_ids if pk is not None} - set(self._versions)
        if not wanted:
            return
        fields = ("id", "procedure__code", "name", "field_id", "level")
        for row in ProcedureVersion.objects.filter(pk__in=wanted).values(*fields):
            self._versions[row["id"]] = {
                "procedure_version__procedure__code": row["procedure__code"],
                "procedure_version__name": row["name"],
                "procedure_version__field_id": row["field_id"],
                "procedure_version__level": row["level"],
            }

    def key(self, unit_id: int, version_id: int, channel: int) -> str:
        """Return the report's group key of a counter key."""
        if self.group_by in ("procedure", "field", "level"):
            return self.run.grouping.key(self._versions[version_id])
        return self.run.grouping.key({"receiving_unit_id": unit_id, "channel": channel})


class _Sums:
    """The report's counts per group, built up from buckets, corrections and raw reads."""

    def __init__(self) -> None:
        self.groups: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def add_days(self, group: str, days: DayChanges, sign: int, first: date, last: date) -> None:
        """Add one dossier's day changes as the window `first`…`last` reads them."""
        counts = self.groups[group]
        for day, columns in days.items():
            for column, value in columns.items():
                if column in _STOCK_MEASURES:
                    if day <= last:
                        counts[_STOCK_MEASURES[column]] += sign * value
                    if column == "pending_change" and day < first:
                        counts[Measure.CARRIED_IN.value] += sign * value
                elif first <= day <= last:
                    counts[column] += sign * value


# --- reading the buckets -----------------------------------------------------------------------


def _bucket_sums(run: ReportRun, groups: _Groups, sums: _Sums, first: date, last: date) -> None:
    """Add the sums of the stored buckets of the units in scope, per group (one query)."""
    flows, upto_last = _covering(first, last), _covering(EPOCH, last)
    before_first = _covering(EPOCH, first - timedelta(days=1))
    aggregates = {f"f_{column}": Sum(column, filter=flows) for column in FLOW_COLUMNS}
    aggregates |= {f"s_{column}": Sum(column, filter=upto_last) for column in _STOCK_MEASURES}
    aggregates["c_pending_change"] = Sum("pending_change", filter=before_first)
    column = _GROUP_COLUMN.get(run.grouping.group_by or "")
    rows = CounterBucket.objects.filter(unit_id__in=run.unit_ids).filter(flows | upto_last | before_first)
    grouped = rows.values(column).annotate(**aggregates) if column else [rows.aggregate(**aggregates)]
    if column == "procedure_version_id":
        groups.load_versions(row[column] for row in grouped)
    for row in grouped:
        key = groups.key(row.get("unit_id", 0), row.get("procedure_version_id", 0), row.get("channel", 0))
        counts = sums.groups[key]
        for name, value in row.items():
            if name.startswith(("f_", "s_", "c_")) and value:
                target = {"f": name[2:], "s": _STOCK_MEASURES.get(name[2:], ""), "c": Measure.CARRIED_IN.value}
                counts[target[name[0]]] += value


# --- the dossiers read from raw rows -------------------------------------------------------------


def _due_soon_bound(at: datetime, run: ReportRun) -> datetime:
    """Return an instant after which no appointment is within the about-to-be-late threshold of `at` (ST-5).

    The threshold counts office hours of the report unit's calendar, or wall-clock hours where the
    calendar cannot tell (definitions.is_about_to_be_late); the bound covers both.
    """
    wall = at + timedelta(hours=run.threshold_hours)
    if run.calendar is None:
        return wall
    limit = run.threshold_hours * 60
    for days in range(1, 367):
        candidate = at + timedelta(days=days)
        try:
            if run.calendar.working_minutes_between(at, candidate) > limit:
                return max(candidate, wall)
        except CalendarError:
            return max(candidate, wall)
    return max(at + timedelta(days=367), wall)


# The states whose E is not simply `processing_ended_at` (definitions.end_of_processing): a withdrawal
# ends at its request, a single unanswered supplement request at the request.
OWN_END_STATES = (State.WITHDRAWAL_REQUESTED, State.STOPPED, State.SUPPLEMENT_REQUESTED, State.REFUSED_AT_RECEPTION)


def _due_soon_last(run: ReportRun) -> datetime | None:
    """Return the last appointment that is about to be late at T (ST-5), found to the microsecond.

    Office minutes left grow with the appointment, so the appointments within the threshold are
    those from T up to one instant: a bisection finds it. None when the calendar cannot tell
    (none published, or T near the end of the published years): then every candidate is read raw.
    """
    at = run.window.end
    if run.calendar is None:
        return None
    calendar, limit = run.calendar, run.threshold_hours * 60
    low, high = at, _due_soon_bound(at, run)
    try:
        if calendar.working_minutes_between(at, high) <= limit:
            return None
        while high - low > MICROSECOND:
            middle = low + (high - low) // 2
            if calendar.working_minutes_between(at, middle) <= limit:
                low = middle
            else:
                high = middle
    except CalendarError:
        return None
    return low


def _pending_and_due(at: datetime, until: datetime) -> Q:
    """Return the dossiers pending at `at` (by `processing_ended_at`) whose appointment is from `at` to `until`.

    "Not ended by then" is one comparison with the end or "never", not an OR of two conditions that
    PostgreSQL would answer with two indexes and a visit to every row: so the appointment's covering
    index answers alone.
    """
    ended = Coalesce("processing_ended_at", Value(LATEST))
    return Q(GreaterThan(ended, Value(at)), accepted_at__lte=at, appointment_at__gte=at, appointment_at__lte=until)


def _due_soon(run: ReportRun, last: datetime | None) -> Q:
    """Return the dossiers read raw for about-to-be-late: every candidate, or only the own-end states when counted.

    With `last` known, no appointment after it is within the threshold (the calendar tells office
    minutes up to the bound, and beyond it wall-clock hours are over the threshold too). Left out as
    well: the dossiers waiting for a single supplement requested by T, which have ended at the request
    (definitions.end_of_processing), so are not pending at T — most of the own-end states at a year's end.
    """
    at = run.window.end
    if last is None:
        return _pending_and_due(at, _due_soon_bound(at, run))
    # NOT EXISTS with the dossier's own conditions inside it: PostgreSQL makes it an anti-join, which
    # keeps the appointment index's (parallel) index-only scan; a NOT over (EXISTS AND state…) would not
    ended_by_then = PauseInterval.objects.filter(
        Exact(OuterRef("state"), State.SUPPLEMENT_REQUESTED),
        Exact(OuterRef("supplement_count"), 1),
        dossier_id=OuterRef("pk"),
        kind=PauseKind.SUPPLEMENT,
        ended_at__isnull=True,
        started_at__lte=at,
    )
    return _pending_and_due(at, last) & Q(state__in=OWN_END_STATES) & ~Q(Exists(ended_by_then))


def _about_to_be_late_counted(run: ReportRun, groups: _Groups, sums: _Sums, last: datetime) -> None:
    """Count the dossiers about to be late at T whose E is `processing_ended_at`, per group (one query).

    The query reads the appointment index only; the units are kept in Python (see `_raw_ids`).
    """
    at = run.window.end
    rows = Dossier.objects.filter(_pending_and_due(at, last))
    rows = rows.exclude(state__in=OWN_END_STATES).order_by()
    column = _GROUP_COLUMN.get(run.grouping.group_by or "")
    columns = ["receiving_unit_id"] + ([column] if column and column != "unit_id" else [])
    grouped = [row for row in rows.values(*columns).annotate(n=Count("pk")) if row["receiving_unit_id"] in run.unit_ids]
    if column == "procedure_version_id":
        groups.load_versions(row[column] for row in grouped)
    for row in grouped:
        unit = row["receiving_unit_id"] if column == "unit_id" else 0
        key = groups.key(unit, row.get("procedure_version_id", 0), row.get("channel", 0))
        sums.groups[key][Measure.ABOUT_TO_BE_LATE.value] += row["n"]


def _later_that_day(run: ReportRun) -> list[Q]:
    """Return the conditions that together find the dossiers with an instant after T and by the end of T's day.

    A superset: E of a withdrawal is its request (found through the stop after it, or the state),
    E of a single unanswered supplement request is the request (its open pause). An appointment that
    falls later that day changes the counts of a dossier pending at T only (overdue, about to be late):
    one that had ended is early, on time or late by its dates whatever T is.
    """
    at = run.window.end
    day_end = end_of_day(local_date(at))
    withdrawn_then = DossierEvent.objects.filter(
        dossier_id=OuterRef("pk"), type="withdrawal_requested", at__gt=at, at__lte=day_end
    )
    return [
        Q(accepted_at__gt=at, accepted_at__lte=day_end),
        Q(processing_ended_at__gt=at, processing_ended_at__lte=day_end),
        _pending_and_due(at, day_end),  # an appointment changes only what is pending
        Q(delivered_at__gt=at, delivered_at__lte=day_end),
        Q(pk__in=Apology.objects.filter(approved_at__gt=at, approved_at__lte=day_end).values("dossier_id")),
        Q(state=State.WITHDRAWAL_REQUESTED),
        Q(Exists(withdrawn_then), state=State.STOPPED, processing_ended_at__gt=at),
        Q(
            pk__in=PauseInterval.objects.filter(
                kind=PauseKind.SUPPLEMENT, ended_at__isnull=True, started_at__gt=at, started_at__lte=day_end
            ).values("dossier_id")
        ),
        Q(
            state=State.REFUSED_AT_RECEPTION,
            processing_ended_at__isnull=True,
            submitted_at__gt=at,
            submitted_at__lte=day_end,
        ),
    ]


def _raw_ids(run: ReportRun, *, aligned: bool, last: datetime | None) -> list[int]:
    """Return the ids of the dossiers read raw: waiting to be counted, due soon, with an instant later that day.

    One UNION of conditions that each use an index (the waiting dossiers' partial index, the
    appointment's, the end's…), never an OR that would scan every dossier, run once: the rows,
    pauses and events are then read by id. No condition names the report's units: a list of a
    province's units steers SQLite's planner to scan by unit, so rows of other units are read too (a
    few) and left out by the callers, which check the unit of each.
    """
    parts = [Dossier.objects.filter(counted=False).order_by(), Dossier.objects.filter(_due_soon(run, last)).order_by()]
    if not aligned:
        parts += [Dossier.objects.filter(condition).order_by() for condition in _later_that_day(run)]
    return list(parts[0].values_list("pk", flat=True).union(*(part.values_list("pk", flat=True) for part in parts[1:])))


def _correct(
    run: ReportRun, groups: _Groups, sums: _Sums, facts: DossierFacts, row: dict[str, Any], tally: dict[str, Any] | None
) -> None:
    """Add a waiting dossier's current contribution and take out what the counters hold for it (its tally)."""
    first, last = run.window.date_from, local_date(run.window.end)
    if tally is not None and tally["unit_id"] in run.unit_ids:
        stored = {date.fromisoformat(day): columns for day, columns in tally["days"].items()}
        group = groups.key(tally["unit_id"], tally["procedure_version_id"], tally["channel"])
        sums.add_days(group, stored, -1, first, last)
    if counting_unit_id(facts) in run.unit_ids:
        days = dossier_changes(facts, minutes=processing_minutes(facts, run.calendars))
        group = groups.key(counting_unit_id(facts), row["procedure_version_id"], facts.channel)
        sums.add_days(group, days, 1, first, last)


@dataclass(frozen=True)
class _Plan:
    """How a report reads what the counters cannot say: whether T ends a day, and the last appointment due soon."""

    aligned: bool
    last: datetime | None  # None: every about-to-be-late candidate is read from raw rows


def _read_at_instant(run: ReportRun, sums: _Sums, facts: DossierFacts, row: dict[str, Any], *, plan: _Plan) -> None:
    """Count the dossier if about to be late at T (unless counted in SQL); for a T inside a day, move it back to T."""
    start, at = run.window.start, run.window.end
    counts = sums.groups[run.grouping.key(row)]
    if (plan.last is None or row["state"] in OWN_END_STATES) and is_about_to_be_late(
        facts, at, calendar=run.calendar, threshold_hours=run.threshold_hours
    ):
        counts[Measure.ABOUT_TO_BE_LATE.value] += 1
    day_end = end_of_day(local_date(at))
    if not plan.aligned and any(at <= moment <= day_end for moment in instants_of(facts)):
        minutes = processing_minutes(facts, run.calendars)
        counts.update(window_counts(facts, start=start, end=at, minutes=minutes))
        counts.subtract(window_counts(facts, start=start, end=day_end, minutes=minutes))


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + RAW_CHUNK] for start in range(0, len(ids), RAW_CHUNK)]


def _raw_part(run: ReportRun, groups: _Groups, sums: _Sums, *, plan: _Plan) -> None:
    """Read the raw rows the counters cannot answer for: their ids once, then the rows by id, in chunks.

    The tallies (what the counters hold) are read only for the dossiers waiting to be counted.
    """
    ids = sorted(_raw_ids(run, aligned=plan.aligned, last=plan.last))
    rows = [item for chunk in _chunks(ids) for item in facts_stream(chunk, extra=("counted",))]
    waiting = [row["id"] for _facts, row in rows if not row["counted"]]  # in id order, as the rows
    fields = ("dossier_id", "unit_id", "procedure_version_id", "channel", "days")
    tallies = {
        tally["dossier_id"]: tally
        for chunk in _chunks(waiting)
        for tally in DossierTally.objects.filter(dossier_id__in=chunk).values(*fields)
    }
    groups.load_versions(
        [row["procedure_version_id"] for _facts, row in rows]
        + [tally["procedure_version_id"] for tally in tallies.values()]
    )
    for facts, row in rows:
        if not row["counted"]:
            _correct(run, groups, sums, facts, row, tallies.get(row["id"]))
        if counting_unit_id(facts) in run.unit_ids:
            _read_at_instant(run, sums, facts, row, plan=plan)


def _consistent_sums(run: ReportRun, groups: _Groups, *, plan: _Plan) -> _Sums:
    """Return the counters' sums with the raw part, as of one committed state of the counters."""
    first, last = run.window.date_from, local_date(run.window.end)
    for _attempt in range(OPTIMISTIC_READS):
        before, sums = counters_sequence(), _Sums()
        _bucket_sums(run, groups, sums, first, last)
        _raw_part(run, groups, sums, plan=plan)
        if counters_sequence() == before:
            return sums
    with transaction.atomic():  # a fill commits at every read: hold it back for the last one
        CounterFill.objects.select_for_update().filter(pk=1).first()
        sums = _Sums()
        _bucket_sums(run, groups, sums, first, last)
        _raw_part(run, groups, sums, plan=plan)
        return sums


# --- the report --------------------------------------------------------------------------------

_REPORT_COUNTS = frozenset(measure.value for measure in Measure)


def _figures(counts: Counter[str], run: ReportRun) -> Figures:
    """Return the figures of one group's counts, with handled and handled on time built from their parts."""
    counts[Measure.HANDLED.value] = counts["resolved"] + counts["ended_otherwise"] + counts["pending"]
    counts[Measure.HANDLED_ON_TIME.value] = (
        counts["pending_in_time"] + counts["resolved_portal_on_time"] + counts["ended_otherwise_portal_on_time"]
    )
    return figures_from(
        counts,
        minutes_sum=counts["minutes_sum"],
        minutes_count=counts["minutes_count"],
        minutes_per_day=run.minutes_per_day,
    )


def counted_report(run: ReportRun) -> PeriodReport:
    """Return the period report of a run from the counters (see the module docstring)."""
    plan = _Plan(aligned=run.window.end == end_of_day(local_date(run.window.end)), last=_due_soon_last(run))
    groups = _Groups(run)
    sums = _consistent_sums(run, groups, plan=plan)
    if plan.last is not None:
        _about_to_be_late_counted(run, groups, sums, plan.last)
    total: Counter[str] = Counter()
    for counts in sums.groups.values():
        total.update(counts)
    rows = {
        key: _figures(counts, run)
        for key, counts in sums.groups.items()
        if any(counts[name] for name in _REPORT_COUNTS & set(counts))
    }
    return run.report(_figures(total, run), rows, source="counters")
