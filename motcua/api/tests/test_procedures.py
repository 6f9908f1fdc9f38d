"""`/api/v1/procedures` and `/api/v1/fields`: accent-insensitive search, filters, detail, 404, 422."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import UnitFactory
from motcua.catalog.models import DocumentComponent, FeeItem, Level, ProcessStep
from motcua.catalog.tests.factories import FieldFactory, ProcedureFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["code"] for item in response.json()["items"]]


@pytest.fixture
def catalog(province):
    """Return a construction permit of the construction department and a birth registration of a commune."""
    permit = ProcedureVersionFactory(
        construction=True,
        procedure=ProcedureFactory(code="1.009994"),
        level=Level.PROVINCE,
        competent_unit=province.children.get(code="000.00.13.H56"),
    )
    birth = ProcedureVersionFactory(
        procedure=ProcedureFactory(code="1.001193"), competent_unit=province.children.get(code="000.00.31.H56")
    )
    return permit, birth


def test_search_is_accent_insensitive(api, catalog):
    # when
    response = api("/procedures", {"q": "giay phep xay dung"})
    # then
    assert codes(response) == ["1.009994"]
    item = response.json()["items"][0]
    assert item["name"] == "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
    assert item["field"]["name"] == "Hoạt động xây dựng"
    assert item["time_limit_display"] == "15 ngày"
    assert item["competent_unit"] == {"code": "000.00.13.H56", "name": "Sở Xây dựng"}


def test_search_with_accents_finds_the_same(api, catalog):
    assert codes(api("/procedures", {"q": "Giấy phép XÂY DỰNG"})) == ["1.009994"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"level": "province"}, ["1.009994"]),
        ({"level": "commune"}, ["1.001193"]),
        ({"online_level": "partial"}, ["1.009994"]),
        ({"unit": "000.00.31.H56"}, ["1.001193"]),
        ({"field": "Hoạt động xây dựng"}, ["1.009994"]),
        ({"field": "hộ tịch"}, ["1.001193"]),
    ],
)
def test_filters(api, catalog, params, expected):
    assert codes(api("/procedures", params)) == expected


def test_filter_by_field_id(api, catalog):
    # given
    permit, _ = catalog
    # when / then
    assert codes(api("/procedures", {"field": str(permit.field_id)})) == ["1.009994"]


def test_filter_by_coordinating_unit(api, catalog, province):
    # given
    permit, _ = catalog
    permit.coordinating_units.add(province.children.get(code="000.00.16.H56"))
    # when / then
    assert codes(api("/procedures", {"unit": "000.00.16.H56"})) == ["1.009994"]


def test_filter_by_date_shows_the_versions_in_force_then(api, province):
    # given
    procedure = ProcedureFactory(code="2.000001")
    unit = province.children.get(code="000.00.13.H56")
    ProcedureVersionFactory(procedure=procedure, competent_unit=unit, name="Bản cũ", valid_to=date(2024, 12, 31))
    ProcedureVersionFactory(procedure=procedure, competent_unit=unit, name="Bản mới", valid_from=date(2025, 1, 1))
    # when
    old = api("/procedures", {"on": "2024-06-01"}).json()["items"]
    new = api("/procedures", {"on": "2025-06-01"}).json()["items"]
    # then
    assert [i["name"] for i in old] == ["Bản cũ"]
    assert [i["name"] for i in new] == ["Bản mới"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"level": "district"}, "invalid_request"),
        ({"online_level": "4"}, "invalid_request"),
        ({"on": "01/06/2025"}, "invalid_request"),
        ({"unit": "999.99.99.X99"}, "unknown_unit"),
        ({"field": "Không có lĩnh vực này"}, "unknown_field"),
        ({"field": "999999"}, "unknown_field"),
    ],
)
def test_invalid_parameters_are_422(api, catalog, params, code):
    # when
    response = api("/procedures", params)
    # then
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert " / " in response.json()["error"]["message"]


def test_results_are_paginated(api, province):
    # given
    ProcedureVersionFactory.create_batch(30, competent_unit=province)
    # when
    first, second = api("/procedures"), api("/procedures", {"page": 2})
    # then
    assert first.json()["count"] == 30
    assert len(first.json()["items"]) == 25
    assert len(second.json()["items"]) == 5


def test_procedures_are_readable_by_every_authenticated_caller(api, catalog):
    # given: the officer of the construction department; the birth registration belongs to a commune
    # when / then: the catalog is reference data, not scoped by unit
    assert "1.001193" in codes(api("/procedures"))


def test_list_query_count_is_bounded(api, province, django_assert_max_num_queries):
    # given
    units = [UnitFactory(department=True) for _ in range(6)]
    fields = [FieldFactory(name=f"Lĩnh vực {i}") for i in range(4)]
    for i in range(60):
        ProcedureVersionFactory(competent_unit=units[i % 6], field=fields[i % 4])
    # when / then: token, its first-use stamp, count, page
    with django_assert_max_num_queries(4):
        response = api("/procedures")
    assert len(response.json()["items"]) == 25


@pytest.fixture
def permit_with_parts(catalog):
    permit, _ = catalog
    DocumentComponent.objects.create(version=permit, order=1, name="Đơn đề nghị cấp giấy phép xây dựng")
    FeeItem.objects.create(version=permit, name="Lệ phí cấp giấy phép xây dựng", amount=Decimal(75000))
    ProcessStep.objects.create(
        version=permit, order=1, name="Tiếp nhận", role=Role.RECEPTION_OFFICER, quota_amount=4, quota_unit="hours"
    )
    ProcessStep.objects.create(version=permit, order=2, name="Thẩm định", role=Role.PROCESSING_OFFICER, quota_amount=10)
    return permit


@time_machine.travel(datetime(2025, 6, 2, 9, 0, tzinfo=HCM))
def test_detail_returns_the_version_in_force_with_its_parts(api, permit_with_parts):
    # given
    permit_with_parts.valid_from = date(2025, 1, 1)
    permit_with_parts.save()
    ProcedureVersionFactory(
        procedure=permit_with_parts.procedure,
        name="Bản cũ",
        valid_to=date(2024, 12, 31),
        competent_unit=permit_with_parts.competent_unit,
    )
    # when
    response = api("/procedures/1.009994")
    # then
    body = response.json()
    assert response.status_code == 200
    assert body["code"] == "1.009994"
    assert body["time_limit_amount"] == 15
    assert body["time_limit_unit"] == "days"
    assert [c["name"] for c in body["components"]] == ["Đơn đề nghị cấp giấy phép xây dựng"]
    assert body["fees"][0]["amount"] == "75000"
    assert [(s["order"], s["name"], s["quota_unit"]) for s in body["steps"]] == [
        (1, "Tiếp nhận", "hours"),
        (2, "Thẩm định", "working_days"),
    ]
    assert Decimal(body["steps_total_hours"]) == Decimal(84)
    assert body["versions"] == [
        {"name": "Bản cũ", "valid_from": None, "valid_to": "2024-12-31", "in_force": False},
        {"name": permit_with_parts.name, "valid_from": "2025-01-01", "valid_to": None, "in_force": True},
    ]


def test_detail_on_a_date_without_a_version_is_404(api, permit_with_parts):
    # given
    permit_with_parts.valid_from = date(2025, 1, 1)
    permit_with_parts.save()
    # when
    response = api("/procedures/1.009994", {"on": "2024-01-01"})
    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_version_in_force"


def test_detail_of_an_unknown_code_is_404(api, catalog):
    # when
    response = api("/procedures/9.999999")
    # then
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "Mã thủ tục không tồn tại / unknown procedure code",
    }


def test_detail_rejects_a_bad_date_with_422(api, catalog):
    assert api("/procedures/1.009994", {"on": "2025-13-01"}).status_code == 422


def test_fields_lists_every_field(api):
    # given
    FieldFactory(name="Hộ tịch")
    FieldFactory(name="Đất đai")
    # when
    response = api("/fields")
    # then
    assert response.status_code == 200
    assert sorted(f["name"] for f in response.json()) == ["Hộ tịch", "Đất đai"]
