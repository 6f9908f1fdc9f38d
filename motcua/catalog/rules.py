"""Catalog rules that need no database: does an internal process fit the time limit (CAT-6)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from motcua.workdays.arith import TimeUnit

HOURS_PER_WORKING_DAY = Decimal(8)  # default office day, CAL-7


def limit_in_hours(amount: int | None, unit: str) -> Decimal | None:
    """Return an upper bound, in working hours, of a time limit; None when it has no bound."""
    unit = TimeUnit(unit)
    if unit is TimeUnit.SAME_DAY:
        return HOURS_PER_WORKING_DAY
    if amount is None:
        return None
    if unit is TimeUnit.HOURS:
        return Decimal(amount)
    if unit is TimeUnit.WORKING_DAYS:
        return Decimal(amount) * HOURS_PER_WORKING_DAY
    if unit is TimeUnit.DAYS:  # at most every calendar day is a working day
        return Decimal(amount) * HOURS_PER_WORKING_DAY
    return Decimal(amount) * 31 * HOURS_PER_WORKING_DAY  # months


def quota_in_hours(amount: Decimal, unit: str) -> Decimal:
    """Return a step quota in working hours."""
    return amount if unit == TimeUnit.HOURS else amount * HOURS_PER_WORKING_DAY


def steps_total_error(amount: int | None, unit: str, steps: Iterable[tuple[Decimal, str]]) -> str | None:
    """Return a message when the step quotas exceed the time limit, else None."""
    bound = limit_in_hours(amount, unit)
    total = sum((quota_in_hours(a, u) for a, u in steps), Decimal(0))
    if bound is not None and total > bound:
        return (
            f"Tổng thời gian các bước ({_fmt(total)} giờ làm việc) vượt thời hạn giải quyết ({_fmt(bound)} giờ) / "
            f"the step quotas ({_fmt(total)} h) exceed the time limit ({_fmt(bound)} h)"
        )
    return None


def _fmt(hours: Decimal) -> str:
    return f"{hours.normalize():f}"
