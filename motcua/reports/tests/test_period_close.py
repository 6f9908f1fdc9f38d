"""Closing and restating periods (reports.snapshots): versions, refusals, differences, immutability, period names."""

import hashlib
import json
from datetime import date, datetime

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.dossiers.tests.factories import agency_setup
from motcua.reports import snapshots
from motcua.reports.models import PeriodSnapshot
from motcua.reports.periods import (
    PeriodInvalid,
    closed_report,
    definitions_digest,
    period_named,
    period_of,
    snapshot_data,
    snapshot_verify,
)
from motcua.reports.selectors import GROUP_BY, period_report
from motcua.reports.tests.closing import (
    CLOSED_AT,
    LATER,
    MARCH,
    close_march,
    par_officer,
    receive_d10_supplement,
)
from motcua.reports.tests.scenario import build
from motcua.workdays.arith import VIETNAM

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(published_calendar):
    setup = agency_setup()
    return setup, build(setup)


def march_report(setup, group_by=None):
    """Return the province's March report recomputed now from the dossiers (raw rows, as a snapshot is)."""
    return period_report(
        unit=setup["province"], date_from=date(2025, 3, 1), date_to=date(2025, 3, 31), group_by=group_by, source="raw"
    ).as_dict()


# --- closing ----------------------------------------------------------------------------------


def test_closing_freezes_the_report_read_at_the_end_of_the_period(history):
    setup, _codes = history
    officer = par_officer(setup)
    # when the PAR officer closes March on 10/4
    snapshot = close_march(setup, officer)
    # then version 1 holds the March report read at 31/3 23:59:59.999999, every grouping included
    with time_machine.travel(CLOSED_AT, tick=False):
        expected = {group_by: march_report(setup, group_by) for group_by in GROUP_BY}
    data = snapshot_data(snapshot)
    assert (snapshot.version, snapshot.created_by, snapshot.created_at) == (1, officer, CLOSED_AT)
    assert (snapshot.kind, snapshot.scheme, snapshot.date_from, snapshot.date_to) == (
        "month",
        "calendar",
        date(2025, 3, 1),
        date(2025, 3, 31),
    )
    assert data["report"]["as_of"] == "2025-03-31T23:59:59.999999+07:00"
    assert data["report"] == {k: v for k, v in expected["unit"].items() if k not in ("group_by", "rows")}
    assert data["rows"] == {group_by: report["rows"] for group_by, report in expected.items()}
    assert data["report"]["resolved_awaiting_supplement"] == 1  # d10, whose supplement has not come
    # and the metadata says what the figures were computed from
    assert data["period"] == {
        "kind": "month",
        "scheme": "calendar",
        "year": 2025,
        "number": 3,
        "date_from": "2025-03-01",
        "date_to": "2025-03-31",
    }
    assert data["basis"]["source"] == data["report"]["source"] == "raw"
    assert data["basis"]["definitions_digest"] == definitions_digest()
    assert data["basis"]["settings"] == {"DOSSIER_DUE_SOON_HOURS": 8.0, "TIME_ZONE": "Asia/Ho_Chi_Minh"}
    # and the hash is the SHA-256 of the canonical JSON
    canonical = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert snapshot.content_hash == hashlib.sha256(canonical.encode()).hexdigest()
    assert snapshot_verify(snapshot)
    assert (snapshot.reason, snapshot.differences) == ("", [])


def test_an_agency_head_of_the_unit_may_close_its_own_periods(history):
    # given the commune's agency head (lãnh đạo cơ quan)
    setup, _codes = history
    # when the head closes the commune's March
    snapshot = close_march_of(setup["commune"], setup["head"])
    # then it is closed
    assert (snapshot.unit, snapshot.version) == (setup["commune"], 1)


def close_march_of(unit, user, at=CLOSED_AT):
    with time_machine.travel(at, tick=False):
        return snapshots.period_close(unit=unit, **MARCH, user=user)


@pytest.mark.parametrize(
    "at",
    [
        datetime(2025, 3, 20, 9, 0, tzinfo=VIETNAM),  # in the middle of the month
        datetime(2025, 3, 31, 23, 59, 59, tzinfo=VIETNAM),  # its very last second
    ],
)
def test_a_period_that_has_not_ended_cannot_be_closed(history, at):
    setup, _codes = history
    # when March is closed before it is over
    with pytest.raises(snapshots.PeriodWrongState, match="chưa kết thúc") as refusal:
        close_march_of(setup["province"], par_officer(setup), at)
    # then nothing is stored, and the message is Vietnamese then English
    assert "the period has not ended yet" in refusal.value.message
    assert not PeriodSnapshot.objects.exists()


def test_a_period_can_be_closed_from_the_first_minute_after_it(history):
    setup, _codes = history
    # when March is closed at 00:00 on 1/4
    snapshot = close_march_of(setup["province"], par_officer(setup), datetime(2025, 4, 1, 0, 0, tzinfo=VIETNAM))
    # then it is closed
    assert snapshot.version == 1


