"""`manage.py appointment`: the stable CLI contract of DESIGN.md (first line ISO 8601, bad input → one line, exit 2)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from motcua.accounts.tests.factories import UnitFactory
from motcua.workdays.models import CalendarDay, DayKind
from motcua.workdays.tests.calendars import WORKED_EXAMPLES, Case, case_id

pytestmark = pytest.mark.django_db


def cli_args(case: Case) -> list[str]:
    """Return the arguments for a case, the acceptance written as naive local time."""
    accepted = case.accepted.replace(tzinfo=None).isoformat()
    return ["--accepted", accepted, "--amount", str(case.amount), "--unit", case.unit]


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command as manage.py does and return (exit status, stdout, stderr)."""
    status = 0
    try:
        execute_from_command_line(["manage.py", "appointment", *args])
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("case", WORKED_EXAMPLES, ids=case_id)
def test_worked_example_through_call_command(published_calendar, case):
    # given
    out = StringIO()
    # when
    call_command("appointment", *cli_args(case), stdout=out)
    # then
    assert out.getvalue().splitlines() == [case.expected.isoformat()]


@pytest.mark.parametrize("case", WORKED_EXAMPLES, ids=case_id)
def test_worked_example_through_the_command_line(published_calendar, capsys, case):
    # when
    status, out, err = run_cli(capsys, *cli_args(case))
    # then
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == case.expected.isoformat()


def test_example_1_prints_the_contract_line(published_calendar, capsys):
    # when
    status, out, _ = run_cli(capsys, "--accepted", "2025-04-24T10:00", "--amount", "10", "--unit", "working_days")
    # then
    assert status == 0
    assert out == "2025-05-12T10:00:00+07:00\n"


def test_explain_prints_the_trace_after_the_appointment(published_calendar, capsys):
    # when
    status, out, _ = run_cli(
        capsys, "--accepted", "2025-04-24T10:00", "--amount", "10", "--unit", "working_days", "--explain"
    )
    # then
    lines = out.splitlines()
    assert status == 0
    assert lines[0] == "2025-05-12T10:00:00+07:00"
    assert "26/04/2025 (Thứ Bảy): làm bù — Làm bù cho ngày 02/05/2025, ngày làm việc thứ 2" in lines
    assert "30/04/2025 (Thứ Tư): nghỉ — Ngày Chiến thắng" in lines
    assert lines[-1] == "Hẹn trả kết quả: 12/05/2025 10:00 (Thứ Hai)"


def test_an_instant_with_an_offset_is_converted(published_calendar, capsys):
    # given 03:00 UTC = 10:00 in Vietnam
    # when
    status, out, _ = run_cli(capsys, "--accepted", "2025-04-24T03:00:00Z", "--amount", "10", "--unit", "working_days")
    # then
    assert (status, out) == (0, "2025-05-12T10:00:00+07:00\n")


def test_unit_code_selects_the_unit_calendar(published_calendar):
    # given a commune that took Mon 10/3/2025 off
    commune = UnitFactory(code="000.00.07.H99")
    CalendarDay.objects.create(
        date=date(2025, 3, 10), kind=DayKind.LOCAL_DAY_OFF, name="Lễ hội", scope_code=commune.code
    )
    args = ["--accepted", "2025-03-07T09:00", "--amount", "1", "--unit", "working_days"]
    national, local = StringIO(), StringIO()
    # when
    call_command("appointment", *args, stdout=national)
    call_command("appointment", *args, "--unit-code", commune.code, stdout=local)
    # then
    assert national.getvalue() == "2025-03-10T09:00:00+07:00\n"
    assert local.getvalue() == "2025-03-11T09:00:00+07:00\n"


