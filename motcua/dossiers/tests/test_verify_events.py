"""`manage.py verify_events`: an intact history passes; any edited, deleted or cut event is named."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from motcua.dossiers import services
from motcua.dossiers.models import DossierEvent, OutboxMessage
from motcua.dossiers.states import Channel
from motcua.dossiers.tests.factories import APPLICANT, accepted_dossier, agency_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def verify(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_events", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def broken(*args: str) -> tuple[CommandError, str]:
    err = StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("verify_events", *args, stdout=StringIO(), stderr=err)
    return failure.value, err.getvalue()


def online_dossier(setup):
    """Return a dossier submitted online, returned for completion, resubmitted and accepted (4 events)."""
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False) as clock:
        dossier = services.dossier_submit(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            channel=Channel.ONLINE,
            applicant=APPLICANT,
        )
        clock.shift(timedelta(hours=1))
        services.dossier_request_completion(code=dossier.code, actor=setup["reception"], missing=["Bản vẽ thiết kế"])
        clock.shift(timedelta(hours=1))
        services.dossier_resubmit(code=dossier.code)
        clock.shift(timedelta(hours=1))
        return services.dossier_accept(code=dossier.code, actor=setup["reception"])


def test_intact_histories_pass(setup):
    # given two dossiers with two events each
    accepted_dossier(setup)
    accepted_dossier(setup)
    # when
    out, err = verify()
    # then
    assert out.strip() == "Đã kiểm tra 2 hồ sơ, 4 sự kiện: toàn vẹn"
    assert err == ""


def test_edited_event_data_is_named_and_exits_1(setup):
    # given a dossier whose acceptance event had its appointment rewritten in the database
    intact = accepted_dossier(setup)
    tampered = accepted_dossier(setup)
    DossierEvent.objects.filter(dossier=tampered, type="accepted").update(
        data={"appointment_at": "2025-03-31T09:00:00+07:00", "time_limit": [10, "working_days"]}
    )
    # when
    failure, err = broken()
    # then the tampered dossier is named, the intact one is not, and the exit status is 1
    assert failure.returncode == 1
    assert f"{tampered.code}: sự kiện #2 đã bị sửa" in err
    assert intact.code not in err
    assert tampered.code in str(failure)


def test_edited_event_time_is_caught(setup):
    # given an event moved one day earlier
    dossier = accepted_dossier(setup)
    DossierEvent.objects.filter(dossier=dossier, seq=1).update(at=F("at") - timedelta(days=1))
    # when
    failure, err = broken()
    # then
    assert failure.returncode == 1
    assert f"{dossier.code}: sự kiện #1 đã bị sửa" in err


def test_a_deleted_middle_event_is_caught(setup):
    # given a four-event history whose resubmission event was deleted
    dossier = online_dossier(setup)
    assert list(dossier.events.order_by("seq").values_list("type", flat=True)) == [
        "submitted",
        "completion_requested",
        "resubmitted",
        "accepted",
    ]
    middle = DossierEvent.objects.get(dossier=dossier, type="resubmitted")
    OutboxMessage.objects.filter(event=middle).delete()
    middle.delete()
    # when
    failure, err = broken()
    # then
    assert failure.returncode == 1
    assert f"{dossier.code}: sự kiện #4 sai thứ tự, cần #3" in err
    assert f"{dossier.code}: sự kiện #4 không nối với sự kiện trước" in err


def test_a_cut_off_last_event_is_caught_by_the_state(setup):
    # given an accepted dossier whose acceptance event was deleted
    dossier = accepted_dossier(setup)
    last = DossierEvent.objects.get(dossier=dossier, type="accepted")
    OutboxMessage.objects.filter(event=last).delete()
    last.delete()
    # when
    failure, err = broken()
    # then
    assert failure.returncode == 1
    assert "lịch sử kết thúc ở trạng thái submitted nhưng hồ sơ ở trạng thái accepted" in err


def test_one_dossier_can_be_checked(setup):
    # given a tampered dossier and an intact one
    intact = accepted_dossier(setup)
    tampered = accepted_dossier(setup)
    DossierEvent.objects.filter(dossier=tampered).update(actor_name="Người khác")
    # when / then
    assert verify("--dossier", intact.code)[0].strip() == "Đã kiểm tra 1 hồ sơ, 2 sự kiện: toàn vẹn"
    assert broken("--dossier", tampered.code)[0].returncode == 1


def test_an_unknown_dossier_code_is_bad_input_not_a_broken_chain():
    with pytest.raises(CommandError, match="Không có hồ sơ") as failure:
        call_command("verify_events", "--dossier", "X-000000-0000", stdout=StringIO())
    assert failure.value.returncode == 2


def test_events_are_read_in_chunks(setup, django_assert_max_num_queries, monkeypatch):
    # given five dossiers checked in chunks of two
    for _ in range(5):
        accepted_dossier(setup)
    monkeypatch.setattr("motcua.dossiers.management.commands.verify_events.CHUNK", 2)
    # when / then: one query for the dossiers (a cursor) and one per chunk for the events, whatever the count
    with django_assert_max_num_queries(7):
        out, _ = verify()
    assert "5 hồ sơ, 10 sự kiện" in out
