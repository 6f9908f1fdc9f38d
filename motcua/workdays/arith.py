"""Pure working-time arithmetic (DOMAIN.md §4): no database, no Django, typed and fast.

A `Calendar` is built once (by `workdays.selectors.calendar_for`) from the national holidays,
the stored overrides and the unit's office hours, for a contiguous range of published years.
Every date it answers about must fall inside that range; anything else raises
`CalendarRangeError` (CAL-6: never assume "no holidays").

Appointments follow APPT-1 … APPT-5. Each rule has a fast path that returns the instant only,
and an `explain=True` path that also returns a trace of every day counted or skipped and why.
"""

from __future__ import annotations

import calendar as _gregorian
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class TimeUnit(StrEnum):
    """Unit of a time limit, stored exactly as published (DonViTinh)."""

    SAME_DAY = "same_day"
    HOURS = "hours"
    WORKING_DAYS = "working_days"
    DAYS = "days"
    MONTHS = "months"


# Upper bounds that catch typing mistakes ("absurd amounts"); the longest published limits are
# a few months, so these leave ample room while refusing 5000 working days.
MAX_AMOUNT: Mapping[TimeUnit, int] = {
    TimeUnit.SAME_DAY: 1,
    TimeUnit.HOURS: 400,
    TimeUnit.WORKING_DAYS: 400,
    TimeUnit.DAYS: 730,
    TimeUnit.MONTHS: 36,
}


class CalendarError(ValueError):
    """Input the calendar cannot compute with."""


class CalendarRangeError(CalendarError):
    """A computation needs a date outside the published years (CAL-6)."""

    def __init__(self, day: date, first_year: int, last_year: int) -> None:
        self.day = day
        self.first_year = first_year
        self.last_year = last_year
        super().__init__(
            f"Lịch làm việc năm {day.year} chưa được công bố (đã có {first_year}–{last_year}) / "
            f"the working calendar for {day.year} is not published (available: {first_year}–{last_year})"
        )


class DayKind(StrEnum):
    """Why a day is or is not a working day."""

    WORKING = "working"
    WEEKEND = "weekend"
    DAY_OFF = "day_off"  # holiday, swapped or compensatory day off, local day off
    MAKEUP = "makeup"  # make-up working day on a weekend


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One line of an explanation: a day (or instant) and what the rule did with it."""

    day: date
    kind: DayKind
    counted: int | None = None  # ordinal of a counted unit (1 = first working day), None if skipped
    name: str = ""  # holiday or make-up day name
    note: str = ""  # rule-level remark, e.g. "after cut-off"


@dataclass(frozen=True, slots=True)
class Appointment:
    """An appointment instant with the trace that explains it."""

    at: datetime
    start: datetime  # acceptance, moved to the next opening if outside office hours
    trace: tuple[TraceStep, ...] = ()


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Office periods of a working day, e.g. 07:30–11:30 and 13:00–17:00 (CAL-7)."""

    periods: tuple[tuple[time, time], ...]

    def __post_init__(self) -> None:
        if not self.periods:
            raise CalendarError("Giờ làm việc trống / office hours are empty")
        previous_end = time.min
        for start, end in self.periods:
            if not start < end or start < previous_end:
                raise CalendarError(
                    "Giờ làm việc phải tăng dần và không chồng lấn / office periods must be ordered and disjoint"
                )
            previous_end = end

    @property
    def opening(self) -> time:
        return self.periods[0][0]

    @property
    def closing(self) -> time:
        return self.periods[-1][1]

    @property
    def minutes_per_day(self) -> int:
        return sum(_minute(end) - _minute(start) for start, end in self.periods)

    def minutes_before(self, moment: time) -> int:
        """Return the office minutes of a working day that lie before `moment`."""
        at = _minute(moment) + moment.second / 60
        total = 0
        for start, end in self.periods:
            total += max(0, min(at, _minute(end)) - _minute(start))
        return int(total)

    def is_open(self, moment: time) -> bool:
        return any(start <= moment < end for start, end in self.periods)

    def next_opening_today(self, moment: time) -> time | None:
        """Return `moment` if open, else the next period start later that day, else None."""
        for start, end in self.periods:
            if moment < start:
                return start
            if moment < end:
                return moment
        return None

    def clock_at(self, minutes: int) -> time:
        """Return the clock time at which `minutes` office minutes of the day have elapsed (>0)."""
        for start, end in self.periods:
            length = _minute(end) - _minute(start)
            if minutes <= length:
                total = _minute(start) + minutes
                return time(total // 60, total % 60)
            minutes -= length
        return self.closing


DEFAULT_HOURS = OfficeHours(((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))))


def _minute(moment: time) -> int:
    return moment.hour * 60 + moment.minute


