"""`manage.py close_period`, and `manage.py report` on a closed period: the snapshot, byte for byte, and --live."""

import io
import json
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command, execute_from_command_line
from django.db import connections
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.dossiers.tests.factories import agency_setup
from motcua.reports.models import PeriodSnapshot
from motcua.reports.periods import snapshot_data
from motcua.reports.tests.closing import (
    CLOSED_AT,
    LATER,
    MARCH_WINDOW,
    close_march,
    par_officer,
    receive_d10_supplement,
)
from motcua.reports.tests.scenario import build
from motcua.reports.tests.test_report_command import CONTRACT_KEYS
from motcua.workdays.arith import VIETNAM

pytestmark = pytest.mark.django_db

PROVINCE = "000.00.00.H31"


@pytest.fixture
def history(published_calendar):
    setup = agency_setup()
    return setup, build(setup)


@pytest.fixture(autouse=True)
def _connection_kept(monkeypatch):
    """Keep the test's connection open: manage.py closes every connection when a command ends."""
    monkeypatch.setattr(connections, "close_all", lambda: None)


def run(capsys, command, *args, at=CLOSED_AT):
    """Run a command as manage.py does at `at`; return (exit status, stdout, stderr)."""
    status = 0
    with time_machine.travel(at, tick=False):
        try:
            execute_from_command_line(["manage.py", command, *args])
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def report_json(*args, at=LATER):
    out = io.StringIO()
    with time_machine.travel(at, tick=False):
        call_command(
            "report", "--unit", PROVINCE, "--from", MARCH_WINDOW[0], "--to", MARCH_WINDOW[1], *args, stdout=out
        )
    return out.getvalue()


# --- close_period -----------------------------------------------------------------------------


def test_close_period_closes_a_month_and_prints_one_line(history, capsys):
    # given a PAR officer of the province
    setup, _codes = history
    officer = par_officer(setup)
    # when the operator's cron closes the calendar month 2025-03 on 10/4
    status, out, err = run(
        capsys,
        "close_period",
        "--unit",
        PROVINCE,
        "--month",
        "2025-03",
        "--scheme",
        "calendar",
        "--user",
        officer.username,
    )
    # then version 1 is stored and one line says so, with its hash
    snapshot = PeriodSnapshot.objects.get()
    assert (status, err) == (0, "")
    assert (snapshot.version, snapshot.created_by, str(snapshot.date_from)) == (1, officer, "2025-03-01")
    assert out.strip().splitlines() == [
        f"Đã khóa sổ Tháng 03/2025 (01/03/2025 – 31/03/2025) — {PROVINCE} {setup['province'].name}: "
        f"phiên bản 1, sha256 {snapshot.content_hash}"
    ]


def test_close_period_names_periods_by_the_default_decree_09_scheme(history, capsys, settings):
    # given the default scheme of Decree 09/2019, whose quarter 1/2025 runs 15/12/2024 – 14/3/2025
    settings.REPORT_WINDOWS_DEFAULT = "decree_09"
    setup, _codes = history
    # when
    status, _out, err = run(
        capsys, "close_period", "--unit", PROVINCE, "--quarter", "2025-Q1", "--user", par_officer(setup).username
    )
    # then
    snapshot = PeriodSnapshot.objects.get()
    assert (status, err) == (0, "")
    assert (snapshot.kind, snapshot.scheme, str(snapshot.date_from), str(snapshot.date_to)) == (
        "quarter",
        "decree_09",
        "2024-12-15",
        "2025-03-14",
    )


def test_close_period_restates_with_a_reason(history, capsys):
    # given March closed, then corrected
    setup, codes = history
    officer = par_officer(setup)
    close_march(setup, officer)
    receive_d10_supplement(setup, codes)
    # when
    status, out, err = run(
        capsys,
        "close_period",
        "--unit",
        PROVINCE,
        "--month",
        "2025-03",
        "--scheme",
        "calendar",
        "--restate",
        "--reason",
        "Hồ sơ nhận bổ sung ngày 11/4",
        "--user",
        officer.username,
        at=LATER,
    )
    # then
    latest = PeriodSnapshot.objects.order_by("-version").first()
    assert (status, err) == (0, "")
    assert out.startswith("Đã điều chỉnh Tháng 03/2025")
    assert (latest.version, latest.reason) == (2, "Hồ sơ nhận bổ sung ngày 11/4")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2025-3"], "--month: '2025-3' không hợp lệ, cần YYYY-MM"),
        (["--month", "2025-13"], "Kỳ 13 không có"),
        (["--quarter", "2025-Q5"], "--quarter: '2025-Q5' không hợp lệ"),
        (["--month", "2025-03", "--quarter", "2025-Q1"], "not allowed with argument"),
        ([], "one of the arguments --month --quarter is required"),
        (["--month", "2025-03", "--unit", "000.99.99.H99"], "Mã đơn vị không tồn tại"),
        (["--month", "2025-03", "--user", "khong-co-ai"], "--user: không có người dùng"),
        (["--month", "2025-03", "--reason", "Sửa"], "--reason chỉ dùng với --restate"),
        (["--month", "2025-03", "--restate"], "lý do"),
        (["--month", "2025-04"], "chưa kết thúc"),
    ],
)
def test_close_period_bad_input_is_one_line_and_exit_status_2(history, capsys, args, message):
    setup, _codes = history
    user = par_officer(setup).username
    base = ["--unit", PROVINCE, "--scheme", "calendar", "--user", user]
    # when
    status, out, err = run(capsys, "close_period", *base, *args)
    # then
    assert (status, out) == (2, "")
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert not PeriodSnapshot.objects.exists()


