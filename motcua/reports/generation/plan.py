"""Plan one synthetic dossier as a list of timed actions."""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings

from motcua.catalog.models import ClockRule, QuotaUnit, Subjects
from motcua.dossiers.models import (
    Dossier,
)
from motcua.dossiers.services.core import new_lookup_secret
from motcua.dossiers.services.deadlines import (
    appointment_after_pause,
    lead_time_limit,
)
from motcua.dossiers.states import ApplicantKind, Channel, Outcome, State
from motcua.reports.generation.world import (
    APOLOGY_REASONS,
    FAMILY,
    FAMILY_WEIGHTS,
    FIRM_KINDS,
    FIRM_WORDS,
    GIVEN,
    MIDDLE,
    MISSING,
    ONLINE_HOURS,
    RECEPTION_REFUSALS,
    STOPS,
    WITHDRAWALS,
    DayPools,
    Desk,
    GenerationMix,
    Offer,
    World,
    _offer_pool,
)
from motcua.workdays.arith import Calendar, TimeUnit
from motcua.workdays.arith import OfficeHours as OfficeHoursPeriods

# --- planning one dossier --------------------------------------------------------------------

Action = tuple[datetime, int, str, dict[str, Any]]  # (at, rank among actions at the same instant, kind, payload)
RANKS = {
    kind: rank
    for rank, kind in enumerate(
        (
            "submitted",
            "refused",
            "accepted",
            "transferred",
            "supplement_received",
            "forwarded",
            "apology_drafted",
            "apology_approved",
            "supplement_requested",
            "withdrawal_requested",
            "stopped",
            "decided",
            "delivered",
        )
    )
}


def _act(at: datetime, kind: str, **payload: Any) -> Action:
    return (at, RANKS[kind], kind, payload)


@dataclass(slots=True)
class Draft:
    """A dossier with the timed actions of its life, before any code is issued."""

    dossier: Dossier
    desk: Desk
    offer: Offer
    day: date  # of submission: the day of its code
    actions: list[Action]


@functools.cache
def _office_day(hours: OfficeHoursPeriods) -> tuple[int, tuple[tuple[int, int], ...]]:
    """Return the office seconds of a working day and the periods in seconds since midnight (cached)."""

    def second(moment: time) -> int:
        return moment.hour * 3600 + moment.minute * 60 + moment.second

    periods = tuple((second(begin), second(end)) for begin, end in hours.periods)
    return hours.seconds_per_day, periods


def _office_after(calendar: Calendar, start: datetime, minutes: int) -> datetime:
    """Return the instant `minutes` office minutes after the next opening from `start`, in constant time.

    Places planned actions and step due times; the pause rules use `deadlines.add_office_minutes`.
    """
    moment = calendar.next_opening(start)
    if minutes <= 0:
        return moment
    hours = calendar.hours
    per_day, periods = _office_day(hours)
    clock = moment.hour * 3600 + moment.minute * 60 + moment.second
    before = sum(max(0, min(clock, end) - begin) for begin, end in periods)  # OfficeHours.seconds_before
    days, seconds = divmod(before + minutes * 60, per_day)
    if seconds == 0:  # exactly at a closing time: that day, not the next opening
        days, seconds = days - 1, per_day
    day = calendar.nth_working_day_after(moment.date(), days) if days else moment.date()
    return datetime.combine(day, hours.clock_after(seconds), tzinfo=calendar.tz)


def step_due_fast(*, calendar: Calendar, start: datetime, amount: Decimal, quota_unit: str) -> datetime:
    """Return what `services.deadlines.step_due` returns, in constant time instead of a loop over the days.

    Same rule: the quota in whole office hours (fractions round up, at least one) counted from the
    next opening. Unlike `step_due` it also takes quotas over 400 office hours (50 working days),
    which the catalog has (a 56-day step) and on which `step_due` raises.
    """
    per_day = Decimal(calendar.hours.minutes_per_day)
    minutes = amount * (60 if quota_unit == TimeUnit.HOURS else per_day)
    return _office_after(calendar, start, max(1, math.ceil(minutes / 60)) * 60)


def _at_office(calendar: Calendar, day: date, seconds: int) -> datetime:
    return datetime.combine(day, calendar.hours.clock_after(seconds), tzinfo=calendar.tz)


