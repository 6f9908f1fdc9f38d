"""Pure working-time arithmetic (DOMAIN.md §4): no database, no Django, typed and fast.

A `Calendar` is built once (by `workdays.selectors.calendar_for`) from the national holidays,
the stored overrides and the unit's office hours, for a contiguous range of published years.
Every date it answers about must fall inside that range; anything else raises
`CalendarRangeError` (CAL-6: never assume "no holidays").

Appointments follow APPT-1 … APPT-5. Each rule has a fast path that returns the instant only,
and an `explain=True` path that also returns a trace of every day counted or skipped and why.
The calendar precomputes, per day of its range, whether the day works and how many working
days lie on or before it, so counting N working days is two list look-ups whatever N is.
"""

from __future__ import annotations

import calendar as _gregorian
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple
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


WORKING_KINDS = frozenset({DayKind.WORKING, DayKind.MAKEUP})


class TraceNote(StrEnum):
    """What a rule did with the day of a trace step (rendered by `workdays.explain`)."""

    ACCEPTANCE_DAY = "acceptance_day"  # the first day of a period is not counted (Civil Code art. 147)
    MOVED_TO_OPENING = "moved_to_opening"  # accepted outside office hours (CAL-10)
    BEFORE_CUTOFF = "before_cutoff"
    AFTER_CUTOFF = "after_cutoff"
    SAME_DAY_OF_MONTH = "same_day_of_month"
    LAST_DAY_OF_MONTH = "last_day_of_month"  # the target month has no such day (APPT-5)
    ROLLED_FORWARD = "rolled_forward"  # past the end of the period, looking for a working day (art. 148)
    OFFICE_MINUTES = "office_minutes"  # `counted` holds the office minutes consumed so far (APPT-4)


@dataclass(frozen=True, slots=True)
class TraceStep:
    """One line of an explanation: a day (or instant) and what the rule did with it."""

    day: date
    kind: DayKind
    # Ordinal of a counted unit (1 = first working day, or first calendar day under `days`), None if
    # skipped; under `hours` (note OFFICE_MINUTES) the office minutes consumed up to the end of the step.
    counted: int | None = None
    name: str = ""  # holiday or make-up day name
    note: str = ""  # a TraceNote value, or "" for a plain day
    clock: time | None = None  # clock time the note refers to: acceptance, cut-off, start of counting


class Appointment(NamedTuple):
    """An appointment instant with the trace that explains it.

    A named tuple rather than a frozen dataclass: it is as immutable and four times cheaper to
    build, which matters when deadlines are recomputed in bulk.
    """

    at: datetime
    start: datetime  # acceptance, moved to the next opening if outside office hours
    trace: tuple[TraceStep, ...] = ()


