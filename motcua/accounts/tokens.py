"""API tokens for integrations: create one (shown once), verify a presented one, revoke one.

Only the SHA-256 digest of a token is stored, so a leaked database does not leak usable tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from motcua.accounts.models import ApiToken, User

TOKEN_PREFIX = "mc_"  # noqa: S105 - a marker that makes leaked tokens easy to scan for, not a secret
PREFIX_LENGTH = 8
# Writing last_used_at on every request would turn every read into a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def api_token_digest(raw: str) -> str:
    """Return the hex SHA-256 digest under which a token is stored."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token for `user`, valid for `days` (forever if None); return it and the raw secret."""
    if days is not None and days < 1:
        raise ValueError("Số ngày hiệu lực phải lớn hơn 0 / days must be positive")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        digest=api_token_digest(raw),
        prefix=raw[:PREFIX_LENGTH],
        expires_at=timezone.now() + timedelta(days=days) if days is not None else None,
    )
    return token, raw


def api_token_verify(*, raw: str) -> User | None:
    """Return the active user owning the valid (not revoked, not expired) token `raw`, else None."""
    if not raw:
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=api_token_digest(raw), revoked=False)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke `token` so that it is refused from now on."""
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    token.revoked = True
