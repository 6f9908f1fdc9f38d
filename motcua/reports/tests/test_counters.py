"""The statistics counters (ADR 0005): the bucketing of each measure at its boundaries, and the report read
from the counters equal to the raw recount before the fill (the correction path), after it, and in between."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from motcua.accounts.models import User
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, PauseInterval, PauseKind
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import APPLICANT, agency_setup
from motcua.reports import counted as counted_module
from motcua.reports.counted import segments
from motcua.reports.counters import counters_fill, dossier_changes, end_of_day
from motcua.reports.definitions import EndKind, Measure, Pause, period_measures
from motcua.reports.models import CounterBucket, DossierTally, Grain
from motcua.reports.selectors import GROUP_BY, period_report
from motcua.reports.tests.scenario import AFTER, DATE_FROM, DATE_TO, EXPECTED, EXPECTED_FROM_COUNTERS, build
from motcua.reports.tests.test_definitions import consistent_facts, done, facts, vn
from motcua.workdays.arith import VIETNAM


def day(n: int) -> date:
    return date(2025, 3, n)


# --- bucketing: each measure on its day, each stock entered and left (pure) ------------------------


def test_a_pending_dossier_is_received_and_enters_the_pending_stocks_on_its_acceptance_day():
    # given a dossier accepted Mon 3/3 09:00, due Fri 14/3 17:00, still pending
    changes = dossier_changes(facts(), minutes=None)
    # then it is received on 3/3 and pending in time from then; at the end of 14/3, after A, it is overdue
    assert changes == {
        day(3): {"received": 1, "received_counter": 1, "pending_change": 1, "pending_in_time_change": 1},
        day(14): {"pending_in_time_change": -1, "pending_overdue_change": 1},
    }


def test_finished_exactly_at_the_appointment_is_on_time_by_both_rules_and_never_overdue():
    # given a dossier decided at the very instant of its appointment
    changes = dossier_changes(done(vn(14, 17)), minutes=4800)
    # then it is resolved on 14/3, on time by date and by the portal rule, with its processing time
    assert changes[day(14)] == {
        "resolved": 1,
        "resolved_on_time": 1,
        "resolved_portal_on_time": 1,
        "minutes_sum": 4800,
        "minutes_count": 1,
        "pending_change": -1,
        "pending_in_time_change": -1,
        "not_collected_change": 1,
    }
    # and it was never in the overdue stock, nor late
    assert not any("overdue" in column or "late" in column for columns in changes.values() for column in columns)


def test_finished_a_microsecond_after_the_appointment_is_on_time_by_date_only():
    changes = dossier_changes(done(vn(14, 17, 0, 0, 1)), minutes=None)
    assert changes[day(14)]["resolved_on_time"] == 1
    assert "resolved_portal_on_time" not in changes[day(14)]


def test_a_decision_at_local_midnight_counts_on_the_new_day():
    # given a dossier decided at 00:00 local on Sat 15/3 (17:00 UTC on 14/3)
    changes = dossier_changes(done(vn(15)), minutes=None)
    # then it is resolved, late, on 15/3; the day before it was still pending (overdue at the end of 14/3)
    assert changes[day(15)]["resolved"] == 1
    assert changes[day(15)]["resolved_late"] == 1
    assert changes[day(14)] == {"pending_in_time_change": -1, "pending_overdue_change": 1}
    assert changes[day(15)]["pending_overdue_change"] == -1


def test_an_appointment_at_the_last_instant_of_a_day_becomes_overdue_on_the_next_day():
    # given a pending dossier due at 23:59:59.999999 on 14/3, the very end of that day (T ≤ A: in time)
    changes = dossier_changes(facts(appointment_at=end_of_day(day(14))), minutes=None)
    # then it stays in time through 14/3 and is overdue from 15/3
    assert day(14) not in changes
    assert changes[day(15)] == {"pending_in_time_change": -1, "pending_overdue_change": 1}


def test_an_appointment_at_midnight_is_overdue_from_that_day():
    changes = dossier_changes(facts(appointment_at=vn(15)), minutes=None)
    assert changes[day(15)] == {"pending_in_time_change": -1, "pending_overdue_change": 1}


def test_a_single_unanswered_supplement_request_is_resolved_on_the_request_day():
    # given a dossier waiting since 12/3 10:00 for the only supplement requested (the portal's E, ST-7)
    pause = Pause(vn(12, 10), None, "supplement")
    waiting = facts(
        state=State.SUPPLEMENT_REQUESTED,
        supplement_count=1,
        pauses=(pause,),
        ended_at=pause.started_at,
        end_kind=EndKind.AWAITING_SUPPLEMENT,
    )
    changes = dossier_changes(waiting, minutes=None)
    # then it is resolved early on 12/3 as waiting for the supplement, and leaves the pending stocks then
    assert changes[day(12)] == {
        "resolved": 1,
        "resolved_early": 1,
        "resolved_portal_on_time": 1,
        "resolved_awaiting_supplement": 1,
        "pending_change": -1,
        "pending_in_time_change": -1,
    }


def test_an_apology_counts_on_its_approval_day_and_a_late_decision_within_the_new_date_is_marked():
    # given a dossier due 14/3 17:00, apologised on 13/3 with a new date 21/3, decided on 19/3
    apologised = done(vn(19, 10), apology_approved_at=vn(13, 9), extended_appointment_at=vn(21, 17))
    changes = dossier_changes(apologised, minutes=None)
    # then the apology counts on 13/3, and the decision is late, within the extended date, on 19/3
    assert changes[day(13)] == {"apologies": 1}
    assert changes[day(19)]["resolved_late"] == 1
    assert changes[day(19)]["resolved_late_within_extended"] == 1
    assert changes[day(19)]["pending_overdue_change"] == -1


def test_a_stopped_dossier_on_time_counts_for_the_on_time_rate():
    stopped = facts(state=State.STOPPED, ended_at=vn(10, 9), end_kind=EndKind.STOPPED)
    changes = dossier_changes(stopped, minutes=None)
    assert changes[day(10)] == {
        "ended_otherwise": 1,
        "ended_otherwise_portal_on_time": 1,
        "stopped": 1,
        "pending_change": -1,
        "pending_in_time_change": -1,
    }


def test_a_result_not_collected_stays_in_the_stock_until_handed_over():
    delivered = facts(state=State.DELIVERED, ended_at=vn(12, 10), end_kind=EndKind.DELIVERED, delivered_at=vn(20, 15))
    changes = dossier_changes(delivered, minutes=None)
    assert changes[day(12)]["not_collected_change"] == 1
    assert changes[day(20)] == {"not_collected_change": -1}


def test_a_refusal_at_reception_counts_as_refused_and_never_as_received():
    refused = facts(
        state=State.REFUSED_AT_RECEPTION,
        accepted_at=None,
        appointment_at=None,
        current_appointment_at=None,
        ended_at=vn(4, 9),
        end_kind=EndKind.REFUSED_AT_RECEPTION,
    )
    assert dossier_changes(refused, minutes=None) == {day(4): {"refused": 1}}


WINDOW_DAYS = st.integers(min_value=0, max_value=45).map(lambda n: date(2025, 2, 28) + timedelta(days=n))


@given(dossier=consistent_facts(), first=WINDOW_DAYS, length=st.integers(0, 30))
def test_the_days_add_up_to_the_definitions_in_every_day_aligned_window(dossier, first, length):
    # given any dossier and any window of whole local days, read at the end of its last day
    last = first + timedelta(days=length)
    start = datetime.combine(first, datetime.min.time(), tzinfo=VIETNAM)
    measures = period_measures(dossier, start=start, end=end_of_day(last))
    changes = dossier_changes(dossier, minutes=None)
    # when the flows of the window's days and the stock changes up to its end are added up
    flows = {column for d, columns in changes.items() if first <= d <= last for column, n in columns.items() if n}
    stock = {c: sum(columns.get(c, 0) for d, columns in changes.items() if d <= last) for c in _STOCK_NAMES}
    carried = sum(columns.get("pending_change", 0) for d, columns in changes.items() if d < first)
    # then they are exactly the measures the definitions give that window
    for measure in _FLOWS:
        assert (measure.value in flows) == (measure in measures), measure
    for column, measure in _STOCK_NAMES.items():
        assert stock[column] == (measure in measures), measure
    assert carried == (Measure.CARRIED_IN in measures)


_FLOWS = [
    m
    for m in Measure
    if m
    not in {
        Measure.CARRIED_IN,
        Measure.PENDING,
        Measure.PENDING_IN_TIME,
        Measure.PENDING_OVERDUE,
        Measure.ABOUT_TO_BE_LATE,
        Measure.NOT_COLLECTED,
        Measure.HANDLED,
        Measure.HANDLED_ON_TIME,
    }
]
_STOCK_NAMES = {
    "pending_change": Measure.PENDING,
    "pending_in_time_change": Measure.PENDING_IN_TIME,
    "pending_overdue_change": Measure.PENDING_OVERDUE,
    "not_collected_change": Measure.NOT_COLLECTED,
}


# --- which buckets cover a window ---------------------------------------------------------------


def test_a_window_is_read_from_whole_years_whole_months_and_days_at_its_edges():
    assert segments(date(2024, 12, 30), date(2026, 2, 3)) == [
        (Grain.DAY, date(2024, 12, 30), date(2024, 12, 31)),
        (Grain.YEAR, date(2025, 1, 1), date(2025, 1, 1)),
        (Grain.MONTH, date(2026, 1, 1), date(2026, 1, 1)),
        (Grain.DAY, date(2026, 2, 1), date(2026, 2, 3)),
    ]
    assert segments(date(2025, 3, 10), date(2025, 3, 9)) == []
    assert segments(date(2025, 3, 1), date(2025, 3, 31)) == [(Grain.MONTH, date(2025, 3, 1), date(2025, 3, 1))]


@given(first=st.dates(date(2023, 1, 1), date(2026, 12, 31)), length=st.integers(0, 800))
def test_the_buckets_of_a_window_cover_each_of_its_days_once(first, length):
    last = first + timedelta(days=length)
    covered = []
    for grain, start, end in segments(first, last):
        period = start
        while period <= end:
            following = _next(grain, period)
            covered.extend(period + timedelta(days=n) for n in range((following - period).days))
            period = following
    assert covered == [first + timedelta(days=n) for n in range(length + 1)]


def _next(grain, period):
    if grain == Grain.DAY:
        return period + timedelta(days=1)
    if grain == Grain.YEAR:
        return period.replace(year=period.year + 1)
    return period.replace(year=period.year + period.month // 12, month=period.month % 12 + 1)


# --- the report from the counters equals the raw recount ------------------------------------------------


def comparable(report):
    """Return the report's data without what only the raw rows have (the medians) and the source's name."""
    data = report.as_dict()
    for row in [data, *data.get("rows", [])]:
        for key in ("median_processing_hours", "median_processing_days", "source", "source_note"):
            row.pop(key, None)
    return data


def both(setup, **options):
    """Return the province's report from the counters and from the raw rows."""
    window = {"unit": setup["province"], "date_from": DATE_FROM, "date_to": DATE_TO, **options}
    with time_machine.travel(AFTER, tick=False):
        return period_report(**window), period_report(**window, source="raw")


