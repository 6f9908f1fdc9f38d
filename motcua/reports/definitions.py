"""Statistics definitions of DOMAIN.md §6 (ST-1 … ST-14): one pure function per class (DESIGN.md rule 6).

Every report, counter, export, API endpoint and the Decision 766 index classify dossiers through
these functions, so their numbers never diverge. They read a `DossierFacts`, built from a dossier's
row and its pause intervals by `facts_of` (or `facts_build` from `.values()` rows); nothing here
queries the database.

Notation (DOMAIN.md §6): A = the original appointment `appointment_at` (moved only by the legal
supplement/payment pause rule, SUP-3, never by an apology, ST-11); E = end of processing (ST-7);
T = the as-of instant; P = paused time (SUP-3). "Local" dates are in the default time zone
(Asia/Ho_Chi_Minh), whatever zone a request may have activated: 00:00:00 local belongs to the new day.

Choices where DOMAIN.md leaves room (documented here once, tested in tests/test_definitions.py):

- Withdrawal (state 7) ends a dossier for statistics (§5.4): E is the time of the `withdrawal_requested`
  event, and the later stop does not move it. A state-7 dossier without that time (an old import)
  stays open.
- A single supplement request still unanswered (state 5, one request, open pause) ends the dossier at
  the request time, as the national portal computes it (ST-7): it is resolved, classed by that E. When
  the supplement arrives, processing resumes and E becomes the later decision time, so a report
  recomputed from raw rows for the earlier window moves it back to pending (closed periods freeze it).
- More than one supplement request (ST-9) makes a finished dossier late in the portal sense only: the
  date-based three-way split (ST-2) is not changed by it.
- Inter-agency dossiers (ST-12): consultation steps never create dossiers in this model (they are
  `DossierStep` rows with `is_consultation`), so a dossier is counted once, at its receiving unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from django.utils import timezone

from motcua.dossiers.models import Apology, Dossier, PauseKind
from motcua.dossiers.states import Channel, State
from motcua.workdays.arith import Calendar, CalendarError


class EndKind(StrEnum):
    """How processing ended (ST-6, ST-7)."""

    DONE = "done"
    DELIVERED = "delivered"
    STOPPED = "stopped"
    WITHDRAWN = "withdrawn"
    REFUSED_AT_RECEPTION = "refused_at_reception"
    AWAITING_SUPPLEMENT = "awaiting_supplement"  # the portal's single unanswered supplement request (ST-7)


class Timeliness(StrEnum):
    """The three-way split of resolved dossiers (ST-2)."""

    EARLY = "early"  # trước hạn
    ON_TIME = "on_time"  # đúng hạn
    LATE = "late"  # quá hạn


RESOLVED_KINDS = frozenset({EndKind.DONE, EndKind.DELIVERED, EndKind.AWAITING_SUPPLEMENT})
ENDED_OTHERWISE_KINDS = frozenset({EndKind.STOPPED, EndKind.WITHDRAWN})
RESULT_KINDS = frozenset({EndKind.DONE, EndKind.DELIVERED})  # a result (or written refusal, END-1) exists


class PauseLike(Protocol):
    """A pause interval as stored (`dossiers.PauseInterval`) or streamed from `.values()`."""

    @property
    def started_at(self) -> datetime: ...

    @property
    def ended_at(self) -> datetime | None: ...

    @property
    def kind(self) -> str: ...

    @property
    def counts_clock(self) -> bool: ...


@dataclass(frozen=True)
class Pause:
    """An interval during which the dossier waited for the applicant (SUP-3) or a payment (FEE-2)."""

    started_at: datetime
    ended_at: datetime | None
    kind: str
    counts_clock: bool = False  # True when the clock ran anyway (payment, FEE-2): not part of P


@dataclass(frozen=True)
class DossierFacts:
    """What the statistics definitions need to know about one dossier, independent of any period."""

    code: str
    receiving_unit_id: int
    state: str
    channel: int
    submitted_at: datetime
    accepted_at: datetime | None
    appointment_at: datetime | None  # A: the original appointment (ST-11)
    current_appointment_at: datetime | None
    extended_appointment_at: datetime | None  # the apology's re-appointment, once approved (APO-8)
    apology_approved_at: datetime | None
    ended_at: datetime | None  # E (ST-7)
    end_kind: EndKind | None
    outcome: str
    delivered_at: datetime | None
    supplement_count: int
    pauses: tuple[Pause, ...] = ()

    @property
    def paused_seconds(self) -> float | None:
        """Return P up to E (ST-8), None while the dossier is open."""
        return None if self.ended_at is None else paused_seconds(self, until=self.ended_at)


# The Dossier columns `facts_build` reads, for `.values(*FACT_FIELDS)`.
FACT_FIELDS = (
    "code",
    "receiving_unit_id",
    "state",
    "channel",
    "submitted_at",
    "accepted_at",
    "appointment_at",
    "current_appointment_at",
    "processing_ended_at",
    "delivered_at",
    "outcome",
    "supplement_count",
)


def local_date(moment: datetime) -> date:
    """Return the calendar date of `moment` in the default (Vietnam) time zone."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