def test_a_closed_period_cannot_be_closed_again(history):
    setup, _codes = history
    close_march(setup)
    # when it is closed a second time
    with pytest.raises(snapshots.PeriodWrongState, match="đã khóa sổ"):
        close_march(setup)
    # then there is still one version
    assert PeriodSnapshot.objects.count() == 1


@pytest.mark.parametrize("role", [Role.PROCESSING_OFFICER, Role.RECEPTION_OFFICER, Role.LEADER, Role.DIVISION_HEAD])
def test_other_roles_cannot_close(history, role):
    setup, _codes = history
    user = MembershipFactory(unit=setup["province"], role=role).user
    # when
    with pytest.raises(snapshots.PeriodNotAllowed) as refusal:
        close_march_of(setup["province"], user)
    # then
    assert refusal.value.status == 403
    assert not PeriodSnapshot.objects.exists()


def test_an_agency_head_of_another_unit_cannot_close(history):
    # given the commune's head and a unit of another province
    setup, _codes = history
    outsider = UnitFactory(code="000.00.00.H26", name="Ủy ban nhân dân tỉnh Phú Thọ")
    # when the commune's head closes the province above it, or the other province
    for unit in (setup["province"], outsider):
        with pytest.raises(snapshots.PeriodNotAllowed):
            close_march_of(unit, setup["head"])
    # then nothing is stored
    assert not PeriodSnapshot.objects.exists()


def test_a_day_that_starts_no_period_is_refused(history):
    setup, _codes = history
    with time_machine.travel(CLOSED_AT, tick=False), pytest.raises(snapshots.PeriodError, match="ngày đầu"):
        snapshots.period_close(unit=setup["province"], kind="month", start=date(2025, 3, 5), user=par_officer(setup))


# --- restating --------------------------------------------------------------------------------


