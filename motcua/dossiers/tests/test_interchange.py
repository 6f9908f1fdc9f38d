"""The dossier interchange format: `import_dossiers` and `export_dossiers` (JSON Lines, portal field names)."""

from __future__ import annotations

import json
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.catalog.tests.factories import ProcedureVersionFactory
from motcua.dossiers import services
from motcua.dossiers.events import event_chain_errors
from motcua.dossiers.interchange import dossier_import_lines, timestamp_parse
from motcua.dossiers.models import Dossier, DossierCodeSequence, DossierEvent, OutboxMessage
from motcua.dossiers.states import PORTAL_STATUS, State
from motcua.dossiers.tests.factories import (
    accepted_dossier,
    agency_setup,
    done_dossier,
    in_process_dossier,
    submitted_dossier,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CENTER = "000.10.50.H31"
IMPORT_TIME = "2025-06-02 10:00 +07:00"
pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


@pytest.fixture
def clock():
    """Import at Mon 2/6/2025 10:00, after every recorded time of the sample lines."""
    with time_machine.travel(IMPORT_TIME, tick=False) as traveller:
        yield traveller


def delivered_line(setup, **fields):
    """Return a portal line of a dossier delivered on time, with the given fields replaced."""
    line = {
        "MaHoSo": f"{CENTER}-250303-0007",
        "MaTTHC": setup["version"].procedure.code,
        "MaDonViTiepNhan": CENTER,
        "NgayNop": "20250303085000",
        "NgayTiepNhan": "20250303090000",
        "NgayHenTra": "20250318100000",  # recorded; the calendar alone would give 17/3 09:00
        "NgayKetThucXuLy": "20250314160000",
        "NgayTra": "20250317080000",
        "TrangThaiHoSo": 10,
        "KenhThucHien": 1,
        "ChuHoSo": "Trần Văn Bình",
        "SoDinhDanh": "031190001235",
        "SoDienThoai": "0912 345 679",
        "Email": "binh.tran@example.vn",
        "DiaChi": "Thôn Nam, xã Vĩnh Bảo, thành phố Hải Phòng",
        "TrichYeuHoSo": "Xin cấp giấy phép xây dựng nhà ở",
    }
    line.update(fields)
    return {key: value for key, value in line.items() if value is not ...}


def jsonl(*lines) -> list[str]:
    return [line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines]


def write_file(tmp_path: Path, *lines) -> str:
    path = tmp_path / "ho_so.jsonl"
    path.write_text("\n".join(jsonl(*lines)) + "\n", encoding="utf-8")
    return str(path)


def import_command(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_dossiers", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_refused(*args: str) -> tuple[CommandError, str]:
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_dossiers", *args, stdout=StringIO(), stderr=err)
    return refused.value, err.getvalue()


def export_command(*args: str) -> list[dict]:
    out = StringIO()
    call_command("export_dossiers", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN)


def history_of(dossier: Dossier) -> list[DossierEvent]:
    return list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))


# --- A good file --------------------------------------------------------------------------------


def test_a_good_line_becomes_a_dossier_with_its_recorded_dates(setup, clock):
    # given a portal line of a delivered dossier
    line = delivered_line(setup)
    # when it is imported
    report = dossier_import_lines(lines=jsonl(line))
    # then the dossier has the portal's values, the recorded appointment kept as it was
    assert (report.created, report.errors, report.committed) == (1, [], True)
    dossier = Dossier.objects.get(code=f"{CENTER}-250303-0007")
    assert dossier.state == State.DELIVERED
    assert (dossier.receiving_unit, dossier.reception_point) == (setup["center"], setup["center"])
    assert dossier.competent_agency == setup["commune"]  # from the procedure version
    assert dossier.procedure_version == setup["version"]
    assert dossier.submitted_at == at("2025-03-03 08:50")
    assert dossier.accepted_at == at("2025-03-03 09:00")
    assert dossier.appointment_at == dossier.current_appointment_at == at("2025-03-18 10:00")
    assert dossier.processing_ended_at == at("2025-03-14 16:00")
    assert dossier.delivered_at == at("2025-03-17 08:00")
    assert (dossier.time_limit_amount, dossier.time_limit_unit) == (10, "working_days")
    assert (dossier.applicant_name, dossier.applicant_phone) == ("Trần Văn Bình", "0912345679")
    assert dossier.subject == "Xin cấp giấy phép xây dựng nhà ở"
    assert not OutboxMessage.objects.exists()  # history is not announced to citizens again


