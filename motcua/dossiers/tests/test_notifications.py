"""The outbox sender: claims, retries with backoff, gives up, never loses or repeats a message."""

import json
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, connections

from motcua.dossiers.models import OutboxMessage
from motcua.dossiers.notifications import (
    EmailBackend,
    FileBackend,
    notification_backends,
    outbox_claim,
    outbox_send_due,
    retry_delay,
)
from motcua.dossiers.tests.factories import accepted_dossier, agency_setup

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ACCEPTED = datetime(2025, 3, 3, 9, 0, tzinfo=VN)  # when accepted_dossier() queues its e-mail and SMS


class RecordingBackend:
    """Record every message handed to it; fail the first `failures` calls for each message."""

    def __init__(self, failures: int = 0, delay: float = 0.0) -> None:
        self.failures = failures
        self.delay = delay
        self.calls: Counter[int] = Counter()
        self.delivered: list[int] = []
        self.lock = threading.Lock()

    def send(self, message: OutboxMessage) -> None:
        with self.lock:
            self.calls[message.pk] += 1
            failing = self.calls[message.pk] <= self.failures
        if self.delay:
            time.sleep(self.delay)
        if failing:
            raise ConnectionError("SMS gateway unreachable")
        with self.lock:
            self.delivered.append(message.pk)


def both(backend):
    return {"email": backend, "sms": backend}


@pytest.fixture
def dossier(published_calendar):
    return accepted_dossier(agency_setup())


