"""Statistics counters (bộ đếm thống kê): what each dossier adds to them, and the fill that keeps them (ADR 0005).

A dossier's contribution is a set of column changes per local day, derived from the statistics
definitions only:

- a flow measure (received, resolved and its classes, refused, stopped, withdrawn, apologies, the
  processing-time sums) is added on the local day of the instant it is counted at — acceptance, end
  of processing (E) or the apology's approval — so the days of a window add up to the window's flow;
- a stock measure read at the end of a day (pending, pending in time, pending overdue, not collected)
  is stored as changes: +1 on the day the dossier enters it, −1 on the day it leaves, found by reading
  the definition at the end of every day on which one of the dossier's instants x falls, or x + 1 µs
  does (`x ≤ T` turns true on the day of x, `x < T` on the day of x + 1 µs; a membership can change on
  no other day). The stock at the end of day D is then the sum of the changes up to D, and
  `carried_in` is the pending stock at the end of the day before the window.

`counters_fill` adds the contribution of every dossier not counted yet, after taking out what was
added for it before (its `DossierTally`), to the day, month and year buckets; transitions mark a
dossier not counted again (dossiers.services.core). Readers are in `reports.counted`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from time import perf_counter
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.reports.definitions import (
    DossierFacts,
    Measure,
    counting_unit_id,
    is_not_collected_at,
    is_overdue_at,
    is_pending_at,
    is_pending_in_time_at,
    is_portal_on_time,
    local_date,
    period_measures,
)
from motcua.reports.models import COUNTER_COLUMNS, CounterBucket, CounterFill, DossierTally, Grain
from motcua.reports.processing_time import UnitCalendars, processing_minutes

DayChanges = dict[date, dict[str, int]]
BATCH = 2000  # dossiers per fill transaction: each is locked until its batch commits (about a second)
REBUILD_BATCH = 10_000  # a rebuild counts everything: bigger batches share more month and year rows
MICROSECOND = timedelta(microseconds=1)
_EARLIEST = datetime.min.replace(tzinfo=UTC)
LATEST = datetime.max.replace(tzinfo=UTC)  # later than any instant (also: not ended)

# The instant each flow measure is counted at (definitions: is_received_in, is_resolved_in, …).
_AT_ACCEPTANCE = frozenset(
    {Measure.RECEIVED, Measure.RECEIVED_ONLINE, Measure.RECEIVED_COUNTER, Measure.RECEIVED_POSTAL}
)
_AT_END = frozenset(
    {
        Measure.RESOLVED,
        Measure.RESOLVED_EARLY,
        Measure.RESOLVED_ON_TIME,
        Measure.RESOLVED_LATE,
        Measure.RESOLVED_PORTAL_ON_TIME,
        Measure.RESOLVED_AWAITING_SUPPLEMENT,
        Measure.RESOLVED_LATE_WITHIN_EXTENDED,
        Measure.REFUSED,
        Measure.ENDED_OTHERWISE,
        Measure.STOPPED,
        Measure.WITHDRAWN,
    }
)
_AT_APOLOGY = frozenset({Measure.APOLOGIES})
FLOW_MEASURES = _AT_ACCEPTANCE | _AT_END | _AT_APOLOGY
# Each stock column and the definition it follows at the end of a day.
STOCKS: tuple[tuple[str, Measure, Callable[[DossierFacts, datetime], bool]], ...] = (
    ("pending_change", Measure.PENDING, is_pending_at),
    ("pending_in_time_change", Measure.PENDING_IN_TIME, is_pending_in_time_at),
    ("pending_overdue_change", Measure.PENDING_OVERDUE, is_overdue_at),
    ("not_collected_change", Measure.NOT_COLLECTED, is_not_collected_at),
)
EXTRA_FLOWS = ("ended_otherwise_portal_on_time", "minutes_sum", "minutes_count")


def end_of_day(day: date) -> datetime:
    """Return the last instant of a local day (T of a window ending that day)."""
    return datetime.combine(day, time.max, tzinfo=timezone.get_default_timezone())


def _flow_instant(facts: DossierFacts, measure: Measure) -> datetime | None:
    if measure in _AT_ACCEPTANCE:
        return facts.accepted_at
    if measure in _AT_END:
        return facts.ended_at
    return facts.apology_approved_at


def instants_of(facts: DossierFacts) -> list[datetime]:
    """Return every instant of the dossier that a measure compares with a window's start or end."""
    moments = (
        facts.submitted_at,
        facts.accepted_at,
        facts.appointment_at,
        facts.current_appointment_at,
        facts.ended_at,
        facts.delivered_at,
        facts.apology_approved_at,
    )
    return [moment for moment in moments if moment is not None]


