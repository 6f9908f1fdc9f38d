"""Hypothesis properties of the appointment rules on the calendar of DOMAIN.md §4.2."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.workdays.arith import VIETNAM, Calendar, TimeUnit
from motcua.workdays.tests.calendars import DAYS_OFF, MAKEUP_DAYS, domain_calendar

CALENDAR: Calendar = domain_calendar()  # immutable once built; sharing it keeps the examples fast

# Acceptances in 2024–2025 with limits that stay inside the published 2024–2026.
instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2025, 12, 31, 23, 59, 59), timezones=st.just(VIETNAM)
)
LIMITS_MAX = {
    TimeUnit.SAME_DAY: 1,
    TimeUnit.HOURS: 400,
    TimeUnit.WORKING_DAYS: 200,
    TimeUnit.DAYS: 300,
    TimeUnit.MONTHS: 12,
}
LIMITS = {unit: st.integers(0 if unit is TimeUnit.SAME_DAY else 1, top) for unit, top in LIMITS_MAX.items()}
unit_and_amount = st.sampled_from(list(TimeUnit)).flatmap(lambda unit: st.tuples(st.just(unit), LIMITS[unit]))


def naive_add_working_days(start: datetime, amount: int) -> datetime:
    """Walk day by day, the way a person counts on a wall calendar."""
    day, counted = start.date(), 0
    while counted < amount:
        day += timedelta(days=1)
        if day in MAKEUP_DAYS or (day.weekday() < 5 and day not in DAYS_OFF):
            counted += 1
    return datetime.combine(day, start.timetz())


@given(accepted=instants, unit_amount=unit_and_amount)
@settings(max_examples=400)
def test_the_appointment_is_a_working_instant(accepted, unit_amount):
    # given
    unit, amount = unit_amount
    # when
    appointment = CALENDAR.appointment(accepted, amount, unit)
    # then
    assert CALENDAR.is_working_instant(appointment.at)
    assert appointment.at >= appointment.start >= accepted
    if unit in (TimeUnit.SAME_DAY, TimeUnit.DAYS, TimeUnit.MONTHS):
        assert appointment.at.time() == CALENDAR.hours.closing


@given(accepted=instants)
def test_the_start_is_an_open_instant(accepted):
    # when
    start = CALENDAR.next_opening(accepted)
    # then
    assert CALENDAR.is_working_day(start.date())
    assert CALENDAR.hours.is_open(start.time())
    assert start == accepted or start.time() in {period[0] for period in CALENDAR.hours.periods}


@given(accepted=instants, unit_amount=unit_and_amount, more=st.integers(1, 30))
@settings(max_examples=400)
def test_more_units_never_give_an_earlier_appointment(accepted, unit_amount, more):
    # given
    unit, amount = unit_amount
    larger = min(amount + more, LIMITS_MAX[unit])
    # when
    smaller_at = CALENDAR.appointment(accepted, amount, unit).at
    larger_at = CALENDAR.appointment(accepted, larger, unit).at
    # then
    assert larger_at >= smaller_at


@given(accepted=instants, n=st.integers(1, 100), m=st.integers(1, 100))
def test_n_then_m_working_days_is_n_plus_m(accepted, n, m):
    # given
    start = CALENDAR.next_opening(accepted)
    # when
    stepwise = CALENDAR.add_working_days(CALENDAR.add_working_days(start, n), m)
    # then
    assert stepwise == CALENDAR.add_working_days(start, n + m)


@given(accepted=instants, amount=st.integers(1, 200))
def test_add_working_days_agrees_with_a_day_by_day_count(accepted, amount):
    # given
    start = CALENDAR.next_opening(accepted)
    # when / then
    assert CALENDAR.add_working_days(start, amount) == naive_add_working_days(start, amount)
    assert CALENDAR.working_days_between(start.date(), CALENDAR.add_working_days(start, amount).date()) == amount


@given(accepted=instants, amount=st.integers(1, 400))
def test_hours_consume_exactly_the_office_time(accepted, amount):
    # when
    appointment = CALENDAR.appointment(accepted.replace(microsecond=0), amount, TimeUnit.HOURS)
    # then
    assert CALENDAR.working_minutes_between(appointment.start, appointment.at) == amount * 60


@given(accepted=instants, unit_amount=unit_and_amount)
def test_the_explained_path_gives_the_same_instant(accepted, unit_amount):
    # given
    unit, amount = unit_amount
    # when
    fast = CALENDAR.appointment(accepted, amount, unit)
    explained = CALENDAR.appointment(accepted, amount, unit, explain=True)
    # then
    assert explained.at == fast.at
    counted_days = [step.counted for step in explained.trace if step.counted is not None and not step.note]
    if unit is TimeUnit.WORKING_DAYS:
        assert counted_days == list(range(1, amount + 1))


@given(day=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31)))
def test_is_working_day_follows_cal_5(day):
    # when / then
    expected = day in MAKEUP_DAYS or (day.weekday() < 5 and day not in DAYS_OFF)
    assert CALENDAR.is_working_day(day) is expected


@given(start=instants, end=instants)
def test_working_minutes_are_never_negative_and_at_most_a_full_day_each(start, end):
    # when
    minutes = CALENDAR.working_minutes_between(start, end)
    # then
    assert minutes >= 0
    # working days from start's date to end's date, both included (start's date may be 1 January of the first year)
    first = 1 if CALENDAR.is_working_day(start.date()) else 0
    days = CALENDAR.working_days_between(start.date(), end.date()) + first if end > start else 0
    assert minutes <= days * CALENDAR.hours.minutes_per_day