@pytest.fixture
def history(published_calendar):
    setup = agency_setup()
    return setup, build(setup)


pytestmark = pytest.mark.django_db


def test_before_any_fill_the_report_is_the_raw_recount_by_correction(history):
    # given the scenario, never filled: every dossier waits
    setup, _codes = history
    assert not CounterBucket.objects.exists()
    # when the report is read (from the counters, the default)
    counted, raw = both(setup)
    # then it says so, and shows the scenario's figures: the raw recount's, but for the median
    assert counted.source == "counters"
    assert {key: counted.as_dict()[key] for key in EXPECTED} == EXPECTED_FROM_COUNTERS
    assert {key: raw.as_dict()[key] for key in EXPECTED} == EXPECTED
    assert comparable(counted) == comparable(raw)


def test_after_the_fill_the_counters_alone_give_the_same_report(history):
    # given the scenario, filled
    setup, _codes = history
    with time_machine.travel(AFTER, tick=False):
        result = counters_fill()
    assert result.counted == Dossier.objects.count() and result.waiting == 0
    assert not Dossier.objects.filter(counted=False).exists()
    # when the report is read for every grouping
    for group_by in (None, *GROUP_BY):
        counted, raw = both(setup, group_by=group_by)
        # then it is the raw recount, row for row
        assert comparable(counted) == comparable(raw), group_by
    assert {key: both(setup)[0].as_dict()[key] for key in EXPECTED} == EXPECTED_FROM_COUNTERS