def _flows(facts: DossierFacts, minutes: int | None, changes: defaultdict[date, Counter[str]]) -> None:
    """Add each flow measure of the dossier on the day of the instant it is counted at."""
    measures = period_measures(facts, start=_EARLIEST, end=LATEST)
    for measure in measures & FLOW_MEASURES:
        instant = _flow_instant(facts, measure)
        if instant is not None:
            changes[local_date(instant)][measure.value] += 1
    if facts.ended_at is None:
        return
    ended = local_date(facts.ended_at)
    if Measure.ENDED_OTHERWISE in measures and is_portal_on_time(facts):
        changes[ended]["ended_otherwise_portal_on_time"] += 1
    if minutes is not None:
        changes[ended]["minutes_sum"] += minutes
        changes[ended]["minutes_count"] += 1


def _stocks(facts: DossierFacts, changes: defaultdict[date, Counter[str]]) -> None:
    """Add +1 / −1 on the days the dossier enters / leaves each stock, read at the end of each day."""
    zone = timezone.get_default_timezone()
    moments = instants_of(facts)
    days = sorted(
        {m.astimezone(zone).date() for m in moments} | {(m + MICROSECOND).astimezone(zone).date() for m in moments}
    )
    inside = dict.fromkeys((column for column, _measure, _test in STOCKS), False)
    for day in days:
        at = datetime.combine(day, time.max, tzinfo=zone)  # end_of_day, without looking the zone up each time
        for column, _measure, test in STOCKS:
            now_inside = test(facts, at)
            if now_inside != inside[column]:
                changes[day][column] += 1 if now_inside else -1
                inside[column] = now_inside


def dossier_changes(facts: DossierFacts, *, minutes: int | None) -> DayChanges:
    """Return the counter columns the dossier adds, per local day; `minutes` is its processing time (ST-13)."""
    changes: defaultdict[date, Counter[str]] = defaultdict(Counter)
    _flows(facts, minutes, changes)
    _stocks(facts, changes)
    return {day: {k: v for k, v in columns.items() if v} for day, columns in changes.items() if any(columns.values())}


def window_counts(facts: DossierFacts, *, start: datetime, end: datetime, minutes: int | None) -> Counter[str]:
    """Return the counter columns of one dossier for the window [start, end] read at `end`, by the definitions.

    Flows are the window's, stocks (under their measure names) are at `end`; used where a report
    window does not end at the end of a day (`reports.counted`).
    """
    measures = period_measures(facts, start=start, end=end)
    counts: Counter[str] = Counter(m.value for m in measures & FLOW_MEASURES)
    counts.update(measure.value for _column, measure, _test in STOCKS if measure in measures)
    if Measure.ENDED_OTHERWISE in measures and is_portal_on_time(facts):
        counts["ended_otherwise_portal_on_time"] += 1
    if minutes is not None and Measure.RESOLVED in measures:
        counts["minutes_sum"] += minutes
        counts["minutes_count"] += 1
    return counts


# --- buckets ----------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class CounterKey:
    """What a dossier is counted under: its counting unit (ST-12), its procedure version and its channel."""

    unit_id: int
    version_id: int
    channel: int


def periods_of(day: date) -> tuple[tuple[str, date], ...]:
    """Return the (grain, first day) of the day, month and year buckets a day belongs to."""
    return ((Grain.DAY, day), (Grain.MONTH, day.replace(day=1)), (Grain.YEAR, day.replace(month=1, day=1)))