def test_an_imported_history_is_a_verified_hash_chain(setup, clock):
    # given a delivered dossier's line
    line = delivered_line(setup)
    # when it is imported
    dossier_import_lines(lines=jsonl(line))
    # then its recorded transitions and the import itself form an intact chain ending in its state
    dossier = Dossier.objects.get()
    events = history_of(dossier)
    assert [e.type for e in events] == ["submitted", "accepted", "decided", "delivered", "imported"]
    assert [e.at for e in events[:4]] == [
        at("2025-03-03 08:50"),
        at("2025-03-03 09:00"),
        at("2025-03-14 16:00"),
        at("2025-03-17 08:00"),
    ]
    assert events[-1].data["source"] == line
    assert events[-1].to_state == dossier.state
    assert event_chain_errors(dossier.code, events) == []
    out = StringIO()
    call_command("verify_events", stdout=out, stderr=StringIO())


def test_both_timestamp_formats_give_the_same_instants(setup, clock):
    # given the same times as the portal's 14 digits, ISO with offset, ISO in UTC and ISO without a zone
    portal = delivered_line(setup, MaHoSo="A-1")
    iso = delivered_line(
        setup,
        MaHoSo="A-2",
        NgayNop="2025-03-03T08:50:00+07:00",
        NgayTiepNhan="2025-03-03T02:00:00Z",
        NgayHenTra="2025-03-18T10:00:00",
        NgayKetThucXuLy="2025-03-14 16:00:00+07:00",
        NgayTra=20250317080000,
    )
    # when both are imported
    report = dossier_import_lines(lines=jsonl(portal, iso))
    # then both dossiers hold the same instants
    assert report.errors == []
    fields = ("submitted_at", "accepted_at", "appointment_at", "processing_ended_at", "delivered_at")
    first, second = (Dossier.objects.values_list(*fields).get(code=code) for code in ("A-1", "A-2"))
    assert first == second
    assert timestamp_parse("20250303090000") == at("2025-03-03 09:00")


def test_a_missing_appointment_is_computed_and_flagged(setup, clock):
    # given an accepted dossier's line without NgayHenTra (10 working days from Mon 3/3/2025 09:00)
    line = delivered_line(setup, NgayHenTra=None, NgayKetThucXuLy=None, NgayTra=None, TrangThaiHoSo=4)
    # when it is imported
    report = dossier_import_lines(lines=jsonl(line))
    # then the appointment is DOMAIN.md §4.5 #7's, explained, and flagged as computed in the export
    assert report.errors == []
    dossier = Dossier.objects.get()
    assert dossier.appointment_at == dossier.current_appointment_at == at("2025-03-17 09:00")
    assert dossier.appointment_explanation
    [exported] = export_command()
    assert exported["x_appointment_computed"] is True
    assert exported["NgayHenTra"] == "20250317090000"


def test_a_recorded_appointment_is_not_flagged(setup, clock):
    dossier_import_lines(lines=jsonl(delivered_line(setup)))
    [exported] = export_command()
    assert exported["x_appointment_computed"] is False
    assert Dossier.objects.get().appointment_explanation == []


@pytest.mark.parametrize("status", range(1, 11))
def test_portal_status_codes_map_to_states_and_back(setup, clock, status):
    # given a line in portal status `status`, with the dates that status allows
    accepted = status not in (1, 3)
    line = delivered_line(
        setup,
        TrangThaiHoSo=status,
        NgayTiepNhan="20250303090000" if accepted else None,
        NgayHenTra="20250317090000" if accepted else None,
        NgayKetThucXuLy="20250314160000" if status in (3, 8, 9, 10) else None,
        NgayTra="20250317080000" if status == 10 else None,
    )
    # when it is imported
    report = dossier_import_lines(lines=jsonl(line))
    # then the state is the one of DOMAIN.md §5.4 and the export gives the same code back
    assert report.errors == []
    dossier = Dossier.objects.get()
    assert PORTAL_STATUS[dossier.state] == status
    assert export_command()[0]["TrangThaiHoSo"] == status
    assert history_of(dossier)[-1].to_state == dossier.state


