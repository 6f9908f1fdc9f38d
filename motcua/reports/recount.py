"""The recount (issue 4 item 8): the period report from the counters against the one from raw rows.

Both are read at the same instant. On PostgreSQL they are read in one REPEATABLE READ transaction,
so dossiers moving meanwhile cannot show as differences; on SQLite, run it while nothing is written.
The median processing time exists only in the raw report (ADR 0005) and is not compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from motcua.accounts.models import Unit
from motcua.reports.definitions import Measure
from motcua.reports.selectors import Figures, figures_from, period_report

OWN = "(riêng / own)"  # marks the row of the dossiers received at the unit itself
COMPARED = (*(measure.value for measure in Measure), "avg_processing_hours", "avg_processing_days")


@dataclass(frozen=True)
class Difference:
    """One figure that the counters and the raw rows give differently, for one unit's sub-tree (or its own row)."""

    unit_code: str
    measure: str
    counters: Any
    raw: Any


def _differences(code: str, counted: Figures, raw: Figures) -> list[Difference]:
    return [
        Difference(code, name, getattr(counted, name), getattr(raw, name))
        for name in COMPARED
        if getattr(counted, name) != getattr(raw, name)
    ]


def _compared(unit: Unit, date_from: date, date_to: date, as_of: datetime, *, with_total: bool) -> Iterator[Difference]:
    """Yield the differences of the unit's total (when asked) and of each of its rows by child unit, descending."""
    window: dict[str, Any] = {"date_from": date_from, "date_to": date_to, "as_of": as_of, "group_by": "unit"}
    counted = period_report(unit=unit, **window, source="counters")
    raw = period_report(unit=unit, **window, source="raw")
    if with_total:
        yield from _differences(unit.code, counted.total, raw.total)
    counted_rows = {row.key: row.figures for row in counted.rows}
    raw_rows = {row.key: row.figures for row in raw.rows}
    children = {child.code: child for child in Unit.objects.filter(parent=unit)}
    empty = figures_from({})  # a row that one side leaves out has nothing in it
    for key in sorted(counted_rows.keys() | raw_rows.keys(), key=lambda k: (k != unit.code, k)):
        code = f"{key} {OWN}" if key == unit.code else key  # the unit's own dossiers, not its sub-tree
        found = _differences(code, counted_rows.get(key, empty), raw_rows.get(key, empty))
        yield from found
        if found and key in children and Unit.objects.filter(parent=children[key]).exists():
            yield from _compared(children[key], date_from, date_to, as_of, with_total=False)


def counters_recount(*, unit: Unit, date_from: date, date_to: date, as_of: datetime | None = None) -> list[Difference]:
    """Return every figure where the counters differ from the raw rows, for the unit and each unit below it."""
    as_of = timezone.now() if as_of is None else as_of
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return list(_compared(unit, date_from, date_to, as_of, with_total=True))
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return list(_compared(unit, date_from, date_to, as_of, with_total=True))
