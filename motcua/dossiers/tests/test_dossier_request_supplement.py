"""Supplements during processing (SUP-2…4): the pause, the count, and the appointment of DOMAIN.md §4.5 #7a/#7b."""

from datetime import datetime
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


def at(day, month, hour=10, minute=0):
    return datetime(2025, month, day, hour, minute, tzinfo=VN)


def request(dossier, setup, when="2025-03-06 10:00 +07:00", missing=("Bản vẽ thiết kế",)):
    with time_machine.travel(when, tick=False):
        return services.dossier_request_supplement(code=dossier.code, actor=setup["officer"], missing=list(missing))


def receive(dossier, when="2025-03-12 10:00 +07:00"):
    with time_machine.travel(when, tick=False):
        return services.dossier_receive_supplement(
            code=dossier.code, components=[services.Component(name="Bản vẽ thiết kế (bổ sung)")]
        )


def test_request_opens_a_pause_and_tells_the_applicant(setup):
    # given a dossier in process at step 2
    dossier = in_process_dossier(setup)
    # when the officer asks for a missing drawing on Thu 6/3/2025 10:00
    dossier = request(dossier, setup)
    # then the dossier waits in state 5 with an open pause tied to the step, and the applicant is told
    assert dossier.state == State.SUPPLEMENT_REQUESTED
    assert dossier.portal_status == 5
    assert dossier.supplement_count == 1
    pause = PauseInterval.objects.get(dossier=dossier)
    assert (pause.kind, pause.started_at, pause.ended_at) == ("supplement", at(6, 3), None)
    assert pause.step_id == dossier.current_step_id
    assert pause.requested_by == setup["officer"]
    event = dossier.events.order_by("-seq").first()
    assert event.type == "supplement_requested"
    assert event.data["supplement_count"] == [0, 1]
    assert event.data["counts_as_late"] is False
    assert OutboxMessage.objects.filter(event=event).count() == 2  # e-mail and SMS


def test_pause_rule_gives_the_appointment_of_example_7a(setup):
    # given DOMAIN.md §4.5 #7: accepted Mon 3/3/2025 09:00, 10 working days → Mon 17/3 09:00, rule `pause`
    dossier = in_process_dossier(setup)
    assert dossier.appointment_at == at(17, 3, 9)
    # when a supplement is requested Thu 6/3 and supplied Wed 12/3
    request(dossier, setup)
    dossier = receive(dossier)
    # then 7 working days remain, counted from Thu 13/3: Fri 21/3/2025 at the acceptance time
    assert dossier.state == State.IN_PROCESS
    assert dossier.appointment_at == at(21, 3, 9)
    assert dossier.current_appointment_at == at(21, 3, 9)
    event = dossier.events.order_by("-seq").first()
    assert event.type == "supplement_received"
    assert event.data["appointment_at"] == [at(17, 3, 9).isoformat(), at(21, 3, 9).isoformat()]
    assert event.data["clock_rule"] == "pause"
    assert PauseInterval.objects.get(dossier=dossier).ended_at == at(12, 3)
    assert dossier.components.filter(is_supplement=True).count() == 1
    assert "21/03/2025" in dossier.appointment_explanation[-1]


def test_restart_rule_gives_the_appointment_of_example_7b(setup):
    # given the same dossier under a version whose supplements restart the clock
    setup["version"].clock_rule = "restart"
    setup["version"].save()
    dossier = in_process_dossier(setup)
    # when a supplement is requested Thu 6/3 and supplied Wed 12/3 at 10:00
    request(dossier, setup)
    dossier = receive(dossier)
    # then a new 10 working days runs from 12/3: Wed 26/3/2025 at the receipt time
    assert dossier.clock_rule == "restart"
    assert dossier.appointment_at == at(26, 3, 10)
    assert dossier.current_appointment_at == at(26, 3, 10)


def test_receipt_moves_the_open_step_by_the_time_it_had_left(setup):
    # given step 2 opened Mon 3/3 10:00 with 6 working days, due Tue 11/3 10:00
    dossier = in_process_dossier(setup)
    assert dossier.current_step.due_at == at(11, 3)
    # when the supplement pauses it from Thu 6/3 10:00 (3 working days left) to Wed 12/3 10:00
    request(dossier, setup)
    dossier = receive(dossier)
    # then the step is due 3 working days after the receipt
    dossier.current_step.refresh_from_db()
    assert dossier.current_step.due_at == at(17, 3)


