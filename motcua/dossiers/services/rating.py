"""Ratings of a dossier's handling by its applicant (DOMAIN.md §5.13, RATE-1 … RATE-5).

A rating is given once a result exists (DONE or DELIVERED), verified by the phone on file or by the
receipt's lookup secret. A later rating replaces the answers; the dossier's hash chain keeps every
version (`rating_recorded`, then `rating_replaced` with old and new values). An overall answer shown
as "không hài lòng" opens a follow-up item for the head of the competent agency (RATE-5), who records
what was done (`rating_follow_up_record`), also as an event of the dossier.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import user_has_role
from motcua.dossiers.lookup import SECRET_LENGTH, phone_matches
from motcua.dossiers.models import Dossier, Rating, RatingChannel, RatingFollowUp, RatingLevel
from motcua.dossiers.rating_scale import criteria, is_dissatisfied
from motcua.dossiers.services.core import (
    DossierError,
    NotAllowed,
    iso,
    locked,
    now,
    record,
    require_state,
    required_text,
)
from motcua.dossiers.states import State

RATED_STATES = frozenset({State.DONE, State.DELIVERED})
COMMENT_MAX = 2000
FOLLOW_UP_ROLES = (Role.AGENCY_HEAD, Role.DIVISION_HEAD, Role.LEADER)


class UnknownDossier(DossierError):
    """No dossier matches the code with that phone or secret: one answer for every cause (404)."""

    status = 404
    code = "not_found"


def _verified(code: str, *, phone: str, secret: str) -> Dossier:
    """Return dossier `code` locked, if `phone` is on file or `secret` is its lookup secret."""
    try:
        dossier = locked((code or "").strip(), related=("competent_agency",))
    except DossierError:
        dossier = None
    ok = dossier is not None and (
        (len(secret) == SECRET_LENGTH and hmac.compare_digest(secret.encode(), dossier.lookup_secret.encode()))
        or phone_matches(dossier, phone)
    )
    if dossier is None or not ok:
        raise UnknownDossier(
            "Không tìm thấy hồ sơ với mã và số điện thoại đã nhập / no dossier matches this code and phone"
        )
    return dossier


def _level(value: object, *, what: str) -> int:
    try:
        level = int(str(value))
    except ValueError:
        level = 0
    if level not in RatingLevel.values:
        raise DossierError(f"Mức đánh giá “{what}” phải từ 1 đến 5 / the rating of {what} must be 1 to 5")
    return level


def _answers(answers: Mapping[str, object] | None) -> dict[str, int]:
    """Return the optional criteria answered, checked against RATING_CRITERIA (blank answers dropped)."""
    known = {criterion.code for criterion in criteria()}
    cleaned: dict[str, int] = {}
    for key, value in (answers or {}).items():
        if key not in known:
            raise DossierError(f"Tiêu chí “{key}” không có / unknown criterion {key}")
        if value not in (None, ""):
            cleaned[key] = _level(value, what=key)
    return cleaned


def _values(rating: Rating) -> dict[str, Any]:
    return {"overall": rating.overall, "answers": rating.answers, "comment": rating.comment, "channel": rating.channel}


@transaction.atomic
def dossier_rate(
    *,
    code: str,
    overall: int | str,
    phone: str = "",
    secret: str = "",
    answers: Mapping[str, object] | None = None,
    comment: str = "",
    channel: str = RatingChannel.PORTAL,
) -> Rating:
    """Record or replace the applicant's rating of dossier `code` once it has a result (RATE-1 … RATE-5)."""
    level = _level(overall, what="mức độ hài lòng chung / overall")
    chosen = _answers(answers)
    text = (comment or "").strip()
    if len(text) > COMMENT_MAX:
        raise DossierError(f"Ý kiến dài quá {COMMENT_MAX} ký tự / the comment is longer than {COMMENT_MAX}")
    if channel not in RatingChannel.values:
        raise DossierError(f"Kênh đánh giá “{channel}” không có / unknown rating channel")
    dossier = _verified(code, phone=phone, secret=(secret or "").strip())
    require_state(dossier, RATED_STATES, "đánh giá hồ sơ chưa có kết quả")
    at = now()
    rating = Rating.objects.filter(dossier=dossier).first()
    old = _values(rating) if rating else None
    if rating is None:
        rating = Rating(dossier=dossier, first_rated_at=at, revision=0)
    rating.overall, rating.answers, rating.comment, rating.channel = level, chosen, text, channel
    rating.rated_at, rating.revision = at, rating.revision + 1
    rating.save()
    data: dict[str, Any] = {"revision": rating.revision, "new": _values(rating)}
    if old is not None:
        data["old"] = old
    if is_dissatisfied(level) and not rating.follow_ups.filter(closed_at__isnull=True).exists():
        RatingFollowUp.objects.create(
            rating=rating, unit=dossier.competent_agency, revision=rating.revision, opened_at=at
        )
        data["follow_up_opened"] = True
    event_type = "rating_replaced" if old else "rating_recorded"
    record(dossier, type=event_type, actor=None, at=at, from_state=dossier.state, data=data)
    return rating


@transaction.atomic
def rating_follow_up_record(*, follow_up_id: int, actor: User, outcome: str) -> RatingFollowUp:
    """Record what the head of the unit did about a dissatisfied rating, closing the follow-up (RATE-5)."""
    follow_up = (
        RatingFollowUp.objects.select_for_update(of=("self",))
        .select_related("unit", "rating__dossier")
        .filter(pk=follow_up_id)
        .first()
    )
    if follow_up is None:
        raise UnknownDossier(f"Không có việc theo dõi số {follow_up_id} / no follow-up {follow_up_id}")
    if not user_has_role(actor, FOLLOW_UP_ROLES, follow_up.unit):
        raise NotAllowed("Chỉ lãnh đạo đơn vị ghi nhận kết quả xử lý / only the unit's head records the outcome")
    if follow_up.closed_at is not None:
        raise DossierError("Việc này đã được ghi nhận kết quả / this follow-up is already closed")
    text = required_text(outcome, what="kết quả xử lý / the outcome")
    dossier = locked(follow_up.rating.dossier.code)
    at = now()
    follow_up.outcome, follow_up.closed_at, follow_up.closed_by = text, at, actor
    follow_up.save()
    record(
        dossier,
        type="rating_follow_up_closed",
        actor=actor,
        at=at,
        from_state=dossier.state,
        data={"follow_up": follow_up.pk, "revision": follow_up.revision, "outcome": text, "closed_at": iso(at)},
    )
    return follow_up


__all__ = ["UnknownDossier", "dossier_rate", "rating_follow_up_record"]
