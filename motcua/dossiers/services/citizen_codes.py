"""One-time codes (mã xác thực) that identify a citizen by phone or e-mail before online submission.

A code has 6 digits, is stored only as a keyed hash bound to its contact, expires after
settings.OTP_MINUTES and allows settings.OTP_MAX_ATTEMPTS tries. Sends are limited per contact and per
client within settings.OTP_WINDOW_MINUTES. The limits live in the database rows themselves, so every
process sees them. Codes are sent at once through the notification backends (the outbox is for
dossier notices that may wait; a code that arrives late is useless).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac

from motcua.dossiers.models import OneTimeCode, OutboxMessage
from motcua.dossiers.notifications import notification_backends
from motcua.dossiers.rules import normalise_phone
from motcua.dossiers.services.core import DossierError, now

_PHONE_DIGITS = 10
KEEP_ROWS = timedelta(days=1)


class CodeSendRefused(DossierError):
    """Too many codes were asked for this contact or from this client (429)."""

    status = 429
    code = "too_many_codes"


class CodeRefused(DossierError):
    """The code typed is wrong, expired or out of attempts; `attempts_left` says how many tries remain."""

    code = "wrong_code"

    def __init__(self, message: str, *, attempts_left: int = 0) -> None:
        super().__init__(message)
        self.attempts_left = attempts_left


@dataclass(frozen=True)
class Contact:
    """Where a code goes: an SMS to a normalised phone number or an e-mail to a lower-cased address."""

    channel: str
    address: str


def contact_parse(text: str) -> Contact:
    """Return the contact typed (a phone number or an e-mail address), or raise DossierError."""
    text = (text or "").strip()
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise DossierError("Địa chỉ thư điện tử không hợp lệ / invalid e-mail address") from None
        return Contact(OutboxMessage.Channel.EMAIL, text.lower())
    phone = normalise_phone(text)
    if not (phone.isdigit() and len(phone) == _PHONE_DIGITS and phone.startswith("0")):
        raise DossierError(
            "Nhập số điện thoại di động (10 chữ số, bắt đầu bằng 0) hoặc địa chỉ thư điện tử / "
            "enter a mobile number (10 digits starting with 0) or an e-mail address"
        )
    return Contact(OutboxMessage.Channel.SMS, phone)


def _code_hash(contact: str, salt: str, code: str) -> str:
    return salted_hmac("motcua.otp", f"{salt}:{contact}:{code}", algorithm="sha256").hexdigest()


def client_key(client: str) -> str:
    """Return the keyed hash that stands for a client address in the code table."""
    return salted_hmac("motcua.otp.client", client or "unknown", algorithm="sha256").hexdigest()


def _window_refusal(code: OneTimeCode, *, since: datetime) -> tuple[str, str] | None:
    """Return (Vietnamese, English) names of the limit the new code passes, or None within the limits."""
    window = OneTimeCode.objects.filter(created_at__gte=since, id__lte=code.pk)
    if window.filter(contact=code.contact).count() > settings.OTP_SENDS_PER_CONTACT:
        return "người nhận này", "this contact"
    if window.filter(client_key=code.client_key).count() > settings.OTP_SENDS_PER_CLIENT:
        return "thiết bị, mạng này", "this client"
    return None


def _code_open(contact: Contact, client: str) -> tuple[OneTimeCode, str]:
    """Insert a new code for the contact (closing older ones) unless a send limit is reached."""
    at = now()
    code = f"{secrets.randbelow(10**6):06d}"
    salt = secrets.token_hex(16)
    with transaction.atomic():
        OneTimeCode.objects.filter(created_at__lt=at - max(KEEP_ROWS, _window())).delete()
        # Closing the open codes locks their rows, so two sends to one contact count one after the other.
        OneTimeCode.objects.filter(contact=contact.address, closed_at__isnull=True).update(closed_at=at)
        row = OneTimeCode.objects.create(
            contact=contact.address,
            channel=contact.channel,
            code_hash=_code_hash(contact.address, salt, code),
            salt=salt,
            client_key=client_key(client),
            created_at=at,
            expires_at=at + timedelta(minutes=settings.OTP_MINUTES),
        )
        refused_for = _window_refusal(row, since=at - _window())
        if refused_for:  # raising rolls the new row back: a refused send does not count
            minutes = settings.OTP_WINDOW_MINUTES
            raise CodeSendRefused(
                f"Đã gửi quá nhiều mã cho {refused_for[0]} trong {minutes} phút; hãy thử lại sau / "
                f"too many codes for {refused_for[1]} within {minutes} minutes, try again later"
            )
    return row, code


def _window() -> timedelta:
    return timedelta(minutes=settings.OTP_WINDOW_MINUTES)


def citizen_code_send(*, contact: Contact, client: str) -> OneTimeCode:
    """Create a code for the contact and send it now by SMS or e-mail; older codes of the contact stop working."""
    row, code = _code_open(contact, client)
    minutes = settings.OTP_MINUTES
    message = OutboxMessage(
        channel=contact.channel,
        recipient=contact.address,
        subject="Mã xác thực Cổng dịch vụ công",
        body=(
            f"Mã xác thực dịch vụ công của bạn là {code}, có hiệu lực trong {minutes} phút. "
            "Không cung cấp mã này cho bất kỳ ai, kể cả người tự xưng là cán bộ."
        ),
        created_at=row.created_at,
        next_attempt_at=row.created_at,
    )
    backend = notification_backends().get(contact.channel)
    try:
        if backend is None:
            raise LookupError(f"no notification backend for channel {contact.channel!r}")
        backend.send(message)
    except Exception as error:
        OneTimeCode.objects.filter(pk=row.pk).update(closed_at=now())
        raise DossierError("Không gửi được mã xác thực; hãy thử lại sau / the code could not be sent") from error
    return row


def citizen_code_verify(*, contact: Contact, code: str) -> None:
    """Accept the code typed for the contact once, or raise CodeRefused (wrong, expired or out of attempts)."""
    at = now()
    row = (
        OneTimeCode.objects.filter(contact=contact.address, closed_at__isnull=True, expires_at__gt=at)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None:
        raise CodeRefused("Mã xác thực đã hết hạn hoặc chưa được gửi; hãy yêu cầu mã mới / the code expired: ask again")
    limit = settings.OTP_MAX_ATTEMPTS
    # One conditional UPDATE per try: parallel guesses cannot get past the limit.
    counted = OneTimeCode.objects.filter(pk=row.pk, closed_at__isnull=True, attempts__lt=limit).update(
        attempts=F("attempts") + 1
    )
    if not counted:
        raise CodeRefused("Đã nhập sai quá số lần cho phép; hãy yêu cầu mã mới / too many wrong codes: ask again")
    attempts = row.attempts + 1
    typed = "".join(ch for ch in (code or "") if ch.isdigit())
    if constant_time_compare(_code_hash(contact.address, row.salt, typed), row.code_hash):
        if OneTimeCode.objects.filter(pk=row.pk, closed_at__isnull=True).update(closed_at=at, verified=True):
            return
        raise CodeRefused("Mã xác thực đã được dùng; hãy yêu cầu mã mới / the code was already used")
    left = max(limit - attempts, 0)
    if left == 0:
        OneTimeCode.objects.filter(pk=row.pk, closed_at__isnull=True).update(closed_at=at)
    raise CodeRefused(f"Mã xác thực không đúng; còn {left} lần thử / wrong code, {left} tries left", attempts_left=left)
