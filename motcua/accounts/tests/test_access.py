"""The access helpers scope every read by the user's units and their sub-trees."""

import pytest

from motcua.accounts.models import Role, UnitKind
from motcua.accounts.selectors import (
    unit_ancestors,
    unit_descendant_ids,
    units_visible_to,
    user_can_see_unit,
    user_has_role,
    visible_unit_ids,
)
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    province = UnitFactory(code="000.00.00.H31", name="UBND tỉnh Hưng Yên", kind=UnitKind.PROVINCE)
    justice = UnitFactory(code="000.00.11.H31", name="Sở Tư pháp", kind=UnitKind.DEPARTMENT, parent=province)
    civil = UnitFactory(code="000.01.11.H31", name="Phòng Hành chính tư pháp", kind=UnitKind.DIVISION, parent=justice)
    commune = UnitFactory(code="000.00.31.H31", name="UBND xã Văn Giang", kind=UnitKind.COMMUNE, parent=province)
    return {"province": province, "justice": justice, "civil": civil, "commune": commune}


def test_member_of_a_department_sees_its_subtree_only(tree):
    # given a processing officer of the Department of Justice
    officer = MembershipFactory(unit=tree["justice"]).user
    # when the visible units are computed
    visible = visible_unit_ids(officer)
    # then the department and its division are visible, the commune and the province are not
    assert visible == {tree["justice"].pk, tree["civil"].pk}
    assert not user_can_see_unit(officer, tree["commune"])
    assert set(units_visible_to(officer)) == {tree["justice"], tree["civil"]}


def test_provincial_leader_sees_every_unit(tree):
    leader = MembershipFactory(unit=tree["province"], role=Role.LEADER).user
    assert visible_unit_ids(leader) == {u.pk for u in tree.values()}


def test_inactive_membership_gives_no_access(tree):
    officer = MembershipFactory(unit=tree["commune"], is_active=False).user
    assert visible_unit_ids(officer) == set()


def test_user_without_membership_sees_nothing(tree):
    assert visible_unit_ids(UserFactory()) == set()


def test_descendants_and_ancestors(tree):
    assert unit_descendant_ids([tree["justice"].pk]) == {tree["justice"].pk, tree["civil"].pk}
    assert unit_ancestors(tree["civil"]) == [tree["justice"], tree["province"]]


def test_role_held_above_a_unit_counts_for_it(tree):
    # given an agency head of the department
    head = MembershipFactory(unit=tree["justice"], role=Role.AGENCY_HEAD).user
    # then the role applies to the division below, not to the commune, and other roles are not implied
    assert user_has_role(head, [Role.AGENCY_HEAD], tree["civil"])
    assert not user_has_role(head, [Role.AGENCY_HEAD], tree["commune"])
    assert not user_has_role(head, [Role.RECEPTION_OFFICER], tree["civil"])
