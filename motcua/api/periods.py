"""`/api/v1/reports/periods`: closed periods (kỳ đã khóa sổ) of a unit, one version, closing and restating.

Reading needs the unit among the caller's units (403), known (404). Closing and restating go through
`reports.snapshots` with the caller as the user: agency head or PAR officer over the unit (403), a
period not over, already closed or unchanged (409), a bad period or a missing reason (422).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from motcua.accounts.selectors import visible_unit_ids
from motcua.api.auth import request_user, visible_unit
from motcua.api.errors import ApiError
from motcua.api.schemas import ErrorOut
from motcua.api.schemas_periods import (
    PeriodIn,
    PeriodListFilter,
    PeriodRestateIn,
    SnapshotDetailOut,
    SnapshotOut,
)
from motcua.reports import snapshots
from motcua.reports.models import PeriodSnapshot
from motcua.reports.periods import period_history, period_of, snapshot_data, snapshot_verify

router = Router(tags=["reports"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _out(snapshot: PeriodSnapshot) -> dict[str, Any]:
    return {
        "id": snapshot.pk,
        "unit_code": snapshot.unit.code,
        "unit_name": snapshot.unit.name,
        "kind": snapshot.kind,
        "scheme": snapshot.scheme,
        "label": period_of(snapshot.kind, snapshot.date_from).label,
        "date_from": snapshot.date_from,
        "date_to": snapshot.date_to,
        "version": snapshot.version,
        "created_at": snapshot.created_at,
        "created_by": snapshot.created_by.username,
        "reason": snapshot.reason,
        "content_hash": snapshot.content_hash,
    }


def _detail(snapshot: PeriodSnapshot) -> dict[str, Any]:
    versions = period_history(unit=snapshot.unit, kind=snapshot.kind, date_from=snapshot.date_from)
    return {
        **_out(snapshot),
        "verified": snapshot_verify(snapshot),
        "differences": snapshot.differences,
        "versions": [
            {
                "id": version.pk,
                "version": version.version,
                "created_at": version.created_at,
                "created_by": version.created_by.username,
                "reason": version.reason,
            }
            for version in versions
        ],
        "content": snapshot_data(snapshot),
    }


@router.get(
    "/reports/periods",
    response={200: list[SnapshotOut], **ERRORS},
    summary="Các kỳ đã khóa sổ của một đơn vị / the closed periods of a unit",
)
@paginate(PageNumberPagination, page_size=100)
def reports_periods(request: HttpRequest, filters: Query[PeriodListFilter]) -> list[dict[str, Any]]:
    """List the closed periods of a unit, latest first, each as its current version."""
    unit = visible_unit(request, filters.unit)
    chosen = PeriodSnapshot.objects.filter(unit=unit).select_related("unit", "created_by")
    if filters.kind:
        chosen = chosen.filter(kind=filters.kind)
    latest: dict[tuple[str, Any], PeriodSnapshot] = {}
    for snapshot in chosen.order_by("-date_from", "kind", "version"):
        latest[(snapshot.kind, snapshot.date_from)] = snapshot  # ordered by version: the last one stays
    return [_out(snapshot) for snapshot in latest.values()]


@router.get(
    "/reports/periods/{int:snapshot_id}",
    response={200: SnapshotDetailOut, **ERRORS},
    summary="Một phiên bản số liệu đã khóa sổ / one version of a closed period",
)
def reports_period_snapshot(request: HttpRequest, snapshot_id: int) -> dict[str, Any]:
    """Return one version: who, when, why, its hash, its differences, the period's versions and the stored report."""
    snapshot = PeriodSnapshot.objects.select_related("unit", "created_by").filter(pk=snapshot_id).first()
    if snapshot is None:
        raise Http404(_("Không có phiên bản số liệu này / no such snapshot"))
    if snapshot.unit_id not in visible_unit_ids(request_user(request)):
        raise PermissionDenied(_("Đơn vị nằm ngoài phạm vi của bạn / the unit is outside your units"))
    return _detail(snapshot)


def _refused(error: snapshots.PeriodError) -> ApiError:
    return ApiError(error.status, error.code, error.message)


@router.post(
    "/reports/periods/close",
    response={201: SnapshotDetailOut, **ERRORS},
    summary="Khóa sổ một tháng, quý đã kết thúc / close a month or quarter",
)
def reports_period_close(request: HttpRequest, payload: PeriodIn) -> Status[dict[str, Any]]:
    """Close a period that is over: its report, read at its end, becomes version 1."""
    unit = visible_unit(request, payload.unit)
    try:
        snapshot = snapshots.period_close(
            unit=unit, kind=payload.kind.value, start=payload.start, user=request_user(request)
        )
    except snapshots.PeriodError as error:
        raise _refused(error) from error
    return Status(201, _detail(snapshot))


@router.post(
    "/reports/periods/restate",
    response={201: SnapshotDetailOut, **ERRORS},
    summary="Điều chỉnh số liệu kỳ đã khóa sổ / restate a closed period",
)
def reports_period_restate(request: HttpRequest, payload: PeriodRestateIn) -> Status[dict[str, Any]]:
    """Recompute a closed period and store version n + 1 with the reason and the differences (409 if unchanged)."""
    unit = visible_unit(request, payload.unit)
    try:
        snapshot = snapshots.period_restate(
            unit=unit,
            kind=payload.kind.value,
            start=payload.start,
            user=request_user(request),
            reason=payload.reason,
        )
    except snapshots.PeriodError as error:
        raise _refused(error) from error
    return Status(201, _detail(snapshot))
