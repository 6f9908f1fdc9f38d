"""Processing time of a dossier (ST-8, ST-13) in office minutes of the calendar it was processed under.

A dossier resolved with a result is measured with the working calendar of its counting unit (ST-12)
in force on the local day processing ended: that unit's overrides and its ancestors', and the office
hours valid that day. The measure depends on the dossier alone, never on who reads the report, so the
raw report and the statistics counters (which store it once per dossier, ADR 0005) give the same
numbers. A calendar that changes afterwards for past days (a holiday entered late, a year published
late) changes the raw figure only: `manage.py recount` shows it and `fill_counters --rebuild` applies it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import DateField, Value

from motcua.accounts.models import Unit
from motcua.accounts.selectors import MAX_UNIT_DEPTH
from motcua.reports.definitions import (
    RESULT_KINDS,
    DossierFacts,
    counting_unit_id,
    is_resolved,
    local_date,
    net_working_minutes,
)
from motcua.workdays.arith import Calendar, CalendarError
from motcua.workdays.models import CalendarDay, OfficeHours
from motcua.workdays.selectors import calendar_for


class UnitCalendars:
    """The calendars of the units, built once per distinct set of rules and reused for every dossier.

    A unit's calendar depends only on the scopes of its chain (the unit, then its ancestors) that have
    calendar rows, and on which office-hours row is in force on the day: two units or days that agree
    on both share one built calendar, so a report or a fill over millions of dossiers builds a few.
    """

    def __init__(self, units: Iterable[tuple[int, int | None, str]] | None = None) -> None:
        """Use the (id, parent id, code) rows of every unit when the caller has them, else read them when needed."""
        self._units = None if units is None else {pk: (parent, code) for pk, parent, code in units}
        self._scoped: set[str] = set()
        self._hours: dict[str, list[date]] = {}
        self._loaded = False
        self._chains: dict[int, tuple[str, ...]] = {}
        self._built: dict[tuple[tuple[str, ...], tuple[str, date] | None], Calendar | None] = {}

    def _load(self) -> None:
        """Read the units (unless given), the scopes that have calendar rows and their office hours' start days."""
        if self._units is None:
            self._units = {
                pk: (parent, code) for pk, parent, code in Unit.objects.values_list("id", "parent_id", "code")
            }
        hours = OfficeHours.objects.order_by().values_list("scope_code", "valid_from")
        overrides = CalendarDay.objects.order_by().values_list("scope_code", Value(None, output_field=DateField()))
        rows = list(hours.union(overrides))  # one query; UNION keeps each overridden scope once
        for code, valid_from in sorted(rows, key=lambda row: (row[1] is not None, row[1] or date.min)):
            self._scoped.add(code)
            if valid_from is not None:
                self._hours.setdefault(code, []).append(valid_from)
        self._loaded = True

    def _chain(self, unit_id: int) -> tuple[str, ...]:
        """Return the codes of the unit and its ancestors (nearest first) that have calendar rows."""
        if not self._loaded:
            self._load()
        assert self._units is not None
        if unit_id not in self._chains:
            codes: list[str] = []
            current: int | None = unit_id
            for _depth in range(MAX_UNIT_DEPTH + 1):
                if current is None or current not in self._units:
                    break
                parent, code = self._units[current]
                if code in self._scoped and code not in codes:
                    codes.append(code)
                current = parent
            self._chains[unit_id] = tuple(codes)
        return self._chains[unit_id]

    def _hours_in_force(self, chain: tuple[str, ...], day: date) -> tuple[str, date] | None:
        """Return (scope, valid from) of the office-hours row in force on `day` for the chain, None for the default."""
        for scope in (*chain, ""):
            started = [valid for valid in self._hours.get(scope, ()) if valid <= day]
            if started:
                return scope, started[-1]
        return None

    def calendar(self, unit_id: int, day: date) -> Calendar | None:
        """Return the calendar of the unit in force on `day`, None when no calendar year is published."""
        chain = self._chain(unit_id)
        key = (chain, self._hours_in_force(chain, day))
        if key not in self._built:
            try:
                self._built[key] = calendar_for(chain, on=day)
            except CalendarError:
                self._built[key] = None
        return self._built[key]


def processing_minutes(facts: DossierFacts, calendars: UnitCalendars) -> int | None:
    """Return the net office minutes of a dossier resolved with a result (ST-13), else None (or beyond the calendar)."""
    if not is_resolved(facts) or facts.end_kind not in RESULT_KINDS or facts.ended_at is None:
        return None
    calendar = calendars.calendar(counting_unit_id(facts), local_date(facts.ended_at))
    return None if calendar is None else net_working_minutes(facts, calendar=calendar)
