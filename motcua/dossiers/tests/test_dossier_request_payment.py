"""Financial obligation (FEE-1/2): state 6 until paid; the clock stops only when the version says so."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.models import OutboxMessage, PauseInterval
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import accepted_dossier, agency_setup, dossier_snapshot, in_process_dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def request_payment(dossier, setup, amount=Decimal("150000")):
    with time_machine.travel("2025-03-06 10:00 +07:00", tick=False):
        return services.dossier_request_payment(
            code=dossier.code, actor=setup["officer"], amount=amount, note="Lệ phí cấp giấy phép xây dựng"
        )


def record_payment(dossier, setup, reference="BL-0012345"):
    with time_machine.travel("2025-03-12 10:00 +07:00", tick=False):
        return services.dossier_record_payment(code=dossier.code, actor=setup["officer"], reference=reference)


def test_request_waits_for_payment_and_tells_the_applicant(setup):
    # given a dossier in process under a version where the clock runs while awaiting payment (the default)
    dossier = in_process_dossier(setup)
    # when the agency asks for the fee
    dossier = request_payment(dossier, setup)
    # then the dossier is in state 6 with a pause that keeps counting, and a notice is queued
    assert dossier.state == State.AWAITING_PAYMENT
    assert dossier.portal_status == 6
    pause = PauseInterval.objects.get(dossier=dossier)
    assert (pause.kind, pause.counts_clock, pause.ended_at) == ("payment", True, None)
    event = dossier.events.order_by("-seq").first()
    assert event.data["amount"] == "150000"
    assert "150,000" in OutboxMessage.objects.filter(event=event).first().body


def test_payment_with_a_running_clock_moves_nothing(setup):
    dossier = request_payment(in_process_dossier(setup), setup)
    dossier = record_payment(dossier, setup)
    assert dossier.state == State.IN_PROCESS
    assert dossier.appointment_at == datetime(2025, 3, 17, 9, tzinfo=VN)
    assert PauseInterval.objects.get(dossier=dossier).ended_at == datetime(2025, 3, 12, 10, tzinfo=VN)
    event = dossier.events.order_by("-seq").first()
    assert event.data == {"reference": "BL-0012345"}


def test_payment_with_a_stopped_clock_moves_the_appointment_like_a_pause(setup):
    # given a version where the clock stops while awaiting payment
    setup["version"].clock_runs_awaiting_payment = False
    setup["version"].save()
    dossier = request_payment(in_process_dossier(setup), setup)
    # when the fee asked on Thu 6/3 is paid on Wed 12/3
    dossier = record_payment(dossier, setup)
    # then the appointment moves as under a supplement pause (§4.5 #7a): Fri 21/3/2025 09:00
    assert dossier.appointment_at == datetime(2025, 3, 21, 9, tzinfo=VN)
    event = dossier.events.order_by("-seq").first()
    assert event.type == "payment_recorded"
    assert event.data["appointment_at"][1] == datetime(2025, 3, 21, 9, tzinfo=VN).isoformat()


@pytest.mark.parametrize("amount", [Decimal("-1"), 0, "abc"])
def test_a_negative_or_empty_amount_is_refused(setup, amount):
    dossier = in_process_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.DossierError) as refused:
        request_payment(dossier, setup, amount=amount)
    assert refused.value.status == 422
    assert dossier_snapshot(dossier) == before


def test_payment_needs_a_reference(setup):
    dossier = request_payment(in_process_dossier(setup), setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.DossierError):
        record_payment(dossier, setup, reference="")
    assert dossier_snapshot(dossier) == before


def test_request_and_record_in_the_wrong_state_are_refused(setup):
    accepted = accepted_dossier(setup)
    in_process = in_process_dossier(setup)
    before = dossier_snapshot(accepted), dossier_snapshot(in_process)
    with pytest.raises(services.WrongState):
        request_payment(accepted, setup)
    with pytest.raises(services.WrongState):
        record_payment(in_process, setup)
    assert (dossier_snapshot(accepted), dossier_snapshot(in_process)) == before