# --- building the facts ---------------------------------------------------------------------


def end_of_processing(
    *,
    state: str,
    processing_ended_at: datetime | None,
    submitted_at: datetime,
    supplement_count: int,
    pauses: Iterable[PauseLike] = (),
    withdrawal_requested_at: datetime | None = None,
) -> tuple[datetime | None, EndKind | None]:
    """Return E and how processing ended (ST-7), or (None, None) while the dossier is open.

    DONE (9) ends at the decision, also once delivered (10); a withdrawal at its request; a stop,
    and a refusal at reception, at their time (an untimed refusal of an old import at submission);
    a single unanswered supplement request at the request (the portal's rule).
    """
    if state in (State.DONE, State.DELIVERED):
        return processing_ended_at, EndKind(state)
    if state in (State.WITHDRAWAL_REQUESTED, State.STOPPED) and withdrawal_requested_at is not None:
        return withdrawal_requested_at, EndKind.WITHDRAWN
    if state == State.STOPPED:
        return processing_ended_at, EndKind.STOPPED
    if state == State.REFUSED_AT_RECEPTION:
        return processing_ended_at or submitted_at, EndKind.REFUSED_AT_RECEPTION
    if state == State.SUPPLEMENT_REQUESTED and supplement_count == 1:
        waiting = [p for p in pauses if p.kind == PauseKind.SUPPLEMENT and p.ended_at is None]
        if waiting:
            return waiting[0].started_at, EndKind.AWAITING_SUPPLEMENT
    return None, None


def facts_build(
    row: Mapping[str, Any],
    *,
    pauses: Iterable[PauseLike] = (),
    apology_approved_at: datetime | None = None,
    withdrawal_requested_at: datetime | None = None,
) -> DossierFacts:
    """Return the facts of a dossier from its FACT_FIELDS values, its pauses and its approved apology."""
    stored = tuple(Pause(p.started_at, p.ended_at, p.kind, p.counts_clock) for p in pauses)
    ended_at, end_kind = end_of_processing(
        state=row["state"],
        processing_ended_at=row["processing_ended_at"],
        submitted_at=row["submitted_at"],
        supplement_count=row["supplement_count"],
        pauses=stored,
        withdrawal_requested_at=withdrawal_requested_at,
    )
    original, current = row["appointment_at"], row["current_appointment_at"]
    extended = current if apology_approved_at and original and current and current > original else None
    return DossierFacts(
        code=row["code"],
        receiving_unit_id=row["receiving_unit_id"],
        state=row["state"],
        channel=row["channel"],
        submitted_at=row["submitted_at"],
        accepted_at=row["accepted_at"],
        appointment_at=original,
        current_appointment_at=current,
        extended_appointment_at=extended,
        apology_approved_at=apology_approved_at,
        ended_at=ended_at,
        end_kind=end_kind,
        outcome=row["outcome"],
        delivered_at=row["delivered_at"],
        supplement_count=row["supplement_count"],
        pauses=stored,
    )


def facts_of(
    dossier: Dossier, pauses: Iterable[PauseLike] = (), *, withdrawal_requested_at: datetime | None = None
) -> DossierFacts:
    """Return the facts of a dossier and its pauses (select_related("apology") spares a query).

    Pass the time of its `withdrawal_requested` event when it has one: the row does not keep it.
    """
    try:
        approved = dossier.apology.approved_at
    except Apology.DoesNotExist:
        approved = None
    row = {name: getattr(dossier, name) for name in FACT_FIELDS}
    return facts_build(
        row, pauses=pauses, apology_approved_at=approved, withdrawal_requested_at=withdrawal_requested_at
    )


# --- classes of one dossier (ST-1 … ST-13) ----------------------------------------------------


def is_accepted(facts: DossierFacts) -> bool:
    """Return whether the dossier belongs to the statistics population: accepted dossiers (ST-1)."""
    return facts.accepted_at is not None


def is_refused(facts: DossierFacts) -> bool:
    """Return whether the dossier was refused at reception (ST-1): own count, out of every on-time denominator."""
    return facts.end_kind == EndKind.REFUSED_AT_RECEPTION


