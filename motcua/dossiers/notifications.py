"""Delivery of the outbox (issue #3, item 7): claim due messages, send them through pluggable
backends outside any transaction, then record the outcome.

Guarantees: a message is never lost (a crash leaves it claimed only until the claim expires) and
a message whose send succeeded is never sent again (`sent_at` is written before the claim can
expire, and a run stops sending when its claim is about to run out).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol, TextIO

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from motcua.dossiers.models import OutboxMessage

DEFAULT_BACKENDS = {
    "email": "motcua.dossiers.notifications.ConsoleBackend",
    "sms": "motcua.dossiers.notifications.ConsoleBackend",
}
MAX_ATTEMPTS = 10
CLAIM_SECONDS = 300
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 3600
# A run stops sending once less than this is left on its claim, so no other run can claim a
# message while this one may still be sending it.
CLAIM_SAFETY_SECONDS = 60


class NotificationBackend(Protocol):
    """Sends one message; raises on failure (the message is then retried)."""

    def send(self, message: OutboxMessage) -> None: ...


class ConsoleBackend:
    """Print each message to standard output (development)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout

    def send(self, message: OutboxMessage) -> None:
        """Print the message."""
        self.stream.write(f"[{message.channel}] → {message.recipient}\n{message.subject}\n{message.body}\n{'-' * 40}\n")
        self.stream.flush()


class FileBackend:
    """Append one JSON line per message to <NOTIFICATION_FILE_DIR>/<channel>.jsonl."""

    def __init__(self, directory: Path | str | None = None) -> None:
        if directory is None:
            directory = getattr(settings, "NOTIFICATION_FILE_DIR", None) or Path(settings.VAR_DIR) / "notifications"
        self.directory = Path(directory)

    def send(self, message: OutboxMessage) -> None:
        """Append the message to its channel's file."""
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {
                "id": message.pk,
                "dossier": message.dossier.code if message.dossier_id else "",  # a one-time code has none
                "channel": message.channel,
                "recipient": message.recipient,
                "subject": message.subject,
                "body": message.body,
                "created_at": message.created_at.isoformat(),
                "written_at": timezone.now().isoformat(),
            },
            ensure_ascii=False,
        )
        with (self.directory / f"{message.channel}.jsonl").open("a", encoding="utf-8") as output:
            output.write(line + "\n")


class EmailBackend:
    """Send e-mail messages through django.core.mail (EMAIL_BACKEND, EMAIL_HOST …)."""

    def send(self, message: OutboxMessage) -> None:
        """Send the message as an e-mail."""
        if message.channel != OutboxMessage.Channel.EMAIL:
            raise ValueError(f"EmailBackend cannot send {message.channel} messages")
        send_mail(message.subject, message.body, None, [message.recipient], fail_silently=False)


@dataclass
class SendReport:
    """What one run did: messages sent, failed (to retry) and given up."""

    claimed: int = 0
    sent: int = 0
    failed: int = 0
    released: int = 0
    given_up: list[OutboxMessage] = field(default_factory=list)


def notification_backends() -> dict[str, NotificationBackend]:
    """Return a backend instance per channel from the NOTIFICATION_BACKENDS setting."""
    paths: Mapping[str, str] = getattr(settings, "NOTIFICATION_BACKENDS", DEFAULT_BACKENDS)
    return {channel: import_string(path)() for channel, path in paths.items()}


def retry_delay(attempts: int) -> timedelta:
    """Return the wait before the next attempt after `attempts` failed ones (doubling, capped at 1 h)."""
    seconds = BACKOFF_BASE_SECONDS * 2 ** min(max(attempts - 1, 0), 16)
    return timedelta(seconds=min(seconds, BACKOFF_CAP_SECONDS))


def _max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", MAX_ATTEMPTS))


def _claimable(at: datetime) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=at),
        sent_at__isnull=True,
        next_attempt_at__lte=at,
        attempts__lt=_max_attempts(),
    )


def outbox_claim(*, limit: int, at: datetime) -> tuple[list[OutboxMessage], datetime]:
    """Claim up to `limit` due messages until `at` + the claim time; return them and the claim's end."""
    until = at + timedelta(seconds=CLAIM_SECONDS)
    with transaction.atomic():
        due = _claimable(at).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
            OutboxMessage.objects.filter(id__in=ids).update(claimed_until=until)
        else:
            # No row locks (SQLite): a conditional update per row decides who wins each message.
            candidates = list(due.values_list("id", flat=True)[:limit])
            ids = [pk for pk in candidates if _claimable(at).filter(pk=pk).update(claimed_until=until)]
    claimed = OutboxMessage.objects.filter(id__in=ids).select_related("dossier").order_by("next_attempt_at", "id")
    return list(claimed), until


def outbox_mark_sent(*, message: OutboxMessage, at: datetime) -> None:
    """Record that the message was delivered, so nothing claims it again."""
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=at, attempts=F("attempts") + 1, claimed_until=None, last_error=""
    )


def outbox_mark_failed(*, message: OutboxMessage, at: datetime, error: str) -> bool:
    """Record a failed attempt and schedule the next one; return whether the message is given up."""
    attempts = message.attempts + 1
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=attempts, last_error=error[:2000], next_attempt_at=at + retry_delay(attempts), claimed_until=None
    )
    message.attempts, message.last_error = attempts, error
    return attempts >= _max_attempts()


def _send_one(message: OutboxMessage, backends: Mapping[str, NotificationBackend], report: SendReport) -> None:
    backend = backends.get(message.channel)
    try:
        if backend is None:
            raise LookupError(f"no notification backend for channel {message.channel!r}")
        backend.send(message)
    except Exception as error:
        report.failed += 1
        if outbox_mark_failed(message=message, at=timezone.now(), error=f"{type(error).__name__}: {error}"):
            report.given_up.append(message)
    else:
        outbox_mark_sent(message=message, at=timezone.now())
        report.sent += 1


def outbox_send_due(*, limit: int = 100, backends: Mapping[str, NotificationBackend] | None = None) -> SendReport:
    """Claim the due messages and send each one outside the claiming transaction."""
    backends = notification_backends() if backends is None else backends
    report = SendReport()
    claimed, until = outbox_claim(limit=limit, at=timezone.now())
    report.claimed = len(claimed)
    for index, message in enumerate(claimed):
        if timezone.now() >= until - timedelta(seconds=CLAIM_SAFETY_SECONDS):
            # Too late to send safely under this claim: hand the rest back for the next run.
            rest = [m.pk for m in claimed[index:]]
            OutboxMessage.objects.filter(pk__in=rest, sent_at__isnull=True).update(claimed_until=None)
            report.released = len(rest)
            break
        _send_one(message, backends, report)
    return report


def outbox_given_up() -> QuerySet[OutboxMessage]:
    """Return the unsent messages that reached the attempt limit."""
    return OutboxMessage.objects.filter(sent_at__isnull=True, attempts__gte=_max_attempts()).select_related("dossier")