def test_x_state_keeps_a_state_the_portal_code_cannot_tell(setup, clock):
    line = delivered_line(
        setup,
        TrangThaiHoSo=1,
        x_state="returned_for_completion",
        NgayTiepNhan=None,
        NgayHenTra=None,
        NgayKetThucXuLy=None,
        NgayTra=None,
    )
    assert dossier_import_lines(lines=jsonl(line)).errors == []
    assert Dossier.objects.get().state == State.RETURNED_FOR_COMPLETION


def test_steps_pauses_and_reappointments_are_imported(setup, clock):
    # given a dossier waiting for a second supplement, with its steps and an earlier re-appointment
    line = delivered_line(
        setup,
        TrangThaiHoSo=5,
        NgayKetThucXuLy=None,
        NgayTra=None,
        NgayHenTra="20250317090000",
        x_steps=[
            {
                "order": 1,
                "name": "Tiếp nhận hồ sơ",
                "unit": CENTER,
                "start": "20250303090000",
                "end": "20250303090000",
                "due": "20250303090000",
                "finish": "forwarded",
            },
            {
                "order": 2,
                "name": "Thẩm định hồ sơ",
                "unit": "000.00.50.H31",
                "start": "20250303100000",
                "due": "20250311100000",
            },
        ],
        x_pauses=[
            {"start": "20250305100000", "end": "20250307100000", "kind": "supplement", "reason": "Thiếu bản vẽ"},
            {"start": "20250312100000", "end": None, "kind": "supplement", "reason": "Thiếu giấy tờ đất"},
        ],
        x_reappointments=[{"from": "20250317090000", "to": "20250324090000", "reason": "Kiểm tra thực địa"}],
    )
    # when it is imported
    report = dossier_import_lines(lines=jsonl(line))
    # then the steps are rows (the open one current, its role and quota from the catalog), and the
    # pauses appear in the history with their times
    assert report.errors == []
    dossier = Dossier.objects.get()
    steps = list(dossier.steps.order_by("order"))
    assert [(s.order, s.unit, s.finished_at is None) for s in steps] == [
        (1, setup["center"], False),
        (2, setup["commune"], True),
    ]
    assert dossier.current_step == steps[1]
    assert (steps[1].role, steps[1].quota_amount, steps[1].quota_unit) == ("processing_officer", 6, "working_days")
    assert dossier.current_appointment_at == at("2025-03-24 09:00")
    assert dossier.appointment_at == at("2025-03-17 09:00")
    types = [e.type for e in history_of(dossier)]
    assert types == [
        "submitted",
        "accepted",
        "supplement_requested",
        "supplement_received",
        "supplement_requested",
        "imported",
    ]
    [exported] = export_command()
    assert [p["end"] for p in exported["x_pauses"]] == ["20250307100000", None]
    assert exported["x_reappointments"] == line["x_reappointments"]
    assert [s["due"] for s in exported["x_steps"]] == ["20250303090000", "20250311100000"]


# --- Bad lines ----------------------------------------------------------------------------------


def test_every_bad_line_is_reported_with_its_number_and_nothing_is_imported(setup, clock, tmp_path):
    # given a file with one good line and bad ones (line 4 is blank)
    path = write_file(
        tmp_path,
        delivered_line(setup),
        "{not json",
        delivered_line(setup, MaHoSo="B-3", ChuHoSo="", TrangThaiHoSo=11, NgayNop="03/03/2025"),
        "",
        delivered_line(setup, MaHoSo="B-5", MaTTHC="9.999999", MaDonViTiepNhan="000.99.99.H31"),
        ["a list"],
    )
    # when it is imported
    refused, stderr = import_refused(path)
    # then every problem is named with its line, the status is 2 and nothing was written
    assert refused.returncode == 2
    assert "4 dòng lỗi, không nhập gì / 4 bad lines, nothing imported" in str(refused)
    lines = stderr.splitlines()
    assert lines[0].startswith("line 2: JSON không hợp lệ / invalid JSON")
    assert any(m.startswith("line 3: ChuHoSo: thiếu giá trị bắt buộc / required") for m in lines)
    assert any(m.startswith("line 3: TrangThaiHoSo: phải là số nguyên từ 1 đến 10") for m in lines)
    assert any(m.startswith("line 3: NgayNop: thời điểm không hợp lệ '03/03/2025'") for m in lines)
    assert "line 5: MaTTHC: thủ tục không có trong danh mục '9.999999' / unknown procedure code" in lines
    assert "line 5: MaDonViTiepNhan: mã đơn vị không tồn tại '000.99.99.H31' / unknown unit code" in lines
    assert "line 6: dòng phải là một đối tượng JSON {…} / a line must be a JSON object" in lines
    assert not any(m.startswith("line 1:") or m.startswith("line 4:") for m in lines)
    assert not Dossier.objects.exists()
    assert not DossierEvent.objects.exists()