def is_resolved(facts: DossierFacts) -> bool:
    """Return whether processing ended with a result, a written refusal or the portal's supplement wait (ST-7)."""
    return facts.end_kind in RESOLVED_KINDS and facts.ended_at is not None


def is_ended_otherwise(facts: DossierFacts) -> bool:
    """Return whether an accepted dossier ended stopped or withdrawn (ST-6): own column, never resolved."""
    return facts.end_kind in ENDED_OTHERWISE_KINDS and facts.ended_at is not None


def timeliness_by_date(facts: DossierFacts) -> Timeliness | None:
    """Return early / on time / late of a resolved dossier comparing the local dates of E and A (ST-2, ST-11).

    An apology never helps: A is the original appointment. None when not resolved.
    """
    if not is_resolved(facts) or facts.ended_at is None or facts.appointment_at is None:
        return None
    ended, due = local_date(facts.ended_at), local_date(facts.appointment_at)
    if ended < due:
        return Timeliness.EARLY
    return Timeliness.ON_TIME if ended == due else Timeliness.LATE


def is_late_by_supplements(facts: DossierFacts) -> bool:
    """Return whether more than one supplement was requested during processing (ST-9, SUP-4)."""
    return facts.supplement_count > 1


def is_portal_on_time(facts: DossierFacts) -> bool:
    """Return whether an ended accepted dossier is early or on time by the portal rule: E ≤ A (ST-3, ST-6).

    It applies to resolved, stopped and withdrawn dossiers alike; more than one supplement request
    makes it late (ST-9); the original A is used (ST-11). Always implies early or on time by ST-2.
    """
    ended = is_resolved(facts) or is_ended_otherwise(facts)
    if not ended or facts.ended_at is None or facts.appointment_at is None or not is_accepted(facts):
        return False
    return facts.ended_at <= facts.appointment_at and not is_late_by_supplements(facts)


def is_within_extended(facts: DossierFacts) -> bool:
    """Return whether a resolved, apology-extended dossier ended by its new date (ST-11's optional column).

    Informative only: it never changes the class, which compares with the original A.
    """
    extended = facts.extended_appointment_at
    return is_resolved(facts) and extended is not None and facts.ended_at is not None and facts.ended_at <= extended


def is_pending_at(facts: DossierFacts, at: datetime) -> bool:
    """Return whether the dossier was accepted and not yet ended at `at` (ST-4)."""
    accepted = facts.accepted_at
    return accepted is not None and accepted <= at and (facts.ended_at is None or facts.ended_at > at)


def is_pending_in_time_at(facts: DossierFacts, at: datetime) -> bool:
    """Return whether the dossier is pending at `at` and `at` ≤ A (trong hạn, chưa đến hạn; ST-4)."""
    return is_pending_at(facts, at) and facts.appointment_at is not None and at <= facts.appointment_at


def is_overdue_at(facts: DossierFacts, at: datetime) -> bool:
    """Return whether the dossier is pending at `at` and `at` > A (quá hạn; ST-4, ST-11)."""
    return is_pending_at(facts, at) and facts.appointment_at is not None and at > facts.appointment_at


def is_about_to_be_late(
    facts: DossierFacts, at: datetime, *, calendar: Calendar | None, threshold_hours: float
) -> bool:
    """Return whether the dossier is pending in time with at most `threshold_hours` working hours left (ST-5).

    The hours are office hours of `calendar`; without one (or beyond its published years) wall-clock hours.
    """
    if not is_pending_in_time_at(facts, at) or facts.appointment_at is None:
        return False
    left: float | None = None
    if calendar is not None:
        try:
            left = float(calendar.working_minutes_between(at, facts.appointment_at))
        except CalendarError:
            left = None
    if left is None:
        left = (facts.appointment_at - at).total_seconds() / 60
    return left <= threshold_hours * 60


def is_not_collected_at(facts: DossierFacts, at: datetime) -> bool:
    """Return whether a result (or written refusal) was done by `at` but not yet handed over (chưa nhận, ST-10)."""
    if facts.end_kind not in RESULT_KINDS or facts.ended_at is None or facts.ended_at > at:
        return False
    return facts.delivered_at is None or facts.delivered_at > at


def counting_unit_id(facts: DossierFacts) -> int:
    """Return the unit a dossier is counted at: its receiving unit, once, even when inter-agency (ST-12)."""
    return facts.receiving_unit_id


# --- processing time (ST-8, ST-13) ------------------------------------------------------------


def _stopping(facts: DossierFacts) -> list[Pause]:
    return [p for p in facts.pauses if not p.counts_clock]


