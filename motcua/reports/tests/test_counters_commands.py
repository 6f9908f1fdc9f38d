"""`manage.py fill_counters`, `manage.py recount`, `manage.py report --source`, the deletion hook and the
report page's word on the counters (ADR 0005)."""

import io
import json
from datetime import date

import pytest
import time_machine
from django.core.management import call_command, execute_from_command_line
from django.db import transaction
from django.db.models import F, ProtectedError
from django.urls import reverse

from motcua.accounts.models import Role, Unit
from motcua.accounts.tests.factories import MembershipFactory
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import agency_setup
from motcua.reports.counters import counters_fill, counters_fill_state, counters_forget
from motcua.reports.generation.write import _delete_chunk as delete_generated
from motcua.reports.models import COUNTER_COLUMNS, CounterBucket, CounterFill, DossierTally, Grain
from motcua.reports.selectors import period_report
from motcua.reports.tests.scenario import AFTER, DATE_FROM, DATE_TO, EXPECTED, build
from motcua.reports.tests.test_counters import comparable

pytestmark = pytest.mark.django_db
PROVINCE = "000.00.00.H31"
WINDOW = ["--from", "2025-03-10", "--to", "2025-03-31"]


@pytest.fixture
def history(published_calendar):
    setup = agency_setup()
    return setup, build(setup)


