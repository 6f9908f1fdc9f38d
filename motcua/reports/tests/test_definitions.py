"""The statistics definitions of DOMAIN.md §6 at their boundaries (pure: no database)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.dossiers.models import PauseKind
from motcua.dossiers.states import Channel, State
from motcua.reports.definitions import (
    DossierFacts,
    EndKind,
    Measure,
    Pause,
    Timeliness,
    counting_unit_id,
    end_of_processing,
    facts_build,
    is_about_to_be_late,
    is_accepted,
    is_carried_in,
    is_not_collected_at,
    is_overdue_at,
    is_pending_at,
    is_pending_in_time_at,
    is_portal_on_time,
    is_refused,
    is_resolved_in,
    is_within_extended,
    net_processing_seconds,
    net_working_minutes,
    paused_seconds,
    period_measures,
    timeliness_by_date,
)
from motcua.workdays.arith import VIETNAM, Calendar

CALENDAR = Calendar(first_year=2025, last_year=2025)  # weekends only; office hours 7:30–11:30, 13:00–17:00


def vn(day, hour=0, minute=0, second=0, micro=0):
    """Return 2025-03-`day` at the given local (Vietnam) time."""
    return datetime(2025, 3, day, hour, minute, second, micro, tzinfo=VIETNAM)


ACCEPTED = vn(3, 9)  # Mon 3/3/2025 09:00
DUE = vn(14, 17)  # A: Fri 14/3/2025 17:00


def facts(**changes):
    """Return the facts of a dossier accepted Mon 3/3 09:00, due Fri 14/3 17:00, decided as `changes` say."""
    base = DossierFacts(
        code="H31-250303-0001",
        receiving_unit_id=7,
        state=State.IN_PROCESS,
        channel=Channel.COUNTER,
        submitted_at=ACCEPTED,
        accepted_at=ACCEPTED,
        appointment_at=DUE,
        current_appointment_at=DUE,
        extended_appointment_at=None,
        apology_approved_at=None,
        ended_at=None,
        end_kind=None,
        outcome="",
        delivered_at=None,
        supplement_count=0,
    )
    return replace(base, **changes)


def done(at, **changes):
    return facts(state=State.DONE, ended_at=at, end_kind=EndKind.DONE, outcome="approved", **changes)


# --- ST-2 / ST-3: early, on time, late ----------------------------------------------------------


def test_finished_exactly_at_the_appointment_is_on_time_by_both_rules():
    # given a dossier decided at the very instant of its appointment
    dossier = done(DUE)
    # then it is on time by date (ST-2) and early-or-on-time by the portal's timestamps (ST-3)
    assert timeliness_by_date(dossier) == Timeliness.ON_TIME
    assert is_portal_on_time(dossier)


def test_finished_the_same_date_but_later_than_the_appointment_splits_the_two_rules():
    # given an appointment at 10:00 and a decision at 16:00 the same day
    dossier = done(vn(14, 16), appointment_at=vn(14, 10))
    # then ST-2 says on time (same date) and ST-3 says late (E > A)
    assert timeliness_by_date(dossier) == Timeliness.ON_TIME
    assert not is_portal_on_time(dossier)


def test_a_day_before_is_early_and_a_day_after_is_late():
    assert timeliness_by_date(done(vn(13, 16))) == Timeliness.EARLY
    assert timeliness_by_date(done(vn(17, 8))) == Timeliness.LATE


@pytest.mark.parametrize(
    ("ended", "expected"),
    [
        (vn(14, 23, 59, 59, 999999), Timeliness.ON_TIME),  # the last instant of the appointment's date
        (vn(15, 0, 0, 0), Timeliness.LATE),  # 00:00:00 local belongs to the new day
        (datetime(2025, 3, 14, 17, 0, tzinfo=UTC), Timeliness.LATE),  # 17:00 UTC is 00:00 on 15/3 in Vietnam
        (datetime(2025, 3, 14, 16, 59, 59, tzinfo=UTC), Timeliness.ON_TIME),  # 23:59:59 on 14/3 in Vietnam
    ],
)
def test_midnight_belongs_to_the_new_local_day(ended, expected):
    assert timeliness_by_date(done(ended)) == expected


def test_a_decision_at_local_midnight_falls_in_the_window_that_starts_then():
    # given a decision at 00:00:00 on 15/3 local
    dossier = done(vn(15))
    # then it is resolved in the window opening at that instant, not in the one that ends just before
    assert is_resolved_in(dossier, vn(15), vn(31, 23, 59, 59, 999999))
    assert not is_resolved_in(dossier, vn(1), vn(14, 23, 59, 59, 999999))


# --- ST-11: apology-extended dossiers -----------------------------------------------------------


def test_an_apology_extended_dossier_finished_before_the_new_date_is_still_late():
    # given an apology that moved the appointment from 14/3 to 21/3, and a decision on 18/3
    dossier = done(vn(18, 10), extended_appointment_at=vn(21, 17), apology_approved_at=vn(12, 9))
    # then it is late against the original appointment by both rules (ST-11)
    assert timeliness_by_date(dossier) == Timeliness.LATE
    assert not is_portal_on_time(dossier)
    # and only the informative flag says it met the new date
    assert is_within_extended(dossier)
    assert not is_within_extended(done(vn(24, 10), extended_appointment_at=vn(21, 17)))


def test_the_extension_appears_in_the_facts_only_once_an_apology_is_approved():
    row = {
        "code": "X",
        "receiving_unit_id": 1,
        "state": State.IN_PROCESS,
        "channel": Channel.ONLINE,
        "submitted_at": ACCEPTED,
        "accepted_at": ACCEPTED,
        "appointment_at": DUE,
        "current_appointment_at": vn(21, 17),
        "processing_ended_at": None,
        "delivered_at": None,
        "outcome": "",
        "supplement_count": 0,
    }
    assert facts_build(row).extended_appointment_at is None
    assert facts_build(row, apology_approved_at=vn(12, 9)).extended_appointment_at == vn(21, 17)


# --- ST-9: more than one supplement request -----------------------------------------------------


def test_two_supplement_requests_make_an_early_dossier_late_in_the_portal_sense_only():
    # given a dossier decided early after two supplement requests
    dossier = done(vn(12, 10), supplement_count=2)
    # then the portal counts it late (ST-9) while the date split still says early
    assert not is_portal_on_time(dossier)
    assert timeliness_by_date(dossier) == Timeliness.EARLY
    assert is_portal_on_time(replace(dossier, supplement_count=1))


# --- ST-7: end of processing ----------------------------------------------------------------------


def _end(state, **changes):
    arguments = {
        "state": state,
        "processing_ended_at": vn(12, 10),
        "submitted_at": vn(3, 8),
        "supplement_count": 0,
        "pauses": (),
        "withdrawal_requested_at": None,
        **changes,
    }
    return end_of_processing(**arguments)


def test_end_of_processing_by_state():
    assert _end(State.DONE) == (vn(12, 10), EndKind.DONE)
    assert _end(State.DELIVERED) == (vn(12, 10), EndKind.DELIVERED)  # E stays the decision (DONE > DELIVERED)
    assert _end(State.STOPPED) == (vn(12, 10), EndKind.STOPPED)
    assert _end(State.REFUSED_AT_RECEPTION) == (vn(12, 10), EndKind.REFUSED_AT_RECEPTION)
    assert _end(State.REFUSED_AT_RECEPTION, processing_ended_at=None) == (vn(3, 8), EndKind.REFUSED_AT_RECEPTION)
    assert _end(State.IN_PROCESS, processing_ended_at=None) == (None, None)
    assert _end(State.AWAITING_PAYMENT, processing_ended_at=None) == (None, None)


def test_a_withdrawal_ends_the_dossier_at_the_request_even_after_the_stop():
    requested = vn(7, 14)
    assert _end(State.WITHDRAWAL_REQUESTED, processing_ended_at=None, withdrawal_requested_at=requested) == (
        requested,
        EndKind.WITHDRAWN,
    )
    assert _end(State.STOPPED, withdrawal_requested_at=requested) == (requested, EndKind.WITHDRAWN)
    # without the request's time (an old import) a state-7 dossier stays open
    assert _end(State.WITHDRAWAL_REQUESTED, processing_ended_at=None) == (None, None)


def test_a_single_unanswered_supplement_request_ends_processing_at_the_request():
    waiting = Pause(vn(10, 9), None, PauseKind.SUPPLEMENT)
    answered = Pause(vn(5, 9), vn(6, 9), PauseKind.SUPPLEMENT)
    state = State.SUPPLEMENT_REQUESTED
    # one request, no reply: E = the request time (the portal's rule)
    assert _end(state, processing_ended_at=None, supplement_count=1, pauses=(waiting,)) == (
        vn(10, 9),
        EndKind.AWAITING_SUPPLEMENT,
    )
    # a second request keeps it open (and late in the portal sense, ST-9)
    assert _end(state, processing_ended_at=None, supplement_count=2, pauses=(answered, waiting)) == (None, None)


# --- ST-1: refusals at reception --------------------------------------------------------------


def test_a_refusal_at_reception_is_counted_as_refused_and_out_of_every_on_time_denominator():
    # given a dossier refused at reception on 5/3 (never accepted)
    refused = facts(
        state=State.REFUSED_AT_RECEPTION,
        accepted_at=None,
        appointment_at=None,
        current_appointment_at=None,
        ended_at=vn(5, 9),
        end_kind=EndKind.REFUSED_AT_RECEPTION,
    )
    # then it is refused and nothing else: not accepted, not pending, not handled
    assert is_refused(refused) and not is_accepted(refused)
    assert not is_pending_at(refused, vn(31, 23))
    assert not is_portal_on_time(refused)
    assert period_measures(refused, start=vn(1), end=vn(31, 23, 59, 59)) == {Measure.REFUSED}


# --- ST-4 / ST-5: pending in time, overdue, about to be late ------------------------------------


def test_pending_is_in_time_up_to_the_appointment_instant_and_overdue_just_after():
    dossier = facts()
    assert is_pending_in_time_at(dossier, DUE) and not is_overdue_at(dossier, DUE)
    later = DUE + timedelta(microseconds=1)
    assert is_overdue_at(dossier, later) and not is_pending_in_time_at(dossier, later)
    assert not is_pending_at(dossier, ACCEPTED - timedelta(microseconds=1))  # not yet accepted then


def test_about_to_be_late_counts_office_hours_left():
    # given an appointment on Mon 17/3 at 17:00
    dossier = facts(appointment_at=vn(17, 17))
    # then on that morning (6.5 office hours left) it is about to be late, on the Friday before (14.5) not
    assert is_about_to_be_late(dossier, vn(17, 9), calendar=CALENDAR, threshold_hours=8)
    assert not is_about_to_be_late(dossier, vn(14, 9), calendar=CALENDAR, threshold_hours=8)
    # and on Saturday only Monday's 8 hours remain: exactly the threshold
    assert is_about_to_be_late(dossier, vn(15, 10), calendar=CALENDAR, threshold_hours=8)
    # an overdue dossier is overdue, not about to be late
    assert not is_about_to_be_late(dossier, vn(18, 9), calendar=CALENDAR, threshold_hours=8)


def test_about_to_be_late_without_a_calendar_counts_wall_clock_hours():
    dossier = facts(appointment_at=vn(17, 17))
    assert is_about_to_be_late(dossier, vn(17, 9), calendar=None, threshold_hours=8)
    assert not is_about_to_be_late(dossier, vn(17, 8, 59), calendar=None, threshold_hours=8)


# --- ST-8 / ST-13: processing time net of pauses --------------------------------------------------


@pytest.mark.parametrize("pause_end", [vn(20, 9), None])
def test_a_pause_spanning_the_period_end_counts_only_up_to_the_end(pause_end):
    # given a dossier paused from Mon 10/3 09:00 until after the period (or still paused)
    dossier = facts(pauses=(Pause(vn(10, 9), pause_end, PauseKind.SUPPLEMENT),))
    period_end = vn(14, 23, 59, 59, 999999)
    # then P up to the period end is the pause's part inside the period
    assert paused_seconds(dossier, until=period_end) == (period_end - vn(10, 9)).total_seconds()
    # and the net time up to the period end is the week before the pause
    assert net_processing_seconds(dossier, until=period_end) == timedelta(days=7).total_seconds()
    # in office time: Mon 3/3 09:00 to Mon 10/3 09:00 is five working days of 8 hours
    assert net_working_minutes(dossier, calendar=CALENDAR, until=period_end) == 5 * 8 * 60
    assert net_processing_seconds(dossier) is None  # open and no `until`: not measured


def test_net_processing_time_of_a_finished_dossier_excludes_pauses_and_payment_waits_that_stop_the_clock():
    # given a dossier paused 5/3 09:00–6/3 09:00 (supplement) and waiting 7/3 for a payment while the clock ran
    dossier = done(
        vn(11, 9),
        pauses=(
            Pause(vn(5, 9), vn(6, 9), PauseKind.SUPPLEMENT),
            Pause(vn(7, 9), vn(7, 10), PauseKind.PAYMENT, counts_clock=True),
        ),
    )
    # then E − accepted − P leaves out the supplement day only (ST-8)
    assert dossier.paused_seconds == timedelta(days=1).total_seconds()
    assert net_processing_seconds(dossier) == timedelta(days=7).total_seconds()
    # 3/3 09:00 → 11/3 09:00 is 6 working days; minus the 8 office hours paused: 40 hours
    assert net_working_minutes(dossier, calendar=CALENDAR) == 40 * 60


# --- ST-10 / ST-12 ------------------------------------------------------------------------------


def test_finished_not_collected_until_handed_over():
    dossier = done(vn(12, 10))
    assert not is_not_collected_at(dossier, vn(12, 9))  # not finished yet
    assert is_not_collected_at(dossier, vn(13, 9))
    delivered = replace(dossier, state=State.DELIVERED, end_kind=EndKind.DELIVERED, delivered_at=vn(13, 10))
    assert is_not_collected_at(delivered, vn(13, 9))  # handed over later than T
    assert not is_not_collected_at(delivered, vn(13, 11))


def test_a_dossier_is_counted_at_its_receiving_unit():
    assert counting_unit_id(facts(receiving_unit_id=42)) == 42


# --- ST-14: period accounting -------------------------------------------------------------------


def test_a_dossier_accepted_before_the_window_and_decided_in_it_is_carried_in_and_resolved():
    dossier = done(vn(12, 10), accepted_at=vn(3, 9))
    measures = period_measures(dossier, start=vn(10), end=vn(16, 23, 59, 59))
    assert {Measure.CARRIED_IN, Measure.RESOLVED, Measure.RESOLVED_EARLY, Measure.HANDLED_ON_TIME} <= measures
    assert Measure.RECEIVED not in measures
    assert not is_carried_in(dossier, vn(3, 9))  # accepted exactly at the start: received, not carried in


def test_a_stopped_dossier_is_ended_otherwise_and_counts_in_the_rate_by_the_portal_rule():
    stopped = facts(state=State.STOPPED, ended_at=vn(7, 10), end_kind=EndKind.STOPPED)
    measures = period_measures(stopped, start=vn(1), end=vn(31, 23, 59, 59))
    assert measures == {
        Measure.RECEIVED,
        Measure.RECEIVED_COUNTER,
        Measure.ENDED_OTHERWISE,
        Measure.STOPPED,
        Measure.HANDLED,
        Measure.HANDLED_ON_TIME,
    }


MOMENTS = st.integers(min_value=0, max_value=40 * 24).map(lambda hours: vn(1) + timedelta(hours=hours))


@st.composite
def consistent_facts(draw):
    accepted = draw(MOMENTS)
    kind = draw(st.sampled_from([None, EndKind.DONE, EndKind.STOPPED, EndKind.WITHDRAWN, EndKind.AWAITING_SUPPLEMENT]))
    ended = accepted + timedelta(hours=draw(st.integers(0, 30 * 24))) if kind else None
    return facts(
        accepted_at=accepted,
        appointment_at=accepted + timedelta(hours=draw(st.integers(0, 20 * 24))),
        ended_at=ended,
        end_kind=kind,
        supplement_count=draw(st.integers(0, 3)),
    )


@given(dossier=consistent_facts(), start=MOMENTS, length=st.integers(0, 20 * 24))
def test_every_consistent_dossier_reconciles_in_every_window(dossier, start, length):
    # given any window and a dossier whose times are consistent (accepted ≤ E)
    end = start + timedelta(hours=length)
    measures = period_measures(dossier, start=start, end=end)
    # then carried_in + received = resolved + pending + ended_otherwise for it (ST-14)
    inflow = (Measure.CARRIED_IN in measures) + (Measure.RECEIVED in measures)
    outflow = sum(m in measures for m in (Measure.RESOLVED, Measure.PENDING, Measure.ENDED_OTHERWISE))
    assert inflow == outflow
    # and the portal's early-or-on-time implies early or on time by date (ST-2 and ST-3 reconcile)
    if Measure.RESOLVED_PORTAL_ON_TIME in measures:
        assert measures & {Measure.RESOLVED_EARLY, Measure.RESOLVED_ON_TIME}