def _measured_end(facts: DossierFacts, until: datetime | None) -> datetime | None:
    if facts.ended_at is not None and (until is None or facts.ended_at <= until):
        return facts.ended_at
    return until


def paused_seconds(facts: DossierFacts, *, until: datetime) -> float:
    """Return P: the seconds of clock-stopping pauses between acceptance and `until` (SUP-3)."""
    if facts.accepted_at is None:
        return 0.0
    total = 0.0
    for pause in _stopping(facts):
        start, end = max(pause.started_at, facts.accepted_at), min(pause.ended_at or until, until)
        total += max(0.0, (end - start).total_seconds())
    return total


def net_processing_seconds(facts: DossierFacts, *, until: datetime | None = None) -> float | None:
    """Return E − accepted − P in seconds (ST-8); an open dossier is measured up to `until` (else None)."""
    end = _measured_end(facts, until)
    if facts.accepted_at is None or end is None:
        return None
    return (end - facts.accepted_at).total_seconds() - paused_seconds(facts, until=end)


def net_working_minutes(facts: DossierFacts, *, calendar: Calendar, until: datetime | None = None) -> int | None:
    """Return the office minutes from acceptance to E net of pauses (ST-13); None beyond the calendar's years."""
    end = _measured_end(facts, until)
    if facts.accepted_at is None or end is None:
        return None
    try:
        minutes = calendar.working_minutes_between(facts.accepted_at, end)
        for pause in _stopping(facts):
            start, stop = max(pause.started_at, facts.accepted_at), min(pause.ended_at or end, end)
            minutes -= calendar.working_minutes_between(start, stop)
    except CalendarError:
        return None
    return minutes


# --- period accounting (ST-14) ----------------------------------------------------------------


class Measure(StrEnum):
    """A count of the period report; each dossier belongs to a set of them (`period_measures`)."""

    CARRIED_IN = "carried_in"  # tồn kỳ trước: accepted before the window, not ended before it
    RECEIVED = "received"  # accepted in the window (ST-1)
    RECEIVED_ONLINE = "received_online"
    RECEIVED_COUNTER = "received_counter"
    RECEIVED_POSTAL = "received_postal"
    RESOLVED = "resolved"  # E in the window
    RESOLVED_EARLY = "resolved_early"
    RESOLVED_ON_TIME = "resolved_on_time"
    RESOLVED_LATE = "resolved_late"
    RESOLVED_PORTAL_ON_TIME = "resolved_portal_on_time"  # ST-3 (with ST-9)
    RESOLVED_AWAITING_SUPPLEMENT = "resolved_awaiting_supplement"  # the portal's supplement wait (ST-7)
    RESOLVED_LATE_WITHIN_EXTENDED = "resolved_late_within_extended"  # ST-11's informative column
    PENDING = "pending"  # at T
    PENDING_IN_TIME = "pending_in_time"
    PENDING_OVERDUE = "pending_overdue"
    ABOUT_TO_BE_LATE = "about_to_be_late"
    REFUSED = "refused"  # refused at reception in the window
    ENDED_OTHERWISE = "ended_otherwise"  # stopped or withdrawn in the window
    STOPPED = "stopped"
    WITHDRAWN = "withdrawn"
    APOLOGIES = "apologies"  # apology approved in the window
    NOT_COLLECTED = "not_collected"  # at T (ST-10)
    HANDLED = "handled"  # cần xử lý: resolved + pending + ended otherwise (the on-time rate's denominator)
    HANDLED_ON_TIME = "handled_on_time"  # its numerator (Decision 766 indicator 2.1)


_CHANNEL_MEASURE = {
    Channel.ONLINE: Measure.RECEIVED_ONLINE,
    Channel.COUNTER: Measure.RECEIVED_COUNTER,
    Channel.POSTAL: Measure.RECEIVED_POSTAL,
}
_TIMELINESS_MEASURE = {
    Timeliness.EARLY: Measure.RESOLVED_EARLY,
    Timeliness.ON_TIME: Measure.RESOLVED_ON_TIME,
    Timeliness.LATE: Measure.RESOLVED_LATE,
}


def _between(moment: datetime | None, start: datetime, end: datetime) -> bool:
    return moment is not None and start <= moment <= end


def is_carried_in(facts: DossierFacts, start: datetime) -> bool:
    """Return whether the dossier was pending when the window opened: accepted before `start`, not ended before."""
    accepted = facts.accepted_at
    return accepted is not None and accepted < start and (facts.ended_at is None or facts.ended_at >= start)


