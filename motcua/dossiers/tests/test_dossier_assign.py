"""Assignment of the open step: only a head of the step's unit (or above), only to an active member of it."""

import pytest
import time_machine

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.dossiers import services
from motcua.dossiers.tests.factories import accepted_dossier, agency_setup, dossier_snapshot, in_process_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def assign(dossier, actor, assignee):
    with time_machine.travel("2025-03-04 08:00 +07:00", tick=False):
        return services.dossier_assign(code=dossier.code, actor=actor, assignee=assignee)


def test_head_assigns_the_open_step(setup):
    # given a transferred dossier whose step 2 has no officer
    dossier = in_process_dossier(setup, assign=False)
    # when the commune head assigns it to the processing officer
    dossier = assign(dossier, setup["head"], setup["officer"])
    # then the step has its officer and the event records the change
    dossier.current_step.refresh_from_db()
    assert dossier.current_step.assignee == setup["officer"]
    event = dossier.events.order_by("-seq").first()
    assert event.type == "assigned"
    assert event.data == {"assignee": [None, setup["officer"].username], "step": 2}


def test_reassignment_records_the_previous_officer(setup):
    dossier = in_process_dossier(setup)
    other = MembershipFactory(unit=setup["commune"], role=Role.PROCESSING_OFFICER).user
    dossier = assign(dossier, setup["head"], other)
    assert dossier.events.order_by("-seq").first().data["assignee"] == [setup["officer"].username, other.username]


def test_a_head_above_the_unit_may_assign(setup):
    governor = MembershipFactory(unit=setup["province"], role=Role.AGENCY_HEAD).user
    dossier = assign(in_process_dossier(setup, assign=False), governor, setup["officer"])
    assert dossier.current_step.assignee == setup["officer"]


def test_an_officer_may_not_assign(setup):
    # given a transferred dossier
    dossier = in_process_dossier(setup, assign=False)
    before = dossier_snapshot(dossier)
    # when the processing officer tries to assign it to himself
    with pytest.raises(services.NotAllowed):
        assign(dossier, setup["officer"], setup["officer"])
    # then nothing changed
    assert dossier_snapshot(dossier) == before


def test_a_head_of_another_unit_may_not_assign(setup):
    stranger = MembershipFactory(unit=UnitFactory(), role=Role.AGENCY_HEAD).user
    dossier = in_process_dossier(setup, assign=False)
    with pytest.raises(services.NotAllowed):
        assign(dossier, stranger, setup["officer"])


@pytest.mark.parametrize("who", ["reception", "inactive"])
def test_the_assignee_must_be_an_active_member_of_the_unit(setup, who):
    # given an officer of the service center, or a commune officer whose membership ended
    if who == "reception":
        assignee = setup["reception"]
    else:
        membership = MembershipFactory(unit=setup["commune"], role=Role.PROCESSING_OFFICER, is_active=False)
        assignee = membership.user
    dossier = in_process_dossier(setup, assign=False)
    before = dossier_snapshot(dossier)
    # when the head assigns the commune's step to them
    with pytest.raises(services.DossierError) as refused:
        assign(dossier, setup["head"], assignee)
    # then it is refused as bad input and nothing changed
    assert refused.value.status == 422
    assert dossier_snapshot(dossier) == before


def test_assigning_before_transfer_is_refused(setup):
    dossier = accepted_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.WrongState):
        assign(dossier, setup["head"], setup["officer"])
    assert dossier_snapshot(dossier) == before
