"""Closing and restating periods (khóa sổ, điều chỉnh số liệu kỳ đã khóa sổ): the only writes of closed periods.

`period_close` freezes a month or quarter that is over into version 1; `period_restate` recomputes a
closed period and, when a figure changed (a late import, a supplement that reopened a dossier, a fix
of the definitions), stores version n + 1 with its reason and every changed figure (the audit record,
DOMAIN.md V-3). Snapshots are never updated or deleted (database triggers refuse it). Only an agency
head (lãnh đạo cơ quan) or a PAR officer (cán bộ CCHC) of the unit or above it may do either.

On PostgreSQL the computation reads one consistent view of the data (REPEATABLE READ) when the service
opens the transaction itself; everywhere the groupings' totals are compared before anything is stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from motcua.accounts.models import Role, Unit, User
from motcua.accounts.selectors import user_has_role
from motcua.reports.models import PeriodSnapshot
from motcua.reports.periods import (
    Period,
    PeriodInvalid,
    content_hash,
    content_text,
    period_of,
    period_snapshot_latest,
    report_differences,
    snapshot_content,
    snapshot_data,
)
from motcua.reports.selectors import ReportError

CLOSING_ROLES = (Role.AGENCY_HEAD, Role.PAR_OFFICER)


class PeriodError(Exception):
    """A closing or restatement that cannot be done; `status` and `code` are what the API answers."""

    status = 422
    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PeriodNotAllowed(PeriodError):
    """The user holds neither role over the unit (403)."""

    status = 403
    code = "forbidden"


class PeriodWrongState(PeriodError):
    """The period is not over, already closed, not closed yet, or unchanged (409)."""

    status = 409
    code = "wrong_state"


def user_may_close(user: User, unit: Unit) -> bool:
    """Return whether `user` may close or restate the periods of `unit` (agency head or PAR officer, or above)."""
    return user.is_active and user_has_role(user, CLOSING_ROLES, unit=unit)


def _allowed(user: User, unit: Unit) -> None:
    if not user_may_close(user, unit):
        raise PeriodNotAllowed(
            f"Chỉ lãnh đạo cơ quan hoặc cán bộ CCHC của {unit.name} được khóa sổ, điều chỉnh số liệu / "
            "only an agency head or a PAR officer of the unit may close or restate a period"
        )


def _period(kind: str, start: date) -> Period:
    try:
        return period_of(kind, start)
    except PeriodInvalid as error:
        raise PeriodError(str(error)) from None


@contextmanager
def _consistent_read() -> Iterator[None]:
    """Open the transaction of a closing: on PostgreSQL, one snapshot of the data for every query in it."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _content(unit: Unit, period: Period) -> dict[str, Any]:
    try:
        return snapshot_content(unit=unit, period=period)
    except (PeriodInvalid, ReportError) as error:
        raise PeriodError(str(error)) from None


def _store(
    *, unit: Unit, period: Period, data: dict[str, Any], version: int, user: User, **audit: Any
) -> PeriodSnapshot:
    """Insert one version; a concurrent closing of the same version loses on the unique constraint."""
    try:
        with transaction.atomic():
            return PeriodSnapshot.objects.create(
                unit=unit,
                kind=period.kind,
                scheme=period.scheme,
                date_from=period.date_from,
                date_to=period.date_to,
                version=version,
                content=content_text(data),
                content_hash=content_hash(data),
                created_by=user,
                created_at=timezone.now(),
                **audit,
            )
    except IntegrityError:
        raise PeriodWrongState(
            f"{period.label} của {unit.name} vừa được người khác khóa sổ hoặc điều chỉnh, hãy tải lại / "
            "someone else closed or restated this period meanwhile"
        ) from None


def period_close(*, unit: Unit, kind: str, start: date, user: User) -> PeriodSnapshot:
    """Close the month or quarter of `unit` that starts on `start`: freeze its report, read at its end, as version 1."""
    period = _period(kind, start)
    _allowed(user, unit)
    if not period.has_ended(timezone.localdate()):
        raise PeriodWrongState(
            f"{period.label} ({period.dates}) chưa kết thúc, chỉ khóa sổ được sau ngày {period.date_to:%d/%m/%Y} / "
            "the period has not ended yet"
        )
    with _consistent_read():
        latest = period_snapshot_latest(unit=unit, kind=period.kind, date_from=period.date_from)
        if latest is not None:
            raise PeriodWrongState(
                f"{period.label} của {unit.name} đã khóa sổ (phiên bản {latest.version}); "
                "muốn sửa số liệu thì điều chỉnh có lý do / the period is already closed: restate it with a reason"
            )
        data = _content(unit, period)
        return _store(unit=unit, period=period, data=data, version=1, user=user)


def period_restate(*, unit: Unit, kind: str, start: date, user: User, reason: str) -> PeriodSnapshot:
    """Recompute a closed period; store version n + 1 with `reason` and every changed figure, refuse if none changed."""
    period = _period(kind, start)
    _allowed(user, unit)
    reason = reason.strip()
    if not reason:
        raise PeriodError("Cần nêu lý do điều chỉnh số liệu / a restatement needs a reason")
    with _consistent_read():
        latest = period_snapshot_latest(unit=unit, kind=period.kind, date_from=period.date_from)
        if latest is None:
            raise PeriodWrongState(
                f"{period.label} của {unit.name} chưa khóa sổ nên chưa điều chỉnh được / the period is not closed"
            )
        data = _content(unit, period)
        differences = report_differences(snapshot_data(latest), data)
        if not differences:
            raise PeriodWrongState(
                f"Số liệu tính lại của {period.label} khớp với phiên bản {latest.version}, không có gì để điều chỉnh / "
                "nothing to restate: the recomputed figures equal the closed ones"
            )
        return _store(
            unit=unit,
            period=period,
            data=data,
            version=latest.version + 1,
            user=user,
            reason=reason,
            differences=differences,
        )
