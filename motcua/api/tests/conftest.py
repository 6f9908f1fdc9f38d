"""Fixtures for API tests: a small province, an officer of one department and their bearer token."""

import pytest

from motcua.accounts.models import Role, UnitKind
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.accounts.tokens import api_token_create


@pytest.fixture
def province(db):
    """Return a province with two departments (one with a division) and a commune."""
    province = UnitFactory(code="000.00.00.H56", province=True)
    construction = UnitFactory(code="000.00.13.H56", department=True, name="Sở Xây dựng", parent=province)
    UnitFactory(code="000.01.13.H56", kind=UnitKind.DIVISION, name="Phòng Quản lý xây dựng", parent=construction)
    UnitFactory(code="000.00.16.H56", department=True, name="Sở Tư pháp", parent=province)
    UnitFactory(code="000.00.31.H56", name="Ủy ban nhân dân phường Hạc Thành", parent=province)
    return province


@pytest.fixture
def officer(province):
    """Return a processing officer of the construction department."""
    return MembershipFactory(unit=province.children.get(code="000.00.13.H56"), role=Role.PROCESSING_OFFICER).user


@pytest.fixture
def token(officer) -> str:
    """Return the raw bearer token of the officer."""
    return api_token_create(user=officer, name="Tích hợp thử nghiệm")[1]


@pytest.fixture
def api(client, token):
    """Return a GET helper that sends the officer's bearer token."""

    def get(path: str, params: dict | None = None):
        return client.get(f"/api/v1{path}", params or {}, headers={"Authorization": f"Bearer {token}"})

    return get
