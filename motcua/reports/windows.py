"""Report windows (DOMAIN.md ST-16): month, quarter, six months and year, as calendar periods or as the
windows of Decree 09/2019/NĐ-CP, plus explicit dates. Every window is (date_from, date_to), both inclusive.

Decree 09/2019 windows [GK]: a month runs from the 15th of the previous month to the 14th; a quarter
from the 15th of the month before the quarter to the 14th of its last month; six months from 15/12 of
the previous year to 14/6; a year from 15/12 of the previous year to 14/12. The second six months
(15/6 – 14/12) is derived the same way. Calendar windows are the months, quarters, halves and years
of the calendar (Decision 766 exports use them, ST-16).

The default scheme is the setting REPORT_WINDOWS_DEFAULT ("decree_09" or "calendar"; "decree_09" when
unset). The arithmetic itself is pure.
"""

from __future__ import annotations

import calendar as gregorian
from datetime import date
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class Scheme(StrEnum):
    """How periods are cut into windows."""

    DECREE_09 = "decree_09"
    CALENDAR = "calendar"


class Span(StrEnum):
    """The length of a reporting period."""

    MONTH = "month"
    QUARTER = "quarter"
    SIX_MONTHS = "six_months"
    YEAR = "year"


MONTHS = {Span.MONTH: 1, Span.QUARTER: 3, Span.SIX_MONTHS: 6, Span.YEAR: 12}
DECREE_09_FIRST_DAY = 15  # a Decree 09 window opens on the 15th and closes on the 14th


def scheme_default() -> Scheme:
    """Return the scheme of the setting REPORT_WINDOWS_DEFAULT ("decree_09" when unset)."""
    value = getattr(settings, "REPORT_WINDOWS_DEFAULT", Scheme.DECREE_09)
    try:
        return Scheme(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"REPORT_WINDOWS_DEFAULT phải là một trong {[s.value for s in Scheme]}: {value!r} / unknown window scheme"
        ) from None


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def window(span: Span | str, year: int, number: int = 1, *, scheme: Scheme | str | None = None) -> tuple[date, date]:
    """Return the `number`-th window of `span` in `year` (1-based; a year has one) as (date_from, date_to).

    A window is named by the calendar period it reports on: Decree 09 month 1/2025 is 15/12/2024 – 14/01/2025.
    """
    months = MONTHS[Span(span)]
    if not 1 <= number <= 12 // months:
        raise ValueError(f"Kỳ {number} không có trong {Span(span).value} / no period {number} of this span")
    if not 2 <= year <= 9999:
        raise ValueError(f"Năm {year} không hợp lệ / invalid year")
    last_month = number * months
    first_month = last_month - months + 1
    if Scheme(scheme or scheme_default()) == Scheme.CALENDAR:
        return date(year, first_month, 1), date(year, last_month, gregorian.monthrange(year, last_month)[1])
    before_year, before_month = _month_before(year, first_month)
    return date(before_year, before_month, DECREE_09_FIRST_DAY), date(year, last_month, DECREE_09_FIRST_DAY - 1)


def window_of(day: date, span: Span | str, *, scheme: Scheme | str | None = None) -> tuple[date, date]:
    """Return the window of `span` that contains `day`."""
    months = MONTHS[Span(span)]
    scheme = Scheme(scheme or scheme_default())
    year, month = day.year, day.month
    if scheme == Scheme.DECREE_09 and day.day >= DECREE_09_FIRST_DAY:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)  # from the 15th: next month's window
    return window(span, year, (month - 1) // months + 1, scheme=scheme)


def window_explicit(date_from: date, date_to: date) -> tuple[date, date]:
    """Return explicit dates as a window, refusing one that ends before it starts."""
    if date_to < date_from:
        raise ValueError(
            f"Ngày kết thúc {date_to:%d/%m/%Y} trước ngày bắt đầu {date_from:%d/%m/%Y} / "
            "the window ends before it starts"
        )
    return date_from, date_to
