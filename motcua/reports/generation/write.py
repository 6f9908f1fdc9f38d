"""Write planned dossiers in bulk batches, and remove a generated year."""

from __future__ import annotations

import functools
import gc
import operator
import random
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from time import perf_counter
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Model
from django.utils import timezone

from motcua.accounts.models import Unit
from motcua.accounts.selectors import unit_descendant_ids
from motcua.dossiers.models import (
    Apology,
    Dossier,
    DossierCodeSequence,
    DossierEvent,
    DossierStep,
    OutboxMessage,
    PauseInterval,
    ReceivedComponent,
)
from motcua.reports.counters import counters_forget
from motcua.reports.generation.plan import Draft, _day_drafts
from motcua.reports.generation.replay import _Replay
from motcua.reports.generation.world import (
    GC_YOUNG_THRESHOLD,
    GENERATED,
    SQLITE_CACHE_KIB,
    GenerationError,
    GenerationMix,
    GenerationReport,
    World,
    _root_unit,
    _schedule,
    generation_world,
)
from motcua.workdays.arith import CalendarError

# --- writing ---------------------------------------------------------------------------------


def _codes_assign(drafts: Sequence[Draft]) -> None:
    """Give each draft the next number of its unit's daily sequence (Circular 01/2018 art. 19), locking the rows."""
    keys = {(draft.desk.unit.pk, draft.day) for draft in drafts}
    found = DossierCodeSequence.objects.select_for_update().filter(
        unit_id__in={unit for unit, _day in keys}, day__in={day for _unit, day in keys}
    )
    rows = {(row.unit_id, row.day): row for row in found if (row.unit_id, row.day) in keys}
    for draft in drafts:  # in submission order within each day
        unit = draft.desk.unit
        row = rows.get((unit.pk, draft.day))
        if row is None:
            row = rows[unit.pk, draft.day] = DossierCodeSequence(unit=unit, day=draft.day, last_value=0)
        row.last_value += 1
        draft.dossier.code = f"{unit.code}-{draft.day:%y%m%d}-{row.last_value:04d}"
    DossierCodeSequence.objects.bulk_update([row for row in rows.values() if row.pk], ["last_value"])
    DossierCodeSequence.objects.bulk_create([row for row in rows.values() if not row.pk])


def _ids_reserve(model: type[Model], number: int) -> list[int]:
    """Return `number` fresh primary keys of `model`'s table, so that rows can reference each other before insert.

    PostgreSQL draws them from the table's sequence; SQLite continues after the highest key ever
    used, which is safe because the batch's transaction already holds SQLite's single write lock.
    """
    table, column = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sequence = "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)"
            cursor.execute(sequence, [table, column, number])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT MAX(top) FROM (SELECT MAX({quote(column)}) AS top FROM {quote(table)} "  # noqa: S608
            "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
            [table],
        )
        first = (cursor.fetchone()[0] or 0) + 1
    return list(range(first, first + number))


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """Return what the ORM does last to a value of `field` before the driver sees it (None: nothing)."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField) and connection.vendor == "sqlite" and settings.USE_TZ:
        zone = connection.timezone  # what `adapt_datetimefield_value` does to an aware value, minus its checks
        return lambda value: str(value.astimezone(zone).replace(tzinfo=None))
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.DecimalField):
        return functools.partial(
            ops.adapt_decimalfield_value, max_digits=field.max_digits, decimal_places=field.decimal_places
        )
    if isinstance(field, models.JSONField):
        return functools.partial(ops.adapt_json_value, encoder=field.encoder)
    if isinstance(field, models.FileField):
        return functools.partial(field.get_db_prep_save, connection=connection)
    return None


def _rows_insert(model: type[Model], objects: Sequence[Any]) -> None:
    """Insert model instances (or rows with the model's attributes) with one `executemany`, or `COPY` on PostgreSQL.

    `bulk_create` spends most of its time compiling each value through the ORM; here only the
    fields that need it (dates, decimals, JSON, files) go through the backend's adapters (see
    `_converter`), and every other value goes to the driver as it is, as the ORM would pass it.
    """
    if not objects:
        return
    numbered = getattr(objects[0], model._meta.pk.attname) is not None  # else the database numbers them
    fields = [field for field in model._meta.concrete_fields if numbered or not field.primary_key]
    now = timezone.now()
    converters = [(i, convert) for i, f in enumerate(fields) if (convert := _converter(f)) is not None]
    stamped = [i for i, f in enumerate(fields) if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    names = [f.attname for f in fields]
    # A model instance keeps its column values in __dict__; reading them there skips the descriptors
    # (a FileField's would build a FieldFile that refers back to the instance, a reference cycle).
    values = operator.itemgetter(*names) if isinstance(objects[0], Model) else operator.attrgetter(*names)
    rows = []
    for obj in objects:
        row = list(values(obj.__dict__ if isinstance(obj, Model) else obj))
        for i in stamped:
            row[i] = now
        for i, convert in converters:
            if row[i] is not None:
                row[i] = convert(row[i])
        rows.append(row)
    quote = connection.ops.quote_name
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: one stream instead of a parsed statement per row
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _keys_assign(replays: Sequence[_Replay]) -> None:
    """Give the batch's dossiers and steps their keys and point every reference at them."""
    dossier_ids = iter(_ids_reserve(Dossier, len(replays)))
    steps = [step for replay in replays for step in replay.steps]
    step_ids = iter(_ids_reserve(DossierStep, len(steps)))
    for replay in replays:
        dossier = replay.dossier
        dossier.pk = next(dossier_ids)
        for step in replay.steps:
            step.id, step.dossier_id = next(step_ids), dossier.pk
        for event in replay.events:
            event.dossier_id = dossier.pk
        dossier.current_step_id = replay.open.id if replay.open else None
        if replay.pause:
            replay.pause.dossier_id = dossier.pk
            replay.pause.step_id = replay.pause_step.id if replay.pause_step else None
        if replay.apology:
            replay.apology.dossier_id = dossier.pk
            replay.apology.responsible_step_id = replay.apology_step.id if replay.apology_step else None


