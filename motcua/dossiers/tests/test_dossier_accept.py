"""Acceptance at the counter: code, frozen limit, appointment, first step, event, outbox."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import services
from motcua.dossiers.events import GENESIS, event_chain_errors
from motcua.dossiers.models import Dossier, OutboxMessage
from motcua.dossiers.states import Channel, State
from motcua.dossiers.tests.factories import APPLICANT, accepted_dossier, agency_setup
from motcua.workdays.models import CalendarDay, DayKind

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


def test_a_day_off_stored_after_an_acceptance_moves_the_next_appointment(setup):
    # given a dossier accepted Mon 3/3/2025 09:00, its calendar kept by this process
    first = accepted_dossier(setup)
    # when a national day off on Mon 10/3 is stored, then another dossier is accepted at the same moment
    CalendarDay.objects.create(date=date(2025, 3, 10), kind=DayKind.HOLIDAY, name="Nghỉ đột xuất")
    second = accepted_dossier(setup)
    # then the second appointment skips the new day off; the first one never moves (rule 4)
    assert first.appointment_at == datetime(2025, 3, 17, 9, 0, tzinfo=VN)
    assert second.appointment_at == datetime(2025, 3, 18, 9, 0, tzinfo=VN)
    first.refresh_from_db()
    assert first.appointment_at == datetime(2025, 3, 17, 9, 0, tzinfo=VN)


def test_counter_reception_takes_the_code_last(setup):
    # given the day's sequence exists (a first dossier of the day was received)
    accepted_dossier(setup)
    # when another dossier is received and accepted at the counter
    with CaptureQueriesContext(connection) as statements:
        accepted_dossier(setup)
    # then every read (unit tree, calendar) comes before the code, and after it only the five inserts run
    sql = [query["sql"] for query in statements.captured_queries]
    code_at = next(n for n, text in enumerate(sql) if text.startswith("UPDATE") and "dossiercodesequence" in text)
    after = [text.split("(")[0].split()[2].strip('"') for text in sql[code_at + 1 :] if text.startswith("INSERT")]
    assert after == [
        "dossiers_dossier",
        "dossiers_receivedcomponent",
        "dossiers_dossierstep",
        "dossiers_dossierevent",
        "dossiers_outboxmessage",
    ]
    assert not [text for text in sql[code_at + 1 :] if not text.startswith(("INSERT", "RELEASE", "COMMIT"))]
    assert len(sql) <= 11  # 29 before the statements were cut (bench/README.md, "Acceptances")


def test_counter_reception_records_submission_then_acceptance(setup):
    # when a dossier is received and accepted at the counter in one transaction
    dossier = accepted_dossier(setup)
    # then its history is the submission (state 1) then the acceptance (state 2), chained
    events = list(dossier.events.order_by("seq"))
    assert [(e.seq, e.type, e.from_state, e.to_state) for e in events] == [
        (1, "submitted", "", State.SUBMITTED),
        (2, "accepted", State.SUBMITTED, State.ACCEPTED),
    ]
    assert events[0].data == {"channel": 1}
    assert events[1].data == {"appointment_at": "2025-03-17T09:00:00+07:00", "time_limit": [10, "working_days"]}
    assert (events[0].prev_hash, events[1].prev_hash) == (GENESIS, events[0].hash)
    # and the receipt notices belong to the acceptance, naming the code and the appointment
    messages = list(OutboxMessage.objects.filter(dossier=dossier))
    assert {message.event_id for message in messages} == {events[1].pk}
    assert all(dossier.code in message.body and "09:00 ngày 17/03/2025" in message.body for message in messages)
    # and the reception step and the component are stored
    step = dossier.steps.get()
    assert (step.order, step.finished_at, step.unit_id) == (1, dossier.accepted_at, setup["center"].pk)
    assert list(dossier.components.values_list("name", flat=True)) == ["Đơn đề nghị cấp giấy phép xây dựng"]


def test_an_online_dossier_is_accepted_later_with_its_own_appointment(setup):
    # given a dossier submitted online on Sun 2/3/2025
    with time_machine.travel("2025-03-02 20:00 +07:00", tick=False):
        submitted = services.dossier_submit(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            channel=Channel.ONLINE,
            applicant=APPLICANT,
        )
    # when the reception officer accepts it on Mon 3/3 09:00
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False):
        services.dossier_accept(code=submitted.code, actor=setup["reception"])
    # then the appointment counts from the acceptance, and the submission stays where it was
    dossier = Dossier.objects.get(code=submitted.code)
    assert dossier.state == State.ACCEPTED
    assert dossier.submitted_at == datetime(2025, 3, 2, 20, 0, tzinfo=VN)
    assert dossier.appointment_at == datetime(2025, 3, 17, 9, 0, tzinfo=VN)
    assert dossier.steps.get().started_at == dossier.submitted_at
    assert [e.type for e in dossier.events.order_by("seq")] == ["submitted", "accepted"]
    assert event_chain_errors(dossier.code, list(dossier.events.order_by("seq"))) == []