def _second(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _minute(moment: time) -> int:
    return moment.hour * 60 + moment.minute


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Office periods of a working day, e.g. 07:30–11:30 and 13:00–17:00 (CAL-7)."""

    periods: tuple[tuple[time, time], ...]

    def __post_init__(self) -> None:
        if not self.periods:
            raise CalendarError("Giờ làm việc trống / office hours are empty")
        previous_end = time.min
        for start, end in self.periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise CalendarError("Giờ làm việc phải là giờ địa phương / office hours must be local clock times")
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

    @property
    def seconds_per_day(self) -> int:
        return sum(_second(end) - _second(start) for start, end in self.periods)

    def seconds_before(self, moment: time) -> int:
        """Return the office seconds of a working day that lie before `moment` (whole seconds)."""
        at = _second(moment)
        return sum(max(0, min(at, _second(end)) - _second(start)) for start, end in self.periods)

    def minutes_before(self, moment: time) -> int:
        """Return the whole office minutes of a working day that lie before `moment`."""
        return self.seconds_before(moment) // 60

    def is_open(self, moment: time) -> bool:
        return any(start <= moment < end for start, end in self.periods)

    def contains(self, moment: time) -> bool:
        """Return whether `moment` lies in a period, its end included (a deadline may fall at 11:30)."""
        return any(start <= moment <= end for start, end in self.periods)

    def next_opening_today(self, moment: time) -> time | None:
        """Return `moment` if open, else the next period start later that day, else None."""
        for start, end in self.periods:
            if moment < start:
                return start
            if moment < end:
                return moment
        return None

    def clock_after(self, seconds: int) -> time:
        """Return the clock time at which `seconds` office seconds of the day have elapsed (> 0)."""
        for start, end in self.periods:
            length = _second(end) - _second(start)
            if seconds <= length:
                total = _second(start) + seconds
                return time(total // 3600, total // 60 % 60, total % 60)
            seconds -= length
        return self.closing

    def clock_at(self, minutes: int) -> time:
        """Return the clock time at which `minutes` office minutes of the day have elapsed (> 0)."""
        return self.clock_after(minutes * 60)


DEFAULT_HOURS = OfficeHours(((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))))


@dataclass
class Calendar:
    """Working days and office hours for the published years `first_year`…`last_year`.

    Build it once and do not mutate it: the look-up tables are computed at construction.
    """

    first_year: int
    last_year: int
    days_off: Mapping[date, str] = field(default_factory=dict)
    makeup_days: Mapping[date, str] = field(default_factory=dict)
    hours: OfficeHours = DEFAULT_HOURS
    same_day_cutoff: time = time(15, 0)
    tz: ZoneInfo = VIETNAM
    _base: int = field(init=False, repr=False, compare=False)  # ordinal of 1 January of first_year
    _span: int = field(init=False, repr=False, compare=False)  # last ordinal - _base
    _working: bytes = field(init=False, repr=False, compare=False)  # 1 if base + i is a working day
    _workdays: list[int] = field(init=False, repr=False, compare=False)  # ordinals of the working days
    _count_upto: list[int] = field(init=False, repr=False, compare=False)  # working days on or before base + i
    _deltas: tuple[timedelta, ...] = field(init=False, repr=False, compare=False)  # timedelta(days=i)

    def __post_init__(self) -> None:
        if self.first_year > self.last_year:
            raise CalendarError("Không có năm nào được công bố / no published year")
        self._base = date(self.first_year, 1, 1).toordinal()
        self._span = date(self.last_year, 12, 31).toordinal() - self._base
        working = bytearray(self._span + 1)
        workdays: list[int] = []
        count_upto: list[int] = []
        for offset in range(self._span + 1):
            if self._kind(date.fromordinal(self._base + offset)) in WORKING_KINDS:
                working[offset] = 1
                workdays.append(self._base + offset)
            count_upto.append(len(workdays))
        self._working = bytes(working)
        self._workdays = workdays
        self._count_upto = count_upto
        self._deltas = tuple(timedelta(days=i) for i in range(self._span + 1))

    # --- days -------------------------------------------------------------------------------

    def _kind(self, day: date) -> DayKind:
        if day in self.makeup_days:
            return DayKind.MAKEUP
        if day in self.days_off:
            return DayKind.DAY_OFF
        return DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKING

    def _offset(self, day: date) -> int:
        offset = day.toordinal() - self._base
        if not 0 <= offset <= self._span:
            raise CalendarRangeError(day.date() if isinstance(day, datetime) else day, self.first_year, self.last_year)
        return offset

    def _beyond(self) -> CalendarRangeError:
        return CalendarRangeError(date(self.last_year + 1, 1, 1), self.first_year, self.last_year)

    def _workday(self, index: int) -> int:
        if index >= len(self._workdays):
            raise self._beyond()
        return self._workdays[index]

    def day_kind(self, day: date) -> DayKind:
        """Return why `day` is or is not a working day (CAL-5)."""
        self._offset(day)
        return self._kind(day)

    def day_name(self, day: date) -> str:
        """Return the name of the holiday or make-up day on `day`, or ""."""
        return self.makeup_days.get(day, "") or self.days_off.get(day, "")

    def is_working_day(self, day: date) -> bool:
        """Return whether `day` is a working day (CAL-5)."""
        return bool(self._working[self._offset(day)])

    def working_days_between(self, after: date, until: date) -> int:
        """Return the number of working days in the interval (after, until]."""
        if until <= after:
            return 0
        return self._count_upto[self._offset(until)] - self._count_upto[self._offset(after)]

    def nth_working_day_after(self, day: date, n: int) -> date:
        """Return the n-th working day after `day` (n ≥ 1; `day` itself is never counted)."""
        if n < 1:
            raise CalendarError(f"Số ngày làm việc phải từ 1 trở lên: {n} / the count must be at least 1")
        return date.fromordinal(self._workday(self._count_upto[self._offset(day)] + n - 1))

    def next_working_day_from(self, day: date) -> date:
        """Return `day` if it is a working day, else the next working day."""
        offset = self._offset(day)
        if self._working[offset]:
            return day
        return date.fromordinal(self._workday(self._count_upto[offset]))

    # --- instants ---------------------------------------------------------------------------

    def local(self, moment: datetime) -> datetime:
        """Return `moment` in the calendar's time zone; naive datetimes are refused (rule 7)."""
        if moment.tzinfo is self.tz:
            return moment
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise CalendarError("Thời điểm thiếu múi giờ / naive datetime")
        return moment.astimezone(self.tz)

    def _at(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, tzinfo=self.tz)

    def next_opening(self, moment: datetime) -> datetime:
        """Return `moment` if the office is open then, else the next opening instant (CAL-10)."""
        local = self.local(moment)
        offset = self._offset(local)
        if self._working[offset]:
            clock = local.time()
            for start, end in self.hours.periods:
                if clock < start:
                    return self._at(local.date(), start)
                if clock < end:
                    return local
        return self._at(date.fromordinal(self._workday(self._count_upto[offset])), self.hours.opening)

    def is_working_instant(self, moment: datetime) -> bool:
        """Return whether `moment` is on a working day inside an office period (ends included)."""
        local = self.local(moment)
        return self.is_working_day(local.date()) and self.hours.contains(local.time())

    def _office_seconds_until(self, moment: datetime) -> int:
        # Office seconds of every working day from the calendar's start up to `moment`.
        offset = self._offset(moment)
        working = self._working[offset]
        today = self.hours.seconds_before(moment.time()) if working else 0
        return (self._count_upto[offset] - working) * self.hours.seconds_per_day + today

    def working_minutes_between(self, start: datetime, end: datetime) -> int:
        """Return the whole office minutes on working days between two instants (0 if end ≤ start)."""
        a, b = self.local(start), self.local(end)
        if b <= a:
            return 0
        return (self._office_seconds_until(b) - self._office_seconds_until(a)) // 60

    # --- appointment rules (APPT-1 … APPT-5) -----------------------------------------------

    def appointment(
        self, accepted: datetime, amount: int, unit: TimeUnit | str, *, explain: bool = False
    ) -> Appointment:
        """Return the appointment for a dossier accepted at `accepted` with limit `amount` `unit`."""
        if not isinstance(unit, TimeUnit):
            unit = parse_time_unit(unit)
        check_amount(amount, unit)
        local = self.local(accepted)
        start = self.next_opening(local)
        if unit is TimeUnit.WORKING_DAYS and not explain:
            return Appointment(at=self.add_working_days(start, amount), start=start)  # the bulk path
        if unit is TimeUnit.WORKING_DAYS:
            at, trace = self._working_days(start, amount)
        elif unit is TimeUnit.DAYS:
            at, trace = self._days(start, amount, explain)
        elif unit is TimeUnit.SAME_DAY:
            at, trace = self._same_day(start, explain)
        elif unit is TimeUnit.HOURS:
            at, trace = self._hours(start, amount, explain)
        else:
            at, trace = self._months(start, amount, explain)
        if not explain:
            return Appointment(at=at, start=start)
        if start != local:
            moved = TraceStep(
                local.date(), self._kind(local.date()), note=TraceNote.MOVED_TO_OPENING, clock=local.time()
            )
            trace.insert(0, moved)
        return Appointment(at=at, start=start, trace=tuple(trace))

    def add_working_days(self, start: datetime, amount: int) -> datetime:
        """Return `start` plus `amount` (≥ 1) working days at the same clock time (APPT-1)."""
        if start.tzinfo is not self.tz:
            start = self.local(start)
        ordinal = start.toordinal()
        offset = ordinal - self._base
        if amount < 1 or not 0 <= offset <= self._span:
            self._offset(start)
            raise CalendarError(f"Số ngày làm việc phải từ 1 trở lên: {amount} / the count must be at least 1")
        try:
            target = self._workdays[self._count_upto[offset] + amount - 1]
        except IndexError:
            raise self._beyond() from None
        # Adding days to an aware datetime keeps its wall-clock time, which is what APPT-1 wants.
        return start + self._deltas[target - ordinal]

    def _start_step(self, start: datetime) -> TraceStep:
        day = start.date()
        return TraceStep(day, self._kind(day), note=TraceNote.ACCEPTANCE_DAY, clock=start.time())

    def _working_days(self, start: datetime, amount: int) -> tuple[datetime, list[TraceStep]]:
        at = self.add_working_days(start, amount)
        return at, [self._start_step(start), *self._day_trace(start.date(), at.date())]

    def _days(self, start: datetime, amount: int, explain: bool) -> tuple[datetime, list[TraceStep]]:
        last = start.date() + timedelta(days=amount)
        due = self.next_working_day_from(last)
        trace: list[TraceStep] = []
        if explain:
            trace = [self._start_step(start), *self._day_trace(start.date(), last, count_all=True)]
            trace.extend(self._day_trace(last, due, note=TraceNote.ROLLED_FORWARD))
        return self._at(due, self.hours.closing), trace

    def _same_day(self, start: datetime, explain: bool) -> tuple[datetime, list[TraceStep]]:
        day = start.date()
        cutoff = self.same_day_cutoff
        if start.time() <= cutoff:
            due = day
            trace = [TraceStep(day, self._kind(day), counted=1, note=TraceNote.BEFORE_CUTOFF, clock=cutoff)]
        else:
            due = self.nth_working_day_after(day, 1)
            trace = [TraceStep(day, self._kind(day), note=TraceNote.AFTER_CUTOFF, clock=cutoff)]
            trace.extend(self._day_trace(day, due) if explain else ())
        return self._at(due, self.hours.closing), trace if explain else []

    def _hours(self, start: datetime, amount: int, explain: bool) -> tuple[datetime, list[TraceStep]]:
        hours = self.hours
        remaining = amount * 3600
        day, used, clock = start.date(), hours.seconds_before(start.time()), start.time()
        consumed = 0
        trace: list[TraceStep] = []
        while True:
            taken = min(hours.seconds_per_day - used, remaining)
            consumed += taken
            remaining -= taken
            if explain:
                note = TraceNote.OFFICE_MINUTES
                trace.append(TraceStep(day, self._kind(day), counted=consumed // 60, note=note, clock=clock))
            if remaining == 0:
                return self._at(day, hours.clock_after(used + taken)), trace
            next_day = self.nth_working_day_after(day, 1)
            if explain:
                trace.extend(self._day_trace(day, next_day)[:-1])
            day, used, clock = next_day, 0, hours.opening

    def _months(self, start: datetime, amount: int, explain: bool) -> tuple[datetime, list[TraceStep]]:
        first = start.date()
        month_index = first.month - 1 + amount
        year, month = first.year + month_index // 12, month_index % 12 + 1
        month_days = _gregorian.monthrange(year, month)[1]
        last = date(year, month, min(first.day, month_days))
        due = self.next_working_day_from(last)
        trace: list[TraceStep] = []
        if explain:
            note = TraceNote.SAME_DAY_OF_MONTH if first.day <= month_days else TraceNote.LAST_DAY_OF_MONTH
            trace = [self._start_step(start), TraceStep(last, self._kind(last), amount, self.day_name(last), note)]
            trace.extend(self._day_trace(last, due, note=TraceNote.ROLLED_FORWARD))
        return self._at(due, self.hours.closing), trace

    def _day_trace(self, after: date, until: date, *, count_all: bool = False, note: str = "") -> list[TraceStep]:
        """Return a trace step for every day in (after, until], numbering working (or all) days."""
        steps: list[TraceStep] = []
        counted = 0
        day = after
        while day < until:
            day += timedelta(days=1)
            kind = self.day_kind(day)
            number: int | None = None
            if not note and (count_all or kind in WORKING_KINDS):
                counted += 1
                number = counted
            steps.append(TraceStep(day, kind, number, self.day_name(day), note))
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
        remaining = amount - self.working_days_between(start.date(), paused_on)
        if remaining <= 0:
            return datetime.combine(resumed.date(), start.timetz())
        return datetime.combine(self.nth_working_day_after(resumed.date(), remaining), start.timetz())


def parse_time_unit(unit: TimeUnit | str) -> TimeUnit:
    """Return `unit` as a TimeUnit; an unknown unit raises CalendarError."""
    if isinstance(unit, TimeUnit):
        return unit
    try:
        return TimeUnit(unit)
    except ValueError:
        choices = ", ".join(u.value for u in TimeUnit)
        raise CalendarError(f"Đơn vị thời gian không hợp lệ: {unit!r} (chọn {choices}) / unknown time unit") from None


def check_amount(amount: int, unit: TimeUnit) -> None:
    """Refuse a negative, absurd or non-integer amount for `unit` with CalendarError."""
    if type(amount) is not int:  # bool is an int subclass, and True days is a typing mistake
        raise CalendarError(f"Thời hạn phải là số nguyên: {amount!r} / the amount must be an integer")
    low = 0 if unit is TimeUnit.SAME_DAY else 1
    if not low <= amount <= MAX_AMOUNT[unit]:
        raise CalendarError(
            f"Thời hạn {amount} {unit.value} không hợp lệ: phải từ {low} đến {MAX_AMOUNT[unit]} / "
            f"amount {amount} {unit.value} is out of range {low}–{MAX_AMOUNT[unit]}"
        )
