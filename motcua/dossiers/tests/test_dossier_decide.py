"""Decision (state 9, END-1) and return of the result (state 10, RET-1)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import services
from motcua.dossiers.models import DossierStep, OutboxMessage
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import (
    accepted_dossier,
    agency_setup,
    done_dossier,
    dossier_snapshot,
    in_process_dossier,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def decide(dossier, setup, outcome="approved", summary="Cấp giấy phép xây dựng số 12/GPXD", result_file=None):
    with time_machine.travel("2025-03-10 10:00 +07:00", tick=False):
        return services.dossier_decide(
            code=dossier.code,
            actor=setup["head"],
            outcome=outcome,
            summary=summary,
            result_code="12/GPXD",
            result_file=result_file,
        )


def deliver(dossier, setup, method="counter"):
    with time_machine.travel("2025-03-11 08:00 +07:00", tick=False):
        return services.dossier_deliver(code=dossier.code, actor=setup["reception"], method=method)


def test_decision_ends_processing_and_finishes_the_open_step(setup):
    # given a dossier in process at step 2
    dossier = in_process_dossier(setup)
    # when the head records the result on Mon 10/3 10:00
    dossier = decide(dossier, setup)
    # then it is done, processing ended then, no step is open and the applicant is told the result is ready
    assert (dossier.state, dossier.portal_status, dossier.outcome) == (State.DONE, 9, "approved")
    assert dossier.processing_ended_at == datetime(2025, 3, 10, 10, tzinfo=VN)
    assert dossier.current_step is None
    assert not DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True).exists()
    assert DossierStep.objects.get(dossier=dossier, order=2).finish_kind == "decided"
    event = dossier.events.order_by("-seq").first()
    assert (event.type, event.data["result_code"]) == ("decided", "12/GPXD")
    assert "đã có kết quả" in OutboxMessage.objects.filter(event=event).first().subject


def test_a_refusal_after_appraisal_is_done_with_outcome_refused(setup):
    dossier = decide(in_process_dossier(setup), setup, outcome="refused", summary="Không phù hợp quy hoạch")
    assert (dossier.state, dossier.outcome, dossier.result_summary) == ("done", "refused", "Không phù hợp quy hoạch")


def test_decision_waits_for_the_supplement(setup):
    dossier = in_process_dossier(setup)
    with time_machine.travel("2025-03-06 10:00 +07:00", tick=False):
        services.dossier_request_supplement(code=dossier.code, actor=setup["officer"], missing=["Bản vẽ"])
    before = dossier_snapshot(dossier)
    with pytest.raises(services.WrongState):
        decide(dossier, setup)
    assert dossier_snapshot(dossier) == before


def test_decision_right_after_acceptance_needs_a_counter_procedure(setup):
    # given an accepted dossier of an ordinary procedure, refused without a transfer
    ordinary = accepted_dossier(setup)
    before = dossier_snapshot(ordinary)
    with pytest.raises(services.WrongState):
        decide(ordinary, setup)
    assert dossier_snapshot(ordinary) == before
    # when the procedure is handled at the counter (CAT-4)
    setup["version"].handled_at_counter = True
    setup["version"].save()
    dossier = decide(accepted_dossier(setup), setup)
    # then it is decided straight away
    assert dossier.state == State.DONE


@pytest.mark.parametrize(("outcome", "summary"), [("maybe", "Cấp phép"), ("approved", " ")])
def test_an_unknown_outcome_or_an_empty_summary_is_refused(setup, outcome, summary):
    dossier = in_process_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.DossierError):
        decide(dossier, setup, outcome=outcome, summary=summary)
    assert dossier_snapshot(dossier) == before


def test_delivery_at_the_counter(setup):
    # given a decided dossier
    dossier = done_dossier(setup)
    # when the one-stop officer hands the result over
    dossier = deliver(dossier, setup)
    # then it is delivered, with the method and time
    assert (dossier.state, dossier.portal_status, dossier.return_method) == (State.DELIVERED, 10, "counter")
    assert dossier.delivered_at == datetime(2025, 3, 11, 8, tzinfo=VN)
    assert dossier.events.order_by("-seq").first().data["return_method"] == [None, "counter"]


def test_electronic_delivery_needs_the_result_file(setup, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # given one dossier decided without a file and one with a signed PDF
    without = done_dossier(setup)
    before = dossier_snapshot(without)
    pdf = SimpleUploadedFile("giay-phep.pdf", b"%PDF-1.4 ket qua", content_type="application/pdf")
    with_file = decide(in_process_dossier(setup), setup, result_file=pdf)
    # when both are delivered electronically
    with pytest.raises(services.DossierError):
        deliver(without, setup, method="electronic")
    delivered = deliver(with_file, setup, method="electronic")
    # then only the one with a file is delivered, and its applicant is told
    assert dossier_snapshot(without) == before
    assert delivered.state == State.DELIVERED
    assert delivered.result_file.name.endswith(".pdf")
    assert OutboxMessage.objects.filter(dossier=delivered, event__type="delivered").exists()


def test_delivery_is_refused_before_the_result_and_twice(setup):
    in_process = in_process_dossier(setup)
    delivered = deliver(done_dossier(setup), setup)
    before = dossier_snapshot(in_process), dossier_snapshot(delivered)
    with pytest.raises(services.WrongState):
        deliver(in_process, setup)
    with pytest.raises(services.WrongState):
        deliver(delivered, setup)
    assert (dossier_snapshot(in_process), dossier_snapshot(delivered)) == before


def test_an_unknown_return_method_is_refused(setup):
    dossier = done_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.DossierError):
        deliver(dossier, setup, method="pigeon")
    assert dossier_snapshot(dossier) == before
