"""Transfer to the competent agency (STEP-1): the first processing step opens with its due time (STEP-2)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.catalog.models import ProcessStep
from motcua.dossiers import services
from motcua.dossiers.models import DossierStep
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import accepted_dossier, agency_setup, dossier_snapshot, in_process_dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def transfer(dossier, setup, when="2025-03-03 10:00 +07:00"):
    with time_machine.travel(when, tick=False):
        return services.dossier_transfer(code=dossier.code, actor=setup["reception"])


def test_transfer_opens_step_two_at_its_unit(setup):
    # given a dossier accepted Mon 3/3/2025 09:00 whose process has step 2 "Thẩm định" (6 working days, commune)
    dossier = accepted_dossier(setup)
    # when the one-stop unit transfers it at 10:00
    dossier = transfer(dossier, setup)
    # then it is in process, with step 2 open at the commune and due 6 working days later
    assert dossier.state == State.IN_PROCESS
    assert dossier.portal_status == 4
    step = dossier.current_step
    assert (step.order, step.name, step.unit, step.assignee) == (2, "Thẩm định hồ sơ", setup["commune"], None)
    assert step.started_at == datetime(2025, 3, 3, 10, tzinfo=VN)
    assert step.due_at == datetime(2025, 3, 11, 10, tzinfo=VN)
    assert DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True).count() == 1
    event = dossier.events.order_by("-seq").first()
    assert (event.type, event.from_state, event.to_state) == ("transferred", "accepted", "in_process")
    assert event.data["current_step"][0] is None
    assert event.data["current_step"][1]["order"] == 2


def test_a_step_without_unit_opens_at_the_competent_agency(setup):
    ProcessStep.objects.filter(version=setup["version"], order=2).update(unit=None)
    dossier = transfer(accepted_dossier(setup), setup)
    assert dossier.current_step.unit == setup["commune"]


def test_a_version_without_process_gets_one_step_due_by_the_appointment(setup):
    # given a version whose internal process was never configured
    setup["version"].steps.all().delete()
    dossier = accepted_dossier(setup)
    # when it is transferred
    dossier = transfer(dossier, setup)
    # then one processing step at the competent agency is due no later than the appointment
    step = dossier.current_step
    assert step.unit == setup["commune"]
    assert step.due_at <= dossier.appointment_at


def test_transferring_twice_is_refused_and_changes_nothing(setup):
    # given a dossier already in process
    dossier = in_process_dossier(setup)
    before = dossier_snapshot(dossier)
    # when it is transferred again
    with pytest.raises(services.WrongState) as refused:
        transfer(dossier, setup, when="2025-03-04 10:00 +07:00")
    # then the refusal names the state and nothing changed
    assert "Đang xử lý" in refused.value.message
    assert dossier_snapshot(dossier) == before
