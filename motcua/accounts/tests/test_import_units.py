"""`manage.py import_units`: all-or-nothing import of the unit tree with row-level errors."""

from __future__ import annotations

import csv
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections
from openpyxl import Workbook
from pytest_django.fixtures import Settings

from motcua.accounts.models import Unit, UnitKind
from motcua.accounts.tests.factories import UnitFactory

HEADER = ["code", "name", "kind", "parent_code", "valid_from", "valid_to", "address", "phone"]
# The child comes before its parent on purpose: row order must not matter.
GOOD_ROWS = [
    ["000.01.13.H56", "Phòng Hành chính tư pháp", "division", "000.00.13.H56", "", "", "", ""],
    ["000.00.00.H56", "Ủy ban nhân dân tỉnh Thanh Hóa", "province", "", "", "", "35 Đại lộ Lê Lợi", "0237 3852 371"],
    ["000.00.13.H56", "Sở Tư pháp tỉnh Thanh Hóa", "department", "000.00.00.H56", "", "", "", ""],
    ["000.00.31.H56", "Trung tâm Phục vụ hành chính công tỉnh", "service_center", "000.00.00.H56", "", "", "", ""],
    ["000.10.00.H56", "Ủy ban nhân dân phường Hạc Thành", "commune", "000.00.00.H56", "2025-07-01", "", "", ""],
]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, *, bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run_import(path: Path, *, dry_run: bool = False) -> str:
    out = StringIO()
    call_command("import_units", str(path), dry_run=dry_run, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_failing_import(path: Path) -> list[str]:
    """Run an import that must fail; return its stderr lines."""
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_units", str(path), stdout=StringIO(), stderr=err)
    assert failure.value.returncode == 2
    return err.getvalue().splitlines()


@pytest.mark.django_db
def test_a_good_file_imports_every_unit_and_links_parents_whatever_the_order(tmp_path: Path) -> None:
    # given
    path = write_csv(tmp_path / "don_vi.csv", GOOD_ROWS)
    # when
    output = run_import(path)
    # then
    assert "Đã nhập 5 đơn vị: 5 mới, 0 cập nhật, 0 không đổi" in output
    division = Unit.objects.select_related("parent__parent").get(code="000.01.13.H56")
    assert division.parent is not None and division.parent.code == "000.00.13.H56"
    assert division.parent.parent is not None and division.parent.parent.kind == UnitKind.PROVINCE
    commune = Unit.objects.get(code="000.10.00.H56")
    assert commune.valid_from == date(2025, 7, 1) and commune.valid_to is None
    assert Unit.objects.get(code="000.00.00.H56").phone == "0237 3852 371"


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing(tmp_path: Path) -> None:
    # given
    path = write_csv(tmp_path / "don_vi.csv", GOOD_ROWS)
    run_import(path)
    before = list(Unit.objects.order_by("code").values())
    # when
    output = run_import(path)
    # then
    assert "Đã nhập 5 đơn vị: 0 mới, 0 cập nhật, 5 không đổi" in output
    assert list(Unit.objects.order_by("code").values()) == before


@pytest.mark.django_db
def test_a_changed_row_updates_the_unit_with_that_code(tmp_path: Path) -> None:
    # given
    run_import(write_csv(tmp_path / "v1.csv", GOOD_ROWS))
    renamed = [row[:] for row in GOOD_ROWS]
    renamed[2][1] = "Sở Tư pháp"
    # when
    output = run_import(write_csv(tmp_path / "v2.csv", renamed))
    # then
    assert "0 mới, 1 cập nhật, 4 không đổi" in output
    assert Unit.objects.get(code="000.00.13.H56").name == "Sở Tư pháp"
    assert Unit.objects.count() == 5


@pytest.mark.django_db
def test_one_unknown_kind_among_good_rows_imports_nothing(tmp_path: Path) -> None:
    # given
    rows = [*GOOD_ROWS[:2], ["000.00.14.H56", "Sở Xây dựng", "sở", "000.00.00.H56", "", "", "", ""], *GOOD_ROWS[2:]]
    # when
    errors = run_failing_import(write_csv(tmp_path / "don_vi.csv", rows))
    # then
    assert errors == [
        'row 4, column kind: loại đơn vị không hợp lệ "sở" (chọn một trong: province, department, division, '
        "commune, service_center, reception_point, central_branch) / unknown unit kind"
    ]
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_every_bad_row_is_reported_with_its_row_and_column(tmp_path: Path) -> None:
    # given
    rows = [
        *GOOD_ROWS,
        ["H56-SOXD", "Sở Xây dựng", "department", "000.00.00.H56", "", "", "", ""],
        ["000.00.15.H56", "", "department", "000.00.00.H56", "", "", "", ""],
        ["000.00.16.H56", "Sở Y tế", "department", "000.00.00.H56", "31/02/2025", "", "", ""],
        ["000.00.17.H56", "Sở Nội vụ", "department", "000.00.00.H56", "2025-07-01", "2025-06-30", "", ""],
    ]
    # when
    errors = run_failing_import(write_csv(tmp_path / "don_vi.csv", rows))
    # then
    assert [error.split(":")[0] for error in errors] == [
        "row 7, column code",
        "row 8, column name",
        "row 9, column valid_from",
        "row 10, column valid_to",
    ]
    assert 'mã đơn vị "H56-SOXD" không đúng mẫu' in errors[0]
    assert "không được để trống / required" in errors[1]
    assert 'ngày không hợp lệ "31/02/2025"' in errors[2]
    assert "trước ngày bắt đầu" in errors[3]
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_required_column_is_reported_on_row_1(tmp_path: Path) -> None:
    # given
    path = write_csv(tmp_path / "don_vi.csv", [row[:3] for row in GOOD_ROWS], header=HEADER[:3])
    # when
    errors = run_failing_import(path)
    # then
    assert errors == ["row 1, column parent_code: thiếu cột bắt buộc / missing required column"]


@pytest.mark.django_db
def test_an_unknown_column_is_refused_so_a_typo_is_not_silently_ignored(tmp_path: Path) -> None:
    # given
    header = [*HEADER[:4], "valid_form", *HEADER[5:]]
    # when
    errors = run_failing_import(write_csv(tmp_path / "don_vi.csv", GOOD_ROWS, header=header))
    # then
    assert len(errors) == 1
    assert errors[0].startswith("row 1, column valid_form: cột không có trong mẫu nhập (các cột: code, name, kind,")
    assert errors[0].endswith("/ unknown column")


@pytest.mark.django_db
def test_a_parent_neither_in_the_file_nor_stored_is_refused(tmp_path: Path) -> None:
    # given
    rows = [*GOOD_ROWS, ["000.02.13.H56", "Phòng Bổ trợ tư pháp", "division", "000.00.99.H56", "", "", "", ""]]
    # when
    errors = run_failing_import(write_csv(tmp_path / "don_vi.csv", rows))
    # then
    assert errors == [
        'row 7, column parent_code: đơn vị cấp trên "000.00.99.H56" không có trong tệp hoặc cơ sở dữ liệu '
        "/ unknown parent code"
    ]


@pytest.mark.django_db
def test_a_parent_already_stored_is_accepted(tmp_path: Path) -> None:
    # given
    UnitFactory(code="000.00.00.H56", province=True)
    rows = [["000.00.14.H56", "Sở Xây dựng", "department", "000.00.00.H56", "", "", "", ""]]
    # when
    output = run_import(write_csv(tmp_path / "don_vi.csv", rows))
    # then
    assert "1 mới" in output
    parent = Unit.objects.get(code="000.00.14.H56").parent
    assert parent is not None and parent.code == "000.00.00.H56"


@pytest.mark.django_db
def test_a_parent_cycle_in_the_file_is_refused_on_each_of_its_rows(tmp_path: Path) -> None:
    # given
    rows = [
        ["000.00.13.H56", "Sở Tư pháp", "department", "000.01.13.H56", "", "", "", ""],
        ["000.01.13.H56", "Phòng Hành chính tư pháp", "division", "000.00.13.H56", "", "", "", ""],
    ]
    # when
    errors = run_failing_import(write_csv(tmp_path / "don_vi.csv", rows))
    # then
    assert errors == [
        "row 2, column parent_code: cấp trên tạo thành vòng lặp (000.00.13.H56 → 000.01.13.H56 → 000.00.13.H56) "
        "/ the parent chain forms a cycle",
        "row 3, column parent_code: cấp trên tạo thành vòng lặp (000.01.13.H56 → 000.00.13.H56 → 000.01.13.H56) "
        "/ the parent chain forms a cycle",
    ]


@pytest.mark.django_db
def test_a_cycle_through_stored_units_is_refused(tmp_path: Path) -> None:
    # given: the stored division sits under the department; the file puts the department under the division
    department = UnitFactory(code="000.00.13.H56", department=True)
    UnitFactory(code="000.01.13.H56", kind=UnitKind.DIVISION, parent=department)
    rows = [["000.00.13.H56", "Sở Tư pháp", "department", "000.01.13.H56", "", "", "", ""]]
    # when
    errors = run_failing_import(write_csv(tmp_path / "don_vi.csv", rows))
    # then
    assert len(errors) == 1 and errors[0].startswith("row 2, column parent_code: cấp trên tạo thành vòng lặp")
    assert Unit.objects.get(code="000.00.13.H56").parent is None


@pytest.mark.django_db
def test_a_unit_that_is_its_own_parent_is_refused(tmp_path: Path) -> None:
    # given
    rows = [["000.00.13.H56", "Sở Tư pháp", "department", "000.00.13.H56", "", "", "", ""]]
    # when
    errors = run_failing_import(write_csv(tmp_path / "don_vi.csv", rows))
    # then
    assert errors[0].startswith(
        "row 2, column parent_code: cấp trên tạo thành vòng lặp (000.00.13.H56 → 000.00.13.H56)"
    )


@pytest.mark.django_db
def test_a_duplicate_code_in_the_file_is_refused(tmp_path: Path) -> None:
    # given
    rows = [*GOOD_ROWS, ["000.00.13.H56", "Sở Tư pháp (trùng)", "department", "000.00.00.H56", "", "", "", ""]]
    # when
    errors = run_failing_import(write_csv(tmp_path / "don_vi.csv", rows))
    # then
    assert errors == ['row 7, column code: mã đơn vị "000.00.13.H56" bị lặp (đã có ở dòng 4) / duplicate code']


@pytest.mark.django_db
def test_a_child_valid_outside_its_parent_is_refused(tmp_path: Path) -> None:
    # given: the old department ends on 30/06/2025 but its division runs on
    rows = [
        ["000.00.00.H56", "Ủy ban nhân dân tỉnh Thanh Hóa", "province", "", "", "", "", ""],
        ["000.00.20.H56", "Sở Tài nguyên và Môi trường", "department", "000.00.00.H56", "", "2025-06-30", "", ""],
        ["000.01.20.H56", "Phòng Đất đai", "division", "000.00.20.H56", "2020-01-01", "", "", ""],
    ]
    # when
    errors = run_failing_import(write_csv(tmp_path / "don_vi.csv", rows))
    # then
    assert errors == [
        "row 4, column valid_to: đơn vị còn hiệu lực sau đơn vị cấp trên "
        "(2020-01-01 – … ⊄ 000.00.20.H56: … – 2025-06-30) / the unit outlives its parent"
    ]


@pytest.mark.django_db
def test_a_stored_child_left_outside_its_shortened_parent_is_refused(tmp_path: Path) -> None:
    # given
    department = UnitFactory(code="000.00.20.H56", department=True)
    UnitFactory(code="000.01.20.H56", kind=UnitKind.DIVISION, parent=department)
    rows = [["000.00.20.H56", "Sở Tài nguyên và Môi trường", "department", "", "", "30/06/2025", "", ""]]
    # when
    errors = run_failing_import(write_csv(tmp_path / "don_vi.csv", rows))
    # then
    assert len(errors) == 1
    assert errors[0].startswith("row 2, column valid_from: đơn vị cấp dưới 000.01.20.H56: đơn vị còn hiệu lực sau")
    assert Unit.objects.get(code="000.00.20.H56").valid_to is None


@pytest.mark.django_db
def test_a_file_with_a_byte_order_mark_imports(tmp_path: Path) -> None:
    # given
    path = write_csv(tmp_path / "don_vi.csv", GOOD_ROWS, bom=True)
    # when
    output = run_import(path)
    # then
    assert "5 mới" in output
    assert Unit.objects.filter(code="000.00.00.H56").exists()


@pytest.mark.django_db
def test_an_excel_file_imports_with_dates_typed_as_dates(tmp_path: Path) -> None:
    # given
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in GOOD_ROWS:
        sheet.append([date(2025, 7, 1) if cell == "2025-07-01" else (cell or None) for cell in row])
    workbook.save(tmp_path / "don_vi.xlsx")
    # when
    output = run_import(tmp_path / "don_vi.xlsx")
    # then
    assert "5 mới" in output
    assert Unit.objects.get(code="000.10.00.H56").valid_from == date(2025, 7, 1)


@pytest.mark.django_db
def test_excel_errors_use_spreadsheet_row_numbers(tmp_path: Path) -> None:
    # given: an empty row 3 is skipped, yet row 4 keeps its number
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(GOOD_ROWS[1])
    sheet.append([])
    sheet.append(["000.00.14.H56", "Sở Xây dựng", "ministry", "000.00.00.H56"])
    workbook.save(tmp_path / "don_vi.xlsx")
    # when
    errors = run_failing_import(tmp_path / "don_vi.xlsx")
    # then
    assert len(errors) == 1 and errors[0].startswith('row 4, column kind: loại đơn vị không hợp lệ "ministry"')


@pytest.mark.django_db
def test_dry_run_reports_what_would_change_and_writes_nothing(tmp_path: Path) -> None:
    # given
    UnitFactory(code="000.00.00.H56", name="Tên cũ", kind=UnitKind.PROVINCE)
    # when
    output = run_import(write_csv(tmp_path / "don_vi.csv", GOOD_ROWS), dry_run=True)
    # then
    assert "chưa ghi gì: 5 đơn vị: 4 sẽ tạo mới, 1 sẽ cập nhật, 0 không đổi" in output
    assert list(Unit.objects.values_list("code", "name")) == [("000.00.00.H56", "Tên cũ")]


@pytest.mark.django_db
def test_dry_run_of_a_bad_file_still_fails(tmp_path: Path) -> None:
    # given
    path = write_csv(tmp_path / "don_vi.csv", [["000.00.00.H56", "UBND tỉnh", "tinh", "", "", "", "", ""]])
    # when
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_units", str(path), dry_run=True, stdout=StringIO(), stderr=err)
    # then
    assert failure.value.returncode == 2
    assert err.getvalue().startswith("row 2, column kind:")


@pytest.mark.django_db
def test_the_command_line_exits_with_status_2_on_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: run_from_argv closes every connection when done, which would end the test's transaction
    monkeypatch.setattr(connections, "close_all", lambda: None)
    path = write_csv(tmp_path / "don_vi.csv", [["000.00.00.H56", "UBND tỉnh", "tinh", "", "", "", "", ""]])
    # when
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "import_units", str(path)]).execute()
    # then
    assert exit_info.value.code == 2
    stderr = capsys.readouterr().err
    assert stderr.splitlines()[0].startswith('row 2, column kind: loại đơn vị không hợp lệ "tinh"')
    assert Unit.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("don_vi.txt", b"code,name\n", "chỉ nhận tệp .csv hoặc .xlsx"),
        ("don_vi.csv", "code,name\n".encode("utf-16"), "không phải văn bản UTF-8"),
        ("don_vi.xlsx", b"not a zip file", "không phải tệp Excel .xlsx hợp lệ"),
        ("don_vi.csv", b"", "không có dòng tiêu đề"),
    ],
)
def test_an_unreadable_file_gives_one_clear_error(tmp_path: Path, name: str, content: bytes, expected: str) -> None:
    # given
    path = tmp_path / name
    path.write_bytes(content)
    # when
    errors = run_failing_import(path)
    # then
    assert len(errors) == 1 and expected in errors[0]


@pytest.mark.django_db
def test_a_missing_file_gives_one_clear_error(tmp_path: Path) -> None:
    # when
    errors = run_failing_import(tmp_path / "khong_co.csv")
    # then
    assert len(errors) == 1 and "Không tìm thấy tệp" in errors[0]


@pytest.mark.django_db
def test_the_code_pattern_comes_from_settings(tmp_path: Path, settings: Settings) -> None:
    # given: a province whose local codes are plain letters
    settings.UNIT_CODE_PATTERN = r"^[A-Z]{2,10}$"
    rows = [["UBNDTINH", "Ủy ban nhân dân tỉnh", "province", "", "", "", "", ""]]
    # when
    output = run_import(write_csv(tmp_path / "don_vi.csv", rows))
    # then
    assert "1 mới" in output