ACCEPTED = ["--accepted", "2025-04-24T10:00"]
BAD_INPUT = [
    pytest.param(["--accepted", "24/04/2025", "--amount", "10", "--unit", "days"], "24/04/2025", id="bad date"),
    pytest.param([*ACCEPTED, "--amount", "10", "--unit", "weeks"], "weeks", id="unknown unit"),
    pytest.param([*ACCEPTED, "--amount", "-3", "--unit", "days"], "-3", id="negative"),
    pytest.param([*ACCEPTED, "--amount", "5000", "--unit", "working_days"], "5000", id="absurd"),
    pytest.param([*ACCEPTED, "--amount", "ten", "--unit", "days"], "ten", id="not a number"),
    pytest.param(["--accepted", "2031-04-24T10:00", "--amount", "1", "--unit", "days"], "2031", id="unpublished year"),
    pytest.param(["--accepted", "2027-12-28T10:00", "--amount", "9", "--unit", "working_days"], "2028", id="runs past"),
    pytest.param([*ACCEPTED, "--amount", "1"], "--unit", id="missing unit"),
    pytest.param([*ACCEPTED, "--amount", "1", "--unit", "days", "--bogus"], "--bogus", id="unknown option"),
    pytest.param([*ACCEPTED, "--amount", "1", "--unit", "days", "--unit-code", "NOPE"], "NOPE", id="unknown unit code"),
]


@pytest.mark.parametrize(("args", "mentions"), BAD_INPUT)
def test_bad_input_prints_one_line_and_exits_2(published_calendar, capsys, args, mentions):
    # when
    status, out, err = run_cli(capsys, *args)
    # then
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert mentions in err
    assert " / " in err  # Vietnamese / English


def test_no_published_year_exits_2(db, capsys):
    # given no CalendarYear
    # when
    status, out, err = run_cli(capsys, "--accepted", "2025-04-24T10:00", "--amount", "1", "--unit", "days")
    # then
    assert (status, out) == (2, "")
    assert err.strip() == "Chưa công bố năm lịch nào / no calendar year is published"


def test_call_command_raises_command_error_with_status_2(published_calendar):
    # when
    with pytest.raises(CommandError) as raised:
        call_command("appointment", "--accepted", "2025-04-24T10:00", "--amount", "-1", "--unit", "days")
    # then
    assert raised.value.returncode == 2


# --- a real process against a real database file -----------------------------------------


@pytest.fixture(scope="module")
def published_database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Return an environment whose SQLite database is migrated and has 2024–2027 published."""
    env = {**os.environ, "MOTCUA_VAR_DIR": str(tmp_path_factory.mktemp("var"))}
    env.pop("DATABASE_URL", None)
    manage(env, "migrate", "--verbosity", "0")
    publish = (
        "from motcua.workdays.models import CalendarYear, CalendarDay\n"
        "for year in (2024, 2025, 2026, 2027): CalendarYear.objects.create(year=year)\n"
        "CalendarDay.objects.create(date='2026-01-02', kind='swapped_day_off', name='Nghỉ hoán đổi')\n"
        "CalendarDay.objects.create(date='2026-01-10', kind='makeup_working_day', name='Làm bù')\n"
    )
    manage(env, "shell", "--no-imports", "--command", publish)
    return env


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    manage_py = Path(settings.BASE_DIR) / "manage.py"
    return subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, str(manage_py), *args], env=env, capture_output=True, text=True, check=check, timeout=120
    )


def test_a_real_process_prints_the_worked_examples(published_database):
    # when
    results = [manage(published_database, "appointment", *cli_args(case)) for case in WORKED_EXAMPLES]
    # then
    assert [r.stdout for r in results] == [f"{case.expected.isoformat()}\n" for case in WORKED_EXAMPLES]
    assert all(r.returncode == 0 and r.stderr == "" for r in results)


def test_a_real_process_exits_2_on_bad_input(published_database):
    # given
    args = ["appointment", "--accepted", "x", "--amount", "1", "--unit", "days"]
    # when
    result = manage(published_database, *args, check=False)
    # then
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
