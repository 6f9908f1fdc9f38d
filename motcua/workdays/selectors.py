"""Build the working calendar of a unit from the library, the overrides and the office hours."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping, Sequence
from datetime import date, time
from types import MappingProxyType
from typing import Any, cast

import holidays
from django.conf import settings
from django.db import connection
from django.utils import timezone
from holidays.countries.vietnam import VietnamStaticHolidays

from motcua.workdays.arith import Calendar, CalendarError, OfficeHours
from motcua.workdays.models import DAY_OFF_KINDS, CalendarDay, CalendarYear, DayKind
from motcua.workdays.models import OfficeHours as OfficeHoursRow


def published_years() -> list[int]:
    """Return the published calendar years in order."""
    return list(CalendarYear.objects.order_by("year").values_list("year", flat=True))


def library_days(years: Sequence[int]) -> tuple[dict[date, str], dict[date, str]]:
    """Return the national days off and make-up working days that the `holidays` package knows."""
    national = holidays.country_holidays("VN", years=list(years), language="vi")
    days_off = {day: str(name) for day, name in national.items()}
    makeup: dict[date, str] = {}
    for day_off, makeup_day in _library_swaps():
        if makeup_day.year in years:
            makeup[makeup_day] = f"Làm bù cho ngày {day_off:%d/%m/%Y}"
    return days_off, makeup


def _library_swaps() -> list[tuple[date, date]]:
    """Return (day off, make-up working day) pairs from the package's table of swapped days."""
    # Entries are (month, day, from_month, from_day[, from_year]) or a tuple of such entries.
    table = cast("Mapping[int, tuple[Any, ...]]", VietnamStaticHolidays.special_public_holidays)
    swaps: list[tuple[date, date]] = []
    for year, entries in table.items():
        for entry in entries if isinstance(entries[0], tuple) else (entries,):
            if len(entry) < 4 or not all(isinstance(value, int) for value in entry):
                continue  # a named special holiday, not a swap
            month, day, from_month, from_day, *from_year = entry
            swaps.append((date(year, month, day), date(from_year[0] if from_year else year, from_month, from_day)))
    return swaps


# Built calendars keyed by everything they are built from: the published years, the override rows
# in scope, the office hours and the cut-off. Every call reads those inputs from the database (one
# small query), so a change made by any process is seen at once; what the memo saves is the costly
# build (the holidays package and the per-day tables, milliseconds each time). An entry cannot go
# stale: the same inputs always build the same calendar. Old keys simply fall out of the bounded LRU.
_BUILT: OrderedDict[Hashable, Calendar] = OrderedDict()
_BUILT_LOCK = threading.Lock()
BUILT_CALENDARS_KEPT = 64

Override = tuple[date, str, str, str]  # date, kind, name, scope code
HoursRow = tuple[str, date, time, time, time, time]  # scope code, valid from, morning and afternoon periods


def calendar_for(scope_codes: Sequence[str] = (), on: date | None = None) -> Calendar:
    """Return the calendar for a unit, given its code and its ancestors' codes (nearest first).

    Raises CalendarError when no year is published or the published years have a gap.
    """
    scopes = ("", *reversed(scope_codes))  # national first, nearest unit last so it wins
    years, overrides, hours_rows = _calendar_rows(scopes, timezone.localdate() if on is None else on)
    if not years:
        raise CalendarError("Chưa công bố năm lịch nào / no calendar year is published")
    if years != list(range(years[0], years[-1] + 1)):
        raise CalendarError(f"Các năm lịch đã công bố không liên tục: {years} / published years have a gap")
    overrides = tuple(row for row in overrides if years[0] <= row[0].year <= years[-1])
    hours = _hours_in_force(hours_rows, scope_codes)
    key = (years[0], years[-1], scopes, overrides, hours, settings.WORKDAYS_SAME_DAY_CUTOFF)
    with _BUILT_LOCK:
        built = _BUILT.get(key)
        if built is not None:
            _BUILT.move_to_end(key)
            return built
    built = _calendar_build(years[0], years[-1], scopes, overrides, hours)
    with _BUILT_LOCK:
        _BUILT[key] = built
        while len(_BUILT) > BUILT_CALENDARS_KEPT:
            _BUILT.popitem(last=False)
    return built


