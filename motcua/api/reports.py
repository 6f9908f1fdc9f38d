"""`/api/v1/reports/...`: the period report, the dossiers behind any of its figures, and the Decision 766 index.

Every figure comes from `motcua.reports` (the same selectors the `report` command and the dashboards
call): `/reports/period` answers exactly the keys of `manage.py report --format json`. The unit must be
inside the caller's units (403), known (404); bad dates, a window ending before it starts, an unknown
measure or indicator are 422.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from motcua.api.auth import visible_unit
from motcua.api.errors import ApiError
from motcua.api.schemas import ErrorOut
from motcua.api.schemas_reports import (
    Index766Out,
    IndexItemsFilter,
    PeriodDossiersFilter,
    PeriodFilter,
    PeriodReportFilter,
    PeriodReportOut,
)
from motcua.reports.index766 import index766, index766_items
from motcua.reports.periods import period_report_json
from motcua.reports.selectors import ReportError, period_report_dossiers

router = Router(tags=["reports"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _as_of(value: datetime | None) -> datetime | None:
    """Return the as-of instant, an instant without offset read in Vietnam time (as the CLI does)."""
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value, timezone.get_default_timezone())


def _window(request: HttpRequest, filters: PeriodFilter) -> dict[str, Any]:
    """Return the unit and window arguments of the report selectors."""
    return {
        "unit": visible_unit(request, filters.unit),
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "as_of": _as_of(filters.as_of),
    }


def _invalid(error: ReportError) -> ApiError:
    return ApiError(422, "invalid_request", str(error))


@router.get(
    "/reports/period",
    response={200: PeriodReportOut, **ERRORS},
    exclude_unset=True,
    summary="Báo cáo kết quả giải quyết hồ sơ theo kỳ / period report",
)
def reports_period(request: HttpRequest, filters: Query[PeriodReportFilter]) -> dict[str, Any]:
    """Return the period report of a unit and its sub-tree: the keys of `manage.py report --format json`.

    A closed period answers its latest snapshot (`closed` true); `live=1` adds today's recomputation.
    """
    arguments = _window(request, filters)
    group_by = filters.group_by.value if filters.group_by else None
    try:
        return period_report_json(**arguments, group_by=group_by, live=filters.live)
    except ReportError as error:
        raise _invalid(error) from error


@router.get(
    "/reports/period/dossiers",
    response={200: list[str], **ERRORS},
    summary="Hồ sơ của một chỉ tiêu trong báo cáo / the dossiers behind a figure",
)
@paginate(PageNumberPagination, page_size=100)
def reports_period_dossiers(request: HttpRequest, filters: Query[PeriodDossiersFilter]) -> list[str]:
    """List the codes of the dossiers behind one figure of the period report (optionally of one row), sorted."""
    arguments = _window(request, filters)
    try:
        return period_report_dossiers(
            **arguments,
            measure=filters.measure,
            group_by=filters.group_by.value if filters.group_by else None,
            group=filters.group,
        )
    except ReportError as error:
        raise _invalid(error) from error


@router.get(
    "/reports/index766",
    response={200: Index766Out, **ERRORS},
    summary="Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) / Decision 766 index",
)
def reports_index766(request: HttpRequest, filters: Query[PeriodFilter]) -> dict[str, Any]:
    """Return the Decision 766 index of a unit and its sub-tree: groups, indicators, total and band."""
    arguments = _window(request, filters)
    try:
        return index766(**arguments).as_dict()
    except ReportError as error:
        raise _invalid(error) from error


@router.get(
    "/reports/index766/items",
    response={200: list[str], **ERRORS},
    summary="Hồ sơ, thủ tục của một chỉ số / the dossiers or procedures behind an indicator",
    description=(
        "Mã hồ sơ hoặc mã thủ tục (theo trường `drill` của chỉ số) của tử số hoặc mẫu số. / "
        "Dossier or procedure codes (per the indicator's `drill`) behind its numerator or denominator."
    ),
)
@paginate(PageNumberPagination, page_size=100)
def reports_index766_items(request: HttpRequest, filters: Query[IndexItemsFilter]) -> list[str]:
    """List the dossier or procedure codes behind one side of an indicator's ratio, sorted."""
    arguments = _window(request, filters)
    try:
        return index766_items(**arguments, code=filters.indicator.strip(), part=filters.part).codes
    except ReportError as error:
        raise _invalid(error) from error
