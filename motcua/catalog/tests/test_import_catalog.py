"""`manage.py import_catalog`: all-or-nothing import of procedure versions with row-level errors."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from motcua.accounts.models import UnitKind
from motcua.accounts.tests.factories import UnitFactory
from motcua.catalog.models import DocumentComponent, Field, ProcedureVersion, ProcessStep
from motcua.catalog.services import CATALOG_COLUMNS, CATALOG_REQUIRED_COLUMNS
from motcua.catalog.tests.factories import ProcedureFactory, ProcedureVersionFactory

PROVINCE = "000.00.00.H56"
JUSTICE = "000.00.13.H56"
COMMUNE = "000.10.00.H56"

BIRTH = {
    "code": "1.001193",
    "name": "Thủ tục đăng ký khai sinh",
    "field": "Hộ tịch",
    "level": "commune",
    "unit_code": COMMUNE,
    "amount": "",
    "time_unit": "same_day",
    "clock_rule": "pause",
    "online_level": "full",
    "subjects": "citizen",
    "agency_text": "Ủy ban nhân dân cấp xã",
    "time_limit_text": "Ngay trong ngày tiếp nhận hồ sơ; nhận sau 15 giờ thì trả trong ngày làm việc tiếp theo",
    "handled_at_counter": "1",
    "result_type": "Giấy khai sinh",
    "electronic_result": "1",
    "fee_text": "Miễn lệ phí đăng ký khai sinh đúng hạn",
    "legal_basis": "Luật Hộ tịch số 60/2014/QH13",
    "components": (
        "Tờ khai đăng ký khai sinh|original|1;Giấy chứng sinh|original|1;Văn bản ủy quyền|certified_copy|1|optional"
    ),
    "fees": "Lệ phí đăng ký khai sinh|charge||acceptance",
    "steps": (
        "Tiếp nhận, kiểm tra hồ sơ|reception_officer|1|hours;"
        f"Thẩm định, trình ký|processing_officer|4|hours|{COMMUNE}|supplement;"
        "Ký Giấy khai sinh|agency_head|2|hours||sign;"
        "Trả kết quả|reception_officer|1|hours"
    ),
}
COPY = {
    "code": "2.000908",
    "name": "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền của Việt Nam cấp",
    "field": "Chứng thực",
    "level": "commune",
    "unit_code": COMMUNE,
    "amount": "",
    "time_unit": "same_day",
    "clock_rule": "pause",
    "online_level": "partial",
    "fees": "Phí chứng thực bản sao|fee|2.000|acceptance",
    "steps": (
        "Tiếp nhận|reception_officer|2|hours;Thẩm định|processing_officer|3|hours;Ký|agency_head|2|hours;"
        "Trả|clerk|1|hours"
    ),
}
RECORD = {
    "code": "TEST.LLTP",
    "name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
    "field": "Lý lịch tư pháp",
    "level": "province",
    "unit_code": JUSTICE,
    "amount": "10",
    "time_unit": "working_days",
    "clock_rule": "restart",
    "online_level": "full",
    "committed_amount": "7",
    "committed_unit": "working_days",
    "coordinating_unit_codes": f"{PROVINCE};",
    "postal": "return",
    "clock_runs_awaiting_payment": "0",
    "steps": (
        "Tiếp nhận|reception_officer|0.5|working_days;Thẩm định|processing_officer|6|working_days|"
        f"{JUSTICE};Phê duyệt|division_head|2|working_days;Ký|agency_head|1|working_days;Trả|clerk|0,5|working_days"
    ),
}


@pytest.fixture
def units(db: None) -> None:
    province = UnitFactory(code=PROVINCE, province=True)
    UnitFactory(code=JUSTICE, department=True, parent=province)
    UnitFactory(code=COMMUNE, kind=UnitKind.COMMUNE, parent=province)


def write_csv(
    path: Path, rows: list[dict[str, str]], header: tuple[str, ...] = CATALOG_COLUMNS, *, bom: bool = False
) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run_import(path: Path, *, dry_run: bool = False) -> str:
    out = StringIO()
    call_command("import_catalog", str(path), dry_run=dry_run, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_failing_import(path: Path) -> list[str]:
    """Run an import that must fail, check it changed nothing, and return its stderr lines."""
    before = ProcedureVersion.objects.count()
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_catalog", str(path), stdout=StringIO(), stderr=err)
    assert failure.value.returncode == 2
    assert ProcedureVersion.objects.count() == before
    return err.getvalue().splitlines()


def errors_for(tmp_path: Path, **changes: str) -> list[str]:
    """Return the errors of a file holding the good rows plus BIRTH with `changes` as row 5."""
    row = {**BIRTH, "code": "1.999999", **changes}
    return run_failing_import(write_csv(tmp_path / "thu_tuc.csv", [BIRTH, COPY, RECORD, row]))


def test_a_good_file_imports_every_version_with_its_parts(units: None, tmp_path: Path) -> None:
    # when
    output = run_import(write_csv(tmp_path / "thu_tuc.csv", [BIRTH, COPY, RECORD]))
    # then
    assert "Đã nhập 3 phiên bản thủ tục: 3 mới, 0 cập nhật, 0 không đổi" in output
    birth = ProcedureVersion.objects.select_related("field", "competent_unit").get(procedure__code="1.001193")
    assert birth.field.name == "Hộ tịch" and birth.competent_unit.code == COMMUNE
    assert birth.time_limit_amount is None and birth.time_limit_unit == "same_day"
    assert birth.handled_at_counter and birth.electronic_result and birth.subjects == "citizen"
    assert birth.search_text == "1.001193 thu tuc dang ky khai sinh ho tich"
    components = list(birth.components.values_list("order", "name", "form", "mandatory"))
    assert components == [
        (1, "Tờ khai đăng ký khai sinh", "original", True),
        (2, "Giấy chứng sinh", "original", True),
        (3, "Văn bản ủy quyền", "certified_copy", False),
    ]
    steps = list(birth.steps.values_list("order", "role", "quota_amount", "unit__code", "can_request_supplement"))
    assert steps[1] == (2, "processing_officer", Decimal(4), COMMUNE, True)
    assert birth.steps.get(order=3).requires_signature
    assert list(birth.fees.values_list("kind", "amount", "collected_at")) == [("charge", None, "acceptance")]
    assert set(Field.objects.values_list("name", flat=True)) == {"Hộ tịch", "Chứng thực", "Lý lịch tư pháp"}


def test_optional_columns_are_stored(units: None, tmp_path: Path) -> None:
    # when
    run_import(write_csv(tmp_path / "thu_tuc.csv", [COPY, RECORD]))
    # then
    record = ProcedureVersion.objects.get(procedure__code="TEST.LLTP")
    assert (record.committed_amount, record.committed_unit, record.clock_rule) == (7, "working_days", "restart")
    assert not record.clock_runs_awaiting_payment and record.postal == "return"
    assert list(record.coordinating_units.values_list("code", flat=True)) == [PROVINCE]
    assert list(record.steps.values_list("quota_amount", flat=True)) == [Decimal("0.5"), 6, 2, 1, Decimal("0.5")]
    copy = ProcedureVersion.objects.get(procedure__code="2.000908")
    assert list(copy.fees.values_list("amount", flat=True)) == [Decimal(2000)]
    assert copy.postal == "both" and copy.clock_runs_awaiting_payment and copy.subjects == "both"


def test_only_the_required_columns_are_enough(units: None, tmp_path: Path) -> None:
    # given
    path = write_csv(tmp_path / "thu_tuc.csv", [BIRTH], header=CATALOG_REQUIRED_COLUMNS)
    # when
    output = run_import(path)
    # then
    assert "1 mới" in output
    version = ProcedureVersion.objects.get()
    assert version.valid_from is None and version.valid_to is None and not version.steps.exists()


def test_reimporting_the_same_file_changes_nothing(units: None, tmp_path: Path) -> None:
    # given
    path = write_csv(tmp_path / "thu_tuc.csv", [BIRTH, COPY, RECORD])
    run_import(path)
    steps_before = list(ProcessStep.objects.order_by("pk").values_list("pk", flat=True))
    stamps_before = list(ProcedureVersion.objects.order_by("pk").values_list("updated_at", flat=True))
    # when
    output = run_import(path)
    # then
    assert "Đã nhập 3 phiên bản thủ tục: 0 mới, 0 cập nhật, 3 không đổi" in output
    assert list(ProcessStep.objects.order_by("pk").values_list("pk", flat=True)) == steps_before
    assert list(ProcedureVersion.objects.order_by("pk").values_list("updated_at", flat=True)) == stamps_before


def test_a_changed_row_updates_its_version_and_replaces_its_parts(units: None, tmp_path: Path) -> None:
    # given
    run_import(write_csv(tmp_path / "v1.csv", [BIRTH, COPY]))
    changed = {**BIRTH, "components": "Tờ khai đăng ký khai sinh|electronic|1"}
    # when
    output = run_import(write_csv(tmp_path / "v2.csv", [changed, COPY]))
    # then
    assert "0 mới, 1 cập nhật, 1 không đổi" in output
    birth = ProcedureVersion.objects.get(procedure__code="1.001193")
    assert list(birth.components.values_list("form", flat=True)) == ["electronic"]
    assert DocumentComponent.objects.count() == 1
    assert birth.steps.count() == 4


def test_a_new_version_can_close_the_stored_one_in_the_same_file(units: None, tmp_path: Path) -> None:
    # given: one open-ended version is stored
    run_import(write_csv(tmp_path / "v1.csv", [{**BIRTH, "valid_from": "2020-01-01"}]))
    rows = [
        {**BIRTH, "valid_from": "2025-07-01", "agency_text": "UBND xã, phường sau sắp xếp"},
        {**BIRTH, "valid_from": "2020-01-01", "valid_to": "2025-06-30"},
    ]
    # when
    output = run_import(write_csv(tmp_path / "v2.csv", rows))
    # then
    assert "1 mới, 1 cập nhật, 0 không đổi" in output
    spans = list(ProcedureVersion.objects.order_by("valid_from").values_list("valid_from", "valid_to", "agency_text"))
    assert spans == [
        (date(2020, 1, 1), date(2025, 6, 30), "Ủy ban nhân dân cấp xã"),
        (date(2025, 7, 1), None, "UBND xã, phường sau sắp xếp"),
    ]


def test_one_bad_row_among_good_rows_imports_nothing(units: None, tmp_path: Path) -> None:
    # when
    errors = errors_for(tmp_path, level="district")
    # then
    assert errors == [
        'row 5, column level: cấp thực hiện không hợp lệ "district" (chọn một trong: central, province, commune) '
        "/ unknown level"
    ]
    assert not ProcedureVersion.objects.exists()


def test_every_problem_is_reported_with_its_row_and_column(units: None, tmp_path: Path) -> None:
    # given
    rows = [
        BIRTH,
        {**COPY, "time_unit": "weeks", "clock_rule": "stop", "online_level": "4"},
        {**RECORD, "unit_code": "000.00.99.H56", "valid_from": "2025/01/01", "handled_at_counter": "có"},
    ]
    # when
    errors = run_failing_import(write_csv(tmp_path / "thu_tuc.csv", rows))
    # then
    assert [error.split(":")[0] for error in errors] == [
        "row 3, column time_unit",
        "row 3, column clock_rule",
        "row 3, column online_level",
        "row 4, column unit_code",
        "row 4, column valid_from",
        "row 4, column handled_at_counter",
    ]
    assert errors[3].endswith('mã đơn vị "000.00.99.H56" không có trong cơ sở dữ liệu / unknown unit code')
    assert errors[5].endswith('giá trị không hợp lệ "có" (chọn 0 hoặc 1) / expected 0 or 1')


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        ("-3", "working_days", "thời hạn -3 working_days không hợp lệ: phải từ 1 đến 400"),
        ("5000", "working_days", "thời hạn 5000 working_days không hợp lệ: phải từ 1 đến 400"),
        ("0", "days", "thời hạn 0 days không hợp lệ: phải từ 1 đến 730"),
        ("", "working_days", "thời hạn không được để trống (trừ khi đơn vị là same_day)"),
        ("ba", "working_days", 'thời hạn "ba" không phải số nguyên'),
        ("2", "same_day", "thời hạn 2 same_day không hợp lệ: phải từ 1 đến 1"),
    ],
)
def test_bad_amounts_are_refused(units: None, tmp_path: Path, amount: str, unit: str, message: str) -> None:
    # when
    errors = errors_for(tmp_path, amount=amount, time_unit=unit, steps="")
    # then
    assert len(errors) == 1
    assert errors[0].startswith(f"row 5, column amount: {message}")


def test_a_bad_committed_time_is_refused(units: None, tmp_path: Path) -> None:
    # when
    errors = errors_for(tmp_path, committed_amount="900", committed_unit="working_days")
    # then
    assert errors == [
        "row 5, column committed_amount: thời hạn 900 working_days không hợp lệ: phải từ 1 đến 400 / "
        "the amount must be from 1 to 400 working_days"
    ]


def test_step_quotas_over_the_time_limit_are_refused(units: None, tmp_path: Path) -> None:
    # when
    errors = errors_for(tmp_path, steps="Tiếp nhận|reception_officer|4|hours;Xử lý|processing_officer|1|working_days")
    # then
    assert errors == [
        "row 5, column steps: Tổng thời gian các bước (12 giờ làm việc) vượt thời hạn giải quyết (8 giờ) / "
        "the step quotas (12 h) exceed the time limit (8 h)"
    ]


def test_bad_list_items_are_reported_item_by_item(units: None, tmp_path: Path) -> None:
    # when
    errors = errors_for(
        tmp_path,
        components="Tờ khai|scan|0;Giấy chứng sinh|original",
        fees="Lệ phí|tax|-5|later",
        steps="Tiếp nhận|officer|-1|days|000.00.99.H56|urgent",
    )
    # then
    assert errors == [
        'row 5, column components: mục 1 / item 1: hình thức không hợp lệ "scan" (chọn một trong: original, copy, '
        "certified_copy, electronic) / unknown form",
        'row 5, column components: mục 1 / item 1: số lượng giá trị "0" không hợp lệ: phải là số nguyên từ 1 đến 100 '
        "/ must be an integer from 1 to 100",
        'row 5, column components: mục 2 / item 2: cần dạng "Tên giấy tờ|form|quantity[|optional]" / '
        'expected "name|form|quantity[|optional]"',
        'row 5, column fees: mục 1 / item 1: loại phí không hợp lệ "tax" (chọn một trong: fee, charge, other) '
        "/ unknown fee kind",
        'row 5, column fees: mục 1 / item 1: mức thu giá trị "-5" không hợp lệ: phải là số nguyên từ 0 đến '
        "99999999999999 / must be an integer from 0 to 99999999999999",
        'row 5, column fees: mục 1 / item 1: thời điểm thu không hợp lệ "later" (chọn một trong: acceptance, '
        "supplement, result) / unknown moment",
        'row 5, column steps: mục 1 / item 1: vai trò không hợp lệ "officer" (chọn một trong: reception_officer, '
        "processing_officer, division_head, agency_head, clerk, par_officer, leader, admin) / unknown role",
        'row 5, column steps: mục 1 / item 1: thời gian "-1" phải là số dương, tối đa 2 chữ số thập phân / '
        "quota must be a positive number",
        'row 5, column steps: mục 1 / item 1: đơn vị thời gian không hợp lệ "days" (chọn một trong: hours, '
        "working_days) / unknown quota unit",
        'row 5, column steps: mục 1 / item 1: mã đơn vị "000.00.99.H56" không có trong cơ sở dữ liệu / '
        "unknown unit code",
        'row 5, column steps: mục 1 / item 1: cờ không hợp lệ "urgent" (chọn một trong: supplement, sign) '
        "/ unknown flag",
    ]


def test_an_unknown_coordinating_unit_is_refused(units: None, tmp_path: Path) -> None:
    # when
    errors = errors_for(tmp_path, coordinating_unit_codes=f"{PROVINCE};000.00.98.H56")
    # then
    assert errors == [
        'row 5, column coordinating_unit_codes: mã đơn vị "000.00.98.H56" không có trong cơ sở dữ liệu '
        "/ unknown unit code"
    ]


def test_overlapping_versions_in_the_file_are_refused(units: None, tmp_path: Path) -> None:
    # given
    rows = [
        {**BIRTH, "valid_from": "2020-01-01", "valid_to": "2025-06-30"},
        {**BIRTH, "valid_from": "01/01/2025"},
    ]
    # when
    errors = run_failing_import(write_csv(tmp_path / "thu_tuc.csv", rows))
    # then
    assert errors == [
        "row 3, column valid_from: hiệu lực 2025-01-01 – … chồng lấn phiên bản ở dòng 2 (2020-01-01 – 2025-06-30) "
        "/ overlaps the version on row 2"
    ]


def test_the_same_version_twice_in_the_file_is_refused(units: None, tmp_path: Path) -> None:
    # when
    errors = run_failing_import(write_csv(tmp_path / "thu_tuc.csv", [BIRTH, COPY, BIRTH]))
    # then
    assert errors == [
        "row 4, column valid_from: phiên bản 1.001193 bắt đầu (để trống) bị lặp (dòng 2) / "
        "duplicate version (code, valid_from)"
    ]


def test_a_version_overlapping_a_stored_one_is_refused(units: None, tmp_path: Path) -> None:
    # given
    ProcedureVersionFactory(procedure=ProcedureFactory(code="1.001193"), valid_from=date(2020, 1, 1), valid_to=None)
    # when
    errors = run_failing_import(write_csv(tmp_path / "thu_tuc.csv", [{**BIRTH, "valid_from": "2025-07-01"}]))
    # then
    assert errors == [
        "row 2, column valid_from: hiệu lực 2025-07-01 – … chồng lấn phiên bản đã có trong cơ sở dữ liệu "
        "(2020-01-01 – …) / overlaps a stored version"
    ]


def test_valid_to_before_valid_from_is_refused(units: None, tmp_path: Path) -> None:
    # when
    errors = errors_for(tmp_path, valid_from="2025-07-01", valid_to="2025-06-30")
    # then
    assert errors == [
        "row 5, column valid_to: ngày hết hiệu lực 2025-06-30 trước ngày bắt đầu 2025-07-01 / "
        "valid_to is before valid_from"
    ]


def test_a_bad_date_is_refused(units: None, tmp_path: Path) -> None:
    # when
    errors = errors_for(tmp_path, valid_from="30/02/2025")
    # then
    assert errors == [
        'row 5, column valid_from: ngày không hợp lệ "30/02/2025" (dùng YYYY-MM-DD hoặc DD/MM/YYYY) / invalid date'
    ]


def test_missing_required_columns_are_each_reported_on_row_1(units: None, tmp_path: Path) -> None:
    # given
    header = tuple(column for column in CATALOG_COLUMNS if column not in ("unit_code", "clock_rule"))
    # when
    errors = run_failing_import(write_csv(tmp_path / "thu_tuc.csv", [BIRTH], header=header))
    # then
    assert errors == [
        "row 1, column unit_code: thiếu cột bắt buộc / missing required column",
        "row 1, column clock_rule: thiếu cột bắt buộc / missing required column",
    ]


def test_a_file_with_a_byte_order_mark_imports(units: None, tmp_path: Path) -> None:
    # when
    output = run_import(write_csv(tmp_path / "thu_tuc.csv", [BIRTH, COPY], bom=True))
    # then
    assert "2 mới" in output
    assert ProcedureVersion.objects.filter(procedure__code="1.001193").exists()


def test_an_excel_file_imports(units: None, tmp_path: Path) -> None:
    # given: numbers and dates typed as Excel values, not text
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(CATALOG_COLUMNS))
    row = {**RECORD, "valid_from": date(2025, 7, 1), "amount": 10, "committed_amount": 7.0, "handled_at_counter": 0}
    sheet.append([row.get(column) or None for column in CATALOG_COLUMNS])
    workbook.save(tmp_path / "thu_tuc.xlsx")
    # when
    output = run_import(tmp_path / "thu_tuc.xlsx")
    # then
    assert "1 mới" in output
    version = ProcedureVersion.objects.get()
    assert (version.valid_from, version.time_limit_amount, version.committed_amount) == (date(2025, 7, 1), 10, 7)


def test_dry_run_reports_what_would_change_and_writes_nothing(units: None, tmp_path: Path) -> None:
    # given
    run_import(write_csv(tmp_path / "v1.csv", [BIRTH]))
    # when
    output = run_import(write_csv(tmp_path / "v2.csv", [{**BIRTH, "online_level": "partial"}, COPY]), dry_run=True)
    # then
    assert "chưa ghi gì: 2 phiên bản thủ tục: 1 sẽ tạo mới, 1 sẽ cập nhật, 0 không đổi" in output
    assert list(ProcedureVersion.objects.values_list("online_level", flat=True)) == ["full"]
