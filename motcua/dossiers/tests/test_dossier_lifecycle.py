"""A dossier's whole life through the services, with a verifiable history at the end."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.events import event_chain_errors
from motcua.dossiers.models import DossierStep
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import APPLICANT, agency_setup

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def test_reception_to_delivery(setup):
    code = ""
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False) as clock:
        # given a dossier received at the counter on Mon 3/3/2025 09:00 (appointment Mon 17/3 09:00)
        code = services.dossier_receive_at_counter(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            applicant=APPLICANT,
            components=[services.Component(name="Đơn đề nghị cấp giấy phép xây dựng")],
            actor=setup["reception"],
        ).code
        # when it goes through transfer, assignment, appraisal, a supplement, an apology, decision and return
        clock.move_to("2025-03-03 10:00 +07:00")
        services.dossier_transfer(code=code, actor=setup["reception"])
        services.dossier_assign(code=code, actor=setup["head"], assignee=setup["officer"])
        clock.move_to("2025-03-06 10:00 +07:00")
        services.dossier_request_supplement(code=code, actor=setup["officer"], missing=["Bản vẽ mặt bằng"])
        clock.move_to("2025-03-12 10:00 +07:00")
        services.dossier_receive_supplement(code=code, components=[services.Component(name="Bản vẽ mặt bằng")])
        clock.move_to("2025-03-14 10:00 +07:00")
        services.dossier_forward(code=code, actor=setup["officer"], note="Đủ điều kiện cấp phép")
        clock.move_to("2025-03-18 10:00 +07:00")
        services.dossier_draft_apology(
            code=code,
            actor=setup["officer"],
            cause="workload",
            reason="Số lượng hồ sơ tăng đột biến",
            responsible_unit=setup["commune"],
            new_appointment_at=datetime(2025, 3, 26, 9, tzinfo=VN),
        )
        clock.move_to("2025-03-19 14:00 +07:00")
        services.dossier_approve_apology(code=code, actor=setup["head"])
        clock.move_to("2025-03-25 15:00 +07:00")
        services.dossier_decide(code=code, actor=setup["head"], outcome="approved", summary="Cấp giấy phép xây dựng")
        clock.move_to("2025-03-26 08:00 +07:00")
        dossier = services.dossier_deliver(code=code, actor=setup["reception"], method="counter")
    # then the appointments tell the story: legal 21/3 after the supplement, 26/3 after the apology
    assert dossier.state == State.DELIVERED
    assert dossier.appointment_at == datetime(2025, 3, 21, 9, tzinfo=VN)
    assert dossier.current_appointment_at == datetime(2025, 3, 26, 9, tzinfo=VN)
    assert dossier.processing_ended_at == datetime(2025, 3, 25, 15, tzinfo=VN)
    # and every transition is in the history, whose hash chain verifies
    events = list(dossier.events.order_by("seq"))
    assert [event.type for event in events] == [
        "submitted",
        "accepted",
        "transferred",
        "assigned",
        "supplement_requested",
        "supplement_received",
        "forwarded",
        "apology_drafted",
        "apology_approved",
        "decided",
        "delivered",
    ]
    assert event_chain_errors(code, events) == []
    # and the control slip has one row per step, none left open
    steps = DossierStep.objects.filter(dossier=dossier).order_by("started_at", "id")
    assert [(step.order, step.finish_kind) for step in steps] == [(1, "forwarded"), (2, "forwarded"), (3, "decided")]