def test_hours_limit_resumes_with_the_office_minutes_left(setup):
    # given a 16-working-hour limit accepted Mon 3/3 09:00 (due Wed 5/3 09:00)
    setup["version"].time_limit_amount, setup["version"].time_limit_unit = 16, "hours"
    setup["version"].save()
    dossier = in_process_dossier(setup)
    assert dossier.appointment_at == at(5, 3, 9)
    # when paused Mon 3/3 14:00 (12.5 office hours left) and supplied Tue 4/3 15:00
    request(dossier, setup, when="2025-03-03 14:00 +07:00")
    dossier = receive(dossier, when="2025-03-04 15:00 +07:00")
    # then the 12.5 hours run from the receipt: 2 h on 4/3, 8 h on 5/3, 2.5 h on 6/3 → Thu 6/3 10:00
    assert dossier.appointment_at == at(6, 3, 10)


def test_days_limit_shifts_by_the_paused_calendar_days(setup):
    # given a 15-day limit accepted Mon 3/3 09:00 → Tue 18/3 closing time
    setup["version"].time_limit_amount, setup["version"].time_limit_unit = 15, "days"
    setup["version"].save()
    dossier = in_process_dossier(setup)
    assert dossier.appointment_at == at(18, 3, 17)
    # when paused from Thu 6/3 to Wed 12/3 (6 calendar days)
    request(dossier, setup)
    dossier = receive(dossier)
    # then the appointment moves 6 days to Mon 24/3 at closing time
    assert dossier.appointment_at == at(24, 3, 17)


def test_days_limit_restarts_from_the_receipt(setup):
    setup["version"].time_limit_amount, setup["version"].time_limit_unit = 15, "days"
    setup["version"].clock_rule = "restart"
    setup["version"].save()
    dossier = in_process_dossier(setup)
    request(dossier, setup)
    dossier = receive(dossier)
    # 12/3 + 15 days = Thu 27/3, closing time
    assert dossier.appointment_at == at(27, 3, 17)


def test_a_second_request_is_allowed_but_counts_late(setup):
    # given a dossier whose first supplement was already received
    dossier = in_process_dossier(setup)
    request(dossier, setup)
    receive(dossier)
    # when a second supplement is requested (SUP-4)
    dossier = request(dossier, setup, when="2025-03-13 10:00 +07:00")
    # then it is recorded, flagged as counting late for the national portal
    event = dossier.events.order_by("-seq").first()
    assert dossier.supplement_count == 2
    assert event.data["counts_as_late"] is True
    assert event.data["supplement_count"] == [1, 2]


def test_a_second_pause_credits_the_first_one(setup):
    # given #7a (appointment moved to Fri 21/3 09:00)
    dossier = in_process_dossier(setup)
    request(dossier, setup)
    receive(dossier)
    # when a second supplement pauses from Mon 17/3 to Wed 19/3
    request(dossier, setup, when="2025-03-17 10:00 +07:00")
    dossier = receive(dossier, when="2025-03-19 10:00 +07:00")
    # then the 4 working days left after 17/3 (18, 19, 20, 21) run from 20/3: Tue 25/3 09:00
    assert dossier.appointment_at == at(25, 3, 9)


def test_request_in_the_wrong_state_changes_nothing(setup):
    # given an accepted dossier not yet transferred
    dossier = accepted_dossier(setup)
    before = dossier_snapshot(dossier)
    # when a supplement is requested
    with pytest.raises(services.WrongState):
        request(dossier, setup)
    # then nothing changed
    assert dossier_snapshot(dossier) == before


def test_receipt_without_a_request_is_refused(setup):
    dossier = in_process_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.WrongState):
        receive(dossier)
    assert dossier_snapshot(dossier) == before


def test_request_without_a_list_of_documents_is_refused(setup):
    dossier = in_process_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.DossierError) as refused:
        request(dossier, setup, missing=["  ", ""])
    assert "giấy tờ cần bổ sung" in refused.value.message
    assert dossier_snapshot(dossier) == before
