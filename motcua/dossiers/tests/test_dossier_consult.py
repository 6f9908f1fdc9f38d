"""Inter-agency consultation (LT-1/2): the step waits for the other agency, then resumes with its time left."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.accounts.models import UnitKind
from motcua.accounts.tests.factories import UnitFactory
from motcua.dossiers import services
from motcua.dossiers.models import DossierStep
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import agency_setup, dossier_snapshot, in_process_dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    setup = agency_setup()
    setup["department"] = UnitFactory(
        code="000.00.12.H31", name="Sở Xây dựng thành phố Hải Phòng", kind=UnitKind.DEPARTMENT, parent=setup["province"]
    )
    return setup


def consult(dossier, setup, quota_days=3, note="Đề nghị cho ý kiến về chỉ giới xây dựng"):
    with time_machine.travel("2025-03-05 10:00 +07:00", tick=False):
        return services.dossier_consult(
            code=dossier.code, actor=setup["officer"], unit=setup["department"], note=note, quota_days=quota_days
        )


def reply(dossier, setup, note="Thống nhất chỉ giới xây dựng"):
    with time_machine.travel("2025-03-07 10:00 +07:00", tick=False):
        return services.dossier_consult_reply(code=dossier.code, actor=setup["officer"], note=note)


def test_consultation_opens_a_step_at_the_other_agency(setup):
    # given step 2 open since Mon 3/3 10:00
    dossier = in_process_dossier(setup)
    appraisal = dossier.current_step
    # when the officer asks the department's opinion on Wed 5/3 10:00 with 3 working days to reply
    dossier = consult(dossier, setup)
    # then step 2 waits and a consultation step is open at the department, due Mon 10/3 10:00
    appraisal.refresh_from_db()
    assert appraisal.finish_kind == "consulting"
    step = dossier.current_step
    assert (step.is_consultation, step.unit, step.order) == (True, setup["department"], 2)
    assert step.due_at == datetime(2025, 3, 10, 10, tzinfo=VN)
    assert dossier.state == State.IN_PROCESS
    assert dossier.events.order_by("-seq").first().type == "consultation_requested"


def test_reply_reopens_the_step_with_the_time_it_had_left(setup):
    # given step 2 (due Tue 11/3 10:00) waiting for the department since Wed 5/3 10:00 (4 working days left)
    dossier = consult(in_process_dossier(setup), setup)
    # when the department replies on Fri 7/3 10:00
    dossier = reply(dossier, setup)
    # then step 2 is open again for its officer, due 4 working days after the reply
    step = dossier.current_step
    assert (step.order, step.is_consultation, step.assignee) == (2, False, setup["officer"])
    assert step.due_at == datetime(2025, 3, 13, 10, tzinfo=VN)
    assert DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True).count() == 1
    assert dossier.events.order_by("-seq").first().type == "consultation_replied"


def test_forward_and_decide_wait_for_the_reply(setup):
    dossier = consult(in_process_dossier(setup), setup)
    before = dossier_snapshot(dossier)
    with time_machine.travel("2025-03-06 10:00 +07:00", tick=False):
        with pytest.raises(services.WrongState):
            services.dossier_forward(code=dossier.code, actor=setup["officer"])
        with pytest.raises(services.WrongState):
            services.dossier_decide(code=dossier.code, actor=setup["head"], outcome="approved", summary="Cấp phép")
    assert dossier_snapshot(dossier) == before


def test_reply_without_a_consultation_is_refused(setup):
    dossier = in_process_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.WrongState):
        reply(dossier, setup)
    assert dossier_snapshot(dossier) == before


@pytest.mark.parametrize(("quota_days", "note"), [(0, "Xin ý kiến"), (3, ""), (401, "Xin ý kiến")])
def test_consultation_needs_a_request_and_a_sensible_time(setup, quota_days, note):
    dossier = in_process_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.DossierError):
        consult(dossier, setup, quota_days=quota_days, note=note)
    assert dossier_snapshot(dossier) == before
