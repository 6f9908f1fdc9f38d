"""Catalog pages: accent-insensitive search, filters, pagination, htmx partials, detail, query counts."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.catalog.models import DocumentComponent, FeeItem, Level, OnlineLevel, ProcessStep
from motcua.catalog.tests.factories import FieldFactory, ProcedureFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def officer_client(client):
    membership = MembershipFactory(role=Role.RECEPTION_OFFICER)
    client.force_login(membership.user)
    return client


def codes_on_page(response) -> list[str]:
    return [v.procedure.code for v in response.context["page"].object_list]


def test_list_requires_login(client):
    # when
    response = client.get(reverse("catalog:list"))
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_search_without_accents_finds_the_accented_name(officer_client):
    # given
    permit = ProcedureVersionFactory(construction=True)
    ProcedureVersionFactory(name="Thủ tục đăng ký khai sinh")
    # when
    response = officer_client.get(reverse("catalog:list"), {"q": "giay phep xay dung"})
    # then
    assert response.status_code == 200
    assert codes_on_page(response) == [permit.procedure.code]
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in response.content.decode()


def test_search_shows_the_columns_of_a_result(officer_client):
    # given
    permit = ProcedureVersionFactory(construction=True, competent_unit=UnitFactory(department=True, name="Sở Xây dựng"))
    # when
    html = officer_client.get(reverse("catalog:list"), {"q": "xây dựng"}).content.decode()
    # then
    for text in (
        permit.procedure.code,
        "Hoạt động xây dựng",
        "Cấp xã",
        "15 ngày",
        "Trực tuyến một phần",
        "Sở Xây dựng",
    ):
        assert text in html


@pytest.mark.parametrize(
    ("param", "value_of", "expected"),
    [
        ("level", lambda a, b: Level.PROVINCE, "b"),
        ("online_level", lambda a, b: OnlineLevel.PARTIAL, "b"),
        ("field", lambda a, b: b.field.pk, "b"),
        ("unit", lambda a, b: b.competent_unit.code, "b"),
    ],
)
def test_filters_narrow_the_results(officer_client, param, value_of, expected):
    # given
    a = ProcedureVersionFactory()
    b = ProcedureVersionFactory(
        level=Level.PROVINCE,
        online_level=OnlineLevel.PARTIAL,
        field=FieldFactory(name="Đất đai"),
        competent_unit=UnitFactory(department=True),
    )
    # when
    response = officer_client.get(reverse("catalog:list"), {param: value_of(a, b)})
    # then
    assert codes_on_page(response) == [{"a": a, "b": b}[expected].procedure.code]


def test_an_invalid_filter_is_reported_and_ignored(officer_client):
    # given
    version = ProcedureVersionFactory()
    # when
    response = officer_client.get(reverse("catalog:list"), {"level": "galaxy"})
    # then
    assert response.status_code == 200
    assert codes_on_page(response) == [version.procedure.code]
    assert "Một số bộ lọc không hợp lệ" in response.content.decode()


def test_results_are_paginated_25_per_page(officer_client):
    # given
    ProcedureVersionFactory.create_batch(30)
    # when
    first = officer_client.get(reverse("catalog:list"))
    second = officer_client.get(reverse("catalog:list"), {"page": 2})
    # then
    assert len(codes_on_page(first)) == 25
    assert len(codes_on_page(second)) == 5
    assert set(codes_on_page(first)).isdisjoint(codes_on_page(second))
    assert 'rel="next"' in first.content.decode()


def test_pagination_links_keep_the_search(officer_client):
    # given
    ProcedureVersionFactory.create_batch(26, construction=True)
    # when
    html = officer_client.get(reverse("catalog:list"), {"q": "xay dung"}).content.decode()
    # then
    assert "?q=xay+dung&amp;page=2" in html


def test_htmx_search_returns_only_the_results_block(officer_client):
    # given
    ProcedureVersionFactory(construction=True)
    # when
    response = officer_client.get(reverse("catalog:list"), {"q": "giay phep"}, headers={"HX-Request": "true"})
    # then
    html = response.content.decode()
    assert "<html" not in html
    assert "Cấp giấy phép xây dựng" in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_full_page(officer_client):
    # when
    response = officer_client.get(
        reverse("catalog:list"), headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    # then
    assert "<html" in response.content.decode()


def test_the_search_form_works_without_javascript(officer_client):
    # when
    html = officer_client.get(reverse("catalog:list")).content.decode()
    # then: a plain GET form with a submit button, and the htmx attributes on top
    assert 'method="get"' in html
    assert 'type="submit"' in html
    assert 'hx-get="/thu-tuc/"' in html
    assert 'hx-target="#results"' in html
    assert "htmx-2.min.js" in html


def test_the_list_page_does_not_grow_its_queries_with_the_results(officer_client, django_assert_max_num_queries):
    # given: 60 procedures over several fields and competent units
    units = [UnitFactory(department=True) for _ in range(6)]
    fields = [FieldFactory(name=f"Lĩnh vực {i}") for i in range(4)]
    for i in range(60):
        ProcedureVersionFactory(competent_unit=units[i % 6], field=fields[i % 4])
    # when / then: session, user, memberships, two filter choice lists, count, page
    with django_assert_max_num_queries(7):
        response = officer_client.get(reverse("catalog:list"))
    assert len(codes_on_page(response)) == 25


@pytest.fixture
def permit():
    """Return a construction permit in force, with components, fees and a 12-working-day process."""
    version = ProcedureVersionFactory(
        construction=True,
        procedure=ProcedureFactory(code="1.009994"),
        legal_basis="Luật Xây dựng số 50/2014/QH13",
        valid_from=date(2025, 1, 1),
    )
    DocumentComponent.objects.create(version=version, order=1, name="Đơn đề nghị cấp giấy phép xây dựng")
    DocumentComponent.objects.create(version=version, order=2, name="Bản vẽ thiết kế", form="copy", quantity=2)
    FeeItem.objects.create(version=version, name="Lệ phí cấp giấy phép xây dựng", amount=Decimal(75000))
    division = UnitFactory(name="Phòng Kinh tế, Hạ tầng và Đô thị")
    for order, name, role, days in [
        (1, "Tiếp nhận hồ sơ", Role.RECEPTION_OFFICER, 1),
        (2, "Thẩm định hồ sơ", Role.PROCESSING_OFFICER, 10),
        (3, "Trả kết quả", Role.RECEPTION_OFFICER, 1),
    ]:
        ProcessStep.objects.create(version=version, order=order, name=name, role=role, quota_amount=days, unit=division)
    return version


@time_machine.travel(datetime(2025, 6, 2, 9, 0, tzinfo=HCM))
def test_detail_shows_every_part_of_the_version_in_force(officer_client, permit):
    # when
    response = officer_client.get(reverse("catalog:detail", args=["1.009994"]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        "15 ngày",
        "Đơn đề nghị cấp giấy phép xây dựng",
        "Bản sao",
        "Lệ phí cấp giấy phép xây dựng",
        "Thẩm định hồ sơ",
        "Chuyên viên thụ lý",
        "Phòng Kinh tế, Hạ tầng và Đô thị",
        "12 ngày làm việc (96 giờ)",
        "Luật Xây dựng số 50/2014/QH13",
        "từ 01/01/2025",
    ):
        assert text in html, text
    assert "vượt thời hạn" not in html


@time_machine.travel(datetime(2025, 6, 2, 9, 0, tzinfo=HCM))
def test_detail_warns_when_the_steps_exceed_the_time_limit(officer_client, permit):
    # given: 15 days allow at most 120 working hours; 16 more days exceed it
    ProcessStep.objects.create(
        version=permit, order=4, name="Lấy ý kiến", role=Role.PROCESSING_OFFICER, quota_amount=16
    )
    # when
    html = officer_client.get(reverse("catalog:detail", args=["1.009994"])).content.decode()
    # then
    assert "vượt thời hạn giải quyết" in html


@time_machine.travel(datetime(2025, 6, 2, 9, 0, tzinfo=HCM))
def test_detail_lists_the_other_versions_with_their_validity(officer_client, permit):
    # given
    ProcedureVersionFactory(
        procedure=permit.procedure, name="Cấp giấy phép xây dựng (bản cũ)", valid_to=date(2024, 12, 31)
    )
    # when
    response = officer_client.get(reverse("catalog:detail", args=["1.009994"]))
    # then
    html = response.content.decode()
    assert response.context["version"] == permit
    assert "Cấp giấy phép xây dựng (bản cũ)" in html
    assert "đến 31/12/2024" in html


@time_machine.travel(datetime(2025, 6, 2, 9, 0, tzinfo=HCM))
def test_detail_of_a_procedure_no_longer_in_force_shows_its_latest_version(officer_client):
    # given
    ended = ProcedureVersionFactory(procedure=ProcedureFactory(code="2.000001"), valid_to=date(2024, 12, 31))
    # when
    response = officer_client.get(reverse("catalog:detail", args=["2.000001"]))
    # then
    assert response.context["version"] == ended
    assert "không có phiên bản còn hiệu lực" in response.content.decode()


def test_detail_of_an_unknown_code_is_404(officer_client):
    # when
    response = officer_client.get(reverse("catalog:detail", args=["9.999999"]))
    # then
    assert response.status_code == 404


def test_detail_query_count_is_bounded(officer_client, permit, django_assert_max_num_queries):
    # when / then: session, user, memberships, versions, version, five prefetches
    with django_assert_max_num_queries(10):
        response = officer_client.get(reverse("catalog:detail", args=["1.009994"]))
    assert response.status_code == 200