def test_a_partial_fill_still_gives_the_raw_recount(history):
    setup, _codes = history
    with time_machine.travel(AFTER, tick=False):
        counters_fill(batch=2, limit=5)
    assert Dossier.objects.filter(counted=False).count() == Dossier.objects.count() - 5
    for group_by in (None, "unit", "procedure"):
        counted, raw = both(setup, group_by=group_by)
        assert comparable(counted) == comparable(raw), group_by


def test_the_raw_part_read_in_chunks_of_ids_gives_the_raw_recount(history, monkeypatch):
    # given a partial fill, so that many dossiers are read from raw rows, two ids per read
    setup, _codes = history
    with time_machine.travel(AFTER, tick=False):
        counters_fill(batch=2, limit=3)
    monkeypatch.setattr(counted_module, "RAW_CHUNK", 2)
    waiting = Dossier.objects.filter(counted=False).count()
    assert waiting > 4
    # when the report is read from the counters, then it is still the raw recount
    for group_by in (None, "unit"):
        counted, raw = both(setup, group_by=group_by)
        assert comparable(counted) == comparable(raw), group_by


@pytest.mark.parametrize(
    "as_of",
    [
        datetime(2025, 3, 14, 23, 59, 59, 999999, tzinfo=VIETNAM),  # the end of a day: counters only
        datetime(2025, 3, 14, 12, 0, tzinfo=VIETNAM),  # inside a day: moved back from its end
        datetime(2025, 3, 25, 9, 0, tzinfo=VIETNAM),  # d2's decision and appointment, to the instant
        datetime(2025, 3, 17, 10, 0, tzinfo=VIETNAM),  # d4's appointment
        datetime(2025, 3, 10, 0, 0, tzinfo=VIETNAM),  # the window's first instant
    ],
)
def test_a_window_read_at_any_instant_is_the_raw_recount(history, as_of):
    setup, _codes = history
    with time_machine.travel(AFTER, tick=False):
        counters_fill(limit=7)
    counted, raw = both(setup, as_of=as_of, group_by="unit")
    assert counted.source == "counters"
    assert comparable(counted) == comparable(raw)


