"""Accounts admin: units saved through the unit services, users with memberships, tokens never shown."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import ApiToken, Membership, Role, Unit, UnitKind, UnitSuccession
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory, UserFactory
from motcua.accounts.tokens import api_token_create


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    return client


def unit_post(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "000.00.13.H56",
        "name": "Sở Tư pháp",
        "kind": "department",
        "external_codes": "{}",
    }
    return data | changes


def test_a_valid_unit_is_created(admin_client: Client) -> None:
    # given
    province = UnitFactory(code="000.00.00.H56", province=True)
    # when
    response = admin_client.post(reverse("admin:accounts_unit_add"), unit_post(parent=province.pk))
    # then
    assert response.status_code == 302
    assert Unit.objects.get(code="000.00.13.H56").parent == province


def test_a_code_off_the_pattern_is_refused(admin_client: Client) -> None:
    # when
    response = admin_client.post(reverse("admin:accounts_unit_add"), unit_post(code="SO-TU-PHAP"))
    # then
    assert response.status_code == 200
    assert "không đúng mẫu" in response.content.decode()
    assert not Unit.objects.exists()


def test_a_parent_cycle_is_refused(admin_client: Client) -> None:
    # given
    department = UnitFactory(code="000.00.13.H56", department=True)
    division = UnitFactory(code="000.01.13.H56", kind=UnitKind.DIVISION, parent=department)
    # when
    response = admin_client.post(
        reverse("admin:accounts_unit_change", args=[department.pk]), unit_post(parent=division.pk)
    )
    # then
    assert response.status_code == 200
    assert "vòng lặp" in response.content.decode()
    department.refresh_from_db()
    assert department.parent is None


def test_a_unit_valid_outside_its_parent_is_refused(admin_client: Client) -> None:
    # given
    old = UnitFactory(code="000.00.20.H56", department=True, valid_to="2025-06-30")
    # when
    response = admin_client.post(
        reverse("admin:accounts_unit_add"),
        unit_post(code="000.01.20.H56", kind="division", parent=old.pk, valid_from="2025-01-01"),
    )
    # then
    assert response.status_code == 200
    assert "đơn vị còn hiệu lực sau đơn vị cấp trên" in response.content.decode()
    assert Unit.objects.count() == 1


def test_a_user_page_shows_and_saves_memberships(admin_client: Client) -> None:
    # given
    membership = MembershipFactory(role=Role.RECEPTION_OFFICER)
    user = membership.user
    url = reverse("admin:accounts_user_change", args=[user.pk])
    # when
    page = admin_client.get(url)
    # then
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="full_name"' in content and 'name="phone"' in content and "memberships-0-role" in content
    assert Membership.objects.filter(user=user).count() == 1


def test_the_token_page_shows_the_digest_read_only_and_never_the_secret(admin_client: Client) -> None:
    # given
    token, raw = api_token_create(user=UserFactory(), name="Cổng dịch vụ công")
    # when
    page = admin_client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    add = admin_client.get(reverse("admin:accounts_apitoken_add"))
    # then
    content = page.content.decode()
    assert token.digest in content and 'name="digest"' not in content
    assert raw not in content
    assert add.status_code == 403
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize("model", ["unit", "unitsuccession", "user", "membership", "apitoken"])
def test_accounts_admin_lists_open(admin_client: Client, model: str) -> None:
    # given
    membership = MembershipFactory()
    UnitSuccession.objects.create(
        predecessor=membership.unit, successor=UnitFactory(), type="merge", effective_date="2025-07-01"
    )
    api_token_create(user=membership.user, name="Tích hợp")
    # when
    response = admin_client.get(reverse(f"admin:accounts_{model}_changelist"), {"q": "a"})
    # then
    assert response.status_code == 200


def test_unit_autocomplete_answers(admin_client: Client) -> None:
    # given
    UnitFactory(code="000.00.13.H56", name="Sở Tư pháp")
    # when
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "unit", "field_name": "parent", "term": "Tư pháp"},
    )
    # then
    assert response.status_code == 200
    assert "Sở Tư pháp" in response.json()["results"][0]["text"]