def _office_instant(calendar: Calendar, day: date, rng: random.Random, skew: float = 1.0) -> tuple[datetime, int]:
    """Return a random instant of `day`'s office hours and its office seconds since opening."""
    seconds = int(calendar.hours.seconds_per_day * rng.random() ** skew)
    return _at_office(calendar, day, seconds), seconds


def _between(calendar: Calendar, start: datetime, end: datetime, rng: random.Random, bias: float = 1.0) -> datetime:
    """Return a random office instant from `start` to `end`; a bias below 1 leans towards `end`."""
    minutes = calendar.working_minutes_between(start, end)
    if minutes <= 0:
        return start
    return _office_after(calendar, start, int(minutes * rng.random() ** bias))


def _previous_closing(calendar: Calendar, day: date) -> datetime:
    """Return the closing time of the last working day before `day`."""
    day -= timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, calendar.hours.closing, tzinfo=calendar.tz)


def _reception(calendar: Calendar, day: date, channel: int, rng: random.Random) -> tuple[datetime, datetime]:
    """Return when the dossier is submitted and when reception accepts (or refuses) it."""
    if channel == Channel.ONLINE:
        hour = bisect.bisect_right(ONLINE_HOURS, rng.random() * ONLINE_HOURS[-1])
        submitted = datetime.combine(day, datetime.min.time(), tzinfo=calendar.tz) + timedelta(
            hours=hour, seconds=rng.randrange(3600)
        )
        return submitted, _office_after(calendar, submitted, rng.randint(5, 540))
    received, seconds = _office_instant(calendar, day, rng, skew=1.2)
    if channel == Channel.POSTAL:
        return received, _office_after(calendar, received, rng.randint(10, 480))
    # At the counter the officer registers and accepts in one sitting.
    return _at_office(calendar, day, max(0, seconds - rng.randint(60, 1200))), received


def _dossier(desk: Desk, offer: Offer, channel: int, submitted: datetime, rng: random.Random) -> Dossier:
    """Return the submitted dossier with a made-up applicant (ID numbers start with 000: no real person's)."""
    version = offer.version
    organisation = version.subjects == Subjects.ORGANISATION or (
        version.subjects == Subjects.BOTH and rng.random() < 0.15
    )
    if organisation:
        name = f"{rng.choice(FIRM_KINDS)} {rng.choice(FIRM_WORDS)} {rng.choice(FIRM_WORDS)}"
        id_number = f"00{rng.randrange(10**8):08d}"
    else:
        female = rng.random() < 0.5
        family = rng.choices(FAMILY, cum_weights=FAMILY_WEIGHTS)[0]
        name = f"{family} {rng.choice(MIDDLE[female])} {rng.choice(GIVEN[female])}"
        id_number = f"000{rng.randrange(10**9):09d}"
    return Dossier(
        procedure_version=version,
        reception_point=desk.unit,
        receiving_unit=desk.unit,
        competent_agency=version.competent_unit,
        channel=channel,
        applicant_kind=ApplicantKind.ORGANISATION if organisation else ApplicantKind.PERSON,
        applicant_name=name,
        applicant_id_number=id_number,
        applicant_phone=f"09{rng.randrange(10**8):08d}",
        applicant_address=f"Số {rng.randint(1, 199)}, tổ dân phố {rng.randint(1, 30)}, {rng.choice(desk.localities)}",
        state=State.SUBMITTED,
        submitted_at=submitted,
        lookup_secret=new_lookup_secret(),  # a capability, so never derived from the seed
    )


def _draft(world: World, day: date, channel: int, desk: Desk, in_force: tuple[int, ...], rng: random.Random) -> Draft:
    """Plan one dossier submitted on `day` at `desk` through `channel`."""
    offers, weights = _offer_pool(world, desk.level, channel, in_force)
    offer = rng.choices(offers, cum_weights=weights)[0]
    calendar = world.book.calendar(desk.unit, day)
    submitted, received = _reception(calendar, day, channel, rng)
    dossier = _dossier(desk, offer, channel, submitted, rng)
    actions = [_act(submitted, "submitted")]
    if rng.random() < world.mix.refused:
        actions.append(_act(received, "refused", reasons=[rng.choice(RECEPTION_REFUSALS)]))
    else:
        actions.extend(_processing(world, desk, offer, received, rng))
    actions.sort(key=lambda action: (action[0], action[1]))
    return Draft(dossier, desk, offer, day, actions)


