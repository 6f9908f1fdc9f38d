"""Acceptance at the counter: code, frozen limit, appointment, first step, event, outbox."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.events import event_chain_errors
from motcua.dossiers.models import OutboxMessage
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import APPLICANT, accepted_dossier, agency_setup

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def test_counter_reception_issues_code_and_appointment(setup):
    # given a 10-working-day procedure, received Mon 3/3/2025 09:00 (DOMAIN.md §4.5 #7)
    # when it is received and accepted at the counter
    dossier = accepted_dossier(setup)
    # then the Circular 01/2018 code, the appointment of #7 and the frozen limit are stored
    assert dossier.code == "000.10.50.H31-250303-0001"
    assert dossier.state == State.ACCEPTED
    assert dossier.appointment_at == datetime(2025, 3, 17, 9, 0, tzinfo=VN)
    assert dossier.current_appointment_at == dossier.appointment_at
    assert (dossier.time_limit_amount, dossier.time_limit_unit) == (10, "working_days")
    assert dossier.appointment_explanation  # the trace shown on the dossier page
    assert dossier.portal_status == 2


def test_acceptance_writes_a_chained_history_and_a_notification(setup):
    dossier = accepted_dossier(setup)
    events = list(dossier.events.order_by("seq"))
    assert [e.type for e in events] == ["submitted", "accepted"]
    assert event_chain_errors(dossier.code, events) == []
    assert set(OutboxMessage.objects.filter(dossier=dossier).values_list("channel", flat=True)) == {"email", "sms"}


def test_daily_sequence_counts_per_unit_and_restarts_next_day(setup):
    first = accepted_dossier(setup)
    second = accepted_dossier(setup)
    next_day = accepted_dossier(setup, at="2025-03-04 08:00 +07:00")
    assert [first.code[-4:], second.code[-4:]] == ["0001", "0002"]
    assert next_day.code == "000.10.50.H31-250304-0001"


def test_accepting_twice_is_refused_and_changes_nothing(setup):
    # given an accepted dossier
    dossier = accepted_dossier(setup)
    # when it is accepted again
    with pytest.raises(services.WrongState) as refused:
        services.dossier_accept(code=dossier.code, actor=setup["reception"])
    # then the refusal says why and no event was added
    assert "Được tiếp nhận" in refused.value.message
    assert dossier.events.count() == 2


def test_bad_applicant_details_are_refused_before_anything_is_saved(setup):
    bad = APPLICANT.__class__(kind="person", name="Trần Văn B", id_number="123", phone="12345")
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False), pytest.raises(services.DossierError) as refused:
        services.dossier_receive_at_counter(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            applicant=bad,
            components=[],
            actor=setup["reception"],
        )
    assert "12 chữ số" in refused.value.message
    assert not setup["version"].dossiers.exists()
