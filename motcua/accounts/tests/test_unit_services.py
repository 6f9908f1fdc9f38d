"""Unit services: the checks shared by the importer and the admin, and unit_create / unit_update."""

from __future__ import annotations

from datetime import date

import pytest

from motcua.accounts.models import Unit, UnitKind
from motcua.accounts.services import (
    UnitError,
    UnitSpec,
    unit_check,
    unit_create,
    unit_import,
    unit_update,
    unit_validate_row,
    unit_within_errors,
)
from motcua.accounts.tests.factories import UnitFactory


def test_a_valid_row_reads_into_a_spec() -> None:
    # given
    values = {"code": "000.00.13.H56", "name": "Sở Tư pháp", "kind": "department", "parent_code": "000.00.00.H56"}
    # when
    spec, errors = unit_validate_row(row=2, values={**values, "valid_from": "01/07/2025"})
    # then
    assert errors == []
    assert spec == UnitSpec("000.00.13.H56", "Sở Tư pháp", "department", "000.00.00.H56", date(2025, 7, 1), None)


def test_a_bad_row_gives_one_error_per_bad_cell() -> None:
    # when
    spec, errors = unit_validate_row(row=5, values={"code": "", "name": "X", "kind": "xa", "valid_to": "2025-13-01"})
    # then
    assert spec is None
    assert [(error.row, error.column) for error in errors] == [(5, "code"), (5, "kind"), (5, "valid_to")]
    assert str(errors[0]) == "row 5, column code: không được để trống / required"


def test_a_child_must_lie_within_its_parent() -> None:
    # given
    parent = UnitSpec("000.00.20.H56", "Sở", "department", "", date(2020, 1, 1), date(2025, 6, 30))
    inside = UnitSpec("000.01.20.H56", "Phòng", "division", parent.code, date(2020, 1, 1), date(2025, 6, 30))
    open_ended = UnitSpec("000.01.20.H56", "Phòng", "division", parent.code, None, None)
    # when / then
    assert unit_within_errors(inside, parent) == []
    assert [column for column, _ in unit_within_errors(open_ended, parent)] == ["valid_from", "valid_to"]


@pytest.mark.django_db
def test_unit_create_saves_a_checked_unit() -> None:
    # given
    province = UnitFactory(code="000.00.00.H56", province=True)
    # when
    unit = unit_create(code="000.00.13.H56", name="Sở Tư pháp", kind=UnitKind.DEPARTMENT, parent=province)
    # then
    assert Unit.objects.get(pk=unit.pk).parent == province


@pytest.mark.django_db
def test_unit_create_refuses_a_bad_code_an_unknown_kind_and_a_duplicate() -> None:
    # given
    UnitFactory(code="000.00.13.H56")
    # when / then
    with pytest.raises(UnitError) as bad:
        unit_create(code="SO-TU-PHAP", name="Sở Tư pháp", kind="sở")
    assert len(bad.value.messages) == 2
    assert "không đúng mẫu" in bad.value.messages[0] and "loại đơn vị không hợp lệ" in bad.value.messages[1]
    with pytest.raises(UnitError, match="đã tồn tại"):
        unit_create(code="000.00.13.H56", name="Sở Tư pháp", kind=UnitKind.DEPARTMENT)
    assert Unit.objects.count() == 1


@pytest.mark.django_db
def test_unit_update_refuses_a_cycle() -> None:
    # given
    department = UnitFactory(code="000.00.13.H56", department=True)
    division = UnitFactory(code="000.01.13.H56", kind=UnitKind.DIVISION, parent=department)
    # when
    with pytest.raises(UnitError, match="vòng lặp"):
        unit_update(
            unit=department,
            code=department.code,
            name=department.name,
            kind=department.kind,
            parent=division,
            valid_from=None,
            valid_to=None,
            address="",
            phone="",
        )
    # then
    department.refresh_from_db()
    assert department.parent is None


@pytest.mark.django_db
def test_unit_check_reports_children_left_outside_a_shortened_unit() -> None:
    # given
    department = UnitFactory(code="000.00.20.H56", department=True)
    UnitFactory(code="000.01.20.H56", kind=UnitKind.DIVISION, parent=department)
    # when
    errors = unit_check(
        unit=department,
        code=department.code,
        kind=department.kind,
        parent=None,
        valid_from=None,
        valid_to=date(2025, 6, 30),
    )
    # then
    assert [column for column, _ in errors] == ["valid_to"]
    assert errors[0][1].startswith("đơn vị cấp dưới 000.01.20.H56:")


@pytest.mark.django_db
def test_unit_import_raises_with_every_message_and_saves_nothing() -> None:
    # given
    rows = [
        (2, {"code": "000.00.00.H56", "name": "UBND tỉnh", "kind": "province", "parent_code": ""}),
        (3, {"code": "000.00.13.H56", "name": "Sở Tư pháp", "kind": "department", "parent_code": "000.00.99.H56"}),
    ]
    # when
    with pytest.raises(UnitError) as failure:
        unit_import(header=["code", "name", "kind", "parent_code"], rows=rows)
    # then
    assert failure.value.messages == [
        'row 3, column parent_code: đơn vị cấp trên "000.00.99.H56" không có trong tệp hoặc cơ sở dữ liệu '
        "/ unknown parent code"
    ]
    assert not Unit.objects.exists()


@pytest.mark.django_db
def test_a_bad_parent_row_is_reported_once_not_again_on_its_children() -> None:
    # given: the department's kind is wrong; its division must not also get "unknown parent"
    rows = [
        (2, {"code": "000.00.13.H56", "name": "Sở Tư pháp", "kind": "so", "parent_code": ""}),
        (3, {"code": "000.01.13.H56", "name": "Phòng", "kind": "division", "parent_code": "000.00.13.H56"}),
    ]
    # when
    with pytest.raises(UnitError) as failure:
        unit_import(header=["code", "name", "kind", "parent_code"], rows=rows)
    # then
    assert [message.split(":")[0] for message in failure.value.messages] == ["row 2, column kind"]
