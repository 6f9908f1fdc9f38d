"""Dossier reads: unit scoping, filters, queues with due flags, the return desk, roles over a dossier."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from motcua.accounts.models import Role
from motcua.accounts.selectors import due_soon_thresholds
from motcua.accounts.services import UnitError, unit_set_due_soon_hours
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory, UserFactory
from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import accepted_dossier, agency_setup

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HCM)


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def open_step(dossier, *, unit, role=Role.PROCESSING_OFFICER, assignee=None, due="2025-03-10 09:00", order=2):
    """Open a processing step directly (a read-side fixture; the services own this in production)."""
    step = DossierStep.objects.create(
        dossier=dossier,
        order=order,
        name="Thẩm định hồ sơ",
        role=role,
        unit=unit,
        assignee=assignee,
        quota_amount=Decimal(6),
        quota_unit="working_days",
        started_at=dossier.accepted_at,
        due_at=at(due),
    )
    Dossier.objects.filter(pk=dossier.pk).update(current_step=step, state=State.IN_PROCESS)
    return step


def test_dossier_list_shows_only_the_users_units(setup):
    # given a dossier of the commune and an officer of another commune
    dossier = accepted_dossier(setup)
    stranger = MembershipFactory(unit=UnitFactory(), role=Role.PROCESSING_OFFICER).user
    # when / then
    assert [d.code for d in selectors.dossier_list(user=setup["officer"])] == [dossier.code]
    assert [d.code for d in selectors.dossier_list(user=setup["reception"])] == [dossier.code]
    assert list(selectors.dossier_list(user=stranger)) == []


def test_dossier_list_filters_by_state_procedure_due_range_and_text(setup):
    # given two dossiers accepted on different days
    first = accepted_dossier(setup, at="2025-03-03 09:00 +07:00")
    second = accepted_dossier(setup, at="2025-03-05 09:00 +07:00")
    user = setup["officer"]
    code = setup["version"].procedure.code
    # when / then
    assert [d.code for d in selectors.dossier_list(user=user)] == [first.code, second.code]
    assert list(selectors.dossier_list(user=user, state=State.DONE)) == []
    assert selectors.dossier_list(user=user, procedure_code=code).count() == 2
    assert selectors.dossier_list(user=user, procedure_code="0.000000").count() == 0
    due = second.current_appointment_at.astimezone(HCM).date()
    assert [d.code for d in selectors.dossier_list(user=user, due_from=due, due_to=due)] == [second.code]
    assert [d.code for d in selectors.dossier_list(user=user, query=second.code)] == [second.code]
    assert selectors.dossier_list(user=user, query="nguyen thi lan").count() == 0  # names are matched as typed
    assert selectors.dossier_list(user=user, query="Thị Lan").count() == 2
    assert selectors.dossier_list(user=user, query="031190001234").count() == 2
    assert selectors.dossier_list(user=user, query="giay phep xay dung").count() == 2  # procedure without accents
    assert selectors.dossier_list(user=user, unit_code=setup["commune"].code).count() == 2
    assert selectors.dossier_list(user=user, unit_code="000.99.99.H99").count() == 0


def test_dossier_get_for_user_refuses_other_units_and_reports_unknown_codes(setup):
    # given
    dossier = accepted_dossier(setup)
    stranger = MembershipFactory(unit=UnitFactory(), role=Role.AGENCY_HEAD).user
    # when / then
    assert selectors.dossier_get_for_user(user=setup["head"], code=dossier.code) == dossier
    with pytest.raises(PermissionDenied):
        selectors.dossier_get_for_user(user=stranger, code=dossier.code)
    with pytest.raises(Dossier.DoesNotExist):
        selectors.dossier_get_for_user(user=setup["head"], code="000.00.00.H99-250101-9999")


def test_dossier_get_for_user_lets_the_consulted_unit_in_while_its_step_is_open(setup):
    # given a dossier whose current step belongs to another department
    dossier = accepted_dossier(setup)
    department = UnitFactory(department=True)
    consulted = MembershipFactory(unit=department, role=Role.PROCESSING_OFFICER).user
    with pytest.raises(PermissionDenied):
        selectors.dossier_get_for_user(user=consulted, code=dossier.code)
    # when
    open_step(dossier, unit=department)
    # then
    assert selectors.dossier_get_for_user(user=consulted, code=dossier.code).code == dossier.code


def test_dossier_timeline_lists_events_in_order_with_actors(setup):
    # given
    dossier = accepted_dossier(setup)
    # when
    events = list(selectors.dossier_timeline(dossier))
    # then
    assert [e.type for e in events] == ["submitted", "accepted"]
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    assert events[1].actor == setup["reception"]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2025-03-14 15:00", selectors.IN_TIME),  # Friday afternoon, more than 8 working hours before Monday 17:00
        ("2025-03-17 09:00", selectors.DUE_SOON),  # 8 working hours left on Monday
        ("2025-03-15 10:00", selectors.DUE_SOON),  # Saturday: only Monday's 8 hours remain
        ("2025-03-17 17:01", selectors.OVERDUE),
    ],
)
def test_dossier_due_status_counts_working_hours(setup, now, expected):
    # given a dossier accepted Mon 3/3 09:00 with 10 working days: appointment Mon 17/3 09:00
    dossier = accepted_dossier(setup)
    dossier.current_appointment_at = at("2025-03-17 17:00")
    # when / then
    assert selectors.dossier_due_status(dossier, at(now)) == expected


def test_due_soon_threshold_is_the_receiving_units_own_else_its_nearest_ancestors(setup):
    # given an appointment on Monday 15:00: from Friday 15:00 that is 8 working hours (2 + 4 + 2)
    dossier = accepted_dossier(setup)
    dossier.current_appointment_at = at("2025-03-17 15:00")
    unit = dossier.receiving_unit
    parent = unit.parent
    assert selectors.dossier_due_status(dossier, at("2025-03-14 15:00")) == selectors.DUE_SOON  # default: 8 hours
    # when the parent unit lowers its threshold to 4 working hours
    unit_set_due_soon_hours(unit=parent, hours=4)
    unit.refresh_from_db()
    # then the receiving unit inherits it: 8 hours left is not "about to be late" any more
    assert selectors.dossier_due_status(dossier, at("2025-03-14 15:00")) == selectors.IN_TIME
    assert selectors.dossier_due_status(dossier, at("2025-03-17 12:00")) == selectors.DUE_SOON  # 2 hours left
    # when the receiving unit sets its own, it wins over the parent's
    unit_set_due_soon_hours(unit=unit, hours=16)
    # then
    assert selectors.dossier_due_status(dossier, at("2025-03-13 15:00")) == selectors.DUE_SOON  # 2 + 8 + 6 hours
    assert selectors.dossier_due_status(dossier, at("2025-03-13 14:00")) == selectors.IN_TIME  # 17 hours


def test_due_soon_threshold_out_of_range_is_refused_and_changes_nothing(setup):
    # given
    unit = setup["center"]
    # when / then
    with pytest.raises(UnitError, match="Ngưỡng sắp đến hạn"):
        unit_set_due_soon_hours(unit=unit, hours=0)
    unit.refresh_from_db()
    assert unit.due_soon_hours is None


def test_due_soon_thresholds_resolve_every_unit_in_one_query(setup, django_assert_num_queries):
    # given the province at 6 hours, one commune below it at 10, and a unit in another tree with none
    province, commune = setup["center"].parent, setup["commune"]
    unit_set_due_soon_hours(unit=province, hours=6)
    unit_set_due_soon_hours(unit=commune, hours=10)
    elsewhere = UnitFactory(code="000.00.00.H26", name="Ủy ban nhân dân tỉnh Hưng Yên", parent=None)
    # when
    with django_assert_num_queries(1):
        thresholds = due_soon_thresholds(default_hours=8)
    # then
    assert thresholds[province.pk] == 6 and thresholds[setup["center"].pk] == 6
    assert thresholds[commune.pk] == 10
    assert thresholds[elsewhere.pk] == 8


def test_dossier_due_status_of_a_closed_dossier_is_in_time(setup):
    # given
    dossier = accepted_dossier(setup)
    dossier.state = State.DELIVERED
    # when / then
    assert selectors.dossier_due_status(dossier, at("2026-01-01 09:00")) == selectors.IN_TIME


def test_my_queue_holds_assigned_steps_and_unassigned_ones_of_my_role_by_due_time(setup):
    # given three dossiers: one assigned to the officer, one unassigned in their unit, one assigned to someone else
    officer, commune = setup["officer"], setup["commune"]
    late = open_step(accepted_dossier(setup), unit=commune, assignee=officer, due="2025-03-06 09:00")
    free = open_step(accepted_dossier(setup), unit=commune, due="2025-03-05 09:00")
    other = MembershipFactory(unit=commune, role=Role.PROCESSING_OFFICER).user
    open_step(accepted_dossier(setup), unit=commune, assignee=other, due="2025-03-04 09:00")
    head_step = open_step(accepted_dossier(setup), unit=commune, role=Role.AGENCY_HEAD, due="2025-03-04 10:00")
    # when
    items = list(selectors.my_queue(user=officer, now=at("2025-03-05 10:00")))
    # then
    assert [i.step for i in items] == [free, late]
    assert [i.status for i in items] == [selectors.OVERDUE, selectors.DUE_SOON]
    assert items[0].css_class == "due-overdue"
    assert [i.step for i in selectors.my_queue(user=setup["head"], now=at("2025-03-05 10:00"))] == [head_step]


def test_my_queue_pages_without_a_query_per_row(setup, django_assert_max_num_queries):
    # given 30 steps assigned to the officer
    for _ in range(30):
        open_step(accepted_dossier(setup), unit=setup["commune"], assignee=setup["officer"])
    queue = selectors.my_queue(user=setup["officer"], now=at("2025-03-05 10:00"))
    # when / then: count, one page of rows, and one calendar build
    with django_assert_max_num_queries(12):
        assert len(queue) == 30
        assert len(queue[0:25]) == 25


def test_unit_queue_lists_open_dossiers_of_the_unit_unassigned_first(setup):
    # given one assigned and one not-yet-transferred dossier, and a dossier of another commune
    assigned = accepted_dossier(setup)
    open_step(assigned, unit=setup["commune"], assignee=setup["officer"])
    waiting = accepted_dossier(setup, at="2025-03-04 09:00 +07:00")
    # when
    items = list(selectors.unit_queue(user=setup["head"], unit=setup["commune"], now=at("2025-03-05 10:00")))
    # then
    assert [i.dossier.code for i in items] == [waiting.code, assigned.code]
    with pytest.raises(PermissionDenied):
        selectors.unit_queue(user=UserFactory(), unit=setup["commune"])


def test_return_desk_lists_done_dossiers_of_my_reception_units(setup):
    # given a done dossier and an open one
    done = accepted_dossier(setup)
    Dossier.objects.filter(pk=done.pk).update(state=State.DONE, processing_ended_at=at("2025-03-10 09:00"))
    accepted_dossier(setup)
    # when / then
    assert [d.code for d in selectors.return_desk(user=setup["reception"])] == [done.code]
    assert list(selectors.return_desk(user=setup["officer"])) == []


def test_reception_pending_requires_a_reception_officer_of_the_unit(setup):
    # given
    # when / then
    assert list(selectors.reception_pending(user=setup["reception"], unit=setup["center"])) == []
    with pytest.raises(PermissionDenied):
        selectors.reception_pending(user=setup["officer"], unit=setup["center"])


def test_dossier_access_reflects_roles_over_the_dossiers_units(setup):
    # given
    dossier = accepted_dossier(setup)
    stranger = MembershipFactory(unit=UnitFactory(), role=Role.AGENCY_HEAD).user
    # when
    reception = selectors.dossier_access(user=setup["reception"], dossier=dossier)
    officer = selectors.dossier_access(user=setup["officer"], dossier=dossier)
    head = selectors.dossier_access(user=setup["head"], dossier=dossier)
    other = selectors.dossier_access(user=stranger, dossier=dossier)
    # then
    assert (reception.reception, reception.processing, reception.head) == (True, False, False)
    assert (officer.reception, officer.processing, officer.head) == (False, True, False)
    assert (head.head, head.agency_head) == (True, True)
    assert not other.sees_personal_data and officer.sees_personal_data


def test_unit_members_lists_active_members_once(setup):
    # given a user with two roles in the commune
    MembershipFactory(user=setup["officer"], unit=setup["commune"], role=Role.DIVISION_HEAD)
    # when
    members = list(selectors.unit_members(unit=setup["commune"]))
    # then
    assert sorted(u.pk for u in members) == sorted([setup["officer"].pk, setup["head"].pk])


def test_dossier_list_of_a_superuser_holds_every_dossier(setup):
    # given
    dossier = accepted_dossier(setup)
    root = UserFactory(is_superuser=True)
    # when / then
    assert [d.code for d in selectors.dossier_list(user=root)] == [dossier.code]


def test_unit_members_include_the_units_below(setup):
    # given an officer of a division under the commune
    division = UnitFactory(parent=setup["commune"], name="Phòng Kinh tế")
    below = MembershipFactory(unit=division, role=Role.PROCESSING_OFFICER).user
    # when / then
    assert below in selectors.unit_members(unit=setup["commune"])
    assert setup["officer"] not in selectors.unit_members(unit=division)
