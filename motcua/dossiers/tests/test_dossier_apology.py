"""Apology and re-appointment (DOMAIN.md §5.9): lead time, once only, agency head, original appointment kept."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.dossiers import services
from motcua.dossiers.models import Apology, OutboxMessage
from motcua.dossiers.tests.factories import agency_setup, done_dossier, dossier_snapshot, in_process_dossier

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db
ORIGINAL = datetime(2025, 3, 17, 9, tzinfo=VN)  # Mon 17/3/2025 09:00, DOMAIN.md §4.5 #7
NEW = datetime(2025, 3, 24, 9, tzinfo=VN)


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def draft(dossier, setup, new=NEW, reason="Phải kiểm tra thực địa công trình", when="2025-03-13 10:00 +07:00"):
    with time_machine.travel(when, tick=False):
        return services.dossier_draft_apology(
            code=dossier.code,
            actor=setup["officer"],
            cause="verification",
            reason=reason,
            responsible_unit=setup["commune"],
            new_appointment_at=new,
            responsible_step=dossier.current_step,
        )


def approve(dossier, actor, when="2025-03-14 09:00 +07:00"):
    with time_machine.travel(when, tick=False):
        return services.dossier_approve_apology(code=dossier.code, actor=actor)


def test_draft_records_the_letter_without_moving_anything(setup):
    # given a dossier in process due Mon 17/3 09:00
    dossier = in_process_dossier(setup)
    # when the officer drafts an apology with a new date
    apology = draft(dossier, setup)
    # then the letter holds the cause, step and dates, and the appointment has not moved yet
    assert (apology.cause, apology.responsible_unit, apology.responsible_step) == (
        "verification",
        setup["commune"],
        dossier.current_step,
    )
    assert (apology.original_appointment_at, apology.new_appointment_at, apology.approved_at) == (ORIGINAL, NEW, None)
    dossier.refresh_from_db()
    assert dossier.current_appointment_at == ORIGINAL
    assert dossier.events.order_by("-seq").first().type == "apology_drafted"


def test_approval_exactly_at_the_lead_time_moves_the_current_appointment_only(setup):
    # given a draft, and one working day before Mon 17/3 09:00 being Fri 14/3 09:00 (APO-2)
    dossier = in_process_dossier(setup)
    draft(dossier, setup)
    # when the agency head approves at exactly Fri 14/3/2025 09:00
    apology = approve(dossier, setup["head"])
    # then the current appointment is the new date and the original one is kept (ST-11)
    dossier.refresh_from_db()
    assert apology.approved_by == setup["head"]
    assert dossier.current_appointment_at == NEW
    assert dossier.appointment_at == ORIGINAL
    event = dossier.events.order_by("-seq").first()
    assert event.type == "apology_approved"
    assert event.data == {"current_appointment_at": [ORIGINAL.isoformat(), NEW.isoformat()]}
    assert OutboxMessage.objects.filter(event=event).count() == 2


def test_approval_after_the_lead_time_is_refused(setup):
    # given a draft for a dossier due Mon 17/3 09:00
    dossier = in_process_dossier(setup)
    draft(dossier, setup)
    before = dossier_snapshot(dossier)
    # when the head approves one minute after Fri 14/3 09:00
    with pytest.raises(services.DossierError) as refused:
        approve(dossier, setup["head"], when="2025-03-14 09:01 +07:00")
    # then it is too late and nothing changed
    assert "Quá hạn xin lỗi" in refused.value.message
    assert dossier_snapshot(dossier) == before


def test_the_lead_time_follows_the_setting(setup, settings):
    # given a lead time of 2 working days: Thu 13/3 09:00 for an appointment on Mon 17/3 09:00
    settings.DOSSIER_APOLOGY_LEAD_WORKING_DAYS = 2
    dossier = in_process_dossier(setup)
    draft(dossier, setup, when="2025-03-12 10:00 +07:00")
    # when the head approves on Fri 14/3 09:00 and then on Thu 13/3 09:00
    with pytest.raises(services.DossierError):
        approve(dossier, setup["head"])
    approve(dossier, setup["head"], when="2025-03-13 09:00 +07:00")
    # then only the second approval counted
    dossier.refresh_from_db()
    assert dossier.current_appointment_at == NEW


def test_only_once(setup):
    # given an approved apology
    dossier = in_process_dossier(setup)
    draft(dossier, setup)
    approve(dossier, setup["head"], when="2025-03-13 11:00 +07:00")
    before = dossier_snapshot(dossier)
    # when it is approved again, or a second letter is drafted
    with pytest.raises(services.WrongState):
        approve(dossier, setup["head"], when="2025-03-13 12:00 +07:00")
    with pytest.raises(services.WrongState):
        draft(dossier, setup, new=datetime(2025, 3, 28, 9, tzinfo=VN), when="2025-03-13 12:00 +07:00")
    # then both are refused and nothing changed
    assert dossier_snapshot(dossier) == before


def test_an_unapproved_draft_can_be_corrected(setup):
    dossier = in_process_dossier(setup)
    draft(dossier, setup)
    later = datetime(2025, 3, 25, 9, tzinfo=VN)
    apology = draft(dossier, setup, new=later)
    assert Apology.objects.filter(dossier=dossier).count() == 1
    assert apology.new_appointment_at == later
    assert dossier.events.order_by("-seq").first().data["new_appointment_at"] == [NEW.isoformat(), later.isoformat()]


@pytest.mark.parametrize("who", ["officer", "reception", "stranger"])
def test_only_an_agency_head_of_the_agency_may_approve(setup, who):
    # given a draft, and a processing officer, a reception officer or the head of another commune
    actor = MembershipFactory(unit=UnitFactory(), role=Role.AGENCY_HEAD).user if who == "stranger" else setup[who]
    dossier = in_process_dossier(setup)
    draft(dossier, setup)
    before = dossier_snapshot(dossier)
    # when they approve
    with pytest.raises(services.NotAllowed):
        approve(dossier, actor)
    # then nothing changed
    assert dossier_snapshot(dossier) == before


@pytest.mark.parametrize(
    ("new", "reason"),
    [(ORIGINAL, "Kiểm tra thực địa"), (datetime(2025, 3, 10, 9, tzinfo=VN), "Kiểm tra thực địa"), (NEW, "  ")],
)
def test_a_new_date_not_later_or_an_empty_reason_is_refused(setup, new, reason):
    dossier = in_process_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.DossierError):
        draft(dossier, setup, new=new, reason=reason)
    assert dossier_snapshot(dossier) == before


def test_approval_without_a_draft_is_refused(setup):
    dossier = in_process_dossier(setup)
    with pytest.raises(services.WrongState):
        approve(dossier, setup["head"])


def test_no_apology_once_the_result_is_done(setup):
    dossier = done_dossier(setup)
    before = dossier_snapshot(dossier)
    with pytest.raises(services.WrongState):
        draft(dossier, setup)
    assert dossier_snapshot(dossier) == before


def test_a_later_supplement_keeps_the_extension(setup):
    # given an approved re-appointment to Mon 24/3 09:00 (one week beyond Mon 17/3)
    dossier = in_process_dossier(setup)
    draft(dossier, setup, when="2025-03-05 10:00 +07:00")
    approve(dossier, setup["head"], when="2025-03-05 11:00 +07:00")
    # when a supplement pauses the clock from Thu 6/3 to Wed 12/3
    with time_machine.travel("2025-03-06 10:00 +07:00", tick=False):
        services.dossier_request_supplement(code=dossier.code, actor=setup["officer"], missing=["Bản vẽ"])
    with time_machine.travel("2025-03-12 10:00 +07:00", tick=False):
        dossier = services.dossier_receive_supplement(code=dossier.code)
    # then the legal appointment moves to Fri 21/3 and the extension still reaches a week beyond it
    assert dossier.appointment_at == datetime(2025, 3, 21, 9, tzinfo=VN)
    assert dossier.current_appointment_at == datetime(2025, 3, 28, 9, tzinfo=VN)
