"""`manage.py report`: the stable CLI contract (one JSON object; xlsx and pdf files; bad input → one line, exit 2)."""

import io
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command, execute_from_command_line
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.dossiers.tests.factories import agency_setup
from motcua.reports.tests.scenario import AFTER, EXPECTED, EXPECTED_FROM_COUNTERS, build
from motcua.workdays.arith import VIETNAM

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {
    "carried_in",
    "received",
    "received_online",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_in_time",
    "pending_overdue",
    "refused",
    "ended_otherwise",
    "online_rate",
    "on_time_rate",
    "reconciliation_gap",
}
WINDOW = ["--from", "2025-03-10", "--to", "2025-03-31"]
PROVINCE = ["--unit", "000.00.00.H31"]


@pytest.fixture
def history(published_calendar):
    setup = agency_setup()
    build(setup)
    return setup


def report(*args):
    """Run the command through call_command at AFTER and return its stdout."""
    out = io.StringIO()
    with time_machine.travel(AFTER, tick=False):
        call_command("report", *args, stdout=out)
    return out.getvalue()


def run_cli(capsys, *args):
    """Run the command as manage.py does and return (exit status, stdout, stderr)."""
    status = 0
    try:
        execute_from_command_line(["manage.py", "report", *args])
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_prints_one_object_with_the_contract_keys(history):
    # when the province's report is asked for as JSON
    data = json.loads(report("--unit", history["province"].code, *WINDOW, "--format", "json"))
    # then it is one object with every key of the contract, the scenario's figures and the window
    assert set(data) >= CONTRACT_KEYS
    assert {key: data[key] for key in EXPECTED} == EXPECTED_FROM_COUNTERS
    assert (data["unit_code"], data["unit_name"]) == (history["province"].code, history["province"].name)
    assert (data["date_from"], data["date_to"]) == ("2025-03-10", "2025-03-31")
    assert data["as_of"] == "2025-03-31T23:59:59.999999+07:00"
    assert "rows" not in data


def test_json_with_as_of_local_dates_and_rows(history):
    # when the window is typed as DD/MM/YYYY, read at the end of 14/3 (no offset: Vietnam time), grouped by channel
    text = report(
        "--unit", history["province"].code, "--from", "10/03/2025", "--to", "31/03/2025", "--as-of", "2025-03-14T23:59",
        "--group-by", "channel",
    )  # fmt: skip
    data = json.loads(text)
    # then the figures are those of that instant, with one row per channel
    assert (data["received"], data["resolved"], data["pending"], data["reconciliation_gap"]) == (5, 1, 4, 0)
    assert data["as_of"] == datetime(2025, 3, 14, 23, 59, tzinfo=VIETNAM).isoformat()
    assert sum(row["received"] for row in data["rows"]) == 5


def test_xlsx_is_a_readable_workbook_with_a_row_per_child_unit_and_the_total(history, tmp_path):
    # when the report is written as .xlsx
    path = tmp_path / "bao-cao.xlsx"
    assert report("--unit", history["province"].code, *WINDOW, "--format", "xlsx", "--output", str(path)) == ""
    # then the workbook has the title, the headings, one row per child unit and the total row
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[1][0] == "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert rows[4][:3] == ("STT", "Đơn vị", "Số hồ sơ nhận giải quyết")
    assert rows[6][2] == "(3) = (4) + (5) + (6)"
    body = rows[7:]
    assert [line[1] for line in body] == [history["commune"].name, history["center"].name, "Tổng cộng"]
    total = body[-1]
    # (3) to handle = 10, online 1, in person and post 7, carried in 2; resolved 5 = 3 + 1 + 1; pending 3 = 2 + 1
    assert total[2:13] == (10, 1, 7, 2, 5, 3, 1, 1, 3, 2, 1)
    assert total[13:] == (2, 1, 12.5, 80.0, 0)  # ended otherwise, refused, rates, reconciliation gap


def test_pdf_is_written_and_shows_the_figures(history, tmp_path):
    # when the report is written as PDF
    path = tmp_path / "bao-cao.pdf"
    report("--unit", history["province"].code, *WINDOW, "--format", "pdf", "--output", str(path))
    # then it is a PDF with the national header, the child units and the reconciliation
    content = path.read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Tổng cộng" in text and "Ủy ban nhân dân xã Vĩnh Bảo" in text
    assert "chênh lệch: 0" in text


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        pytest.param(["--unit", "KHONG-CO", *WINDOW], "KHONG-CO", id="unknown unit"),
        pytest.param([*PROVINCE, "--from", "2025-02-30", "--to", "2025-03-31"], "2025-02-30", id="date"),
        pytest.param([*PROVINCE, "--from", "2025-03-31", "--to", "2025-03-01"], "31/03/2025", id="order"),
        pytest.param([*PROVINCE, *WINDOW, "--format", "xlsx"], "--output", id="xlsx without output"),
        pytest.param([*PROVINCE, *WINDOW, "--format", "pdf"], "--output", id="pdf without output"),
        pytest.param([*PROVINCE, *WINDOW, "--format", "csv"], "csv", id="unknown format"),
        pytest.param([*PROVINCE, *WINDOW, "--as-of", "hôm qua"], "hôm qua", id="bad as-of"),
        pytest.param([*PROVINCE, *WINDOW, "--as-of", "2025-03-01T00:00"], "as_of", id="as-of early"),
        pytest.param([*PROVINCE, *WINDOW, "--output", "/no/such/dir/r.json"], "/no/such", id="output"),
        pytest.param(WINDOW, "--unit", id="missing unit"),
    ],
)
def test_bad_input_prints_one_line_and_exits_2(published_calendar, capsys, args, mentions):
    # given the province of the usual setup
    agency_setup()
    # when the command runs with bad input
    status, out, err = run_cli(capsys, *args)
    # then one line on stderr, in Vietnamese / English, nothing on stdout, exit status 2
    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert mentions in err
    assert " / " in err


# --- a real process against a real database file -----------------------------------------


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory):
    """Return an environment whose SQLite database is migrated and holds one unit, 000.00.00.H31."""
    env = {**os.environ, "MOTCUA_VAR_DIR": str(tmp_path_factory.mktemp("var"))}
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--verbosity", "0")
    create = (
        "from motcua.accounts.models import Unit\n"
        "Unit.objects.create(code='000.00.00.H31', name='Ủy ban nhân dân thành phố Hải Phòng', kind='province')\n"
    )
    manage(env, "shell", "--no-imports", "--command", create)
    return env


def manage(env, *args, check=True):
    manage_py = Path(settings.BASE_DIR) / "manage.py"
    return subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, str(manage_py), *args], env=env, capture_output=True, text=True, check=check, timeout=120
    )


def test_a_real_process_prints_only_json_on_stdout_and_nothing_on_stderr(migrated_database):
    result = manage(migrated_database, "report", *PROVINCE, *WINDOW, "--as-of", "2025-04-01T00:00")
    assert (result.returncode, result.stderr) == (0, "")
    data = json.loads(result.stdout)
    assert (data["received"], data["reconciliation_gap"], data["on_time_rate"]) == (0, 0, None)


def test_a_real_process_exits_2_with_one_line_on_bad_input(migrated_database):
    result = manage(migrated_database, "report", "--unit", "KHONG-CO", *WINDOW, "--format", "pdf", check=False)
    assert (result.returncode, result.stdout) == (2, "")
    assert len(result.stderr.splitlines()) == 1