def test_skip_invalid_imports_the_good_lines_and_reports_the_bad_ones(setup, clock, tmp_path):
    # given one good and one bad line
    path = write_file(tmp_path, delivered_line(setup), delivered_line(setup, MaHoSo="B-2", MaTTHC="9.999999"))
    # when imported with --skip-invalid
    stdout, stderr = import_command(path, "--skip-invalid")
    # then the good line is imported, the bad one reported, and the command succeeds
    assert "Đã nhập 1 hồ sơ mới, 0 không đổi, 1 dòng lỗi bị bỏ qua" in stdout
    assert stderr.startswith("line 2: MaTTHC")
    assert list(Dossier.objects.values_list("code", flat=True)) == [f"{CENTER}-250303-0007"]


def test_inconsistent_dates_and_states_are_bad_lines(setup, clock):
    lines = jsonl(
        delivered_line(setup, MaHoSo="C-1", NgayTiepNhan="20250302090000"),  # accepted before submitted
        delivered_line(setup, MaHoSo="C-2", TrangThaiHoSo=4),  # delivered dates in state 4
        delivered_line(setup, MaHoSo="C-3", NgayNop="20250703090000"),  # after the import time
        delivered_line(setup, MaHoSo="C-4", x_unknown=1, KenhThucHien=4),
    )
    report = dossier_import_lines(lines=lines)
    assert report.bad_lines == 4
    assert "line 1: NgayTiepNhan: trước NgayNop / earlier than NgayNop" in report.errors
    assert any(e.startswith("line 2: NgayKetThucXuLy: chỉ có khi TrangThaiHoSo") for e in report.errors)
    assert any(e.startswith("line 2: NgayTra: chỉ có khi TrangThaiHoSo là 10") for e in report.errors)
    assert any("line 3:" in e and "tương lai / a recorded time lies in the future" in e for e in report.errors)
    assert "line 4: x_unknown: trường mở rộng không có trong định dạng / unknown extension field" in report.errors
    assert any(e.startswith("line 4: KenhThucHien: phải là số nguyên từ 1 đến 3") for e in report.errors)
    assert not Dossier.objects.exists()


def test_unknown_procedure_and_unit_codes_are_refused(setup, clock):
    report = dossier_import_lines(
        lines=jsonl(
            delivered_line(setup, MaHoSo="D-1", MaTTHC="1.000000"),
            delivered_line(setup, MaHoSo="D-2", MaDonViTiepNhan="000.00.00.XXX"),
            delivered_line(
                setup,
                MaHoSo="D-3",
                x_steps=[
                    {"order": 2, "name": "Thẩm định", "unit": "Z", "start": "20250303100000", "due": "20250311100000"}
                ],
            ),
        )
    )
    assert report.errors == [
        "line 1: MaTTHC: thủ tục không có trong danh mục '1.000000' / unknown procedure code",
        "line 2: MaDonViTiepNhan: mã đơn vị không tồn tại '000.00.00.XXX' / unknown unit code",
        "line 3: x_steps[1].unit: mã đơn vị không tồn tại 'Z' / unknown unit code",
    ]
    assert not Dossier.objects.exists()


def test_a_procedure_without_a_version_in_force_is_imported_with_a_warning(setup, clock, tmp_path):
    # given a procedure whose only version starts after the dossier's acceptance
    later = ProcedureVersionFactory(valid_from=date(2025, 7, 1), competent_unit=setup["commune"])
    path = write_file(tmp_path, delivered_line(setup, MaTTHC=later.procedure.code))
    # when it is imported, then the dossier uses that version and a warning names the line
    stdout, stderr = import_command(path)
    assert "Đã nhập 1 hồ sơ mới" in stdout
    assert stderr.startswith(
        f"line 1: cảnh báo: MaTTHC {later.procedure.code} không có phiên bản hiệu lực ngày 03/03/2025"
    )
    assert Dossier.objects.get().procedure_version == later