class BucketChanges:
    """Column changes to apply to the buckets, summed per (grain, period, key) before one upsert."""

    def __init__(self) -> None:
        self.rows: defaultdict[tuple[str, date, CounterKey], Counter[str]] = defaultdict(Counter)

    def add(self, key: CounterKey, days: Mapping[date, Mapping[str, int]], sign: int = 1) -> None:
        """Add (sign 1) or take out (sign −1) one dossier's day changes, to its day, month and year buckets."""
        for day, columns in days.items():
            for grain, period in periods_of(day):
                row = self.rows[(grain, period, key)]
                for column, value in columns.items():
                    row[column] += sign * value

    def write(self) -> int:
        """Add the changes to the stored buckets (in key order, so concurrent fills never deadlock); return the rows."""
        changed = sorted(
            (grain, period, key.unit_id, key.version_id, key.channel, row)
            for (grain, period, key), row in self.rows.items()
            if any(row.values())
        )
        if connection.vendor == "postgresql":
            _upsert_arrays(changed)
        else:
            for start in range(0, len(changed), _UPSERT_CHUNK):
                _upsert_rows(changed[start : start + _UPSERT_CHUNK])
        return len(changed)


_UPSERT_CHUNK = 500  # rows per statement on SQLite (29 parameters each, under its limit of 32766)
_KEY_COLUMNS = ("grain", "period", "unit_id", "procedure_version_id", "channel")
BucketRow = tuple[str, date, int, int, int, Counter[str]]


def _upsert_sql(values: str) -> str:
    """Return INSERT … ON CONFLICT DO UPDATE adding each column to the stored value, for rows given by `values`."""
    quote = connection.ops.quote_name
    table = quote(CounterBucket._meta.db_table)
    columns = ", ".join(quote(c) for c in (*_KEY_COLUMNS, *COUNTER_COLUMNS))
    additions = ", ".join(f"{quote(c)} = {table}.{quote(c)} + excluded.{quote(c)}" for c in COUNTER_COLUMNS)
    keys = ", ".join(quote(c) for c in _KEY_COLUMNS)
    return f"INSERT INTO {table} ({columns}) {values} ON CONFLICT ({keys}) DO UPDATE SET {additions}"


def _upsert_rows(rows: list[BucketRow]) -> None:
    """Upsert with one VALUES tuple per row (SQLite)."""
    marks = "(" + ", ".join(["%s"] * (len(_KEY_COLUMNS) + len(COUNTER_COLUMNS))) + ")"
    params: list[Any] = []
    for grain, period, unit_id, version_id, channel, row in rows:
        params.extend((grain, connection.ops.adapt_datefield_value(period), unit_id, version_id, channel))
        params.extend(row.get(column, 0) for column in COUNTER_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql("VALUES " + ", ".join([marks] * len(rows))), params)


def _upsert_arrays(rows: list[BucketRow]) -> None:
    """Upsert every row in one statement with one array per column (PostgreSQL): 28 parameters, whatever the rows."""
    if not rows:
        return
    counts = ("bigint" if column == "minutes_sum" else "integer" for column in COUNTER_COLUMNS)
    types = ("text", "date", "bigint", "bigint", "smallint", *counts)
    arrays: list[list[Any]] = [[row[i] for row in rows] for i in range(len(_KEY_COLUMNS))]
    arrays += [[row[-1].get(column, 0) for row in rows] for column in COUNTER_COLUMNS]
    unnest = ", ".join(f"%s::{kind}[]" for kind in types)
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(f"SELECT * FROM unnest({unnest})"), arrays)  # noqa: S608 (names and types are ours)


# --- the fill ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FillResult:
    """What one run of the fill did."""

    counted: int  # dossiers (re)counted by this run
    buckets: int  # bucket rows changed
    waiting: int  # dossiers still waiting when it finished
    seconds: float
    rebuilt: bool = False


def _days_dump(days: DayChanges) -> dict[str, dict[str, int]]:
    return {day.isoformat(): columns for day, columns in sorted(days.items())}


