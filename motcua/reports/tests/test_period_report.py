"""The period report from raw rows: every figure of a history built through the services (ST-1 … ST-19)."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.models import Dossier
from motcua.reports.selectors import ReportError, figures_from, period_report, period_report_dossiers
from motcua.reports.tests.scenario import AFTER, DATE_FROM, DATE_TO, EXPECTED, build, receive
from motcua.workdays.arith import VIETNAM

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(published_calendar):
    from motcua.dossiers.tests.factories import agency_setup

    setup = agency_setup()
    return setup, build(setup)


def report(setup, **options):
    options.setdefault("source", "raw")  # this module checks the raw rows; test_counters.py the counters
    with time_machine.travel(AFTER, tick=False):
        return period_report(unit=setup["province"], date_from=DATE_FROM, date_to=DATE_TO, **options)


def dossiers(setup, measure, **options):
    with time_machine.travel(AFTER, tick=False):
        return period_report_dossiers(
            unit=setup["province"], date_from=DATE_FROM, date_to=DATE_TO, measure=measure, **options
        )


def test_every_figure_of_the_scenario(history):
    # given the scenario's history (see scenario.py)
    setup, _codes = history
    # when the province's report for 10/3–31/3/2025 is read after the window
    result = report(setup)
    # then every figure is as expected, the reconciliation holds and T is the end of 31/3
    assert {key: result.as_dict()[key] for key in EXPECTED} == EXPECTED
    assert result.window.end == datetime(2025, 3, 31, 23, 59, 59, 999999, tzinfo=VIETNAM)


def test_every_figure_links_to_its_dossiers(history):
    setup, codes = history
    names = {code: name for name, code in codes.items()}

    def behind(measure):
        return sorted(names[code] for code in dossiers(setup, measure))

    assert behind("carried_in") == ["d1", "d4"]
    assert behind("resolved_early") == ["d1", "d10", "d8"]
    assert behind("resolved_on_time") == ["d2"]
    assert behind("resolved_late") == ["d3"]
    assert behind("pending_overdue") == ["d4"]
    assert behind("about_to_be_late") == ["d11"]
    assert behind("refused") == ["d7"]
    assert behind("ended_otherwise") == ["d6", "d9"]
    assert behind("withdrawn") == ["d9"]
    assert behind("not_collected") == ["d1", "d2", "d3"]
    assert behind("received_postal") == ["d9"]
    # and the lists have exactly as many dossiers as the figures
    total = report(setup).as_dict()
    for measure in ("received", "resolved", "pending", "handled", "handled_on_time", "apologies"):
        assert len(dossiers(setup, measure)) == total[measure], measure


def test_rows_per_child_unit_add_up_to_the_total(history):
    # given the scenario, where the commune received d5 and the service center everything else
    setup, codes = history
    # when the report is grouped by unit
    result = report(setup, group_by="unit")
    rows = {row.key: row for row in result.rows}
    # then there is one row per child unit, and the rows add up to the total, figure by figure
    assert set(rows) == {setup["center"].code, setup["commune"].code}
    assert rows[setup["commune"].code].figures.received == 1
    assert rows[setup["commune"].code].label == setup["commune"].name
    for name in ("carried_in", "received", "resolved", "resolved_late", "pending", "ended_otherwise", "refused"):
        assert sum(getattr(row.figures, name) for row in result.rows) == getattr(result.total, name), name
    assert result.total == report(setup).total
    # and a row's numbers link to that row's dossiers
    commune = dossiers(setup, "pending", group_by="unit", group=setup["commune"].code)
    assert commune == [codes["d5"]]


@pytest.mark.parametrize("group_by", ["field", "procedure", "channel", "level"])
def test_other_groupings_partition_the_total(history, group_by):
    setup, _codes = history
    result = report(setup, group_by=group_by)
    assert result.rows
    for name in ("received", "resolved", "pending", "handled_on_time"):
        assert sum(getattr(row.figures, name) for row in result.rows) == getattr(result.total, name)
    if group_by == "channel":
        assert {row.key: row.figures.received for row in result.rows} == {"1": 6, "2": 1, "3": 1}
        assert {row.label for row in result.rows} == {"Trực tiếp", "Trực tuyến", "Bưu chính công ích"}


def test_as_of_reads_the_window_at_an_earlier_instant(history):
    # given the scenario
    setup, _codes = history
    # when the window is read at the end of Friday 14/3
    result = report(setup, as_of=datetime(2025, 3, 14, 23, 59, tzinfo=VIETNAM)).total
    # then only what had happened by then counts: d1 resolved, d6 stopped, d9 withdrawn, four pending
    assert (result.carried_in, result.received, result.resolved, result.ended_otherwise, result.pending) == (
        2,
        5,
        1,
        2,
        4,
    )
    assert result.pending_overdue == 0  # d4 is due on 17/3
    assert result.reconciliation_gap == 0


def test_the_next_window_carries_in_what_the_previous_left_pending(history):
    setup, _codes = history
    first = report(setup).total
    with time_machine.travel(AFTER, tick=False):
        second = period_report(unit=setup["province"], date_from=date(2025, 4, 1), date_to=date(2025, 4, 9)).total
    assert second.carried_in == first.pending  # ST-14: carried_in = previous period's pending
    assert second.reconciliation_gap == 0


def test_a_dossier_altered_inconsistently_shows_a_gap(history):
    # given d2, received on 11/3, whose end of processing is then altered to a time before its acceptance
    setup, codes = history
    Dossier.objects.filter(code=codes["d2"]).update(processing_ended_at=datetime(2025, 3, 5, 9, tzinfo=VIETNAM))
    # when the report is read
    result = report(setup).total
    # then the dossier is received but neither resolved nor pending: the gap shows it, nothing is adjusted
    assert result.received == EXPECTED["received"]
    assert result.resolved == EXPECTED["resolved"] - 1
    assert result.reconciliation_gap == 1


def test_the_number_of_queries_does_not_grow_with_the_dossiers(history):
    # given the scenario, read once
    setup, _codes = history
    with CaptureQueriesContext(connection) as few:
        report(setup, group_by="unit")
    # when eleven more dossiers are received in the window
    for day in range(10, 21):
        receive(setup, day)
    with CaptureQueriesContext(connection) as many:
        result = report(setup, group_by="unit")
    # then the report still takes the same few queries (units, calendar, dossiers, pauses, withdrawals)
    assert result.total.received == EXPECTED["received"] + 11
    assert len(many.captured_queries) == len(few.captured_queries) <= 10


def test_an_empty_unit_reports_zeros_and_no_rate(published_calendar):
    from motcua.accounts.tests.factories import UnitFactory

    province = UnitFactory(code="000.00.00.H01", name="Ủy ban nhân dân tỉnh Trống")
    UnitFactory(code="000.01.00.H01", name="Ủy ban nhân dân xã Một", parent=province)
    with time_machine.travel(AFTER, tick=False):
        result = period_report(unit=province, date_from=DATE_FROM, date_to=DATE_TO, group_by="unit")
    assert result.total.received == 0 and result.total.on_time_rate is None and result.total.online_rate is None
    assert [row.label for row in result.rows] == ["Ủy ban nhân dân xã Một"]  # the child is listed, with zeros


def test_the_current_period_is_read_now(history):
    # given a window that has not ended yet: 10/3–31/3 read on 20/3 at noon
    setup, _codes = history
    with time_machine.travel(datetime(2025, 3, 20, 12, tzinfo=VIETNAM), tick=False):
        result = period_report(unit=setup["province"], date_from=DATE_FROM, date_to=DATE_TO)
    # then T is now, not the end of the window
    assert result.window.end == datetime(2025, 3, 20, 12, tzinfo=VIETNAM)
    assert result.total.received == 7  # d5 (28/3) is not received yet


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"date_from": date(2025, 3, 31), "date_to": date(2025, 3, 1)}, "trước ngày bắt đầu"),
        ({"as_of": datetime(2025, 3, 1, tzinfo=VIETNAM)}, "as_of is before the window starts"),
        ({"as_of": datetime(2025, 3, 20, 12)}, "time zone"),
        ({"group_by": "officer"}, "unknown group_by"),
    ],
)
def test_bad_input_is_refused(published_calendar, options, message):
    from motcua.accounts.tests.factories import UnitFactory

    arguments = {"unit": UnitFactory(), "date_from": DATE_FROM, "date_to": DATE_TO, **options}
    with pytest.raises(ReportError, match=message):
        period_report(**arguments)


def test_an_unknown_measure_is_refused(published_calendar):
    from motcua.accounts.tests.factories import UnitFactory

    with pytest.raises(ReportError, match="unknown measure"):
        period_report_dossiers(
            unit=UnitFactory(), date_from=DATE_FROM, date_to=DATE_TO + timedelta(days=1), measure="everything"
        )


def test_a_unit_below_a_child_rolls_up_into_the_child(history):
    # given a reception point under the service center that received one dossier in the window
    from motcua.accounts.tests.factories import UnitFactory
    from motcua.reports.tests.scenario import receive

    setup, _codes = history
    point = UnitFactory(code="000.11.50.H31", name="Điểm tiếp nhận thôn Đông", parent=setup["center"])
    receive(setup, 20, unit=point)
    # when the province's report is grouped by unit
    rows = {row.key: row.figures.received for row in report(setup, group_by="unit").rows}
    # then the dossier counts in the service center's row, not in a row of its own
    assert rows == {setup["center"].code: 8, setup["commune"].code: 1}


def test_facts_of_a_stored_dossier_agree_with_the_streamed_facts(history):
    from motcua.reports.definitions import EndKind, facts_of, timeliness_by_date

    setup, codes = history
    dossier = Dossier.objects.select_related("apology").get(code=codes["d3"])
    facts = facts_of(dossier, dossier.pauses.all())
    assert (facts.end_kind, timeliness_by_date(facts).value) == (EndKind.DONE, "late")
    assert facts.extended_appointment_at == datetime(2025, 3, 28, 17, tzinfo=VIETNAM)
    waiting = Dossier.objects.get(code=codes["d10"])
    assert facts_of(waiting, waiting.pauses.all()).end_kind == EndKind.AWAITING_SUPPLEMENT
    assert dossiers(setup, "resolved_late") == [codes["d3"]]


def test_the_published_lam_dong_figures_show_both_gaps():
    # given the province total of Lâm Đồng, Q1/2020 (DOMAIN.md §6.3): carry-over and withdrawals not published
    counts = {
        "received": 659_245,
        "resolved": 643_272,
        "resolved_on_time": 635_593,  # early and on time together
        "resolved_late": 7_677,
        "pending": 7_172,
        "pending_in_time": 5_950,
        "pending_overdue": 1_222,
    }
    # when its figures are computed
    figures = figures_from(counts)
    # then the published rate is reproduced and both gaps are shown with their size, not hidden
    assert figures.resolved_on_time_rate == 98.81
    assert figures.resolved_split_gap == 2  # 635,593 + 7,677 = 643,270 ≠ 643,272
    assert figures.reconciliation_gap == 8_801  # 659,245 − 643,272 − 7,172
    assert figures.pending_split_gap == 0
