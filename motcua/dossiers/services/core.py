"""What every dossier transition shares (DESIGN.md rule 2): errors, the row lock, the state check,
and the event and outbox rows written in the same transaction."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
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


def locked(code: str) -> Dossier:
    """Return dossier `code` locked for update until the end of the transaction."""
    try:
        return Dossier.objects.select_for_update().get(code=code)
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


def record(
    dossier: Dossier,
    *,
    type: str,
    actor: User | None,
    at: datetime,
    from_state: str,
    data: dict[str, Any] | None = None,
    notices: Sequence[Notice] = (),
) -> DossierEvent:
    """Append the event of a transition to the dossier's chain and queue its notifications."""
    last = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    event = event_build(
        dossier=dossier,
        last=last,
        type=type,
        at=at,
        actor_id=actor.pk if actor else None,
        actor_name=str(actor) if actor else "",
        from_state=from_state,
        to_state=dossier.state,
        data=data or {},
    )
    event.save()
    for notice in notices:
        for channel, recipient in _recipients(dossier):
            OutboxMessage.objects.create(
                dossier=dossier,
                event=event,
                channel=channel,
                recipient=recipient,
                subject=notice.subject,
                body=notice.body,
                created_at=at,
                next_attempt_at=at,
            )
    return event


def _recipients(dossier: Dossier) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    if dossier.applicant_email:
        pairs.append((OutboxMessage.Channel.EMAIL, dossier.applicant_email))
    if dossier.applicant_phone:
        pairs.append((OutboxMessage.Channel.SMS, dossier.applicant_phone))
    return pairs