@dataclass
class Calendar:
    """Working days and office hours for the published years `first_year`…`last_year`."""

    first_year: int
    last_year: int
    days_off: Mapping[date, str] = field(default_factory=dict)
    makeup_days: Mapping[date, str] = field(default_factory=dict)
    hours: OfficeHours = DEFAULT_HOURS
    same_day_cutoff: time = time(15, 0)
    tz: ZoneInfo = VIETNAM

    def __post_init__(self) -> None:
        if self.first_year > self.last_year:
            raise CalendarError("Không có năm nào được công bố / no published year")
        self._base = date(self.first_year, 1, 1).toordinal()
        self._end = date(self.last_year, 12, 31).toordinal()
        workdays: list[int] = []
        count_upto: list[int] = []
        for ordinal in range(self._base, self._end + 1):
            if self._kind(date.fromordinal(ordinal)) in (DayKind.WORKING, DayKind.MAKEUP):
                workdays.append(ordinal)
            count_upto.append(len(workdays))
        self._workdays = workdays
        # _count_upto[i] = number of working days on or before base + i.
        self._count_upto = count_upto

    # --- days -------------------------------------------------------------------------------

    def _kind(self, day: date) -> DayKind:
        if day in self.makeup_days:
            return DayKind.MAKEUP
        if day in self.days_off:
            return DayKind.DAY_OFF
        return DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKING

    def _check(self, day: date) -> int:
        ordinal = day.toordinal()
        if not self._base <= ordinal <= self._end:
            raise CalendarRangeError(day, self.first_year, self.last_year)
        return ordinal

    def day_kind(self, day: date) -> DayKind:
        """Return why `day` is or is not a working day (CAL-5)."""
        self._check(day)
        return self._kind(day)

    def is_working_day(self, day: date) -> bool:
        """Return whether `day` is a working day (CAL-5)."""
        return self.day_kind(day) in (DayKind.WORKING, DayKind.MAKEUP)

    def working_days_between(self, after: date, until: date) -> int:
        """Return the number of working days in the interval (after, until]."""
        if until <= after:
            return 0
        return self._count_upto[self._check(until) - self._base] - self._count_upto[self._check(after) - self._base]

    def nth_working_day_after(self, day: date, n: int) -> date:
        """Return the n-th working day after `day` (n ≥ 1; `day` itself is never counted)."""
        index = self._count_upto[self._check(day) - self._base] + n - 1
        if index >= len(self._workdays):
            raise CalendarRangeError(date(self.last_year + 1, 1, 1), self.first_year, self.last_year)
        return date.fromordinal(self._workdays[index])

    def next_working_day_from(self, day: date) -> date:
        """Return `day` if it is a working day, else the next working day."""
        index = bisect_right(self._workdays, self._check(day) - 1)
        if index >= len(self._workdays):
            raise CalendarRangeError(date(self.last_year + 1, 1, 1), self.first_year, self.last_year)
        return date.fromordinal(self._workdays[index])

    # --- instants ---------------------------------------------------------------------------

    def local(self, moment: datetime) -> datetime:
        """Return `moment` in the calendar's time zone; naive datetimes are refused (rule 7)."""
        if moment.tzinfo is None:
            raise CalendarError("Thời điểm thiếu múi giờ / naive datetime")
        return moment.astimezone(self.tz)

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz)

    def next_opening(self, moment: datetime) -> datetime:
        """Return `moment` if the office is open then, else the next opening instant (CAL-10)."""
        local = self.local(moment)
        day = local.date()
        if self.is_working_day(day):
            today = self.hours.next_opening_today(local.time().replace(tzinfo=None))
            if today is not None:
                return local if today == local.time() else self._at(day, today)
        return self._at(self.nth_working_day_after(day, 1), self.hours.opening)

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Return the office minutes on working days between two instants (0 if end ≤ start)."""
        a, b = self.local(start), self.local(end)
        if b <= a:
            return 0
        per_day = self.hours.minutes_per_day

        def before(moment: datetime) -> int:
            # office minutes of all working days strictly before moment's date, plus moment's day so far
            day = moment.date()
            full = self._count_upto[self._check(day) - self._base] - (1 if self.is_working_day(day) else 0)
            today = self.hours.minutes_before(moment.time()) if self.is_working_day(day) else 0
            return full * per_day + today

        return before(b) - before(a)

    # --- appointment rules (APPT-1 … APPT-5) -----------------------------------------------

    def appointment(
        self, accepted: datetime, amount: int, unit: TimeUnit | str, *, explain: bool = False
    ) -> Appointment:
        """Return the appointment for a dossier accepted at `accepted` with limit `amount` `unit`."""
        unit = _parse_unit(unit)
        _check_amount(amount, unit)
        start = self.next_opening(accepted)
        rule = {
            TimeUnit.WORKING_DAYS: self._working_days,
            TimeUnit.DAYS: self._days,
            TimeUnit.SAME_DAY: self._same_day,
            TimeUnit.HOURS: self._hours,
            TimeUnit.MONTHS: self._months,
        }[unit]
        at, trace = rule(start, amount, explain)
        if explain and start != self.local(accepted):
            trace = (TraceStep(self.local(accepted).date(), self._kind(start.date()), note="moved_to_opening"), *trace)
        return Appointment(at=at, start=start, trace=tuple(trace))

    def add_working_days(self, start: datetime, amount: int) -> datetime:
        """Return `start` (inside office hours, local) plus `amount` working days at the same clock time."""
        day = self.nth_working_day_after(start.date(), amount)
        return datetime.combine(day, start.timetz())

    def _working_days(self, start: datetime, amount: int, explain: bool) -> tuple[datetime, list[TraceStep]]:
        at = self.add_working_days(start, amount)
        return at, self._day_trace(start.date(), at.date()) if explain else []

    def _days(self, start: datetime, amount: int, explain: bool) -> tuple[datetime, list[TraceStep]]:
        last = start.date() + timedelta(days=amount)
        due = self.next_working_day_from(last)
        trace = self._day_trace(start.date(), due, count_all=True) if explain else []
        return self._at(due, self.hours.closing), trace

    def _same_day(self, start: datetime, amount: int, explain: bool) -> tuple[datetime, list[TraceStep]]:
        day = start.date()
        if start.time().replace(tzinfo=None) <= self.same_day_cutoff:
            trace = [TraceStep(day, self._kind(day), counted=1, note="before_cutoff")]
            return self._at(day, self.hours.closing), trace if explain else []
        due = self.nth_working_day_after(day, 1)
        trace = [TraceStep(day, self._kind(day), note="after_cutoff"), *self._day_trace(day, due)[:]]
        return self._at(due, self.hours.closing), trace if explain else []

    def _hours(self, start: datetime, amount: int, explain: bool) -> tuple[datetime, list[TraceStep]]:
        remaining = amount * 60
        day = start.date()
        used_today = self.hours.minutes_before(start.time().replace(tzinfo=None))
        per_day = self.hours.minutes_per_day
        trace: list[TraceStep] = []
        counted = 0
        while True:
            available = per_day - used_today
            if remaining <= available:
                at = self._at(day, self.hours.clock_at(used_today + remaining))
                if explain:
                    trace.append(TraceStep(day, self._kind(day), counted=amount, note=f"{remaining}min"))
                return at, trace
            remaining -= available
            counted += available
            if explain:
                trace.append(TraceStep(day, self._kind(day), counted=counted // 60, note=f"{available}min"))
            next_day = self.nth_working_day_after(day, 1)
            if explain:
                trace.extend(self._day_trace(day, next_day)[:-1])
            day, used_today = next_day, 0

    def _months(self, start: datetime, amount: int, explain: bool) -> tuple[datetime, list[TraceStep]]:
        first = start.date()
        month_index = first.month - 1 + amount
        year, month = first.year + month_index // 12, month_index % 12 + 1
        last = date(year, month, min(first.day, _gregorian.monthrange(year, month)[1]))
        due = self.next_working_day_from(last)
        trace: list[TraceStep] = []
        if explain:
            trace.append(TraceStep(last, self._kind(last), counted=amount, note="same_day_of_month"))
            trace.extend(self._day_trace(last, due, count_all=True)[:])
        return self._at(due, self.hours.closing), trace

    def _day_trace(self, after: date, until: date, *, count_all: bool = False) -> list[TraceStep]:
        """Return a trace step for every day in (after, until]."""
        steps: list[TraceStep] = []
        counted = 0
        day = after
        while day < until:
            day += timedelta(days=1)
            kind = self.day_kind(day)
            works = kind in (DayKind.WORKING, DayKind.MAKEUP)
            if works or count_all:
                counted += 1
            name = self.makeup_days.get(day, "") or self.days_off.get(day, "")
            steps.append(TraceStep(day, kind, counted if (works or count_all) else None, name))
        return steps

    # --- supplements (DOMAIN.md §4.5 #7a/#7b, SUP-3) ---------------------------------------

    def resume_working_days(
        self, accepted: datetime, amount: int, paused_on: date, resumed_at: datetime, *, restart: bool
    ) -> datetime:
        """Return the new appointment after a supplement under `pause` or `restart`.

        The request day counts as used; the supplement day does not; counting resumes the next
        day. Under `pause` the clock time stays the acceptance time, under `restart` it becomes
        the supplement receipt time (DOMAIN.md §4.5).
        """
        start = self.local(accepted)
        resumed = self.local(resumed_at)
        if restart:
            return self.add_working_days(resumed, amount)
        used = self.working_days_between(start.date(), paused_on)
        remaining = max(amount - used, 0)
        if remaining == 0:
            return datetime.combine(resumed.date(), start.timetz())
        return datetime.combine(self.nth_working_day_after(resumed.date(), remaining), start.timetz())


def _parse_unit(unit: TimeUnit | str) -> TimeUnit:
    try:
        return TimeUnit(unit)
    except ValueError:
        choices = ", ".join(u.value for u in TimeUnit)
        raise CalendarError(f"Đơn vị thời gian không hợp lệ: {unit!r} (chọn {choices}) / unknown time unit") from None


def _check_amount(amount: int, unit: TimeUnit) -> None:
    low = 0 if unit is TimeUnit.SAME_DAY else 1
    if not low <= amount <= MAX_AMOUNT[unit]:
        raise CalendarError(
            f"Thời hạn {amount} {unit.value} không hợp lệ: phải từ {low} đến {MAX_AMOUNT[unit]} / "
            f"amount {amount} {unit.value} is out of range {low}–{MAX_AMOUNT[unit]}"
        )
