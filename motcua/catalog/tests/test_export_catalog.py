"""`manage.py export_catalog`: CSV or Excel in exactly the import layout, so an export re-imports unchanged."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import UnitFactory
from motcua.catalog.models import ComponentForm, DocumentComponent, FeeItem, FeeKind, ProcessStep
from motcua.catalog.services import CATALOG_COLUMNS
from motcua.catalog.tests.factories import ProcedureFactory, ProcedureVersionFactory
from motcua.lib.tables import table_read


@pytest.fixture
def catalog(db: None) -> None:
    """Two versions of one procedure and a construction permit, with parts, made without the importer."""
    commune = UnitFactory(code="000.10.00.H56")
    birth = ProcedureFactory(code="1.001193")
    ProcedureVersionFactory(
        procedure=birth, competent_unit=commune, same_day=True, valid_from=date(2020, 1, 1), valid_to=date(2025, 6, 30)
    )
    current = ProcedureVersionFactory(
        procedure=birth, competent_unit=commune, same_day=True, valid_from=date(2025, 7, 1)
    )
    DocumentComponent.objects.create(
        version=current, order=1, name="Tờ khai đăng ký khai sinh", form=ComponentForm.ORIGINAL
    )
    DocumentComponent.objects.create(
        version=current, order=2, name="Giấy tờ tùy thân", form=ComponentForm.COPY, quantity=2, mandatory=False
    )
    FeeItem.objects.create(version=current, kind=FeeKind.CHARGE, name="Lệ phí", amount=None)
    ProcessStep.objects.create(
        version=current,
        order=1,
        name="Tiếp nhận",
        role=Role.RECEPTION_OFFICER,
        quota_amount=Decimal("2.50"),
        quota_unit="hours",
    )
    ProcessStep.objects.create(
        version=current,
        order=2,
        name="Xử lý, ký",
        role=Role.AGENCY_HEAD,
        unit=commune,
        quota_amount=Decimal("5.50"),
        quota_unit="hours",
        requires_signature=True,
    )
    permit = ProcedureVersionFactory(
        construction=True, competent_unit=commune, committed_amount=12, committed_unit="days"
    )
    permit.coordinating_units.add(UnitFactory(code="000.00.00.H56", province=True))
    FeeItem.objects.create(
        version=permit, kind=FeeKind.CHARGE, name="Lệ phí cấp giấy phép xây dựng", amount=Decimal(75000)
    )


def export(**options: str) -> str:
    out = StringIO()
    call_command("export_catalog", stdout=out, **options)
    return out.getvalue()


def test_export_prints_csv_in_the_import_layout(catalog: None, tmp_path: Path) -> None:
    # given
    (tmp_path / "thu_tuc.csv").write_text(export(), encoding="utf-8", newline="")
    # when
    table = table_read(tmp_path / "thu_tuc.csv")
    # then
    assert table.header == list(CATALOG_COLUMNS)
    assert [(row["code"], row["valid_from"], row["valid_to"]) for _, row in table.rows][:2] == [
        ("1.001193", "2020-01-01", "2025-06-30"),
        ("1.001193", "2025-07-01", ""),
    ]
    current = table.rows[1][1]
    assert current["amount"] == "" and current["time_unit"] == "same_day"
    assert current["components"] == "Tờ khai đăng ký khai sinh|original|1;Giấy tờ tùy thân|copy|2|optional"
    assert current["fees"] == "Lệ phí|charge||acceptance"
    assert (
        current["steps"] == "Tiếp nhận|reception_officer|2.5|hours;Xử lý, ký|agency_head|5.5|hours|000.10.00.H56|sign"
    )
    permit = table.rows[2][1]
    assert (permit["amount"], permit["time_unit"], permit["committed_amount"]) == ("15", "days", "12")
    assert permit["coordinating_unit_codes"] == "000.00.00.H56"
    assert permit["clock_runs_awaiting_payment"] == "1" and permit["handled_at_counter"] == "0"


def test_an_exported_file_reimports_with_no_changes(catalog: None, tmp_path: Path) -> None:
    # given
    path = tmp_path / "thu_tuc.csv"
    path.write_text(export(), encoding="utf-8", newline="")
    # when
    out = StringIO()
    call_command("import_catalog", str(path), stdout=out)
    # then
    assert "Đã nhập 3 phiên bản thủ tục: 0 mới, 0 cập nhật, 3 không đổi" in out.getvalue()


def test_the_excel_export_reads_back_identically_to_the_csv(catalog: None, tmp_path: Path) -> None:
    # given
    (tmp_path / "thu_tuc.csv").write_text(export(), encoding="utf-8", newline="")
    # when
    call_command("export_catalog", format="xlsx", output=str(tmp_path / "thu_tuc.xlsx"))
    # then
    assert table_read(tmp_path / "thu_tuc.xlsx") == table_read(tmp_path / "thu_tuc.csv")


def test_the_excel_export_reimports_with_no_changes(catalog: None, tmp_path: Path) -> None:
    # given
    call_command("export_catalog", format="xlsx", output=str(tmp_path / "thu_tuc.xlsx"))
    # when
    out = StringIO()
    call_command("import_catalog", str(tmp_path / "thu_tuc.xlsx"), stdout=out)
    # then
    assert "0 mới, 0 cập nhật, 3 không đổi" in out.getvalue()
