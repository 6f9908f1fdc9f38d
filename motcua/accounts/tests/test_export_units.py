"""`manage.py export_units`: CSV or Excel in exactly the import layout, so an export re-imports unchanged."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.accounts.models import UnitKind
from motcua.accounts.services import UNIT_COLUMNS
from motcua.accounts.tests.factories import UnitFactory
from motcua.lib.tables import table_read


@pytest.fixture
def units(db: None) -> None:
    province = UnitFactory(code="000.00.00.H56", name="Ủy ban nhân dân tỉnh Thanh Hóa", kind=UnitKind.PROVINCE)
    department = UnitFactory(
        code="000.00.13.H56", name='Sở Tư pháp, "cũ"', kind=UnitKind.DEPARTMENT, parent=province, phone="0237 3852"
    )
    # text that Excel would take for a formula must come back as the same text
    UnitFactory(code="000.00.14.H56", name="=1+2 Sở Xây dựng", kind=UnitKind.DEPARTMENT, parent=province)
    UnitFactory(
        code="000.01.13.H56",
        name="Phòng Hành chính tư pháp",
        kind=UnitKind.DIVISION,
        parent=department,
        valid_from=date(2020, 1, 1),
        valid_to=date(2025, 6, 30),
        address="Số 1, đường Lê Lợi",
    )


def export(**options: str) -> str:
    out = StringIO()
    call_command("export_units", stdout=out, **options)
    return out.getvalue()


def test_export_prints_csv_in_the_import_layout(units: None) -> None:
    # when
    text = export()
    # then
    lines = text.split("\r\n")
    assert lines[0] == ",".join(UNIT_COLUMNS)
    assert lines[1] == "000.00.00.H56,Ủy ban nhân dân tỉnh Thanh Hóa,province,,,,,"
    assert lines[2] == '000.00.13.H56,"Sở Tư pháp, ""cũ""",department,000.00.00.H56,,,,0237 3852'
    assert lines[3] == "000.00.14.H56,=1+2 Sở Xây dựng,department,000.00.00.H56,,,,"
    assert (
        lines[4]
        == '000.01.13.H56,Phòng Hành chính tư pháp,division,000.00.13.H56,2020-01-01,2025-06-30,"Số 1, đường Lê Lợi",'
    )


def test_an_exported_file_reimports_with_no_changes(units: None, tmp_path: Path) -> None:
    # given
    path = tmp_path / "don_vi.csv"
    path.write_text(export(), encoding="utf-8", newline="")
    # when
    out = StringIO()
    call_command("import_units", str(path), stdout=out)
    # then
    assert "Đã nhập 4 đơn vị: 0 mới, 0 cập nhật, 4 không đổi" in out.getvalue()


def test_csv_output_to_a_file_has_a_bom_and_reads_back(units: None, tmp_path: Path) -> None:
    # when
    call_command("export_units", output=str(tmp_path / "don_vi.csv"))
    # then
    assert (tmp_path / "don_vi.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert table_read(tmp_path / "don_vi.csv").header == list(UNIT_COLUMNS)


def test_the_excel_export_reads_back_identically_to_the_csv(units: None, tmp_path: Path) -> None:
    # given
    (tmp_path / "don_vi.csv").write_text(export(), encoding="utf-8", newline="")
    # when
    call_command("export_units", format="xlsx", output=str(tmp_path / "don_vi.xlsx"))
    # then
    from_excel = table_read(tmp_path / "don_vi.xlsx")
    from_csv = table_read(tmp_path / "don_vi.csv")
    assert from_excel == from_csv
    assert len(from_excel.rows) == 4
    assert from_excel.rows[2][1]["name"] == "=1+2 Sở Xây dựng"


def test_the_excel_export_reimports_with_no_changes(units: None, tmp_path: Path) -> None:
    # given
    call_command("export_units", format="xlsx", output=str(tmp_path / "don_vi.xlsx"))
    # when
    out = StringIO()
    call_command("import_units", str(tmp_path / "don_vi.xlsx"), stdout=out)
    # then
    assert "0 mới, 0 cập nhật, 4 không đổi" in out.getvalue()


def test_excel_without_an_output_file_is_refused(units: None) -> None:
    # when
    with pytest.raises(CommandError) as failure:
        call_command("export_units", format="xlsx")
    # then
    assert failure.value.returncode == 2
