"""Back-office pages of accounts: home, unit switcher, units tree and unit page (scoped, phones masked)."""

from datetime import date

import pytest
from django.urls import reverse

from motcua.accounts.context_processors import SESSION_KEY
from motcua.accounts.models import Role, SuccessionType, UnitKind, UnitSuccession
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory, UserFactory
from motcua.lib.personal_data import phone_mask

pytestmark = pytest.mark.django_db


@pytest.fixture
def province():
    """Return a province with a department, one of its divisions, and a commune."""
    province = UnitFactory(code="000.00.00.H56", province=True)
    department = UnitFactory(code="000.00.13.H56", department=True, name="Sở Xây dựng", parent=province)
    UnitFactory(code="000.01.13.H56", kind=UnitKind.DIVISION, name="Phòng Quản lý xây dựng", parent=department)
    UnitFactory(code="000.00.31.H56", name="Ủy ban nhân dân phường Hạc Thành", parent=province)
    return province


@pytest.fixture
def department_officer(client, province):
    membership = MembershipFactory(unit=province.children.get(code="000.00.13.H56"), role=Role.PROCESSING_OFFICER)
    client.force_login(membership.user)
    return membership.user


def test_home_shows_the_roles_of_the_user(client):
    # given
    membership = MembershipFactory(
        role=Role.RECEPTION_OFFICER, unit=UnitFactory(name="Trung tâm Phục vụ hành chính công")
    )
    client.force_login(membership.user)
    # when
    html = client.get(reverse("home")).content.decode()
    # then
    assert "Cán bộ một cửa" in html
    assert "Trung tâm Phục vụ hành chính công" in html


def test_home_sends_anonymous_visitors_to_the_public_portal(client):
    # when an anonymous visitor opens the site
    response = client.get("/")
    # then they reach the portal's home page, which offers the officers' login
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    portal = client.get(response.url).content.decode()
    assert "Đăng nhập cán bộ" in portal
    assert reverse("login") in portal


def test_switch_unit_remembers_a_unit_of_the_user(client):
    # given
    first = MembershipFactory(unit=UnitFactory(name="Xã Một"))
    second = MembershipFactory(user=first.user, unit=UnitFactory(name="Xã Hai"))
    client.force_login(first.user)
    # when
    response = client.post(reverse("switch_unit"), {"unit": second.unit.pk, "next": "/thu-tuc/"})
    # then
    assert response.status_code == 302
    assert response.url == "/thu-tuc/"
    assert client.session[SESSION_KEY] == second.unit.pk
    assert client.get(reverse("home")).context["current_unit"] == second.unit


def test_switch_unit_refuses_a_unit_of_someone_else(client):
    # given
    mine = MembershipFactory()
    other = UnitFactory()
    client.force_login(mine.user)
    # when
    response = client.post(reverse("switch_unit"), {"unit": other.pk})
    # then
    assert response.status_code == 302
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("unit", ["", "abc"])
def test_switch_unit_rejects_a_malformed_unit(client, unit):
    # given
    client.force_login(MembershipFactory().user)
    # when
    response = client.post(reverse("switch_unit"), {"unit": unit})
    # then
    assert response.status_code == 400


@pytest.mark.parametrize("next_url", ["//evil.example/", "https://evil.example/", "/\\evil.example/"])
def test_switch_unit_does_not_redirect_off_site(client, next_url):
    # given
    membership = MembershipFactory()
    client.force_login(membership.user)
    # when
    response = client.post(reverse("switch_unit"), {"unit": membership.unit.pk, "next": next_url})
    # then
    assert response.url == "/"


def test_units_tree_shows_only_the_units_below_the_users_unit(client, department_officer):
    # when
    response = client.get(reverse("units"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sở Xây dựng" in html
    assert "Phòng Quản lý xây dựng" in html
    assert "Hạc Thành" not in html
    assert "Ủy ban nhân dân tỉnh" not in html
    # the division is nested under the department
    assert html.index("Sở Xây dựng") < html.index('<ul class="tree">', html.index("Sở Xây dựng"))


def test_units_tree_of_a_province_user_nests_every_unit(client, province):
    # given
    client.force_login(MembershipFactory(unit=province, role=Role.LEADER).user)
    # when
    tree = client.get(reverse("units")).context["tree"]
    # then
    assert [node.unit.code for node in tree] == ["000.00.00.H56"]
    assert [child.unit.code for child in tree[0].children] == ["000.00.13.H56", "000.00.31.H56"]
    assert [g.unit.code for g in tree[0].children[0].children] == ["000.01.13.H56"]


def test_unit_page_shows_kind_parent_children_validity_and_members(client, department_officer):
    # given
    department_officer.full_name = "Trần Thị Thụ Lý"
    department_officer.phone = "0912345678"
    department_officer.save()
    # when
    response = client.get(reverse("unit_detail", args=["000.00.13.H56"]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Sở, ban, ngành", "Ủy ban nhân dân tỉnh Thử Nghiệm", "Phòng Quản lý xây dựng", "không thời hạn"):
        assert text in html, text
    assert "Trần Thị Thụ Lý" in html
    assert "Chuyên viên thụ lý" in html
    assert "09xx xxx 678" in html
    assert "0912345678" not in html


def test_unit_page_shows_the_whole_phone_to_an_administrator(client, province):
    # given
    department = province.children.get(code="000.00.13.H56")
    MembershipFactory(unit=department, user=UserFactory(phone="0987654321"))
    admin = MembershipFactory(unit=province, role=Role.ADMIN).user
    client.force_login(admin)
    # when
    html = client.get(reverse("unit_detail", args=["000.00.13.H56"])).content.decode()
    # then
    assert "0987654321" in html


def test_unit_page_shows_succession(client, department_officer, province):
    # given
    department = province.children.get(code="000.00.13.H56")
    old = UnitFactory(code="000.00.14.H56", name="Sở Giao thông vận tải", valid_to=date(2025, 2, 28))
    UnitSuccession.objects.create(
        predecessor=old, successor=department, type=SuccessionType.MERGE, effective_date=date(2025, 3, 1)
    )
    # when
    html = client.get(reverse("unit_detail", args=["000.00.13.H56"])).content.decode()
    # then
    assert "Sở Giao thông vận tải" in html
    assert "Hợp nhất, sáp nhập" in html
    assert "01/03/2025" in html


def test_unit_page_of_another_units_user_is_refused(client, department_officer):
    # when: the officer of the department asks for a commune outside it
    response = client.get(reverse("unit_detail", args=["000.00.31.H56"]))
    # then
    assert response.status_code == 403
    assert "Ủy ban nhân dân phường Hạc Thành" not in response.content.decode()


def test_unit_page_of_an_unknown_code_is_404(client, department_officer):
    # when
    response = client.get(reverse("unit_detail", args=["999.99.99.X99"]))
    # then
    assert response.status_code == 404


def test_units_tree_query_count_is_bounded(client, department_officer, django_assert_max_num_queries):
    # given
    department = department_officer.memberships.get().unit
    for n in range(30):
        UnitFactory(code=f"000.{n + 10:02d}.13.H56", kind=UnitKind.DIVISION, parent=department)
    # when / then: session, user, memberships ×2, all units (tree walk), visible units
    with django_assert_max_num_queries(6):
        response = client.get(reverse("units"))
    assert response.context["unit_count"] == 32


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("0912345678", "09xx xxx 678"), ("091 234 5678", "09xx xxx 678"), ("", ""), ("1234", "xxxx")],
)
def test_phone_mask(phone, masked):
    assert phone_mask(phone) == masked
