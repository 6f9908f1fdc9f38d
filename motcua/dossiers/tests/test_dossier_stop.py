"""Withdrawal and stop (END-2): state 7 then 8; not after the result; the agency may stop for lack of conditions."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.models import DossierStep, OutboxMessage, PauseInterval
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import (
    accepted_dossier,
    agency_setup,
    done_dossier,
    dossier_snapshot,
    in_process_dossier,
    submitted_dossier,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def withdraw(dossier, reason="Không còn nhu cầu xây dựng"):
    with time_machine.travel("2025-03-05 10:00 +07:00", tick=False):
        return services.dossier_request_withdrawal(code=dossier.code, reason=reason)


def stop(dossier, setup, reason="Công dân rút hồ sơ"):
    with time_machine.travel("2025-03-05 14:00 +07:00", tick=False):
        return services.dossier_stop(code=dossier.code, actor=setup["head"], reason=reason)


def test_withdrawal_then_stop_ends_processing(setup):
    # given a dossier in process with step 2 open
    dossier = in_process_dossier(setup)
    # when the applicant asks to withdraw it and the agency stops it
    dossier = withdraw(dossier)
    assert (dossier.state, dossier.portal_status) == (State.WITHDRAWAL_REQUESTED, 7)
    dossier = stop(dossier, setup)
    # then it is stopped, processing ended at the stop, no step is open, and the applicant is told
    assert (dossier.state, dossier.portal_status) == (State.STOPPED, 8)
    assert dossier.processing_ended_at == datetime(2025, 3, 5, 14, tzinfo=VN)
    assert dossier.current_step is None
    assert not DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True).exists()
    assert DossierStep.objects.get(dossier=dossier, order=2).finish_kind == "stopped"
    types = list(dossier.events.order_by("seq").values_list("type", flat=True))
    assert types[-2:] == ["withdrawal_requested", "stopped"]
    assert OutboxMessage.objects.filter(event__type="stopped", dossier=dossier).exists()


def test_withdrawal_during_a_supplement_closes_the_pause(setup):
    dossier = in_process_dossier(setup)
    with time_machine.travel("2025-03-04 10:00 +07:00", tick=False):
        services.dossier_request_supplement(code=dossier.code, actor=setup["officer"], missing=["Bản vẽ"])
    withdraw(dossier)
    assert not PauseInterval.objects.filter(dossier=dossier, ended_at__isnull=True).exists()


def test_the_agency_may_stop_a_dossier_in_process(setup):
    dossier = stop(in_process_dossier(setup), setup, reason="Không đủ điều kiện giải quyết")
    assert dossier.state == State.STOPPED


@pytest.mark.parametrize("factory", [done_dossier, submitted_dossier])
def test_withdrawal_is_refused_after_the_result_or_before_acceptance(setup, factory):
    dossier = factory(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.WrongState):
        withdraw(dossier)
    assert dossier_snapshot(dossier) == before


@pytest.mark.parametrize("factory", [accepted_dossier, done_dossier])
def test_stop_is_refused_outside_processing(setup, factory):
    dossier = factory(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.WrongState):
        stop(dossier, setup)
    assert dossier_snapshot(dossier) == before


def test_withdrawal_and_stop_need_a_reason(setup):
    dossier = in_process_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.DossierError):
        withdraw(dossier, reason="")
    with pytest.raises(services.DossierError):
        stop(dossier, setup, reason=" ")
    assert dossier_snapshot(dossier) == before