def test_a_dry_run_checks_everything_and_writes_nothing(setup, clock, tmp_path):
    path = write_file(tmp_path, delivered_line(setup))
    stdout, _stderr = import_command(path, "--dry-run")
    assert "Kiểm tra xong, chưa ghi gì: 1 hồ sơ sẽ được tạo" in stdout
    assert not Dossier.objects.exists()
    assert not DossierCodeSequence.objects.exists()


def test_an_unreadable_file_is_one_error_with_status_2(tmp_path):
    refused, _stderr = import_refused(str(tmp_path / "missing.jsonl"))
    assert refused.returncode == 2
    assert "cannot read the file" in str(refused)


# --- Re-import ----------------------------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(setup, clock, tmp_path):
    # given a file already imported
    path = write_file(
        tmp_path,
        delivered_line(setup),
        delivered_line(setup, MaHoSo="E-2", NgayHenTra=None, NgayTra=None, NgayKetThucXuLy=None, TrangThaiHoSo=4),
    )
    import_command(path)
    before = list(Dossier.objects.order_by("code").values())
    events = list(DossierEvent.objects.order_by("id").values_list("id", "hash"))
    # when it is imported again, a day later
    clock.shift(86400)
    stdout, stderr = import_command(path)
    # then both lines are reported unchanged and nothing was written
    assert "Đã nhập 0 hồ sơ mới, 2 không đổi, 0 dòng lỗi bị bỏ qua" in stdout
    assert stderr == ""
    assert list(Dossier.objects.order_by("code").values()) == before
    assert list(DossierEvent.objects.order_by("id").values_list("id", "hash")) == events


def test_a_changed_line_is_a_conflict_and_the_dossier_is_left_alone(setup, clock, tmp_path):
    # given an imported dossier
    dossier_import_lines(lines=jsonl(delivered_line(setup)))
    before = Dossier.objects.values().get()
    # when a file gives it another applicant and status
    path = write_file(tmp_path, delivered_line(setup, ChuHoSo="Trần Văn Bính", NgayTra=None, TrangThaiHoSo=9))
    refused, stderr = import_refused(path)
    # then the conflict names the differing fields and nothing changes
    assert refused.returncode == 2
    assert stderr.startswith(f"line 1: MaHoSo '{CENTER}-250303-0007' đã có với dữ liệu khác ở NgayTra, TrangThaiHoSo")
    assert "ChuHoSo" in stderr
    assert Dossier.objects.values().get() == before


def test_an_imported_code_moves_the_daily_sequence_past_it(setup, clock):
    # given history with code 0007 of Mon 12/5/2025 at the center
    dossier_import_lines(lines=jsonl(delivered_line(setup, MaHoSo=f"{CENTER}-250512-0007")))
    # when a dossier is received at the counter that day
    dossier = accepted_dossier(setup, at="2025-05-12 09:00 +07:00")
    # then it gets the next number instead of colliding with the imported one
    assert dossier.code == f"{CENTER}-250512-0008"


# --- Export and round trip ----------------------------------------------------------------------


def native_history(setup):
    """Build dossiers through the services: submitted, accepted, delivered after a supplement, re-appointed."""
    submitted_dossier(setup)
    accepted_dossier(setup)
    supplemented = in_process_dossier(setup)
    with time_machine.travel("2025-03-05 10:00 +07:00", tick=False):
        services.dossier_request_supplement(code=supplemented.code, actor=setup["officer"], missing=["Bản vẽ"])
    with time_machine.travel("2025-03-07 10:00 +07:00", tick=False):
        services.dossier_receive_supplement(code=supplemented.code)
    with time_machine.travel("2025-03-12 10:00 +07:00", tick=False):
        services.dossier_decide(code=supplemented.code, actor=setup["head"], outcome="approved", summary="Cấp phép")
        services.dossier_deliver(code=supplemented.code, actor=setup["reception"], method="counter")
    late = in_process_dossier(setup)
    with time_machine.travel("2025-03-13 10:00 +07:00", tick=False):
        services.dossier_draft_apology(
            code=late.code,
            actor=setup["officer"],
            cause="verification",
            reason="Phải kiểm tra thực địa",
            responsible_unit=setup["commune"],
            new_appointment_at=datetime(2025, 3, 24, 9, tzinfo=VN),
        )
    with time_machine.travel("2025-03-14 09:00 +07:00", tick=False):
        services.dossier_approve_apology(code=late.code, actor=setup["head"])
    done_dossier(setup)


