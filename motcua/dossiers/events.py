"""The hash-chained, append-only history of a dossier (issue #3, item 4).

Each event stores the hash of its predecessor and the SHA-256 of the predecessor's hash plus its
own canonical content, so editing, deleting or reordering any stored event breaks the chain from
that point on and `event_chain_errors` names it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from motcua.dossiers.models import Dossier, DossierEvent

GENESIS = "0" * 64


def event_content(
    *,
    dossier_code: str,
    seq: int,
    type: str,
    at: datetime,
    actor_id: int | None,
    actor_name: str,
    from_state: str,
    to_state: str,
    data: dict[str, Any],
) -> str:
    """Return the canonical JSON text that an event's hash covers."""
    return json.dumps(
        {
            "dossier": dossier_code,
            "seq": seq,
            "type": type,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),  # as the database returns it
            "actor": actor_id,
            "actor_name": actor_name,
            "from": from_state,
            "to": to_state,
            "data": data,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )


def event_hash(prev_hash: str, content: str) -> str:
    """Return the hash of an event given its predecessor's hash and its canonical content."""
    return hashlib.sha256(f"{prev_hash}\n{content}".encode()).hexdigest()


def _content_of(event: DossierEvent, dossier_code: str) -> str:
    return event_content(
        dossier_code=dossier_code,
        seq=event.seq,
        type=event.type,
        at=event.at,
        actor_id=event.actor_id,
        actor_name=event.actor_name,
        from_state=event.from_state,
        to_state=event.to_state,
        data=event.data,
    )


def event_build(
    *,
    dossier: Dossier,
    last: DossierEvent | None,
    type: str,
    at: datetime,
    actor_id: int | None,
    actor_name: str,
    from_state: str,
    to_state: str,
    data: dict[str, Any],
) -> DossierEvent:
    """Return the next (unsaved) event of `dossier`, chained to `last`."""
    seq = 1 if last is None else last.seq + 1
    prev_hash = GENESIS if last is None else last.hash
    # Round-trip data through JSON so the hash covers exactly what the database will return.
    stored = json.loads(json.dumps(data, ensure_ascii=False, default=str))
    event = DossierEvent(
        dossier=dossier,
        seq=seq,
        type=type,
        at=at,
        actor_id=actor_id,
        actor_name=actor_name,
        from_state=from_state,
        to_state=to_state,
        data=stored,
        prev_hash=prev_hash,
    )
    event.hash = event_hash(prev_hash, _content_of(event, dossier.code))
    return event


def event_chain_errors(dossier_code: str, events: Iterable[DossierEvent]) -> list[str]:
    """Return a message for every break in a dossier's chain (events in `seq` order)."""
    problems = []
    prev_hash, expected_seq = GENESIS, 1
    for event in events:
        if event.seq != expected_seq:
            problems.append(
                f"{dossier_code}: sự kiện #{event.seq} sai thứ tự, cần #{expected_seq} / events out of order"
            )
        if event.prev_hash != prev_hash:
            problems.append(f"{dossier_code}: sự kiện #{event.seq} không nối với sự kiện trước / broken link")
        if event_hash(event.prev_hash, _content_of(event, dossier_code)) != event.hash:
            problems.append(f"{dossier_code}: sự kiện #{event.seq} đã bị sửa / content altered")
        prev_hash, expected_seq = event.hash, event.seq + 1
    return problems
