"""A hand-written calendar of DOMAIN.md §4.1–4.2 for 2024–2026, and cases both calendars must agree on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from motcua.workdays.arith import VIETNAM, Calendar, OfficeHours


def _span(first: date, last: date, name: str) -> dict[date, str]:
    days = (first + timedelta(days=i) for i in range((last - first).days + 1))
    return {day: name for day in days if day.weekday() < 5}  # weekends inside a break are plain weekends


# Days off on weekdays, as §4.2 lists them (and §4.1 for the fixed holidays).
DAYS_OFF: dict[date, str] = {
    date(2024, 1, 1): "Tết Dương lịch",
    **_span(date(2024, 2, 8), date(2024, 2, 14), "Tết Nguyên Đán"),
    date(2024, 4, 18): "Giỗ Tổ Hùng Vương",
    date(2024, 4, 29): "Nghỉ hoán đổi cho ngày 04/05/2024",
    date(2024, 4, 30): "Ngày Chiến thắng",
    date(2024, 5, 1): "Ngày Quốc tế Lao động",
    date(2024, 9, 2): "Quốc khánh",
    date(2024, 9, 3): "Quốc khánh",
    date(2025, 1, 1): "Tết Dương lịch",
    **_span(date(2025, 1, 25), date(2025, 2, 2), "Tết Nguyên Đán"),
    date(2025, 4, 7): "Giỗ Tổ Hùng Vương",
    date(2025, 4, 30): "Ngày Chiến thắng",
    date(2025, 5, 1): "Ngày Quốc tế Lao động",
    date(2025, 5, 2): "Nghỉ hoán đổi cho ngày 26/04/2025",
    date(2025, 9, 1): "Quốc khánh",
    date(2025, 9, 2): "Quốc khánh",
    date(2026, 1, 1): "Tết Dương lịch",
    date(2026, 1, 2): "Nghỉ hoán đổi Tết Dương lịch",
    **_span(date(2026, 2, 14), date(2026, 2, 22), "Tết Nguyên Đán"),
    date(2026, 4, 27): "Giỗ Tổ Hùng Vương (nghỉ bù)",
    date(2026, 4, 30): "Ngày Chiến thắng",
    date(2026, 5, 1): "Ngày Quốc tế Lao động",
    date(2026, 9, 1): "Quốc khánh",
    date(2026, 9, 2): "Quốc khánh",
}

MAKEUP_DAYS: dict[date, str] = {
    date(2024, 5, 4): "Làm bù cho ngày 29/04/2024",
    date(2025, 4, 26): "Làm bù cho ngày 02/05/2025",
    date(2026, 1, 10): "Làm bù cho ngày 02/01/2026",
}


def domain_calendar(*, first_year: int = 2024, last_year: int = 2026, hours: OfficeHours | None = None) -> Calendar:
    """Return the calendar of DOMAIN.md §4.2 with default (or the given) office hours."""
    if hours is None:
        return Calendar(first_year, last_year, DAYS_OFF, MAKEUP_DAYS)
    return Calendar(first_year, last_year, DAYS_OFF, MAKEUP_DAYS, hours=hours)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """Return a Vietnam-time instant."""
    return datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM)


@dataclass(frozen=True)
class Case:
    """An appointment both the hand calendar and the published one must compute."""

    id: str
    accepted: datetime
    amount: int
    unit: str
    expected: datetime


CLOSING = time(17, 0)

# DOMAIN.md §4.5 worked examples #1, #3, #6 and #7 (#7a/#7b are supplements, tested separately).
WORKED_EXAMPLES = [
    Case("#1 make-up Saturday, 30/4-1/5 and swapped 2/5", at(2025, 4, 24, 10), 10, "working_days", at(2025, 5, 12, 10)),
    Case("#3 same day after 15:00", at(2026, 1, 8, 15, 20), 1, "same_day", at(2026, 1, 9, 17)),
    Case("#6 National Day 2025", at(2025, 8, 28, 9), 3, "working_days", at(2025, 9, 4, 9)),
    Case("#7 plain count", at(2025, 3, 3, 9), 10, "working_days", at(2025, 3, 17, 9)),
]

RULE_CASES = [
    Case("same_day exactly at the 15:00:00 cut-off", at(2025, 3, 5, 15), 1, "same_day", at(2025, 3, 5, 17)),
    Case("same_day one second after the cut-off", at(2025, 3, 5, 15, 0, 1), 1, "same_day", at(2025, 3, 6, 17)),
    Case("same_day after the cut-off on a Friday", at(2025, 3, 7, 16), 1, "same_day", at(2025, 3, 10, 17)),
    Case("days landing on a Sunday roll to Monday", at(2025, 4, 24, 10), 3, "days", at(2025, 4, 28, 17)),
    Case("days landing on 30/4 roll past the break", at(2025, 4, 28, 10), 2, "days", at(2025, 5, 5, 17)),
    Case("days landing on a working day", at(2025, 3, 3, 9), 10, "days", at(2025, 3, 13, 17)),
    Case("months: 31 January to 29 February", at(2024, 1, 31, 9), 1, "months", at(2024, 2, 29, 17)),
    Case("months: 31 December to end of February, a Saturday", at(2025, 12, 31, 9), 2, "months", at(2026, 3, 2, 17)),
    Case("months: 31 March to 30 April, a holiday", at(2026, 3, 31, 9), 1, "months", at(2026, 5, 4, 17)),
    Case("hours crossing the lunch break", at(2025, 3, 3, 10, 30), 2, "hours", at(2025, 3, 3, 14)),
    Case("hours ending at the end of the morning", at(2025, 3, 3, 9, 30), 2, "hours", at(2025, 3, 3, 11, 30)),
    Case("hours crossing the weekend", at(2025, 3, 7, 16), 2, "hours", at(2025, 3, 10, 8, 30)),
    Case("hours keep the seconds", at(2025, 3, 7, 10, 0, 30), 8, "hours", at(2025, 3, 10, 10, 0, 30)),
    Case("hours over Tết 2026", at(2026, 2, 13, 15), 4, "hours", at(2026, 2, 23, 9, 30)),
    Case("accepted on a Saturday", at(2025, 3, 8, 9), 1, "working_days", at(2025, 3, 11, 7, 30)),
    Case("accepted in the lunch break", at(2025, 3, 3, 12), 1, "working_days", at(2025, 3, 4, 13)),
    Case("accepted at 18:00", at(2025, 3, 3, 18), 1, "working_days", at(2025, 3, 5, 7, 30)),
    Case("accepted on a Saturday, same day", at(2025, 3, 8, 9), 1, "same_day", at(2025, 3, 10, 17)),
    Case("year boundary with the 2/1/2026 swap", at(2025, 12, 30, 10), 5, "working_days", at(2026, 1, 8, 10)),
    Case("year boundary with the 10/1/2026 make-up day", at(2025, 12, 30, 10), 7, "working_days", at(2026, 1, 10, 10)),
    Case("year boundary past the make-up day", at(2025, 12, 30, 10), 10, "working_days", at(2026, 1, 14, 10)),
    Case("Tết 2026 skips 16-20/2", at(2026, 2, 13, 10), 5, "working_days", at(2026, 2, 27, 10)),
    Case("Tết 2025", at(2025, 1, 24, 9), 1, "working_days", at(2025, 2, 3, 9)),
]


def case_id(case: Case) -> str:
    """Return the test id of a case."""
    return case.id