@pytest.mark.django_db
class TestSending:
    def test_due_messages_are_sent_once_and_marked(self, dossier):
        # given the acceptance's e-mail and SMS in the outbox
        backend = RecordingBackend()
        # when the sender runs twice
        with time_machine.travel(ACCEPTED + timedelta(minutes=1), tick=False):
            first = outbox_send_due(backends=both(backend))
            second = outbox_send_due(backends=both(backend))
        # then each message went out exactly once and is marked sent
        assert (first.sent, second.claimed) == (2, 0)
        assert sorted(backend.delivered) == sorted(OutboxMessage.objects.values_list("pk", flat=True))
        assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()
        assert set(OutboxMessage.objects.values_list("attempts", "claimed_until")) == {(1, None)}

    def test_a_message_not_yet_due_waits(self, dossier):
        # given a message scheduled later
        OutboxMessage.objects.update(next_attempt_at=ACCEPTED + timedelta(hours=1))
        backend = RecordingBackend()
        # when the sender runs before that time
        with time_machine.travel(ACCEPTED + timedelta(minutes=30), tick=False):
            report = outbox_send_due(backends=both(backend))
        # then nothing is sent
        assert report.claimed == 0
        assert backend.delivered == []

    def test_a_failure_is_retried_after_a_backoff_and_the_success_is_not_repeated(self, dossier):
        # given a backend that fails once per message, then succeeds
        backend = RecordingBackend(failures=1)
        # when the sender runs, runs again too early, then after the backoff, then once more
        with time_machine.travel(ACCEPTED + timedelta(minutes=1), tick=False) as clock:
            failed = outbox_send_due(backends=both(backend))
            message = OutboxMessage.objects.first()
            clock.shift(timedelta(seconds=30))
            early = outbox_send_due(backends=both(backend))
            clock.shift(timedelta(seconds=30))
            retried = outbox_send_due(backends=both(backend))
            clock.shift(timedelta(hours=2))
            later = outbox_send_due(backends=both(backend))
        # then the failure was recorded and scheduled one minute later, and each message was delivered once
        assert (failed.failed, early.claimed, retried.sent, later.claimed) == (2, 0, 2, 0)
        assert message.attempts == 1
        assert message.last_error == "ConnectionError: SMS gateway unreachable"
        assert message.next_attempt_at == ACCEPTED + timedelta(minutes=2)
        assert set(backend.calls.values()) == {2}
        assert Counter(backend.delivered) == {pk: 1 for pk in backend.calls}
        assert set(OutboxMessage.objects.values_list("attempts", "last_error")) == {(2, "")}

    def test_backoff_doubles_and_is_capped_at_one_hour(self):
        # when / then
        delays = [retry_delay(n).total_seconds() for n in range(1, 11)]
        assert delays == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]

    def test_after_ten_failures_the_message_is_given_up_unsent_and_reported(self, dossier):
        # given a backend that always fails
        backend = RecordingBackend(failures=1000)
        OutboxMessage.objects.filter(channel="sms").delete()
        reports = []
        # when the sender runs every time the message is due again, eleven times
        with time_machine.travel(ACCEPTED, tick=False) as clock:
            for _ in range(11):
                clock.move_to(OutboxMessage.objects.get().next_attempt_at)
                reports.append(outbox_send_due(backends=both(backend)))
        # then ten attempts were made, the tenth reported as given up, the eleventh run found nothing
        message = OutboxMessage.objects.get()
        assert sum(backend.calls.values()) == 10
        assert [len(r.given_up) for r in reports] == [0] * 9 + [1, 0]
        assert reports[-1].claimed == 0
        assert message.sent_at is None and message.attempts == 10

    def test_a_crashed_run_leaves_its_messages_claimed_until_the_claim_expires(self, dossier):
        # given a run that claimed the messages and died before sending them
        with time_machine.travel(ACCEPTED + timedelta(minutes=1), tick=False) as clock:
            claimed, _ = outbox_claim(limit=10, at=ACCEPTED + timedelta(minutes=1))
            backend = RecordingBackend()
            # when another run comes four minutes later, then after the five-minute claim
            clock.shift(timedelta(minutes=4))
            during = outbox_send_due(backends=both(backend))
            clock.shift(timedelta(minutes=1))
            after = outbox_send_due(backends=both(backend))
        # then the messages were not lost: sent once, by the later run
        assert len(claimed) == 2
        assert (during.claimed, after.sent) == (0, 2)

    def test_a_run_whose_claim_runs_out_hands_the_rest_back(self, dossier):
        # given a backend so slow that the first send uses up most of the claim
        with time_machine.travel(ACCEPTED + timedelta(minutes=1), tick=False) as clock:
            backend = RecordingBackend()

            class Slow(RecordingBackend):
                def send(self, message):
                    clock.shift(timedelta(minutes=4, seconds=30))
                    backend.send(message)

            # when the sender runs
            report = outbox_send_due(backends=both(Slow()))
            # then it sent one message and released the other for the next run, which sends it
            assert (report.sent, report.released) == (1, 1)
            assert OutboxMessage.objects.filter(sent_at__isnull=True, claimed_until__isnull=True).count() == 1
            assert outbox_send_due(backends=both(backend)).sent == 1
        assert Counter(backend.delivered) == {pk: 1 for pk in OutboxMessage.objects.values_list("pk", flat=True)}

    def test_a_channel_without_a_backend_is_a_failure_not_a_crash(self, dossier):
        # when only an e-mail backend is configured
        with time_machine.travel(ACCEPTED, tick=False):
            report = outbox_send_due(backends={"email": RecordingBackend()})
        # then the SMS is retried later
        assert (report.sent, report.failed) == (1, 1)
        assert "no notification backend" in OutboxMessage.objects.get(channel="sms").last_error


