"""What every dossier transition shares (DESIGN.md rule 2): errors, the row lock, the state check,
and the event and outbox rows written in the same transaction."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from django.utils import timezone

from motcua.accounts.models import User
from motcua.dossiers.events import event_build
from motcua.dossiers.models import Dossier, DossierEvent, OutboxMessage
from motcua.dossiers.states import State


class DossierError(Exception):
    """A dossier action that cannot be done; `code` maps to an HTTP status in the API."""

    status = 422
    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WrongState(DossierError):
    """The dossier is not in a state that allows the action (409)."""

    status = 409
    code = "wrong_state"


class NotAllowed(DossierError):
    """The user may not do this action on this dossier (403)."""

    status = 403
    code = "forbidden"


@dataclass(frozen=True)
class Notice:
    """A citizen-facing notification to queue in the outbox with the event."""

    subject: str
    body: str


def now() -> datetime:
    """Return the current instant (one place, so tests can freeze it)."""
    return timezone.now()


def new_lookup_secret() -> str:
    """Return the random secret printed as the receipt's QR code for the public lookup."""
    return secrets.token_urlsafe(32)


def locked(code: str, *, related: Sequence[str] = ()) -> Dossier:
    """Return dossier `code` locked for update until the end of the transaction.

    `related` names foreign keys to read in the same query; only the dossier's row is locked.
    """
    rows = Dossier.objects.select_for_update(of=("self",))
    if related:  # select_related() without names would follow every foreign key
        rows = rows.select_related(*related)
    try:
        return rows.get(code=code)
    except Dossier.DoesNotExist:
        raise DossierError(f"Không có hồ sơ {code} / no dossier {code}") from None


def require_state(dossier: Dossier, allowed: Collection[str], action: str) -> None:
    """Raise WrongState unless the dossier's state allows `action`."""
    if dossier.state not in allowed:
        current = State(dossier.state).label
        raise WrongState(
            f"Không thể {action}: hồ sơ {dossier.code} đang ở trạng thái “{current}” / "
            f"cannot {action} a dossier in state {dossier.state}"
        )


def required_text(text: str, *, what: str) -> str:
    """Return `text` stripped, or raise DossierError naming `what` ("lý do / reason") when it is empty."""
    cleaned = (text or "").strip()
    if not cleaned:
        vietnamese, _slash, english = what.partition(" / ")
        raise DossierError(f"Chưa nhập {vietnamese} / {english or vietnamese} is required")
    return cleaned


def required_lines(items: Sequence[str], *, what: str) -> list[str]:
    """Return the non-blank items stripped, or raise DossierError when none is left."""
    if isinstance(items, str):  # one reason typed as a string is one line, not a list of characters
        items = [items]
    lines = [item.strip() for item in items if item and item.strip()]
    if not lines:
        vietnamese, _slash, english = what.partition(" / ")
        raise DossierError(f"Chưa nhập {vietnamese} / {english or vietnamese} is required")
    return lines


def iso(moment: datetime | None) -> str | None:
    """Return `moment` as local ISO 8601 for event data (None stays None), whatever zone the database gave."""
    return timezone.localtime(moment).isoformat() if moment else None


class Unknown(Enum):
    """Marks an argument the callee reads from the database when the caller does not pass it."""

    READ = "read"


@dataclass(frozen=True)
class Entry:
    """One event to append: the transition it records and the notifications it queues."""

    type: str
    from_state: str
    to_state: str
    data: dict[str, Any] = field(default_factory=dict)
    notices: Sequence[Notice] = ()


def record(
    dossier: Dossier,
    *,
    type: str,
    actor: User | None,
    at: datetime,
    from_state: str,
    data: dict[str, Any] | None = None,
    notices: Sequence[Notice] = (),
    last: DossierEvent | Unknown | None = Unknown.READ,
) -> DossierEvent:
    """Append the event of a transition to the dossier's chain and queue its notifications.

    `last` is the dossier's latest event when the caller holds it (None for a dossier created in
    this transaction); otherwise it is read, which is safe because the caller has the row locked.
    """
    entry = Entry(type=type, from_state=from_state, to_state=dossier.state, data=data or {}, notices=notices)
    return record_entries(dossier, [entry], actor=actor, at=at, last=last)[-1]


def record_entries(
    dossier: Dossier,
    entries: Sequence[Entry],
    *,
    actor: User | None,
    at: datetime,
    last: DossierEvent | Unknown | None = Unknown.READ,
) -> list[DossierEvent]:
    """Append `entries` to the dossier's chain in order (one INSERT) and queue their notifications (one more).

    Every transition passes here, so here the dossier is also marked for the next counters fill.
    """
    _mark_not_counted(dossier)
    if isinstance(last, Unknown):
        last = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    events: list[DossierEvent] = []
    for entry in entries:
        last = event_build(
            dossier=dossier,
            last=last,
            type=entry.type,
            at=at,
            actor_id=actor.pk if actor else None,
            actor_name=str(actor) if actor else "",
            from_state=entry.from_state,
            to_state=entry.to_state,
            data=entry.data,
        )
        events.append(last)
    DossierEvent.objects.bulk_create(events)  # the ids come back, for the outbox rows below
    recipients = _recipients(dossier)
    messages = [
        OutboxMessage(
            dossier=dossier,
            event=event,
            channel=channel,
            recipient=recipient,
            subject=notice.subject,
            body=notice.body,
            created_at=at,
            next_attempt_at=at,
        )
        for event, entry in zip(events, entries, strict=True)
        for notice in entry.notices
        for channel, recipient in recipients
    ]
    if messages:
        OutboxMessage.objects.bulk_create(messages)
    return events


def _mark_not_counted(dossier: Dossier) -> None:
    """Mark the dossier for the next statistics counters fill (reports.counters, ADR 0005).

    The caller holds the row lock, so the loaded flag is current: a dossier already waiting costs
    nothing, a counted one one UPDATE of its own row. The flag is also cleared on the instance, so a
    full `save()` after this call writes it too.
    """
    if dossier.counted:
        Dossier.objects.filter(pk=dossier.pk).update(counted=False)
        dossier.counted = False


def _recipients(dossier: Dossier) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if dossier.applicant_email:
        pairs.append((OutboxMessage.Channel.EMAIL, dossier.applicant_email))
    if dossier.applicant_phone:
        pairs.append((OutboxMessage.Channel.SMS, dossier.applicant_phone))
    return pairs