def _days_load(stored: Mapping[str, Mapping[str, int]]) -> DayChanges:
    return {date.fromisoformat(day): dict(columns) for day, columns in stored.items()}


def _lock_buckets(*, exclusive: bool) -> None:
    """On PostgreSQL, let a rebuild (EXCLUSIVE) wait for the fills running and the new ones wait for it.

    A fill takes ROW EXCLUSIVE first, which fills share with each other and reports never wait for.
    SQLite runs one writing transaction at a time (transaction_mode IMMEDIATE), which is enough.
    """
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(CounterBucket._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN {'EXCLUSIVE' if exclusive else 'ROW EXCLUSIVE'} MODE")


def _sequence_bump() -> None:
    """Count one more change of the buckets, in the changing transaction (readers compare it, reports.counted)."""
    CounterFill.objects.bulk_create([CounterFill(pk=1)], ignore_conflicts=True)
    CounterFill.objects.filter(pk=1).update(sequence=F("sequence") + 1)


def _waiting_locked(size: int) -> list[int]:
    """Return up to `size` ids of dossiers not counted, locked; rows a transition holds are skipped, not awaited."""
    rows = Dossier.objects.filter(counted=False).order_by("id")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True)
    return list(rows.values_list("id", flat=True)[:size])


def _tally_key(tally: DossierTally) -> CounterKey:
    return CounterKey(tally.unit_id, tally.procedure_version_id, tally.channel)


def _recount(ids: list[int], calendars: UnitCalendars, changes: BucketChanges) -> tuple[list[DossierTally], list[int]]:
    """Add to `changes` each dossier's new contribution minus its stored one; return the tallies to write and drop."""
    from motcua.reports.selectors import facts_stream

    stored = {tally.dossier_id: tally for tally in DossierTally.objects.filter(dossier_id__in=ids)}
    now = timezone.now()
    fresh: list[DossierTally] = []
    dropped: list[int] = []
    for facts, row in facts_stream(ids):
        key = CounterKey(counting_unit_id(facts), row["procedure_version_id"], facts.channel)
        days = dossier_changes(facts, minutes=processing_minutes(facts, calendars))
        old = stored.get(row["id"])
        if old is not None and _tally_key(old) == key and _days_load(old.days) == days:
            continue  # nothing that counts changed (an assignment, a step…)
        if old is not None:
            changes.add(_tally_key(old), _days_load(old.days), -1)
        changes.add(key, days)
        if days:
            tally = DossierTally(dossier_id=row["id"], unit_id=key.unit_id, procedure_version_id=key.version_id)
            tally.channel, tally.days, tally.counted_at = key.channel, _days_dump(days), now
            fresh.append(tally)
        elif old is not None:
            dropped.append(row["id"])
    return fresh, dropped


@transaction.atomic
def _fill_batch(size: int, calendars: UnitCalendars) -> tuple[int, int]:
    """Count up to `size` waiting dossiers in one transaction; return (dossiers, bucket rows changed)."""
    _lock_buckets(exclusive=False)
    ids = _waiting_locked(size)
    if not ids:
        return 0, 0
    changes = BucketChanges()
    fresh, dropped = _recount(ids, calendars, changes)
    touched = changes.write()
    if fresh:
        DossierTally.objects.bulk_create(
            fresh,
            update_conflicts=True,
            unique_fields=["dossier"],
            update_fields=["unit", "procedure_version", "channel", "days", "counted_at"],
        )
    if dropped:
        DossierTally.objects.filter(dossier_id__in=dropped).delete()
    Dossier.objects.filter(pk__in=ids).update(counted=True)
    if touched:
        _sequence_bump()
    return len(ids), touched


def _state_record(*, counted: int, seconds: float, rebuilt: bool) -> None:
    CounterFill.objects.bulk_create([CounterFill(pk=1)], ignore_conflicts=True)
    now = timezone.now()
    fields: dict[str, object] = {"last_run_at": now, "last_counted": counted, "last_seconds": round(seconds, 3)}
    if rebuilt:
        fields["rebuilt_at"] = now
    CounterFill.objects.filter(pk=1).update(**fields)


