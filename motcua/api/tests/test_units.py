"""`/api/v1/units`: scoped to the caller's units, filters, 403 outside them, 404 unknown, 422 bad input."""

from datetime import date

import pytest

from motcua.accounts.models import Role, SuccessionType, UnitSuccession
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.accounts.tokens import api_token_create

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    return [unit["code"] for unit in response.json()["items"]]


def test_list_returns_only_the_units_the_caller_may_see(api):
    # when
    response = api("/units")
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert codes(response) == ["000.00.13.H56", "000.01.13.H56"]
    first = response.json()["items"][0]
    assert first == {
        "code": "000.00.13.H56",
        "name": "Sở Xây dựng",
        "kind": "department",
        "kind_label": "Sở, ban, ngành",
        "parent_code": "000.00.00.H56",
        "valid_from": None,
        "valid_to": None,
    }


def test_list_filters_by_text_and_kind(api):
    # when / then
    assert codes(api("/units", {"q": "Phòng"})) == ["000.01.13.H56"]
    assert codes(api("/units", {"kind": "department"})) == ["000.00.13.H56"]


def test_list_filters_by_validity_date(api, province):
    # given
    department = province.children.get(code="000.00.13.H56")
    UnitFactory(code="000.02.13.H56", name="Phòng cũ", parent=department, valid_to=date(2025, 6, 30))
    # when / then
    assert "000.02.13.H56" in codes(api("/units", {"on": "2025-06-30"}))
    assert "000.02.13.H56" not in codes(api("/units", {"on": "2025-07-01"}))


@pytest.mark.parametrize(
    ("params", "field"), [({"on": "2025-02-30"}, "on"), ({"kind": "galaxy"}, "kind"), ({"page": "0"}, "page")]
)
def test_list_rejects_invalid_parameters_with_422(api, params, field):
    # when
    response = api("/units", params)
    # then
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["message"].startswith("Tham số không hợp lệ / invalid parameters")
    assert field in error["message"]
    assert error["details"][0]["field"] == field


def test_detail_returns_parent_children_and_succession(api, province):
    # given
    department = province.children.get(code="000.00.13.H56")
    old = UnitFactory(code="000.00.14.H56", name="Sở Giao thông vận tải", valid_to=date(2025, 2, 28))
    UnitSuccession.objects.create(
        predecessor=old, successor=department, type=SuccessionType.MERGE, effective_date=date(2025, 3, 1)
    )
    # when
    response = api("/units/000.00.13.H56")
    # then
    body = response.json()
    assert response.status_code == 200
    assert body["parent"] == {"code": "000.00.00.H56", "name": "Ủy ban nhân dân tỉnh Thử Nghiệm"}
    assert body["children"] == [{"code": "000.01.13.H56", "name": "Phòng Quản lý xây dựng"}]
    assert body["predecessors"] == [
        {
            "unit": {"code": "000.00.14.H56", "name": "Sở Giao thông vận tải"},
            "type": "merge",
            "effective_date": "2025-03-01",
            "legal_ref": "",
        }
    ]
    assert body["successors"] == []


def test_detail_of_a_unit_outside_the_callers_units_is_403(api):
    # when: the construction officer asks for the justice department
    response = api("/units/000.00.16.H56")
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert "Sở Tư pháp" not in response.content.decode()


def test_a_user_of_another_unit_cannot_see_this_one(client, province):
    # given: a commune officer with their own token
    commune = province.children.get(code="000.00.31.H56")
    _, raw = api_token_create(user=MembershipFactory(unit=commune, role=Role.RECEPTION_OFFICER).user, name="x")
    # when
    response = client.get("/api/v1/units/000.00.13.H56", headers={"Authorization": f"Bearer {raw}"})
    listed = client.get("/api/v1/units", headers={"Authorization": f"Bearer {raw}"})
    # then
    assert response.status_code == 403
    assert codes(listed) == ["000.00.31.H56"]


def test_detail_of_an_unknown_code_is_404(api):
    # when
    response = api("/units/999.99.99.X99")
    # then
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Mã đơn vị không tồn tại / unknown unit code"}}


def test_list_query_count_is_bounded(api, province, django_assert_max_num_queries):
    # given
    department = province.children.get(code="000.00.13.H56")
    for n in range(60):
        UnitFactory(code=f"000.{n + 10:02d}.13.H56", name=f"Phòng {n}", parent=department)
    # when / then: token, all units (tree walk), memberships, count, page
    with django_assert_max_num_queries(6):
        response = api("/units")
    assert response.json()["count"] == 62
    assert len(response.json()["items"]) == 50