@pytest.mark.django_db
class TestBackends:
    def test_backends_come_from_the_setting(self, settings):
        # given
        settings.NOTIFICATION_BACKENDS = {"email": "motcua.dossiers.notifications.EmailBackend"}
        # when / then
        assert {k: type(v) for k, v in notification_backends().items()} == {"email": EmailBackend}

    def test_the_default_backends_print_to_the_console(self, settings, dossier, capsys):
        # given no NOTIFICATION_BACKENDS setting
        del settings.NOTIFICATION_BACKENDS
        # when
        with time_machine.travel(ACCEPTED, tick=False):
            outbox_send_due()
        # then
        assert f"Hồ sơ {dossier.code} đã được tiếp nhận" in capsys.readouterr().out

    def test_file_backend_writes_one_json_line_per_message(self, settings, tmp_path, dossier):
        # given
        settings.NOTIFICATION_FILE_DIR = tmp_path / "notifications"
        email = OutboxMessage.objects.get(channel="email")
        # when
        FileBackend().send(email)
        FileBackend().send(email)
        # then
        lines = (tmp_path / "notifications" / "email.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == 2
        assert json.loads(lines[0])["recipient"] == "lan.nguyen@example.vn"
        assert json.loads(lines[0])["dossier"] == dossier.code

    def test_email_backend_sends_through_django_mail(self, dossier, mailoutbox):
        # when
        EmailBackend().send(OutboxMessage.objects.get(channel="email"))
        # then
        assert [(m.to, m.subject) for m in mailoutbox] == [
            (["lan.nguyen@example.vn"], f"Hồ sơ {dossier.code} đã được tiếp nhận")
        ]
        with pytest.raises(ValueError, match="cannot send sms"):
            EmailBackend().send(OutboxMessage.objects.get(channel="sms"))


@pytest.mark.django_db
class TestCommand:
    def test_prints_a_summary(self, settings, tmp_path, dossier):
        # given
        settings.NOTIFICATION_BACKENDS = {
            "email": "motcua.dossiers.notifications.FileBackend",
            "sms": "motcua.dossiers.notifications.FileBackend",
        }
        settings.NOTIFICATION_FILE_DIR = tmp_path
        out = StringIO()
        # when
        with time_machine.travel(ACCEPTED, tick=False):
            call_command("send_notifications", "--limit", "10", stdout=out)
        # then
        assert out.getvalue().startswith("Đã gửi 2, lỗi sẽ thử lại 0, bỏ cuộc 0")
        assert (tmp_path / "sms.jsonl").exists()

    def test_loop_runs_until_interrupted(self, settings, tmp_path, dossier, monkeypatch):
        # given a loop whose first pause is interrupted (Ctrl-C, or systemd stopping the service)
        settings.NOTIFICATION_BACKENDS = {"email": "motcua.dossiers.notifications.FileBackend"}
        settings.NOTIFICATION_FILE_DIR = tmp_path
        pauses = []

        def interrupted(seconds):
            pauses.append(seconds)
            raise KeyboardInterrupt

        monkeypatch.setattr("motcua.dossiers.management.commands.send_notifications.time.sleep", interrupted)
        out = StringIO()
        # when
        with time_machine.travel(ACCEPTED, tick=False):
            call_command("send_notifications", "--loop", "--interval", "5", stdout=out, stderr=StringIO())
        # then it ran once, drained the queue, waited the interval and stopped cleanly
        assert pauses == [5.0]
        assert out.getvalue().count("Đã gửi 1,") == 1

    def test_reports_given_up_messages(self, settings, dossier):
        # given an SMS that failed nine times already
        settings.NOTIFICATION_BACKENDS = {"email": "motcua.dossiers.notifications.ConsoleBackend"}
        OutboxMessage.objects.filter(channel="sms").update(attempts=9)
        out, err = StringIO(), StringIO()
        # when
        with time_machine.travel(ACCEPTED, tick=False):
            call_command("send_notifications", stdout=out, stderr=err)
        # then
        assert f"của hồ sơ {dossier.code}" in err.getvalue()
        assert "tổng số thông báo đã bỏ cuộc: 1" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_concurrent_senders_on_postgresql_send_each_message_exactly_once(published_calendar):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for SKIP LOCKED under real concurrency; set DATABASE_URL=postgres://…")
    # given 24 messages (12 dossiers, e-mail and SMS) and a slow backend shared by four senders
    setup = agency_setup()
    for _ in range(12):
        accepted_dossier(setup)
    backend = RecordingBackend(delay=0.01)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def sender() -> None:
        try:
            start.wait()
            while outbox_send_due(limit=3, backends=both(backend)).claimed:
                pass
        except BaseException as error:  # asserted on by the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    # when they run at once
    threads = [threading.Thread(target=sender) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then every message was delivered exactly once
    assert errors == []
    assert len(backend.delivered) == 24
    assert set(Counter(backend.delivered).values()) == {1}
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0
