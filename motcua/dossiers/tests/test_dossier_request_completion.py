"""Before acceptance (REC-3, SUP-1): completion request (Form 02, once), resubmission, refusal (Form 03)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, OutboxMessage
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import accepted_dossier, agency_setup, dossier_snapshot, submitted_dossier

pytestmark = pytest.mark.django_db
MISSING = ["Bản sao giấy chứng nhận quyền sử dụng đất", "Bản vẽ thiết kế xây dựng"]


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def ask_completion(dossier, setup, missing=MISSING, when="2025-03-03 09:00 +07:00"):
    with time_machine.travel(when, tick=False):
        return services.dossier_request_completion(
            code=dossier.code, actor=setup["reception"], missing=missing, note="Nộp lại tại quầy số 3"
        )


def resubmit(dossier):
    with time_machine.travel("2025-03-05 09:00 +07:00", tick=False):
        return services.dossier_resubmit(
            code=dossier.code, components=[services.Component(name="Bản vẽ thiết kế xây dựng")]
        )


def refuse(dossier, setup, reasons=("Thủ tục không thuộc thẩm quyền tiếp nhận",)):
    with time_machine.travel("2025-03-03 09:30 +07:00", tick=False):
        return services.dossier_refuse(code=dossier.code, actor=setup["reception"], reasons=list(reasons))


def test_completion_request_lists_everything_once(setup):
    # given a dossier submitted online
    dossier = submitted_dossier(setup)
    # when the reception officer asks for the full list of missing documents
    dossier = ask_completion(dossier, setup)
    # then it is returned for completion (portal code kept at 1), the list is recorded and the applicant told
    assert (dossier.state, dossier.portal_status, dossier.completion_requested) == (
        State.RETURNED_FOR_COMPLETION,
        1,
        True,
    )
    event = dossier.events.order_by("-seq").first()
    assert event.data == {"missing": MISSING, "note": "Nộp lại tại quầy số 3"}
    assert MISSING[0] in OutboxMessage.objects.filter(event=event).first().body
    assert dossier.appointment_at is None  # the clock has not started (SUP-1)


def test_resubmission_then_acceptance_starts_the_clock(setup):
    # given a dossier returned for completion
    dossier = ask_completion(submitted_dossier(setup), setup)
    # when the applicant hands in the missing documents and the officer accepts on Wed 5/3
    dossier = resubmit(dossier)
    assert dossier.state == State.SUBMITTED
    with time_machine.travel("2025-03-05 09:30 +07:00", tick=False):
        dossier = services.dossier_accept(code=dossier.code, actor=setup["reception"])
    # then the clock starts at that acceptance
    assert dossier.accepted_at.date().isoformat() == "2025-03-05"
    assert dossier.components.filter(is_supplement=True).count() == 1


def test_a_second_completion_request_is_refused(setup):
    dossier = resubmit(ask_completion(submitted_dossier(setup), setup))
    before = dossier_snapshot(dossier)
    with pytest.raises(services.WrongState) as refused:
        ask_completion(dossier, setup, when="2025-03-05 10:00 +07:00")
    assert "một lần" in refused.value.message
    assert dossier_snapshot(dossier) == before


def test_completion_request_needs_the_list(setup):
    dossier = submitted_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.DossierError):
        ask_completion(dossier, setup, missing=[])
    assert dossier_snapshot(dossier) == before


def test_completion_and_resubmission_in_the_wrong_state_are_refused(setup):
    accepted = accepted_dossier(setup)
    submitted = submitted_dossier(setup)
    before = dossier_snapshot(accepted), dossier_snapshot(submitted)
    with pytest.raises(services.WrongState):
        ask_completion(accepted, setup)
    with pytest.raises(services.WrongState):
        resubmit(submitted)
    assert (dossier_snapshot(accepted), dossier_snapshot(submitted)) == before


@pytest.mark.parametrize("returned", [False, True])
def test_refusal_at_reception_states_its_reasons(setup, returned):
    # given a submitted dossier, possibly returned for completion first
    dossier = submitted_dossier(setup)
    if returned:
        ask_completion(dossier, setup)
    # when the officer refuses it
    dossier = refuse(dossier, setup)
    # then it is refused (portal code 3) with the reasons, the applicant is told, and it can no longer be accepted
    assert (dossier.state, dossier.portal_status) == (State.REFUSED_AT_RECEPTION, 3)
    # the refusal is an end state with its time (ST-7), recorded in the row and in the event
    refused_at = datetime(2025, 3, 3, 9, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    assert Dossier.objects.get(pk=dossier.pk).processing_ended_at == refused_at
    assert dossier.accepted_at is None and dossier.appointment_at is None  # the clock never started
    event = dossier.events.order_by("-seq").first()
    assert event.data == {
        "reasons": ["Thủ tục không thuộc thẩm quyền tiếp nhận"],
        "processing_ended_at": [None, "2025-03-03T09:30:00+07:00"],
    }
    assert OutboxMessage.objects.filter(event=event).exists()
    with pytest.raises(services.WrongState):
        services.dossier_accept(code=dossier.code, actor=setup["reception"])


def test_refusal_needs_reasons_and_a_dossier_not_yet_accepted(setup):
    submitted = submitted_dossier(setup)
    accepted = accepted_dossier(setup)
    before = dossier_snapshot(submitted), dossier_snapshot(accepted)
    with pytest.raises(services.DossierError):
        refuse(submitted, setup, reasons=[" "])
    with pytest.raises(services.WrongState):
        refuse(accepted, setup)
    assert (dossier_snapshot(submitted), dossier_snapshot(accepted)) == before