def counters_waiting() -> int:
    """Return the number of dossiers whose current state the counters do not hold yet."""
    return Dossier.objects.filter(counted=False).count()


def counters_fill(
    *, batch: int = BATCH, limit: int | None = None, progress: Callable[[int], None] | None = None
) -> FillResult:
    """Count the dossiers waiting for the counters, `batch` per transaction, at most `limit`; record the run.

    Safe to run while dossiers move and while another fill runs: each batch locks its dossier rows
    and skips the ones a transition (or another fill) holds; running it again finds nothing to do.
    """
    started = perf_counter()
    calendars = UnitCalendars()
    counted = touched = 0
    while limit is None or counted < limit:
        done, rows = _fill_batch(batch if limit is None else min(batch, limit - counted), calendars)
        if done == 0:
            break
        counted, touched = counted + done, touched + rows
        if progress is not None:
            progress(counted)
    if counted >= ANALYZE_AFTER:
        _statistics_refresh()
    seconds = perf_counter() - started
    _state_record(counted=counted, seconds=seconds, rebuilt=False)
    return FillResult(counted=counted, buckets=touched, waiting=counters_waiting(), seconds=seconds)


ANALYZE_AFTER = 10_000  # dossiers counted in one run after which PostgreSQL's statistics are refreshed


def _statistics_refresh() -> None:
    """Let PostgreSQL's planner see what a large fill changed (few dossiers waiting, many buckets) at once.

    Until autovacuum gets to it, stale estimates (a third of the dossiers "not counted") make it scan
    whole tables where the report's indexes find a few rows.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Dossier, CounterBucket, DossierTally):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@transaction.atomic
def _counters_clear() -> None:
    """Empty the buckets and tallies and mark every dossier not counted, in one transaction."""
    _lock_buckets(exclusive=True)
    CounterBucket.objects.all().delete()
    DossierTally.objects.all().delete()
    Dossier.objects.filter(counted=True).update(counted=False)
    _sequence_bump()


def counters_rebuild(*, batch: int = REBUILD_BATCH, progress: Callable[[int], None] | None = None) -> FillResult:
    """Recompute every counter from the dossiers: clear them, then fill; reports stay exact meanwhile."""
    started = perf_counter()
    _counters_clear()
    result = counters_fill(batch=batch, progress=progress)
    seconds = perf_counter() - started
    _state_record(counted=result.counted, seconds=seconds, rebuilt=True)
    return FillResult(result.counted, result.buckets, result.waiting, seconds, rebuilt=True)


def counters_forget(dossier_ids: Iterable[int]) -> int:
    """Take the given dossiers out of the counters before they are deleted; return how many were counted.

    Call it in the deleting transaction: a tally protects its dossier from deletion otherwise.
    """
    ids = list(dossier_ids)
    _lock_buckets(exclusive=False)
    changes = BucketChanges()
    tallies = list(DossierTally.objects.filter(dossier_id__in=ids))
    for tally in tallies:
        changes.add(_tally_key(tally), _days_load(tally.days), -1)
    if changes.write():
        _sequence_bump()
    DossierTally.objects.filter(dossier_id__in=ids).delete()
    return len(tallies)


@dataclass(frozen=True)
class FillState:
    """What the report page says about the counters: when they were last filled, how many dossiers wait."""

    last_run_at: datetime | None
    last_counted: int
    waiting: int


def counters_fill_state() -> FillState:
    """Return the state of the fill: its last run and the dossiers waiting now."""
    row = CounterFill.objects.filter(pk=1).values_list("last_run_at", "last_counted").first()
    last_run_at, last_counted = row if row is not None else (None, 0)
    return FillState(last_run_at=last_run_at, last_counted=last_counted, waiting=counters_waiting())


def counters_sequence() -> int:
    """Return how many transactions have changed the buckets so far."""
    value = CounterFill.objects.filter(pk=1).values_list("sequence", flat=True).first()
    return value or 0