def wipe_dossiers():
    OutboxMessage.objects.all().delete()
    DossierEvent.objects.all().delete()
    Dossier.objects.all().delete()
    DossierCodeSequence.objects.all().delete()


@pytest.mark.parametrize("dates", ["portal", "iso"])
def test_export_then_import_into_an_empty_database_round_trips(setup, tmp_path, dates):
    # given dossiers built through the services, exported
    native_history(setup)
    path = tmp_path / "xuat.jsonl"
    call_command("export_dossiers", "--dates", dates, "--output", str(path))
    exported = path.read_text(encoding="utf-8").splitlines()
    assert len(exported) == 5
    # when the dossiers are gone and the file is imported
    wipe_dossiers()
    stdout, stderr = import_command(str(path))
    # then exporting again gives the same file, and every history verifies
    assert "Đã nhập 5 hồ sơ mới" in stdout
    assert stderr == ""
    again = tmp_path / "xuat_lai.jsonl"
    call_command("export_dossiers", "--dates", dates, "--output", str(again))
    assert again.read_text(encoding="utf-8").splitlines() == exported
    for dossier in Dossier.objects.all():
        assert event_chain_errors(dossier.code, history_of(dossier)) == []
    call_command("verify_events", stdout=StringIO(), stderr=StringIO())


def test_an_export_imported_into_its_own_database_changes_nothing(setup, tmp_path):
    native_history(setup)
    path = tmp_path / "xuat.jsonl"
    call_command("export_dossiers", "--output", str(path))
    stdout, stderr = import_command(str(path))
    assert "Đã nhập 0 hồ sơ mới, 5 không đổi" in stdout
    assert stderr == ""


def test_export_uses_portal_names_and_local_14_digit_times(setup):
    accepted_dossier(setup)
    [line] = export_command()
    assert list(line)[:10] == [
        "MaHoSo",
        "MaTTHC",
        "MaDonViTiepNhan",
        "NgayNop",
        "NgayTiepNhan",
        "NgayHenTra",
        "NgayKetThucXuLy",
        "NgayTra",
        "TrangThaiHoSo",
        "KenhThucHien",
    ]
    assert (line["NgayTiepNhan"], line["NgayHenTra"], line["TrangThaiHoSo"]) == ("20250303090000", "20250317090000", 2)
    assert line["x_steps"][0]["name"] == "Tiếp nhận hồ sơ"
    [iso] = export_command("--dates", "iso")
    assert iso["NgayHenTra"] == "2025-03-17T09:00:00+07:00"
    [with_events] = export_command("--events")
    assert [e["type"] for e in with_events["x_events"]] == ["submitted", "accepted"]


def test_export_filters_by_unit_and_submission_dates(setup):
    accepted_dossier(setup)
    accepted_dossier(setup, at="2025-03-04 09:00 +07:00")
    assert len(export_command("--unit", "000.00.00.H31")) == 2  # the province includes its center
    assert len(export_command("--unit", "000.00.50.H31")) == 0  # the commune received none
    assert [d["NgayNop"][:8] for d in export_command("--from", "2025-03-04")] == ["20250304"]
    assert [d["NgayNop"][:8] for d in export_command("--to", "03/03/2025")] == ["20250303"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "000.99.99.H31"], "unknown unit code"),
        (["--from", "2025-13-01"], "invalid date"),
        (["--from", "2025-03-05", "--to", "2025-03-04"], "--to is before --from"),
    ],
)
def test_bad_export_arguments_are_one_error_with_status_2(setup, args, message):
    with pytest.raises(CommandError) as refused:
        call_command("export_dossiers", *args, stdout=StringIO())
    assert refused.value.returncode == 2
    assert message in str(refused.value)