def test_the_next_window_carries_in_what_the_previous_left_pending(history):
    setup, _codes = history
    with time_machine.travel(AFTER, tick=False):
        counters_fill()
        march = period_report(unit=setup["province"], date_from=DATE_FROM, date_to=DATE_TO)
        april = period_report(unit=setup["province"], date_from=date(2025, 4, 1), date_to=date(2025, 4, 9))
        year = period_report(unit=setup["province"], date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
        raw_year = period_report(
            unit=setup["province"], date_from=date(2025, 1, 1), date_to=date(2025, 12, 31), source="raw"
        )
    assert april.total.carried_in == march.total.pending
    assert comparable(year) == comparable(raw_year)  # T = now (10/4 09:00), inside a day


def test_a_supplement_that_moves_the_appointment_after_the_count_is_followed(history):
    # given a dossier received 3/4 (due 17/4), counted, then asked for a supplement on 7/4
    setup, _codes = history
    dossier = receive_april(setup)
    with at_april(7, 9):
        services.dossier_request_supplement(code=dossier.code, actor=setup["officer"], missing=["Bản vẽ"])
        counters_fill()
    # when the supplement arrives on 21/4, which moves the appointment after the original one
    with at_april(21, 9):
        services.dossier_receive_supplement(code=dossier.code)
    dossier.refresh_from_db()
    assert dossier.current_appointment_at > datetime(2025, 4, 17, 9, tzinfo=VIETNAM)
    # then the dossier waits for the fill, and the April report is the raw recount before and after it
    assert dossier.counted is False
    window = {"unit": setup["province"], "date_from": date(2025, 4, 1), "date_to": date(2025, 4, 22)}
    with at_april(23, 9):
        before = period_report(**window)
        counters_fill()
        after, raw = period_report(**window), period_report(**window, source="raw")
    assert comparable(before) == comparable(raw) == comparable(after)
    assert raw.total.resolved_awaiting_supplement == 0 and raw.total.pending_in_time >= 1


def test_a_pause_spanning_the_period_end_resolves_then_reopens_the_dossier(history):
    # given a dossier waiting for its only supplement since 28/4, counted
    setup, _codes = history
    dossier = receive_april(setup)
    with at_april(28, 9):
        services.dossier_request_supplement(code=dossier.code, actor=setup["officer"], missing=["Bản vẽ"])
        counters_fill()
    april = {"unit": setup["province"], "date_from": date(2025, 4, 1), "date_to": date(2025, 4, 30)}
    with at_april(30, 18):
        waiting = period_report(**april).total.resolved_awaiting_supplement
    # when the supplement arrives in May and the dossier is decided
    with time_machine.travel(datetime(2025, 5, 5, 9, tzinfo=VIETNAM), tick=False):
        services.dossier_receive_supplement(code=dossier.code)
        decide_at(setup, dossier, datetime(2025, 5, 6, 9, tzinfo=VIETNAM))
    # then April, read again, counts it pending at its end instead, before and after the fill
    with time_machine.travel(datetime(2025, 5, 7, 9, tzinfo=VIETNAM), tick=False):
        before = period_report(**april)
        counters_fill()
        after, raw = period_report(**april), period_report(**april, source="raw")
    assert waiting == 1 and raw.total.resolved_awaiting_supplement == 0
    assert comparable(before) == comparable(raw) == comparable(after)


def test_an_apology_after_the_count_is_followed(history):
    # given a dossier received 3/4 (due 17/4), counted, then apologised on 10/4 with a new date 25/4
    setup, _codes = history
    dossier = receive_april(setup)
    with at_april(4, 9):
        counters_fill()
    with at_april(10, 9):
        services.dossier_draft_apology(
            code=dossier.code,
            actor=setup["officer"],
            cause="workload",
            reason="Hồ sơ cần xác minh thực địa",
            responsible_unit=setup["commune"],
            new_appointment_at=datetime(2025, 4, 25, 17, tzinfo=VIETNAM),
        )
        services.dossier_approve_apology(code=dossier.code, actor=setup["head"])
    decide_at(setup, dossier, datetime(2025, 4, 22, 9, tzinfo=VIETNAM))  # late, within the new date
    # when April is read before and after the fill
    april = {"unit": setup["province"], "date_from": date(2025, 4, 1), "date_to": date(2025, 4, 30)}
    with at_april(30, 18):
        before = period_report(**april)
        counters_fill()
        after, raw = period_report(**april), period_report(**april, source="raw")
    # then the apology and the late decision within the new date are counted, as the raw recount says
    assert (raw.total.apologies, raw.total.resolved_late_within_extended) == (1, 1)
    assert comparable(before) == comparable(raw) == comparable(after)


def test_a_dossier_moved_out_of_the_scope_leaves_the_counters_of_its_old_unit(history):
    # given the scenario, counted; then d5's receiving unit is changed outside the services (an old import fix)
    setup, codes = history
    with time_machine.travel(AFTER, tick=False):
        counters_fill()
    outsider = Dossier.objects.get(code=codes["elsewhere"]).receiving_unit
    Dossier.objects.filter(code=codes["d5"]).update(receiving_unit=outsider, counted=False)
    # when the province is read, before and after the fill
    before, raw = both(setup)
    with time_machine.travel(AFTER, tick=False):
        counters_fill()
    after, _raw = both(setup)
    # then d5 is gone from the province's figures in both
    assert raw.total.received == EXPECTED["received"] - 1
    assert comparable(before) == comparable(raw) == comparable(after)


def test_tallies_hold_what_each_dossier_added(history):
    setup, codes = history
    with time_machine.travel(AFTER, tick=False):
        counters_fill()
    tally = DossierTally.objects.get(dossier__code=codes["d2"])  # received 11/3, decided 25/3 at A
    assert tally.days["2025-03-11"]["received"] == 1
    assert tally.days["2025-03-25"]["resolved_on_time"] == 1
    assert tally.unit_id == setup["center"].pk
    march = CounterBucket.objects.get(grain=Grain.MONTH, period=date(2025, 3, 1), unit=setup["center"], channel=1)
    day_rows = CounterBucket.objects.filter(grain=Grain.DAY, unit=setup["center"], channel=1, period__month=3)
    assert march.received == sum(row.received for row in day_rows)


# --- helpers for the April histories -----------------------------------------------------------------


def at_april(day_of_month, hour):
    return time_machine.travel(datetime(2025, 4, day_of_month, hour, tzinfo=VIETNAM), tick=False)


def receive_april(setup):
    """Return a dossier received at the counter Thu 3/4/2025 09:00, transferred and assigned."""
    with at_april(3, 9):
        dossier = services.dossier_receive_at_counter(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            applicant=APPLICANT,
            components=[],
            actor=setup["reception"],
        )
        services.dossier_transfer(code=dossier.code, actor=setup["reception"])
        services.dossier_assign(code=dossier.code, actor=setup["head"], assignee=setup["officer"])
    dossier.refresh_from_db()
    return dossier


def decide_at(setup, dossier, moment):
    with time_machine.travel(moment, tick=False):
        services.dossier_decide(code=dossier.code, actor=setup["head"], outcome="approved", summary="Cấp giấy phép")


def test_about_to_be_late_beyond_the_published_calendar_is_read_in_wall_clock_hours(history):
    # given two pending dossiers due early on 3/1/2028, a year no calendar is published for (2024–2027 are)
    setup, codes = history
    late_2027 = datetime(2027, 12, 28, 9, tzinfo=VIETNAM)
    for code, due in ((codes["d4"], datetime(2028, 1, 3, 7, tzinfo=VIETNAM)), (codes["d11"], datetime(2028, 1, 3, 9))):
        Dossier.objects.filter(code=code).update(
            accepted_at=late_2027, submitted_at=late_2027, appointment_at=due.replace(tzinfo=VIETNAM), counted=False
        )
    # when the report ending on 2/1/2028 is read (T = its last instant)
    window = {"unit": setup["province"], "date_from": date(2027, 12, 1), "date_to": date(2028, 1, 2)}
    with time_machine.travel(datetime(2028, 2, 1, 9, tzinfo=VIETNAM), tick=False):
        counters_fill()
        counted, raw = period_report(**window), period_report(**window, source="raw")
    # then the one due 7 wall-clock hours after T is about to be late, the one due 9 hours after is not
    assert raw.total.about_to_be_late == 1
    assert comparable(counted) == comparable(raw)


@pytest.mark.parametrize(
    ("requested", "about_to_be_late"), [(datetime(2025, 3, 31, 10), 0), (datetime(2025, 4, 1, 8), 1)]
)
def test_a_dossier_waiting_for_its_only_supplement_is_about_to_be_late_only_if_asked_after_t(
    history, requested, about_to_be_late
):
    # given d11, due Tue 1/4 09:00, now waiting for the only supplement, requested on 31/3 (by T) or on 1/4
    setup, codes = history
    dossier = Dossier.objects.get(code=codes["d11"])
    PauseInterval.objects.create(
        dossier=dossier,
        kind=PauseKind.SUPPLEMENT,
        started_at=requested.replace(tzinfo=VIETNAM),
        reason="Bổ sung bản sao giấy chứng nhận quyền sử dụng đất",
        requested_by=User.objects.first(),
    )
    Dossier.objects.filter(pk=dossier.pk).update(state=State.SUPPLEMENT_REQUESTED, supplement_count=1, counted=False)
    with time_machine.travel(AFTER, tick=False):
        counters_fill()
    # when the report ending on 31/3 is read (T = its last instant)
    counted, raw = both(setup)
    # then a request by T ended its processing then (ST-7): it is about to be late only if asked after T
    assert raw.total.about_to_be_late == about_to_be_late
    assert comparable(counted) == comparable(raw)