def test_close_period_refuses_a_user_without_the_role(history, capsys):
    setup, _codes = history
    # when the processing officer tries
    status, out, err = run(
        capsys, "close_period", "--unit", PROVINCE, "--month", "2025-03", "--user", setup["officer"].username
    )
    # then
    assert (status, out) == (2, "")
    assert "only an agency head or a PAR officer" in err
    assert not PeriodSnapshot.objects.exists()


def test_close_period_refuses_a_second_closing(history, capsys):
    setup, _codes = history
    close_march(setup)
    status, _out, err = run(
        capsys,
        "close_period",
        "--unit",
        PROVINCE,
        "--month",
        "2025-03",
        "--scheme",
        "calendar",
        "--user",
        par_officer(setup).username,
    )
    assert status == 2
    assert "already closed" in err
    assert PeriodSnapshot.objects.count() == 1


# --- report on a closed period ----------------------------------------------------------------


def test_a_closed_periods_report_is_reproduced_byte_for_byte_after_a_correction(history):
    # given March closed, its report printed
    setup, codes = history
    close_march(setup)
    before = report_json("--format", "json", at=CLOSED_AT)
    before_grouped = report_json("--format", "json", "--group-by", "procedure", at=CLOSED_AT)
    # when the data of March changes afterwards
    receive_d10_supplement(setup, codes)
    after = report_json("--format", "json")
    after_grouped = report_json("--format", "json", "--group-by", "procedure")
    # then the closed report prints exactly the same bytes, marked closed, with the contract's keys
    assert after == before and after_grouped == before_grouped
    data = json.loads(after)
    assert set(data) >= CONTRACT_KEYS
    assert (data["closed"], data["snapshot_version"]) == (True, 1)
    assert data == {**snapshot_data(PeriodSnapshot.objects.get())["report"], "closed": True, "snapshot_version": 1}
    # and --live shows the recomputation beside it, which does differ
    live = json.loads(report_json("--format", "json", "--live"))
    assert {k: v for k, v in live.items() if k != "live"} == data
    assert live["live"]["resolved"] == data["resolved"] - 1
    assert live["live"]["pending"] == data["pending"] + 1
    assert "closed" not in live["live"]


def test_an_open_window_is_recomputed_and_says_so(history):
    # given March closed
    setup, _codes = history
    close_march(setup)
    # when a window that is not exactly the closed month is asked for (one day shorter; or read mid-month)
    shorter = json.loads(report_json("--format", "json", "--to", "2025-03-30"))
    earlier = json.loads(report_json("--format", "json", "--as-of", "2025-03-20T12:00"))
    # then it is recomputed
    assert (shorter["closed"], shorter["snapshot_version"]) == (False, None)
    assert (earlier["closed"], earlier["snapshot_version"]) == (False, None)
    assert earlier["as_of"] == "2025-03-20T12:00:00+07:00"


def test_an_as_of_at_or_after_the_end_still_reads_the_closed_period(history):
    setup, _codes = history
    close_march(setup)
    data = json.loads(report_json("--format", "json", "--as-of", "2025-04-30T00:00"))
    assert (data["closed"], data["as_of"]) == (True, "2025-03-31T23:59:59.999999+07:00")


def test_the_xlsx_of_a_closed_period_carries_its_figures_and_its_mark(history, tmp_path):
    # given March closed, then corrected
    setup, codes = history
    close_march(setup)
    receive_d10_supplement(setup, codes)
    closed = json.loads(report_json("--format", "json", "--group-by", "unit"))
    # when the workbook is written
    path = tmp_path / "thang-3.xlsx"
    report_json("--format", "xlsx", "--output", str(path))
    live_path = tmp_path / "thang-3-live.xlsx"
    report_json("--format", "xlsx", "--output", str(live_path), "--live")
    # then the title says the period is closed and the total row holds the closed figures (resolved: column G)
    sheet = load_workbook(path).active
    assert "Kỳ đã khóa sổ ngày 10/04/2025 (phiên bản 1)" in sheet["A3"].value
    total_row = next(row for row in sheet.iter_rows(values_only=True) if row[1] == "Tổng cộng")
    assert total_row[6] == closed["resolved"]
    live_sheet = load_workbook(live_path).active
    live_total = next(row for row in live_sheet.iter_rows(values_only=True) if row[1] == "Tổng cộng")
    assert live_total[6] == closed["resolved"] - 1
    assert "khóa sổ" not in live_sheet["A3"].value


def test_restated_versions_are_served_from_the_latest(history):
    # given March closed, corrected and restated
    setup, codes = history
    officer = par_officer(setup)
    close_march(setup, officer)
    receive_d10_supplement(setup, codes)
    call_command(
        "close_period",
        "--unit",
        PROVINCE,
        "--month",
        "2025-03",
        "--scheme",
        "calendar",
        "--restate",
        "--reason",
        "Hồ sơ nhận bổ sung",
        "--user",
        officer.username,
        stdout=io.StringIO(),
    )
    # when
    data = json.loads(report_json("--format", "json", "--live", at=datetime(2025, 4, 13, tzinfo=VIETNAM)))
    # then version 2 is served and the recomputation agrees with it
    assert data["snapshot_version"] == 2
    assert {k: data["live"][k] for k in CONTRACT_KEYS} == {k: data[k] for k in CONTRACT_KEYS}


def test_the_pdf_of_a_closed_period_carries_its_mark(history, tmp_path):
    # given March closed
    setup, _codes = history
    close_march(setup)
    # when the PDF is written
    path = tmp_path / "thang-3.pdf"
    report_json("--format", "pdf", "--output", str(path))
    # then its period line says the period is closed, and which version is printed
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)
    assert "Kỳ đã khóa sổ ngày 10/04/2025 (phiên bản 1)" in text
