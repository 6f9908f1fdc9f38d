"""Appointments and step due times computed with the receiving unit's calendar (rule 4)."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal

from motcua.accounts.models import Unit
from motcua.accounts.selectors import unit_calendar
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.services.core import DossierError
from motcua.workdays.arith import Calendar, CalendarError, TimeUnit
from motcua.workdays.explain import appointment_explain


def time_limit_of(version: ProcedureVersion) -> tuple[int, str]:
    """Return the limit appointments use: the committed time when set, else the statutory one (CAT-7)."""
    if version.committed_amount and version.committed_unit:
        return version.committed_amount, version.committed_unit
    return version.time_limit_amount or 0, version.time_limit_unit


def calendar_of(unit: Unit, at: datetime) -> Calendar:
    """Return the receiving unit's calendar, turning calendar problems into a dossier error."""
    try:
        return unit_calendar(unit, on=at.date())
    except CalendarError as error:
        raise DossierError(str(error)) from None


def appointment_for(*, unit: Unit, accepted_at: datetime, amount: int, time_unit: str) -> tuple[datetime, list[str]]:
    """Return the appointment and its explanation for a dossier accepted at `accepted_at`."""
    calendar = calendar_of(unit, accepted_at)
    try:
        result = calendar.appointment(accepted_at, amount, time_unit, explain=True)
    except CalendarError as error:
        raise DossierError(str(error)) from None
    return result.at, appointment_explain(result, unit=time_unit, amount=amount)


def step_due(*, calendar: Calendar, start: datetime, amount: Decimal, quota_unit: str) -> datetime:
    """Return when a step started at `start` is due, counting its quota in whole office hours.

    A working-day quota is the unit's office hours per day times the amount (0.5 day = 4 hours
    with default hours); fractions of an hour round up, so a step is never due early.
    """
    per_day = Decimal(calendar.hours.minutes_per_day)
    minutes = amount * (60 if quota_unit == TimeUnit.HOURS else per_day)
    hours = max(1, math.ceil(minutes / 60))
    return calendar.appointment(start, hours, TimeUnit.HOURS).at
