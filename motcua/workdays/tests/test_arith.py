"""Working-time arithmetic on a hand-written calendar of DOMAIN.md §4.2 (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from motcua.workdays.arith import (
    DEFAULT_HOURS,
    MAX_AMOUNT,
    Calendar,
    CalendarError,
    CalendarRangeError,
    DayKind,
    OfficeHours,
    TimeUnit,
    TraceNote,
)
from motcua.workdays.tests.calendars import RULE_CASES, WORKED_EXAMPLES, at, case_id, domain_calendar


@pytest.fixture(scope="module")
def calendar() -> Calendar:
    return domain_calendar()


@pytest.mark.parametrize("case", WORKED_EXAMPLES + RULE_CASES, ids=case_id)
def test_appointment(calendar, case):
    # when
    appointment = calendar.appointment(case.accepted, case.amount, case.unit)
    # then
    assert appointment.at == case.expected
    assert appointment.at.utcoffset().total_seconds() == 7 * 3600


@pytest.mark.parametrize("case", WORKED_EXAMPLES + RULE_CASES, ids=case_id)
def test_explained_appointment_is_the_same_instant(calendar, case):
    # when
    fast = calendar.appointment(case.accepted, case.amount, case.unit)
    explained = calendar.appointment(case.accepted, case.amount, case.unit, explain=True)
    # then
    assert explained.at == fast.at
    assert explained.trace


def test_example_1_counts_the_days_domain_lists(calendar):
    # given DOMAIN.md §4.5 #1: counted 25/4, 26/4, 28/4, 29/4, 5/5–9/5, 12/5
    expected = [date(2025, 4, 25), date(2025, 4, 26), date(2025, 4, 28), date(2025, 4, 29)]
    expected += [date(2025, 5, d) for d in (5, 6, 7, 8, 9, 12)]
    # when
    trace = calendar.appointment(at(2025, 4, 24, 10), 10, TimeUnit.WORKING_DAYS, explain=True).trace
    # then
    assert [step.day for step in trace if step.counted is not None] == expected
    assert [step.counted for step in trace if step.counted is not None] == list(range(1, 11))
    skipped = {step.day: step.kind for step in trace if step.counted is None and not step.note}
    assert skipped[date(2025, 4, 30)] is DayKind.DAY_OFF
    assert skipped[date(2025, 5, 2)] is DayKind.DAY_OFF
    assert skipped[date(2025, 4, 27)] is DayKind.WEEKEND


def test_example_6_counts_29_8_3_9_4_9(calendar):
    # when
    trace = calendar.appointment(at(2025, 8, 28, 9), 3, "working_days", explain=True).trace
    # then
    assert [step.day for step in trace if step.counted] == [date(2025, 8, 29), date(2025, 9, 3), date(2025, 9, 4)]


def test_example_7a_pause_resumes_with_the_remaining_days(calendar):
    # given #7: accepted Mon 3/3/2025 09:00, 10 working days; supplement requested Thu 6/3, supplied Wed 12/3
    accepted = at(2025, 3, 3, 9)
    # when
    resumed = calendar.resume_working_days(accepted, 10, date(2025, 3, 6), at(2025, 3, 12, 14), restart=False)
    # then 3 days used, 7 remaining from 13/3, at the acceptance time
    assert resumed == at(2025, 3, 21, 9)


def test_example_7b_restart_counts_a_new_period(calendar):
    # when
    resumed = calendar.resume_working_days(at(2025, 3, 3, 9), 10, date(2025, 3, 6), at(2025, 3, 12, 14), restart=True)
    # then a new 10 working days from 12/3, at the supplement receipt time
    assert resumed == at(2025, 3, 26, 14)


def test_pause_with_every_day_used_returns_the_supplement_day(calendar):
    # when
    resumed = calendar.resume_working_days(at(2025, 3, 3, 9), 2, date(2025, 3, 6), at(2025, 3, 12, 14), restart=False)
    # then
    assert resumed == at(2025, 3, 12, 9)


def test_acceptance_outside_hours_moves_the_start_to_the_next_opening(calendar):
    # when
    appointment = calendar.appointment(at(2025, 3, 8, 9), 1, "working_days", explain=True)
    # then
    assert appointment.start == at(2025, 3, 10, 7, 30)
    assert appointment.trace[0].note == TraceNote.MOVED_TO_OPENING
    assert appointment.trace[0].day == date(2025, 3, 8)
    assert appointment.trace[0].kind is DayKind.WEEKEND


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (at(2025, 3, 3, 7, 29, 59), at(2025, 3, 3, 7, 30)),
        (at(2025, 3, 3, 7, 30), at(2025, 3, 3, 7, 30)),
        (at(2025, 3, 3, 11, 30), at(2025, 3, 3, 13)),
        (at(2025, 3, 3, 16, 59, 59), at(2025, 3, 3, 16, 59, 59)),
        (at(2025, 3, 3, 17), at(2025, 3, 4, 7, 30)),
        (at(2025, 4, 30, 9), at(2025, 5, 5, 7, 30)),
        (at(2025, 4, 26, 9), at(2025, 4, 26, 9)),  # a make-up Saturday is open
    ],
)
def test_next_opening(calendar, moment, expected):
    # when / then
    assert calendar.next_opening(moment) == expected


def test_an_aware_instant_in_another_zone_is_read_in_vietnam_time(calendar):
    # given 03:00 UTC is 10:00 in Hanoi
    accepted = datetime(2025, 4, 24, 3, 0, tzinfo=UTC)
    # when
    appointment = calendar.appointment(accepted, 10, "working_days")
    # then
    assert appointment.at == at(2025, 5, 12, 10)


def test_working_days_between(calendar):
    # when / then (after, until]
    assert calendar.working_days_between(date(2025, 4, 24), date(2025, 5, 12)) == 10
    assert calendar.working_days_between(date(2025, 12, 30), date(2026, 1, 14)) == 10
    assert calendar.working_days_between(date(2025, 3, 3), date(2025, 3, 3)) == 0
    assert calendar.working_days_between(date(2025, 3, 7), date(2025, 3, 3)) == 0


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (at(2025, 3, 3, 8), at(2025, 3, 3, 10, 30), 150),
        (at(2025, 3, 3, 11), at(2025, 3, 3, 14), 90),
        (at(2025, 3, 7, 16), at(2025, 3, 10, 8, 30), 120),
        (at(2025, 3, 7, 6), at(2025, 3, 8, 12), 480),
        (at(2025, 4, 29, 17), at(2025, 5, 5, 7, 30), 0),
        (at(2025, 3, 3, 10), at(2025, 3, 3, 9), 0),
    ],
)
def test_working_minutes_between(calendar, start, end, minutes):
    # when / then
    assert calendar.working_minutes_between(start, end) == minutes


def test_days_trace_counts_calendar_days_then_rolls_forward(calendar):
    # when
    trace = calendar.appointment(at(2025, 4, 28, 10), 2, "days", explain=True).trace
    # then
    counted = [(step.day, step.counted) for step in trace if step.counted]
    assert counted == [(date(2025, 4, 29), 1), (date(2025, 4, 30), 2)]
    rolled = [step.day for step in trace if step.note == TraceNote.ROLLED_FORWARD]
    assert rolled == [date(2025, 5, d) for d in (1, 2, 3, 4, 5)]


def test_hours_trace_accumulates_office_minutes(calendar):
    # when
    trace = calendar.appointment(at(2025, 3, 7, 16), 2, "hours", explain=True).trace
    # then
    minutes = [(step.day, step.counted) for step in trace if step.note == TraceNote.OFFICE_MINUTES]
    assert minutes == [(date(2025, 3, 7), 60), (date(2025, 3, 10), 120)]


def test_same_day_trace_names_the_cutoff(calendar):
    # when
    trace = calendar.appointment(at(2026, 1, 8, 15, 20), 1, "same_day", explain=True).trace
    # then
    assert trace[0].note == TraceNote.AFTER_CUTOFF
    assert trace[0].clock == time(15, 0)
    assert trace[-1].day == date(2026, 1, 9)


def test_a_custom_cutoff_applies():
    # given
    calendar = Calendar(2025, 2025, same_day_cutoff=time(16, 0))
    # when
    appointment = calendar.appointment(at(2025, 3, 5, 15, 30), 1, "same_day")
    # then
    assert appointment.at == at(2025, 3, 5, 17)


def test_unit_office_hours_set_the_closing_time_and_the_opening():
    # given a Đồng Nai department: 07:00–11:30 and 13:00–16:30 (CAL-7)
    hours = OfficeHours(((time(7, 0), time(11, 30)), (time(13, 0), time(16, 30))))
    calendar = domain_calendar(hours=hours)
    # when
    days = calendar.appointment(at(2025, 3, 3, 9), 3, "days")
    moved = calendar.appointment(at(2025, 3, 3, 16, 45), 1, "working_days")
    # then
    assert days.at == at(2025, 3, 6, 16, 30)
    assert moved.start == at(2025, 3, 4, 7, 0)
    assert moved.at == at(2025, 3, 5, 7, 0)


def test_day_kind_and_is_working_day(calendar):
    # when / then
    assert calendar.day_kind(date(2025, 4, 26)) is DayKind.MAKEUP
    assert calendar.is_working_day(date(2025, 4, 26))
    assert calendar.day_kind(date(2025, 5, 2)) is DayKind.DAY_OFF
    assert not calendar.is_working_day(date(2025, 5, 2))
    assert calendar.day_kind(date(2025, 5, 3)) is DayKind.WEEKEND
    assert calendar.day_kind(date(2025, 5, 5)) is DayKind.WORKING


def test_nth_and_next_working_day(calendar):
    # when / then
    assert calendar.nth_working_day_after(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert calendar.next_working_day_from(date(2026, 2, 14)) == date(2026, 2, 23)
    assert calendar.next_working_day_from(date(2026, 2, 13)) == date(2026, 2, 13)
    assert calendar.add_working_days(at(2026, 2, 13, 10), 5) == at(2026, 2, 27, 10)


# --- bad input ----------------------------------------------------------------------------


def test_an_unpublished_year_raises_a_clear_error():
    # given only 2025 is published
    calendar = Calendar(2025, 2025)
    # when
    with pytest.raises(CalendarRangeError) as raised:
        calendar.appointment(at(2026, 3, 3, 9), 1, "working_days")
    # then
    assert raised.value.day == date(2026, 3, 3)
    assert str(raised.value) == (
        "Lịch làm việc năm 2026 chưa được công bố (đã có 2025–2025) / "
        "the working calendar for 2026 is not published (available: 2025–2025)"
    )


def test_a_period_running_past_the_published_years_raises():
    # given
    calendar = Calendar(2025, 2025)
    # when
    with pytest.raises(CalendarRangeError, match="2026"):
        calendar.appointment(at(2025, 12, 29, 9), 10, "working_days")


@pytest.mark.parametrize("day", [date(2023, 12, 31), date(2027, 1, 1)])
def test_day_questions_outside_the_range_raise(calendar, day):
    # when / then
    with pytest.raises(CalendarRangeError):
        calendar.is_working_day(day)
    with pytest.raises(CalendarRangeError):
        calendar.day_kind(day)


def test_an_unknown_unit_raises(calendar):
    # when / then
    with pytest.raises(CalendarError, match="weeks"):
        calendar.appointment(at(2025, 3, 3, 9), 1, "weeks")


@pytest.mark.parametrize(
    ("amount", "unit"),
    [
        (-1, "working_days"),
        (0, "working_days"),
        (0, "hours"),
        (MAX_AMOUNT[TimeUnit.WORKING_DAYS] + 1, "working_days"),
        (5000, "working_days"),
        (1000, "days"),
        (37, "months"),
        (2, "same_day"),
        (-1, "same_day"),
        (1.5, "working_days"),
        (True, "working_days"),
    ],
)
def test_negative_zero_and_absurd_amounts_raise(calendar, amount, unit):
    # when / then
    with pytest.raises(CalendarError):
        calendar.appointment(at(2025, 3, 3, 9), amount, unit)


def test_naive_datetimes_are_refused(calendar):
    # when / then
    with pytest.raises(CalendarError, match="múi giờ"):
        calendar.appointment(datetime(2025, 3, 3, 9), 1, "working_days")
    with pytest.raises(CalendarError):
        calendar.working_minutes_between(datetime(2025, 3, 3, 9), at(2025, 3, 3, 10))
    with pytest.raises(CalendarError):
        calendar.add_working_days(datetime(2025, 3, 3, 9), 1)


def test_add_working_days_refuses_zero(calendar):
    # when / then
    with pytest.raises(CalendarError):
        calendar.add_working_days(at(2025, 3, 3, 9), 0)
    with pytest.raises(CalendarError):
        calendar.nth_working_day_after(date(2025, 3, 3), 0)


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((time(11, 30), time(7, 30)),),
        ((time(7, 30), time(11, 30)), (time(11, 0), time(17, 0))),
    ],
)
def test_bad_office_hours_are_refused(periods):
    # when / then
    with pytest.raises(CalendarError):
        OfficeHours(periods)


def test_a_calendar_without_years_is_refused():
    # when / then
    with pytest.raises(CalendarError):
        Calendar(2026, 2025)


def test_default_hours_are_eight_hours():
    # when / then
    assert DEFAULT_HOURS.minutes_per_day == 480
    assert DEFAULT_HOURS.clock_at(240) == time(11, 30)
    assert DEFAULT_HOURS.clock_at(241) == time(13, 1)
    assert DEFAULT_HOURS.minutes_before(time(14, 0)) == 300