@transaction.atomic
def _batch_write(world: World, drafts: Sequence[Draft]) -> tuple[int, int]:
    """Write one batch of dossiers with their steps, pauses, apologies and events; return (events, steps)."""
    _codes_assign(drafts)  # its writes take SQLite's write lock before keys are reserved
    replays = [_Replay(world, draft).run() for draft in drafts]
    _keys_assign(replays)
    steps = [step for replay in replays for step in replay.steps]
    events = [event for replay in replays for event in replay.events]
    _rows_insert(Dossier, [replay.dossier for replay in replays])
    _rows_insert(DossierStep, steps)
    _rows_insert(PauseInterval, [replay.pause for replay in replays if replay.pause])
    _rows_insert(Apology, [replay.apology for replay in replays if replay.apology])
    _rows_insert(DossierEvent, events)
    return len(events), len(steps)


@contextmanager
def _collector_relaxed() -> Iterator[None]:
    """Run the cyclic garbage collector less often: its passes over the young rows cost a sixth of the time."""
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


@contextmanager
def _sqlite_cache_enlarged() -> Iterator[None]:
    """Give SQLite a 256 MB page cache while generating: the events' hash index takes random inserts."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {previous}")


@dataclass
class _Tally:
    dossiers: int = 0
    events: int = 0
    steps: int = 0
    states: Counter[str] = field(default_factory=Counter)

    def write(self, world: World, drafts: Sequence[Draft]) -> None:
        events, steps = _batch_write(world, drafts)
        self.dossiers, self.events, self.steps = self.dossiers + len(drafts), self.events + events, self.steps + steps
        self.states.update(draft.dossier.state for draft in drafts)


def dossiers_generate(
    *,
    count: int,
    year: int,
    unit_code: str | None = None,
    seed: int | None = None,
    batch: int = 2000,
    until: datetime | None = None,
    mix: GenerationMix | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> GenerationReport:
    """Generate `count` dossiers submitted in `year` with their whole history; `progress(done, count, seconds)`."""
    if count < 1 or batch < 1:
        raise GenerationError("Số hồ sơ và cỡ lô phải từ 1 trở lên / count and batch must be at least 1")
    seed = random.SystemRandom().randrange(2**32) if seed is None else seed
    rng, started, tally = random.Random(seed), perf_counter(), _Tally()
    try:
        with _collector_relaxed(), _sqlite_cache_enlarged():
            world = generation_world(year=year, unit_code=unit_code, until=until, mix=mix or GenerationMix())
            waiting: list[Draft] = []
            for day, counts, in_force, pools in _schedule(world, count):
                waiting.extend(_day_drafts(world, day, counts, in_force, pools, rng))
                while len(waiting) >= batch:
                    tally.write(world, waiting[:batch])
                    del waiting[:batch]
                    if progress:
                        progress(tally.dossiers, count, perf_counter() - started)
            if waiting:
                tally.write(world, waiting)
    except CalendarError as error:
        raise GenerationError(str(error)) from None
    seconds = perf_counter() - started
    return GenerationReport(seed, tally.dossiers, tally.events, tally.steps, seconds, dict(tally.states))


# --- removing a generated year ---------------------------------------------------------------


def _generated_ids(year: int, unit_code: str | None) -> list[int]:
    scope = unit_descendant_ids([_root_unit(unit_code).pk])
    zone = timezone.get_default_timezone()
    marked = Dossier.objects.filter(
        created_by__isnull=True,
        receiving_unit_id__in=scope,
        submitted_at__gte=datetime(year, 1, 1, tzinfo=zone),
        submitted_at__lt=datetime(year + 1, 1, 1, tzinfo=zone),
        events__seq=1,
        **{f"events__data__{GENERATED}": True},
    )
    return list(marked.order_by("pk").values_list("pk", flat=True))


def _rows_delete(model: type[Model], dossier_ids: Sequence[int]) -> None:
    """Delete the rows of `model` that belong to these dossiers in one statement, without loading them."""
    quote = connection.ops.quote_name
    table, column = quote(model._meta.db_table), quote("dossier_id")
    marks = ", ".join(["%s"] * len(dossier_ids))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", list(dossier_ids))  # noqa: S608


@transaction.atomic
def _delete_chunk(ids: Sequence[int]) -> set[tuple[int, str]]:
    """Delete these dossiers and every row hanging off them; return their (unit, code) pairs."""
    codes = set(Dossier.objects.filter(pk__in=ids).values_list("receiving_unit_id", "code"))
    Dossier.objects.filter(pk__in=ids).update(current_step=None)
    for model in (Apology, PauseInterval, ReceivedComponent, OutboxMessage):
        model.objects.filter(dossier_id__in=ids).delete()
    # The many events and steps go without the ORM's collector, which would load every row first;
    # nothing else refers to them once the rows above are gone (a foreign key would still refuse).
    _rows_delete(DossierEvent, ids)
    _rows_delete(DossierStep, ids)
    Dossier.objects.filter(pk__in=ids).delete()
    return codes


def _code_day(code: str) -> tuple[str, date, int] | None:
    """Return the unit code, day and number of an art. 19 code (`<unit>-YYMMDD-XXXX`), or None."""
    parts = code.rsplit("-", 2)
    if len(parts) != 3:
        return None
    try:
        return parts[0], datetime.strptime(parts[1], "%y%m%d").date(), int(parts[2])
    except ValueError:
        return None


def _highest_numbers(touched: set[tuple[int, date]]) -> dict[tuple[int, date], int]:
    """Return the highest number still in use per touched (unit, day), from the codes left (one query a unit-year)."""
    highest: dict[tuple[int, date], int] = {}
    for unit in Unit.objects.filter(pk__in={unit for unit, _day in touched}):
        for year in {day.year for unit_id, day in touched if unit_id == unit.pk}:
            codes = Dossier.objects.filter(code__startswith=f"{unit.code}-{year % 100:02d}")
            for code in codes.values_list("code", flat=True):
                parsed = _code_day(code)
                if parsed and parsed[0] == unit.code:
                    key = (unit.pk, parsed[1])
                    highest[key] = max(highest.get(key, 0), parsed[2])
    return highest


@transaction.atomic
def _sequences_reset(codes: set[tuple[int, str]]) -> None:
    """Set each touched daily sequence back to the highest number still in use, so numbering stays gap-free."""
    touched = {(unit, parsed[1]) for unit, code in codes if (parsed := _code_day(code))}
    if not touched:
        return
    rows = DossierCodeSequence.objects.select_for_update().filter(
        unit_id__in={unit for unit, _day in touched}, day__in={day for _unit, day in touched}
    )
    highest = _highest_numbers(touched)
    kept: list[DossierCodeSequence] = []
    emptied: list[DossierCodeSequence] = []
    for row in rows:
        if (row.unit_id, row.day) in touched:
            row.last_value = highest.get((row.unit_id, row.day), 0)
            (kept if row.last_value else emptied).append(row)
    DossierCodeSequence.objects.bulk_update(kept, ["last_value"])
    DossierCodeSequence.objects.filter(pk__in=[row.pk for row in emptied]).delete()


def dossiers_generated_delete(*, year: int, unit_code: str | None = None, chunk: int = 2000) -> int:
    """Delete the generated dossiers submitted in `year` at the desks under the unit; return how many."""
    ids = _generated_ids(year, unit_code)
    codes: set[tuple[int, str]] = set()
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        with transaction.atomic():  # out of the counters and deleted together, or neither
            counters_forget(part)  # first: a counted dossier cannot be deleted otherwise
            codes |= _delete_chunk(part)
    _sequences_reset(codes)
    return len(ids)