def test_a_correction_is_restated_as_a_new_version_with_its_differences(history):
    # given March closed, then d10's supplement received in April: at 31/3 it was pending, not resolved
    setup, codes = history
    first = close_march(setup)
    receive_d10_supplement(setup, codes)
    user = par_officer(setup)
    # when the PAR officer restates March
    with time_machine.travel(LATER, tick=False):
        second = snapshots.period_restate(
            unit=setup["province"], **MARCH, user=user, reason="Hồ sơ bổ sung ngày 11/4 làm thay đổi số liệu tháng 3"
        )
    # then version 2 holds the recomputed report, with who, when, why and each changed figure
    before, after = snapshot_data(first), snapshot_data(second)
    assert (second.version, second.created_by, second.created_at) == (2, user, LATER)
    assert second.reason == "Hồ sơ bổ sung ngày 11/4 làm thay đổi số liệu tháng 3"
    assert after["report"]["resolved"] == before["report"]["resolved"] - 1
    assert after["report"]["pending"] == before["report"]["pending"] + 1
    total = {d["measure"]: (d["before"], d["after"]) for d in second.differences if d["grouping"] is None}
    assert total["resolved"] == (before["report"]["resolved"], after["report"]["resolved"])
    assert total["pending"] == (before["report"]["pending"], after["report"]["pending"])
    assert total["resolved_awaiting_supplement"] == (1, 0)
    assert "received" not in total  # only what changed is recorded
    center_rows = {d["measure"] for d in second.differences if d["grouping"] == "unit"}
    assert {"resolved", "pending"} <= center_rows
    assert {d["key"] for d in second.differences if d["grouping"] == "unit"} == {setup["center"].code}
    # and version 1 is unchanged, and the latest is what is served
    first.refresh_from_db()
    assert snapshot_data(first) == before and snapshot_verify(first)
    with time_machine.travel(LATER, tick=False):
        served = closed_report(unit=setup["province"], date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    assert served is not None and served.version == 2


def test_a_restatement_without_any_change_is_refused(history):
    setup, _codes = history
    close_march(setup)
    # when March is restated though no data changed
    with time_machine.travel(LATER, tick=False), pytest.raises(snapshots.PeriodWrongState) as refusal:
        snapshots.period_restate(unit=setup["province"], **MARCH, user=par_officer(setup), reason="Kiểm tra lại")
    # then nothing is stored and the message says there is nothing to restate
    assert "nothing to restate" in refusal.value.message
    assert "không có gì để điều chỉnh" in refusal.value.message
    assert PeriodSnapshot.objects.count() == 1


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_restatement_without_a_reason_is_refused(history, reason):
    setup, codes = history
    close_march(setup)
    receive_d10_supplement(setup, codes)
    # when
    with time_machine.travel(LATER, tick=False), pytest.raises(snapshots.PeriodError, match="lý do"):
        snapshots.period_restate(unit=setup["province"], **MARCH, user=par_officer(setup), reason=reason)
    # then
    assert PeriodSnapshot.objects.count() == 1


def test_a_period_that_was_never_closed_cannot_be_restated(history):
    setup, _codes = history
    with time_machine.travel(LATER, tick=False), pytest.raises(snapshots.PeriodWrongState, match="chưa khóa sổ"):
        snapshots.period_restate(unit=setup["province"], **MARCH, user=par_officer(setup), reason="Sửa số liệu")
    assert not PeriodSnapshot.objects.exists()


def test_only_the_closing_roles_may_restate(history):
    setup, codes = history
    close_march(setup)
    receive_d10_supplement(setup, codes)
    with time_machine.travel(LATER, tick=False), pytest.raises(snapshots.PeriodNotAllowed):
        snapshots.period_restate(unit=setup["province"], **MARCH, user=setup["officer"], reason="Sửa số liệu")
    assert PeriodSnapshot.objects.count() == 1


# --- immutability -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE reports_periodsnapshot SET content_hash = 'sửa' WHERE id = %s",
        "UPDATE reports_periodsnapshot SET reason = 'x', version = 2 WHERE id = %s",
        "DELETE FROM reports_periodsnapshot WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_a_snapshot(history, statement):
    setup, _codes = history
    snapshot = close_march(setup)
    # when a raw UPDATE or DELETE reaches the table
    with (
        pytest.raises(IntegrityError, match="periodsnapshot_immutable"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [snapshot.pk])
    # then the row is as it was stored
    stored = PeriodSnapshot.objects.get()
    assert (stored.content, stored.content_hash, stored.version) == (
        snapshot.content,
        snapshot.content_hash,
        snapshot.version,
    )


def test_the_orm_cannot_change_or_delete_a_snapshot_either(history):
    setup, _codes = history
    snapshot = close_march(setup)
    snapshot.reason = "sửa lén"
    for attempt in (
        snapshot.save,
        snapshot.delete,
        lambda: PeriodSnapshot.objects.update(content="{}"),
        lambda: PeriodSnapshot.objects.all().delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    assert PeriodSnapshot.objects.get().reason == ""


def test_a_restatement_needs_a_reason_in_the_database_too(history):
    setup, _codes = history
    first = close_march(setup)
    # when a second version without a reason is inserted directly
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodSnapshot.objects.create(
            unit=first.unit,
            kind=first.kind,
            scheme=first.scheme,
            date_from=first.date_from,
            date_to=first.date_to,
            version=2,
            content=first.content,
            content_hash=first.content_hash,
            created_by=first.created_by,
            created_at=first.created_at,
        )
    # then
    assert PeriodSnapshot.objects.count() == 1


# --- naming periods ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "start", "expected"),
    [
        ("month", date(2025, 3, 1), ("calendar", 2025, 3, date(2025, 3, 31), "Tháng 03/2025")),
        ("month", date(2025, 2, 15), ("decree_09", 2025, 3, date(2025, 3, 14), "Tháng 03/2025")),
        ("month", date(2024, 12, 15), ("decree_09", 2025, 1, date(2025, 1, 14), "Tháng 01/2025")),
        ("quarter", date(2025, 4, 1), ("calendar", 2025, 2, date(2025, 6, 30), "Quý II/2025")),
        ("quarter", date(2024, 12, 15), ("decree_09", 2025, 1, date(2025, 3, 14), "Quý I/2025")),
    ],
)
def test_a_period_is_named_by_its_kind_and_first_day(kind, start, expected):
    period = period_of(kind, start)
    assert (period.scheme, period.year, period.number, period.date_to, period.label) == expected
    assert period_named(kind, period.year, period.number, scheme=period.scheme) == period


@pytest.mark.parametrize(
    ("kind", "start"),
    [
        ("month", date(2025, 3, 2)),
        ("quarter", date(2025, 2, 1)),
        ("quarter", date(2025, 2, 15)),
        ("year", date(2025, 1, 1)),
    ],
)
def test_a_day_that_starts_no_period_of_that_kind_is_not_a_period(kind, start):
    with pytest.raises(PeriodInvalid):
        period_of(kind, start)


# --- one consistent read on PostgreSQL ------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="REPEATABLE READ is what PostgreSQL needs")
@pytest.mark.django_db(transaction=True)  # the service must open the transaction itself
def test_on_postgresql_a_closing_computes_every_grouping_in_one_snapshot_of_the_data(history, monkeypatch):
    # given the computation observed from inside the service's transaction
    setup, _codes = history
    seen = []
    original = snapshots.snapshot_content

    def observed(**arguments):
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            seen.append(cursor.fetchone()[0])
        return original(**arguments)

    monkeypatch.setattr(snapshots, "snapshot_content", observed)
    # when March is closed outside any transaction (as the command and the pages do)
    snapshot = close_march(setup)
    # then every grouping was read in one repeatable-read transaction, and the snapshot is stored
    assert seen == ["repeatable read"]
    assert PeriodSnapshot.objects.filter(pk=snapshot.pk).exists()
