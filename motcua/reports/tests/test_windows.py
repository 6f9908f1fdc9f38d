"""Report windows (ST-16): calendar periods and Decree 09/2019 windows, inclusive dates."""

from datetime import date
from itertools import pairwise

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.reports.windows import Scheme, Span, scheme_default, window, window_explicit, window_of


@pytest.mark.parametrize(
    ("span", "number", "expected"),
    [
        (Span.MONTH, 1, (date(2024, 12, 15), date(2025, 1, 14))),
        (Span.MONTH, 3, (date(2025, 2, 15), date(2025, 3, 14))),
        (Span.MONTH, 12, (date(2025, 11, 15), date(2025, 12, 14))),
        (Span.QUARTER, 1, (date(2024, 12, 15), date(2025, 3, 14))),
        (Span.QUARTER, 2, (date(2025, 3, 15), date(2025, 6, 14))),
        (Span.QUARTER, 4, (date(2025, 9, 15), date(2025, 12, 14))),
        (Span.SIX_MONTHS, 1, (date(2024, 12, 15), date(2025, 6, 14))),
        (Span.SIX_MONTHS, 2, (date(2025, 6, 15), date(2025, 12, 14))),
        (Span.YEAR, 1, (date(2024, 12, 15), date(2025, 12, 14))),
    ],
)
def test_decree_09_windows(span, number, expected):
    assert window(span, 2025, number, scheme=Scheme.DECREE_09) == expected


@pytest.mark.parametrize(
    ("span", "number", "expected"),
    [
        (Span.MONTH, 2, (date(2024, 2, 1), date(2024, 2, 29))),  # a leap year's February
        (Span.MONTH, 12, (date(2024, 12, 1), date(2024, 12, 31))),
        (Span.QUARTER, 1, (date(2024, 1, 1), date(2024, 3, 31))),
        (Span.QUARTER, 3, (date(2024, 7, 1), date(2024, 9, 30))),
        (Span.SIX_MONTHS, 2, (date(2024, 7, 1), date(2024, 12, 31))),
        (Span.YEAR, 1, (date(2024, 1, 1), date(2024, 12, 31))),
    ],
)
def test_calendar_windows(span, number, expected):
    assert window(span, 2024, number, scheme="calendar") == expected


@pytest.mark.parametrize(
    ("day", "span", "scheme", "expected"),
    [
        (date(2025, 3, 14), Span.MONTH, Scheme.DECREE_09, (date(2025, 2, 15), date(2025, 3, 14))),
        (date(2025, 3, 15), Span.MONTH, Scheme.DECREE_09, (date(2025, 3, 15), date(2025, 4, 14))),
        (date(2024, 12, 15), Span.YEAR, Scheme.DECREE_09, (date(2024, 12, 15), date(2025, 12, 14))),
        (date(2024, 12, 20), Span.QUARTER, Scheme.DECREE_09, (date(2024, 12, 15), date(2025, 3, 14))),
        (date(2025, 6, 14), Span.SIX_MONTHS, Scheme.DECREE_09, (date(2024, 12, 15), date(2025, 6, 14))),
        (date(2025, 3, 31), Span.QUARTER, Scheme.CALENDAR, (date(2025, 1, 1), date(2025, 3, 31))),
        (date(2025, 4, 1), Span.QUARTER, Scheme.CALENDAR, (date(2025, 4, 1), date(2025, 6, 30))),
    ],
)
def test_the_window_containing_a_day(day, span, scheme, expected):
    assert window_of(day, span, scheme=scheme) == expected


def test_consecutive_windows_tile_the_year_without_gap_or_overlap():
    for scheme in Scheme:
        months = [window(Span.MONTH, 2025, n, scheme=scheme) for n in range(1, 13)]
        assert [(b[0] - a[1]).days for a, b in pairwise(months)] == [1] * 11
        assert months[0][0] == window(Span.YEAR, 2025, scheme=scheme)[0]
        assert months[-1][1] == window(Span.YEAR, 2025, scheme=scheme)[1]


def test_the_default_scheme_comes_from_the_setting(settings):
    # given no setting, Decree 09 windows are the default
    del settings.REPORT_WINDOWS_DEFAULT
    assert scheme_default() == Scheme.DECREE_09
    assert window(Span.MONTH, 2025, 1) == (date(2024, 12, 15), date(2025, 1, 14))
    # when the setting asks for calendar periods, they are used
    settings.REPORT_WINDOWS_DEFAULT = "calendar"
    assert window(Span.MONTH, 2025, 1) == (date(2025, 1, 1), date(2025, 1, 31))
    # and an unknown scheme is a configuration error
    settings.REPORT_WINDOWS_DEFAULT = "fiscal"
    with pytest.raises(ImproperlyConfigured):
        scheme_default()


@pytest.mark.parametrize(("span", "number"), [(Span.MONTH, 13), (Span.QUARTER, 0), (Span.SIX_MONTHS, 3), ("week", 1)])
def test_a_period_that_does_not_exist_is_refused(span, number):
    with pytest.raises(ValueError):
        window(span, 2025, number, scheme=Scheme.CALENDAR)


def test_explicit_dates_must_not_end_before_they_start():
    assert window_explicit(date(2025, 3, 1), date(2025, 3, 1)) == (date(2025, 3, 1), date(2025, 3, 1))
    with pytest.raises(ValueError, match="trước ngày bắt đầu"):
        window_explicit(date(2025, 3, 2), date(2025, 3, 1))