def _processing(world: World, desk: Desk, offer: Offer, accepted: datetime, rng: random.Random) -> list[Action]:
    """Plan everything after acceptance: transfer, steps, a pause, an apology, the end."""
    calendar = world.book.calendar(desk.unit, accepted.date())
    appointment = calendar.appointment(accepted, offer.amount, offer.time_unit).at
    actions = [_act(accepted, "accepted", appointment=appointment)]
    if offer.version.handled_at_counter:  # CAT-4: decided at the counter, without a transfer
        return [*actions, *_closing(world, calendar, _office_after(calendar, accepted, rng.randint(5, 45)), rng)]
    transferred = _office_after(calendar, accepted, rng.randint(5, 120))
    actions.append(_act(transferred, "transferred"))
    pause, appointment = _pause(world, desk, offer, accepted, transferred, appointment, rng)
    active_from = pause[1] if pause else transferred
    end = _end(world.mix, calendar, active_from, appointment, rng)
    actions.extend(_forwards(calendar, offer, transferred, pause, end, rng))
    if pause:
        missing = rng.sample(MISSING, rng.randint(1, 2))
        actions.append(_act(pause[0], "supplement_requested", missing=missing))
        actions.append(_act(pause[1], "supplement_received"))
    late = calendar.local(end).date() > calendar.local(appointment).date()
    if late and rng.random() < world.mix.apology:
        actions.extend(_apology(calendar, active_from, appointment, end, rng))
    actions.extend(_closing(world, calendar, end, rng))
    if rng.random() < world.mix.stopped:
        actions = _stop(calendar, actions, transferred, pause, end, rng)
    return actions


def _pause(
    world: World,
    desk: Desk,
    offer: Offer,
    accepted: datetime,
    transferred: datetime,
    appointment: datetime,
    rng: random.Random,
) -> tuple[tuple[datetime, datetime] | None, datetime]:
    """Return the supplement pause (request, receipt), if any, and the appointment it leads to."""
    calendar = world.book.calendar(desk.unit, accepted.date())
    minutes = calendar.working_minutes_between(transferred, appointment)
    if rng.random() >= world.mix.supplement or minutes < 30:
        return None, appointment
    paused = _office_after(calendar, transferred, max(1, int(minutes * rng.uniform(0.1, 0.7))))
    per_day = calendar.hours.minutes_per_day
    resumed = _office_after(calendar, paused, rng.randint(1, 10) * per_day + rng.randrange(per_day))
    probe = Dossier(
        accepted_at=accepted,
        appointment_at=appointment,
        time_limit_amount=offer.amount if offer.time_unit != TimeUnit.SAME_DAY else None,
        time_limit_unit=offer.time_unit,
    )
    moved = appointment_after_pause(
        dossier=probe,
        calendar=world.book.calendar(desk.unit, resumed.date()),
        paused_at=paused,
        resumed_at=resumed,
        restart=offer.version.clock_rule == ClockRule.RESTART,
    )
    return (paused, resumed), moved


def _end(
    mix: GenerationMix, calendar: Calendar, start: datetime, appointment: datetime, rng: random.Random
) -> datetime:
    """Return when processing ends: late, early or on the appointment day, by calendar dates (ST-2)."""
    due = calendar.local(appointment)
    draw = rng.random()
    if draw < mix.late:
        day = calendar.nth_working_day_after(due.date(), min(1 + int(rng.expovariate(0.7)), 15))
        return max(start, _office_instant(calendar, day, rng)[0])
    if draw < mix.late + mix.early:
        before = _previous_closing(calendar, due.date())
        if before > start:
            return _between(calendar, start, before, rng, bias=0.6)
    opening = datetime.combine(due.date(), calendar.hours.opening, tzinfo=calendar.tz)
    return _between(calendar, max(start, opening), max(start, due), rng)