def _calendar_rows(scopes: Sequence[str], on: date) -> tuple[list[int], tuple[Override, ...], list[HoursRow]]:
    """Return the published years, the active overrides and the office hours from `on` back, of `scopes`.

    One query for the three tables: this runs for every deadline computed, and compiling three ORM
    queries cost several times more CPU than the database spends answering them.
    """
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(scopes))
    sql = f"""
        SELECT 'hours', CAST(NULL AS INTEGER), valid_from, CAST(NULL AS VARCHAR(200)), CAST(NULL AS VARCHAR(200)),
               scope_code, morning_start, morning_end, afternoon_start, afternoon_end
          FROM {quote(OfficeHoursRow._meta.db_table)} WHERE scope_code IN ({marks}) AND valid_from <= %s
        UNION ALL
        SELECT 'day', NULL, {quote("date")}, kind, name, scope_code, NULL, NULL, NULL, NULL
          FROM {quote(CalendarDay._meta.db_table)} WHERE active = %s AND scope_code IN ({marks})
        UNION ALL
        SELECT 'year', {quote("year")}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
          FROM {quote(CalendarYear._meta.db_table)}
    """  # noqa: S608 (the model's own table names; every value is a parameter)
    params = [*scopes, connection.ops.adapt_datefield_value(on), True, *scopes]
    years: list[int] = []
    overrides: list[Override] = []
    hours: list[HoursRow] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for part, year, day, kind, name, scope, *periods in cursor.fetchall():
            if part == "year":
                years.append(int(year))
            elif part == "day":
                overrides.append((_date(day), kind, name, scope))
            else:
                hours.append((scope, _date(day), *(_time(value) for value in periods)))
    return sorted(years), tuple(sorted(overrides, key=lambda row: (row[3], row[0]))), hours


def _date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)  # SQLite returns the stored text


def _time(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def _calendar_build(
    first_year: int, last_year: int, scopes: Sequence[str], overrides: Sequence[Override], hours: OfficeHours
) -> Calendar:
    days_off, makeup = library_days(list(range(first_year, last_year + 1)))
    for day, kind, name, _scope in sorted(overrides, key=lambda row: scopes.index(row[3])):
        days_off.pop(day, None)
        makeup.pop(day, None)
        if kind in DAY_OFF_KINDS:
            days_off[day] = name
        elif kind == DayKind.MAKEUP_WORKING_DAY:
            makeup[day] = name
    return Calendar(
        first_year=first_year,
        last_year=last_year,
        # Read-only views: one built calendar is shared by every caller of this process.
        days_off=MappingProxyType(days_off),
        makeup_days=MappingProxyType(makeup),
        hours=hours,
        same_day_cutoff=settings.WORKDAYS_SAME_DAY_CUTOFF,
    )


def office_hours_for(scope_codes: Sequence[str] = (), on: date | None = None) -> OfficeHours:
    """Return the office hours in force on `on` (default today) for the nearest scope that has any."""
    on = timezone.localdate() if on is None else on
    rows = OfficeHoursRow.objects.filter(scope_code__in=["", *scope_codes], valid_from__lte=on)
    columns = ("scope_code", "valid_from", "morning_start", "morning_end", "afternoon_start", "afternoon_end")
    return _hours_in_force(list(rows.values_list(*columns)), scope_codes)


def _hours_in_force(rows: Sequence[HoursRow], scope_codes: Sequence[str]) -> OfficeHours:
    """Return the hours of the nearest scope that has rows, from its latest row (rows start on or before the day)."""
    by_scope: dict[str, HoursRow] = {}
    for row in sorted(rows, key=lambda row: row[1]):
        by_scope[row[0]] = row  # the latest valid_from wins per scope
    for scope in [*scope_codes, ""]:
        if scope in by_scope:
            _scope, _valid_from, morning_start, morning_end, afternoon_start, afternoon_end = by_scope[scope]
            return OfficeHours(((morning_start, morning_end), (afternoon_start, afternoon_end)))
    return OfficeHours(tuple(settings.WORKDAYS_DEFAULT_HOURS))
