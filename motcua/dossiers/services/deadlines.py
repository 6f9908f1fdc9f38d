"""Appointments and step due times computed with the receiving unit's calendar (rule 4)."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Unit
from motcua.accounts.selectors import unit_calendar
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier
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
        return unit_calendar(unit, on=timezone.localdate(at))  # office hours in force on the local date
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


def add_office_minutes(calendar: Calendar, start: datetime, minutes: int) -> datetime:
    """Return the instant `minutes` office minutes after `start` (counted from the next opening)."""
    hours = calendar.hours
    moment = calendar.next_opening(start)
    remaining = max(0, minutes) * 60
    if remaining == 0:
        return moment
    day, used = moment.date(), hours.seconds_before(moment.time())
    while True:
        taken = min(hours.seconds_per_day - used, remaining)
        remaining -= taken
        if remaining == 0:
            return datetime.combine(day, hours.clock_after(used + taken), tzinfo=calendar.tz)
        day, used = calendar.nth_working_day_after(day, 1), 0


def lead_time_limit(calendar: Calendar, appointment: datetime, working_days: int) -> datetime:
    """Return the instant `working_days` working days before `appointment`, at its clock time (APO-2)."""
    local = calendar.local(appointment)
    day = local.date()
    for _counted in range(working_days):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return datetime.combine(day, local.timetz())


def appointment_after_pause(
    *, dossier: Dossier, calendar: Calendar, paused_at: datetime, resumed_at: datetime, restart: bool
) -> datetime:
    """Return the legal appointment once a pause from `paused_at` ends at `resumed_at` (SUP-2, SUP-3).

    Under `pause` the time left at `paused_at` is counted again from the receipt: working days by
    DOMAIN.md §4.5 #7a (the request day is used, the receipt day is not), office minutes for hours,
    and a shift by the paused calendar days for days, months and same-day limits. Under `restart`
    the whole limit counts again from the receipt (#7b). A receipt outside office hours counts from
    the next opening (CAL-10).
    """
    amount, unit = dossier.time_limit_amount or 0, dossier.time_limit_unit
    old = calendar.local(dossier.appointment_at or resumed_at)
    paused = calendar.local(paused_at)
    try:
        resumed = calendar.next_opening(resumed_at)
        if unit == TimeUnit.WORKING_DAYS:
            accepted = calendar.local(dossier.accepted_at or paused_at)
            # The limit as stretched by earlier pauses, so a second pause credits the first one.
            stretched = calendar.working_days_between(accepted.date(), old.date()) if not restart else amount
            at = calendar.resume_working_days(accepted, stretched, paused.date(), resumed, restart=restart)
            if not restart and settings.DOSSIER_RESUMED_TIME == "receipt":
                at = datetime.combine(at.date(), resumed.timetz())
            return at
        if restart:
            return calendar.appointment(resumed, amount, unit).at
        if unit == TimeUnit.HOURS:
            return add_office_minutes(calendar, resumed, calendar.working_minutes_between(paused, old))
        shifted = old.date() + (resumed.date() - paused.date())
        return datetime.combine(calendar.next_working_day_from(shifted), calendar.hours.closing, tzinfo=calendar.tz)
    except CalendarError as error:
        raise DossierError(str(error)) from None


def pause_explanation(*, kind: str, paused_at: datetime, resumed_at: datetime, restart: bool, new: datetime) -> str:
    """Return the explanation line added to the dossier's appointment trace when a pause moves it."""
    rule = _("tính lại từ đầu") if restart else _("trừ thời gian tạm dừng")
    return _("%(kind)s: tạm dừng từ %(start)s đến %(end)s (%(rule)s); ngày hẹn mới %(new)s") % {
        "kind": kind,
        "start": f"{timezone.localtime(paused_at):%H:%M %d/%m/%Y}",
        "end": f"{timezone.localtime(resumed_at):%H:%M %d/%m/%Y}",
        "rule": rule,
        "new": f"{timezone.localtime(new):%H:%M %d/%m/%Y}",
    }