def _forwards(
    calendar: Calendar,
    offer: Offer,
    start: datetime,
    pause: tuple[datetime, datetime] | None,
    end: datetime,
    rng: random.Random,
) -> list[Action]:
    """Return the forwards between process steps, spread over the active time in proportion to the quotas."""
    if len(offer.steps) < 2:
        return []
    per_day = calendar.hours.minutes_per_day
    quotas = [
        float(step.quota_amount) * (60 if step.quota_unit == QuotaUnit.HOURS else per_day) * rng.uniform(0.6, 1.4)
        for step in offer.steps
    ]
    before = calendar.working_minutes_between(start, pause[0] if pause else end)
    total = before + (calendar.working_minutes_between(pause[1], end) if pause else 0)
    whole = sum(quotas)
    actions = []
    for share in itertools.accumulate(quotas[:-1]):
        minutes = int(total * share / whole)
        if pause is None or minutes < before:  # never forward while the dossier waits for a supplement
            at = _office_after(calendar, start, minutes)
        else:
            at = _office_after(calendar, pause[1], minutes - before)
        actions.append(_act(at, "forwarded"))
    return actions


def _apology(
    calendar: Calendar, start: datetime, appointment: datetime, end: datetime, rng: random.Random
) -> list[Action]:
    """Return an apology drafted and approved before the lead time (APO-2), re-appointing past `end`."""
    limit = lead_time_limit(calendar, appointment, settings.DOSSIER_APOLOGY_LEAD_WORKING_DAYS)
    if limit <= start:
        return []
    approved = _between(calendar, start, limit, rng, bias=0.5)
    drafted = _between(calendar, start, approved, rng, bias=0.5)
    due = calendar.local(appointment)
    late_days = calendar.working_days_between(due.date(), calendar.local(end).date())
    new = datetime.combine(calendar.nth_working_day_after(due.date(), late_days + rng.randint(0, 3)), due.timetz())
    cause = rng.choice(tuple(APOLOGY_REASONS))
    return [_act(drafted, "apology_drafted", cause=cause, new=new), _act(approved, "apology_approved")]


def _closing(world: World, calendar: Calendar, end: datetime, rng: random.Random) -> list[Action]:
    """Return the decision at `end` and, unless the result is never collected, its delivery."""
    if rng.random() < world.mix.refused_outcome:
        decided = _act(end, "decided", outcome=Outcome.REFUSED, summary="Không đủ điều kiện giải quyết", code="")
    else:
        number = f"{rng.randint(1, 9999)}"
        decided = _act(end, "decided", outcome=Outcome.APPROVED, summary="Đã giải quyết", code=number)
    if rng.random() < world.mix.uncollected:
        return [decided]
    per_day = calendar.hours.minutes_per_day
    delay = rng.randint(5, per_day) if rng.random() < 0.6 else rng.randint(per_day, 5 * per_day)
    return [decided, _act(_office_after(calendar, end, delay), "delivered")]


def _stop(
    calendar: Calendar,
    actions: list[Action],
    start: datetime,
    pause: tuple[datetime, datetime] | None,
    end: datetime,
    rng: random.Random,
) -> list[Action]:
    """Cut the plan at a stop: after a withdrawal request, or for lack of conditions (END-2, SUP-4)."""
    if pause and rng.random() < 0.4:  # the applicant never supplies what was asked
        at = _between(calendar, pause[0], pause[1], rng)
    else:
        at = _between(calendar, start, end, rng)
    cut = (at, RANKS["withdrawal_requested"])
    kept = [action for action in actions if (action[0], action[1]) < cut]
    if rng.random() < 0.5:
        stopped = _office_after(calendar, at, rng.randint(30, 2 * calendar.hours.minutes_per_day))
        return [
            *kept,
            _act(at, "withdrawal_requested", reason=rng.choice(WITHDRAWALS)),
            _act(stopped, "stopped", reason=STOPS[1]),
        ]
    return [*kept, _act(at, "stopped", reason=rng.choice(STOPS))]


def _day_drafts(
    world: World,
    day: date,
    counts: dict[int, int],
    in_force: tuple[int, ...],
    pools: DayPools,
    rng: random.Random,
) -> list[Draft]:
    """Plan the dossiers submitted on `day`, in submission order (the order of their codes)."""
    drafts = []
    for channel, number in counts.items():
        if not number or not pools[channel]:
            continue
        desks = [desk for desk, _weight in pools[channel]]
        weights = list(itertools.accumulate(weight for _desk, weight in pools[channel]))
        for desk in rng.choices(desks, cum_weights=weights, k=number):
            drafts.append(_draft(world, day, channel, desk, in_force, rng))
    drafts.sort(key=lambda draft: draft.dossier.submitted_at)
    return drafts