def is_received_in(facts: DossierFacts, start: datetime, end: datetime) -> bool:
    """Return whether the dossier was accepted in the window [start, end] (ST-1: received = accepted)."""
    return _between(facts.accepted_at, start, end)


def is_resolved_in(facts: DossierFacts, start: datetime, end: datetime) -> bool:
    """Return whether processing ended with a result (ST-7) in the window."""
    return is_resolved(facts) and _between(facts.ended_at, start, end)


def is_ended_otherwise_in(facts: DossierFacts, start: datetime, end: datetime) -> bool:
    """Return whether the dossier was stopped or withdrawn in the window (ST-6)."""
    return is_ended_otherwise(facts) and _between(facts.ended_at, start, end)


def is_refused_in(facts: DossierFacts, start: datetime, end: datetime) -> bool:
    """Return whether the dossier was refused at reception in the window (ST-1)."""
    return is_refused(facts) and _between(facts.ended_at, start, end)


def is_apology_in(facts: DossierFacts, start: datetime, end: datetime) -> bool:
    """Return whether the dossier's apology and re-appointment were approved in the window (APO-1…8)."""
    return _between(facts.apology_approved_at, start, end)


def _flow_measures(facts: DossierFacts, start: datetime, end: datetime) -> set[Measure]:
    found: set[Measure] = set()
    if is_carried_in(facts, start):
        found.add(Measure.CARRIED_IN)
    if is_received_in(facts, start, end):
        found.add(Measure.RECEIVED)
        if facts.channel in _CHANNEL_MEASURE:
            found.add(_CHANNEL_MEASURE[Channel(facts.channel)])
    if is_resolved_in(facts, start, end):
        found.add(Measure.RESOLVED)
        timeliness = timeliness_by_date(facts)
        if timeliness is not None:
            found.add(_TIMELINESS_MEASURE[timeliness])
        if is_portal_on_time(facts):
            found.add(Measure.RESOLVED_PORTAL_ON_TIME)
        if facts.end_kind == EndKind.AWAITING_SUPPLEMENT:
            found.add(Measure.RESOLVED_AWAITING_SUPPLEMENT)
        if timeliness == Timeliness.LATE and is_within_extended(facts):
            found.add(Measure.RESOLVED_LATE_WITHIN_EXTENDED)
    if is_ended_otherwise_in(facts, start, end):
        found.add(Measure.ENDED_OTHERWISE)
        found.add(Measure.WITHDRAWN if facts.end_kind == EndKind.WITHDRAWN else Measure.STOPPED)
    if is_refused_in(facts, start, end):
        found.add(Measure.REFUSED)
    if is_apology_in(facts, start, end):
        found.add(Measure.APOLOGIES)
    return found


def _stock_measures(
    facts: DossierFacts, end: datetime, calendar: Calendar | None, threshold_hours: float
) -> set[Measure]:
    found: set[Measure] = set()
    if is_pending_at(facts, end):
        found.add(Measure.PENDING)
        if is_pending_in_time_at(facts, end):
            found.add(Measure.PENDING_IN_TIME)
        if is_overdue_at(facts, end):
            found.add(Measure.PENDING_OVERDUE)
        if is_about_to_be_late(facts, end, calendar=calendar, threshold_hours=threshold_hours):
            found.add(Measure.ABOUT_TO_BE_LATE)
    if is_not_collected_at(facts, end):
        found.add(Measure.NOT_COLLECTED)
    return found


def period_measures(
    facts: DossierFacts,
    *,
    start: datetime,
    end: datetime,
    calendar: Calendar | None = None,
    threshold_hours: float = 8,
) -> frozenset[Measure]:
    """Return every count of the window [start, end] (end = T) the dossier belongs to (ST-14).

    carried_in + received = resolved + pending + ended_otherwise holds for every consistent dossier;
    a dossier whose times contradict each other (ended before accepted…) breaks it, and the report
    shows the gap (ST-19). `handled` / `handled_on_time` are the denominator and numerator of the
    on-time rate read as Decision 766 indicator 2.1: finished (resolved, stopped or withdrawn) with
    E ≤ A (ST-3, ST-6, ST-9) plus pending in time at T, over everything handled in the window.
    """
    found = _flow_measures(facts, start, end) | _stock_measures(facts, end, calendar, threshold_hours)
    if found & {Measure.RESOLVED, Measure.ENDED_OTHERWISE, Measure.PENDING}:
        found.add(Measure.HANDLED)
        if Measure.PENDING_IN_TIME in found or (Measure.PENDING not in found and is_portal_on_time(facts)):
            found.add(Measure.HANDLED_ON_TIME)
    return frozenset(found)
