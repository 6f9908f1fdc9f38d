"""One-time codes: hashed at rest, expiring, few tries, limited sends per contact and per client."""

import json
import re

import pytest
import time_machine

from motcua.dossiers import services
from motcua.dossiers.models import OneTimeCode

pytestmark = pytest.mark.django_db
PHONE = services.Contact("sms", "0912345678")


@pytest.fixture(autouse=True)
def outbox_dir(settings, tmp_path):
    """Send codes with the file backend into a temporary directory."""
    settings.NOTIFICATION_BACKENDS = {
        "sms": "motcua.dossiers.notifications.FileBackend",
        "email": "motcua.dossiers.notifications.FileBackend",
    }
    settings.NOTIFICATION_FILE_DIR = tmp_path
    settings.OTP_MINUTES, settings.OTP_MAX_ATTEMPTS, settings.OTP_WINDOW_MINUTES = 10, 5, 60
    settings.OTP_SENDS_PER_CONTACT, settings.OTP_SENDS_PER_CLIENT = 5, 20
    return tmp_path


def last_code(directory, channel="sms"):
    """Return the recipient and the 6-digit code of the last message the file backend wrote."""
    line = json.loads((directory / f"{channel}.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    return line["recipient"], re.search(r"\b(\d{6})\b", line["body"]).group(1)


def test_a_code_is_sent_at_once_and_stored_only_as_a_hash(outbox_dir):
    # when a code is asked for a phone
    row = services.citizen_code_send(contact=PHONE, client="203.0.113.7")
    # then the SMS went out now (no outbox row) with a 6-digit code, and the database holds no trace of it
    recipient, code = last_code(outbox_dir)
    assert recipient == "0912345678"
    stored = OneTimeCode.objects.values().get(pk=row.pk)
    assert not any(code in str(value) for value in stored.values())
    assert "203.0.113.7" not in str(stored)
    # and the code identifies the phone once
    services.citizen_code_verify(contact=PHONE, code=code)
    assert OneTimeCode.objects.get(pk=row.pk).verified
    with pytest.raises(services.CodeRefused):
        services.citizen_code_verify(contact=PHONE, code=code)


def test_an_expired_code_is_refused(outbox_dir):
    with time_machine.travel("2025-03-03 08:00 +07:00", tick=False):
        services.citizen_code_send(contact=PHONE, client="203.0.113.7")
    _recipient, code = last_code(outbox_dir)
    # when the code is typed 11 minutes later, then it has expired
    with (
        time_machine.travel("2025-03-03 08:11 +07:00", tick=False),
        pytest.raises(services.CodeRefused, match="hết hạn"),
    ):
        services.citizen_code_verify(contact=PHONE, code=code)


def test_brute_force_stops_after_the_allowed_attempts_even_with_the_right_code(outbox_dir):
    services.citizen_code_send(contact=PHONE, client="203.0.113.7")
    _recipient, code = last_code(outbox_dir)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    # when five wrong codes are typed, each says how many tries remain
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(services.CodeRefused) as refusal:
            services.citizen_code_verify(contact=PHONE, code=wrong)
        assert refusal.value.attempts_left == left
    # then even the right code no longer works
    with pytest.raises(services.CodeRefused):
        services.citizen_code_verify(contact=PHONE, code=code)


def test_a_new_code_replaces_the_previous_one(outbox_dir):
    services.citizen_code_send(contact=PHONE, client="203.0.113.7")
    _recipient, first = last_code(outbox_dir)
    services.citizen_code_send(contact=PHONE, client="203.0.113.7")
    _recipient, second = last_code(outbox_dir)
    if first != second:  # one in a million they are equal; then there is nothing to show
        with pytest.raises(services.CodeRefused):
            services.citizen_code_verify(contact=PHONE, code=first)
    services.citizen_code_verify(contact=PHONE, code=second)


def test_a_code_works_only_for_the_contact_it_was_sent_to(outbox_dir):
    services.citizen_code_send(contact=PHONE, client="203.0.113.7")
    _recipient, code = last_code(outbox_dir)
    other = services.Contact("sms", "0987654321")
    services.citizen_code_send(contact=other, client="203.0.113.7")
    _recipient, other_code = last_code(outbox_dir)
    if other_code != code:
        with pytest.raises(services.CodeRefused):
            services.citizen_code_verify(contact=other, code=code)


def test_sends_per_contact_are_limited_within_the_window(outbox_dir):
    with time_machine.travel("2025-03-03 08:00 +07:00", tick=True):
        for _ in range(5):
            services.citizen_code_send(contact=PHONE, client="203.0.113.7")
        # when a sixth code is asked within the hour, then it is refused (429) and nothing is sent
        with pytest.raises(services.CodeSendRefused) as refusal:
            services.citizen_code_send(contact=PHONE, client="198.51.100.9")
    assert refusal.value.status == 429
    assert len((outbox_dir / "sms.jsonl").read_text(encoding="utf-8").splitlines()) == 5
    # and an hour later codes can be sent again
    with time_machine.travel("2025-03-03 09:01 +07:00", tick=False):
        services.citizen_code_send(contact=PHONE, client="203.0.113.7")


def test_sends_per_client_are_limited_across_contacts(settings):
    settings.OTP_SENDS_PER_CLIENT = 3
    for n in range(3):
        services.citizen_code_send(contact=services.Contact("sms", f"091234500{n}"), client="203.0.113.7")
    # when the same client asks a code for a fourth phone, then it is refused; another client is not
    with pytest.raises(services.CodeSendRefused, match="this client"):
        services.citizen_code_send(contact=services.Contact("sms", "0912345009"), client="203.0.113.7")
    services.citizen_code_send(contact=services.Contact("sms", "0912345009"), client="198.51.100.9")


def test_a_code_goes_by_e_mail_to_an_e_mail_address(outbox_dir):
    contact = services.contact_parse("Lan.Nguyen@Example.VN")
    services.citizen_code_send(contact=contact, client="203.0.113.7")
    recipient, code = last_code(outbox_dir, "email")
    assert recipient == "lan.nguyen@example.vn"
    services.citizen_code_verify(contact=contact, code=code)


def test_a_failed_send_is_reported_and_its_code_never_works(settings):
    settings.NOTIFICATION_BACKENDS = {"sms": "motcua.dossiers.tests.test_citizen_codes.BrokenBackend"}
    with pytest.raises(services.DossierError, match="Không gửi được"):
        services.citizen_code_send(contact=PHONE, client="203.0.113.7")
    assert OneTimeCode.objects.get().closed_at is not None


class BrokenBackend:
    def send(self, message):
        raise ConnectionError("SMS gateway unreachable")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("+84 912 345 678", ("sms", "0912345678")),
        ("0912.345.678", ("sms", "0912345678")),
        ("a@b.vn", ("email", "a@b.vn")),
    ],
)
def test_contacts_are_normalised(typed, expected):
    assert tuple(services.contact_parse(typed).__dict__.values()) == expected


@pytest.mark.parametrize("typed", ["12345", "091234567x", "lan@", ""])
def test_a_contact_that_is_neither_a_mobile_nor_an_e_mail_is_refused(typed):
    with pytest.raises(services.DossierError):
        services.contact_parse(typed)
