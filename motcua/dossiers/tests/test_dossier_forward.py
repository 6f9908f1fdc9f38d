"""Moving through the internal process: forward to the next step, return to an earlier one."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.models import DossierStep
from motcua.dossiers.tests.factories import accepted_dossier, agency_setup, dossier_snapshot, in_process_dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def forward(dossier, setup, when="2025-03-05 10:00 +07:00", note="Đủ điều kiện cấp phép"):
    with time_machine.travel(when, tick=False):
        return services.dossier_forward(code=dossier.code, actor=setup["officer"], note=note)


def go_back(dossier, setup, to_order, note="Cần thẩm định lại diện tích xây dựng"):
    with time_machine.travel("2025-03-06 10:00 +07:00", tick=False):
        return services.dossier_return_step(code=dossier.code, actor=setup["head"], to_order=to_order, note=note)


def open_steps(dossier):
    return DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True)


def test_forward_finishes_the_step_and_opens_the_next(setup):
    # given step 2 (appraisal) open since Mon 3/3 10:00
    dossier = in_process_dossier(setup)
    appraisal = dossier.current_step
    # when the officer forwards it on Wed 5/3 10:00
    dossier = forward(dossier, setup)
    # then step 2 is finished as forwarded and step 3 (signing, 2 working days) is the only open step
    appraisal.refresh_from_db()
    assert appraisal.finished_at == datetime(2025, 3, 5, 10, tzinfo=VN)
    assert (appraisal.finish_kind, appraisal.note) == ("forwarded", "Đủ điều kiện cấp phép")
    assert list(open_steps(dossier)) == [dossier.current_step]
    assert dossier.current_step.order == 3
    assert dossier.current_step.due_at == datetime(2025, 3, 7, 10, tzinfo=VN)
    event = dossier.events.order_by("-seq").first()
    assert event.type == "forwarded"
    assert [side["order"] for side in event.data["current_step"]] == [2, 3]


def test_forward_reaches_the_return_step_then_stops(setup):
    # given a dossier forwarded to step 4 (return of the result at the service center)
    dossier = in_process_dossier(setup)
    forward(dossier, setup)
    dossier = forward(dossier, setup, when="2025-03-06 10:00 +07:00")
    assert (dossier.current_step.order, dossier.current_step.unit) == (4, setup["center"])
    before = dossier_snapshot(dossier)
    # when it is forwarded past the last step
    with pytest.raises(services.DossierError) as refused:
        forward(dossier, setup, when="2025-03-07 10:00 +07:00")
    # then it is refused: the result must be recorded instead
    assert "kết quả giải quyết" in refused.value.message
    assert dossier_snapshot(dossier) == before


def test_forward_before_transfer_is_refused(setup):
    dossier = accepted_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.WrongState):
        forward(dossier, setup)
    assert dossier_snapshot(dossier) == before


def test_return_reopens_an_earlier_step_for_its_officer(setup):
    # given step 3 (signing) open after the officer appraised step 2
    dossier = in_process_dossier(setup)
    dossier = forward(dossier, setup)
    signing = dossier.current_step
    # when the head returns it to step 2
    dossier = go_back(dossier, setup, to_order=2)
    # then step 3 is finished as returned and step 2 is open again for the same officer
    signing.refresh_from_db()
    assert signing.finish_kind == "returned"
    assert (dossier.current_step.order, dossier.current_step.assignee) == (2, setup["officer"])
    assert open_steps(dossier).count() == 1
    assert dossier.events.order_by("-seq").first().type == "returned_to_step"


@pytest.mark.parametrize("to_order", [1, 3, 4, 9])
def test_return_to_a_step_that_is_not_earlier_is_refused(setup, to_order):
    dossier = forward(in_process_dossier(setup), setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.DossierError):
        go_back(dossier, setup, to_order=to_order)
    assert dossier_snapshot(dossier) == before


def test_return_needs_a_reason(setup):
    dossier = forward(in_process_dossier(setup), setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.DossierError):
        go_back(dossier, setup, to_order=2, note=" ")
    assert dossier_snapshot(dossier) == before


def test_return_in_the_wrong_state_is_refused(setup):
    dossier = accepted_dossier(setup)
    with pytest.raises(services.WrongState):
        go_back(dossier, setup, to_order=2)