def command(name, *args):
    """Run a command as manage.py does at AFTER; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    status = 0
    with time_machine.travel(AFTER, tick=False):
        try:
            call_command(name, *args, stdout=out, stderr=err)
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    return status, out.getvalue(), err.getvalue()


def cli(capsys, name, *args):
    """Run through execute_from_command_line (bad input exits 2 with one line); return (status, out, err)."""
    status = 0
    with time_machine.travel(AFTER, tick=False):
        try:
            execute_from_command_line(["manage.py", name, *args])
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def buckets():
    """Return every counter row that holds something, as sorted tuples of its key and columns."""
    fields = ["grain", "period", "unit_id", "procedure_version_id", "channel", *COUNTER_COLUMNS]
    return sorted(row for row in CounterBucket.objects.values_list(*fields) if any(row[5:]))


# --- fill_counters -------------------------------------------------------------------------------------


def test_fill_counts_every_waiting_dossier_and_says_what_it_did(history):
    # given the scenario, never counted
    waiting = Dossier.objects.count()
    # when the fill runs
    status, out, _err = command("fill_counters")
    # then every dossier is counted, and the run is recorded for the report page
    assert status == 0
    assert f"Đã tổng hợp {waiting} hồ sơ" in out
    assert "còn 0 hồ sơ chờ tổng hợp" in out
    state = counters_fill_state()
    assert (state.last_counted, state.waiting) == (waiting, 0)
    assert state.last_run_at == AFTER


def test_running_the_fill_again_changes_nothing(history):
    command("fill_counters")
    before = buckets()
    sequence = CounterFill.objects.get().sequence
    # when it runs again with nothing waiting
    status, out, _err = command("fill_counters")
    # then it counted nothing and the counters are as they were
    assert status == 0 and "Đã tổng hợp 0 hồ sơ (0 dòng bộ đếm thay đổi)" in out
    assert buckets() == before
    assert CounterFill.objects.get().sequence == sequence


def test_a_dossier_recounted_without_change_leaves_the_counters_alone(history):
    # given the scenario counted, then d4 marked waiting again with nothing changed
    _setup, codes = history
    command("fill_counters")
    before = buckets()
    Dossier.objects.filter(code=codes["d4"]).update(counted=False)
    # when the fill runs
    _status, out, _err = command("fill_counters")
    # then it counted d4 again and changed no counter
    assert "Đã tổng hợp 1 hồ sơ (0 dòng bộ đếm thay đổi)" in out
    assert buckets() == before


def test_rebuild_recomputes_the_same_counters_from_scratch(history):
    # given counters filled in small batches
    command("fill_counters", "--batch", "3")
    before = buckets()
    CounterBucket.objects.filter(grain=Grain.YEAR).update(received=999)  # damaged by hand
    # when they are rebuilt
    status, out, _err = command("fill_counters", "--rebuild")
    # then they are as a clean fill made them, and the rebuild is recorded
    assert status == 0 and "Đã tính lại toàn bộ bộ đếm" in out
    assert buckets() == before
    assert CounterFill.objects.get().rebuilt_at == AFTER
    assert DossierTally.objects.count() == Dossier.objects.count()  # each was accepted or refused


def test_a_limit_counts_only_part_of_the_waiting_dossiers(history):
    status, out, _err = command("fill_counters", "--limit", "4", "--batch", "3")
    assert status == 0 and "Đã tổng hợp 4 hồ sơ" in out
    assert Dossier.objects.filter(counted=True).count() == 4


def test_a_batch_of_zero_is_refused(history, capsys):
    status, out, err = cli(capsys, "fill_counters", "--batch", "0")
    assert status != 0 and out == ""
    assert "phải là số nguyên từ 1 trở lên" in err


# --- recount ----------------------------------------------------------------------------------------


def test_recount_finds_no_difference_on_counters_kept_by_the_fill(history, capsys):
    command("fill_counters", "--limit", "6")  # partly filled: the report corrects the rest
    status, out, err = cli(capsys, "recount", "--unit", PROVINCE, *WINDOW)
    assert (status, err) == (0, "")
    assert out.strip().splitlines() == [
        f"Không có chênh lệch giữa bộ đếm và số liệu gốc: {PROVINCE}, 10/03/2025–31/03/2025 / no difference"
    ]


def test_recount_prints_every_difference_and_exits_1(history, capsys):
    # given counters damaged by hand: one more dossier received at the service center's counter on 11/3
    setup, _codes = history
    command("fill_counters")
    damaged = CounterBucket.objects.filter(grain=Grain.DAY, period=date(2025, 3, 11), unit=setup["center"], channel=1)
    assert damaged.update(received=F("received") + 1, received_counter=F("received_counter") + 1) == 1
    # when the counters are recounted
    status, out, _err = cli(capsys, "recount", "--unit", PROVINCE, *WINDOW)
    # then each figure that differs is printed for the province and for the center's row, and the status is 1
    lines = out.strip().splitlines()
    assert status == 1
    assert lines[1:-1] == [
        f"{PROVINCE}\treceived\t9\t8",
        f"{PROVINCE}\treceived_counter\t7\t6",
        f"{setup['center'].code}\treceived\t8\t7",
        f"{setup['center'].code}\treceived_counter\t6\t5",
    ]
    assert lines[-1].startswith("4 chênh lệch")


def test_recount_descends_below_a_child_that_differs_and_marks_a_units_own_row(history, capsys):
    # given the commune moved under the service center, and its counters damaged: one more received on 28/3
    setup, _codes = history
    Unit.objects.filter(pk=setup["commune"].pk).update(parent=setup["center"])
    command("fill_counters")
    damaged = CounterBucket.objects.filter(grain=Grain.DAY, period=date(2025, 3, 28), unit=setup["commune"])
    assert damaged.update(received=F("received") + 1) == 1
    # when the province is recounted
    status, out, _err = cli(capsys, "recount", "--unit", PROVINCE, *WINDOW)
    # then the difference shows for the province, the center's sub-tree and, below it, the commune
    center, commune = setup["center"].code, setup["commune"].code
    assert status == 1
    assert out.strip().splitlines()[1:-1] == [
        f"{PROVINCE}\treceived\t9\t8",
        f"{center}\treceived\t9\t8",
        f"{commune}\treceived\t2\t1",
    ]


def test_recount_without_a_unit_needs_a_single_root(history, capsys):
    # given the scenario's two provinces (Hải Phòng and another)
    status, out, err = cli(capsys, "recount")
    assert (status, out) == (2, "")
    assert "--unit" in err


def test_recount_of_an_unknown_unit_is_bad_input(history, capsys):
    status, out, err = cli(capsys, "recount", "--unit", "999.99.99.H99")
    assert (status, out) == (2, "")
    assert len(err.strip().splitlines()) == 1


# --- report --source ---------------------------------------------------------------------------------


def test_the_report_command_reads_the_source_asked_and_says_which(history):
    command("fill_counters")
    _s, counted, _e = command("report", "--unit", PROVINCE, *WINDOW, "--format", "json")
    _s, raw, _e = command("report", "--unit", PROVINCE, *WINDOW, "--format", "json", "--source", "raw")
    counted, raw = json.loads(counted), json.loads(raw)
    assert (counted["source"], raw["source"]) == ("counters", "raw")
    assert raw["median_processing_hours"] == EXPECTED["median_processing_hours"]
    assert counted["median_processing_hours"] is None
    assert {k: v for k, v in counted.items() if "median" not in k and k != "source"} == {
        k: v for k, v in raw.items() if "median" not in k and k != "source"
    }


def test_an_unknown_source_is_bad_input(history, capsys):
    status, out, err = cli(capsys, "report", "--unit", PROVINCE, *WINDOW, "--source", "duckdb")
    assert (status, out) == (2, "")
    assert "--source" in err


# --- deleting counted dossiers ---------------------------------------------------------------------------


def test_a_counted_dossier_cannot_be_deleted_until_it_is_forgotten(history):
    # given the scenario counted
    setup, codes = history
    command("fill_counters")
    dossier = Dossier.objects.get(code=codes["d8"])
    # when it is deleted as generate_dossiers --replace-year deletes, without taking it out of the counters
    with pytest.raises(ProtectedError), transaction.atomic():
        delete_generated([dossier.pk])
    # then nothing is deleted; taken out of the counters first, it is
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    with transaction.atomic():
        assert counters_forget([dossier.pk]) == 1
        delete_generated([dossier.pk])
    # and the report from the counters is still the raw recount without it
    with time_machine.travel(AFTER, tick=False):
        window = {"unit": setup["province"], "date_from": DATE_FROM, "date_to": DATE_TO}
        counted, raw = period_report(**window), period_report(**window, source="raw")
    assert raw.total.received == EXPECTED["received"] - 1
    assert comparable(counted) == comparable(raw)


# --- the report page -------------------------------------------------------------------------------------


@pytest.fixture
def leader_client(client, history):
    setup, _codes = history
    client.force_login(MembershipFactory(unit=setup["province"], role=Role.LEADER).user)
    return client


def page(client, **query):
    with time_machine.travel(AFTER, tick=False):
        return client.get(
            reverse("reports:report"), {"period": "dates", "from": "2025-03-10", "to": "2025-03-31", **query}
        )


def test_the_report_page_says_when_the_counters_were_filled_and_how_many_dossiers_wait(leader_client, history):
    # given counters filled at AFTER, then one dossier changed (waiting again)
    _setup, codes = history
    with time_machine.travel(AFTER, tick=False):
        counters_fill()
    Dossier.objects.filter(code=codes["d4"]).update(counted=False)
    # when the page is opened
    response = page(leader_client, unit=PROVINCE)
    # then it says the figures come from the counters, when they were filled and how many dossiers wait
    text = response.content.decode()
    assert response.context["report"].source == "counters"
    assert "cập nhật lúc 09:00 10/04/2025; 1 hồ sơ chờ tổng hợp" in text
    # and it links to the same report from the raw rows, which has the median
    raw = page(leader_client, unit=PROVINCE, source="raw")
    assert raw.context["report"].source == "raw"
    assert raw.context["report"].total.median_processing_hours == EXPECTED["median_processing_hours"]
    assert "Số liệu tính trực tiếp từ dữ liệu gốc" in raw.content.decode()
    assert "source=raw" in response.context["raw_href"]
