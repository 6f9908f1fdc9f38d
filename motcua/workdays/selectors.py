"""Build the working calendar of a unit from the library, the overrides and the office hours."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, cast

import holidays
from django.conf import settings
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


def calendar_for(scope_codes: Sequence[str] = (), on: date | None = None) -> Calendar:
    """Return the calendar for a unit, given its code and its ancestors' codes (nearest first).

    Raises CalendarError when no year is published or the published years have a gap.
    """
    years = published_years()
    if not years:
        raise CalendarError("Chưa công bố năm lịch nào / no calendar year is published")
    if years != list(range(years[0], years[-1] + 1)):
        raise CalendarError(f"Các năm lịch đã công bố không liên tục: {years} / published years have a gap")
    days_off, makeup = library_days(years)
    scopes = ["", *reversed(scope_codes)]  # national first, nearest unit last so it wins
    overrides = CalendarDay.objects.filter(
        active=True, scope_code__in=scopes, date__year__gte=years[0], date__year__lte=years[-1]
    )
    for row in sorted(overrides, key=lambda r: scopes.index(r.scope_code)):
        days_off.pop(row.date, None)
        makeup.pop(row.date, None)
        if row.kind in DAY_OFF_KINDS:
            days_off[row.date] = row.name
        elif row.kind == DayKind.MAKEUP_WORKING_DAY:
            makeup[row.date] = row.name
    return Calendar(
        first_year=years[0],
        last_year=years[-1],
        days_off=days_off,
        makeup_days=makeup,
        hours=office_hours_for(scope_codes, on),
        same_day_cutoff=settings.WORKDAYS_SAME_DAY_CUTOFF,
    )


def office_hours_for(scope_codes: Sequence[str] = (), on: date | None = None) -> OfficeHours:
    """Return the office hours in force on `on` (default today) for the nearest scope that has any."""
    on = timezone.localdate() if on is None else on
    rows = OfficeHoursRow.objects.filter(scope_code__in=["", *scope_codes], valid_from__lte=on)
    by_scope: dict[str, OfficeHoursRow] = {}
    for row in rows.order_by("valid_from"):
        by_scope[row.scope_code] = row  # the latest valid_from wins per scope
    for scope in [*scope_codes, ""]:
        if scope in by_scope:
            row = by_scope[scope]
            return OfficeHours(((row.morning_start, row.morning_end), (row.afternoon_start, row.afternoon_end)))
    return OfficeHours(tuple(settings.WORKDAYS_DEFAULT_HOURS))
