"""`/api/v1/units`: the units the caller may see."""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from motcua.accounts.models import Unit, UnitSuccession
from motcua.accounts.selectors import unit_list, visible_unit_ids
from motcua.api.auth import request_user
from motcua.api.schemas import ErrorOut, UnitDetailOut, UnitFilter, UnitOut

router = Router(tags=["units"])


@router.get(
    "/units",
    response={200: list[UnitOut], 401: ErrorOut, 422: ErrorOut},
    summary="Danh sách đơn vị / list units",
)
@paginate(PageNumberPagination, page_size=50)
def units_list(request: HttpRequest, filters: Query[UnitFilter]) -> QuerySet[Unit]:
    """List the units the caller may see, filtered by text, kind and validity date."""
    visible = visible_unit_ids(request_user(request))
    kind = filters.kind.value if filters.kind else ""
    return unit_list(query=filters.q.strip(), kind=kind, on=filters.on).filter(id__in=visible)


@router.get(
    "/units/{code}",
    response={200: UnitDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Chi tiết đơn vị / one unit",
)
def units_detail(request: HttpRequest, code: str) -> Unit:
    """Return one unit with its parent, children and succession links."""
    unit = (
        Unit.objects.select_related("parent")
        .prefetch_related(
            Prefetch("children", queryset=Unit.objects.order_by("code")),
            Prefetch("successions", queryset=UnitSuccession.objects.select_related("successor")),
            Prefetch("predecessions", queryset=UnitSuccession.objects.select_related("predecessor")),
        )
        .filter(code=code)
        .first()
    )
    if unit is None:
        raise Http404(_("Mã đơn vị không tồn tại / unknown unit code"))
    if unit.pk not in visible_unit_ids(request_user(request)):
        raise PermissionDenied(_("Đơn vị nằm ngoài phạm vi của bạn / the unit is outside your units"))
    return unit
