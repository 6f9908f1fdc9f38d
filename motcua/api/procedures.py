"""`/api/v1/procedures` and `/api/v1/fields`: the procedure catalog (reference data every caller may read)."""

from datetime import date

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import PageNumberPagination, paginate

from motcua.accounts.models import Unit
from motcua.api.errors import ApiError
from motcua.api.schemas import (
    DateFilter,
    ErrorOut,
    FieldOut,
    ProcedureDetailOut,
    ProcedureFilter,
    ProcedureOut,
    VersionRef,
)
from motcua.catalog.models import Field, Procedure, ProcedureVersion
from motcua.catalog.selectors import procedure_search, procedure_version_detail, procedure_versions_of

router = Router(tags=["procedures"])


def _field_id(value: str) -> int | None:
    """Return the id of the field given by id or exact name; raise a 422 when there is none."""
    if not value:
        return None
    fields = Field.objects.filter(pk=int(value)) if value.isdigit() else Field.objects.filter(name__iexact=value)
    field_id = fields.values_list("id", flat=True).first()
    if field_id is None:
        raise ApiError(422, "unknown_field", _("Lĩnh vực không tồn tại / unknown field"))
    return field_id


def _unit_id(code: str) -> int | None:
    """Return the id of the unit with `code`; raise a 422 when there is none."""
    if not code:
        return None
    unit_id = Unit.objects.filter(code=code).values_list("id", flat=True).first()
    if unit_id is None:
        raise ApiError(422, "unknown_unit", _("Mã đơn vị không tồn tại / unknown unit code"))
    return unit_id


@router.get(
    "/procedures",
    response={200: list[ProcedureOut], 401: ErrorOut, 422: ErrorOut},
    summary="Tìm thủ tục / search procedures",
)
@paginate(PageNumberPagination, page_size=25)
def procedures_list(request: HttpRequest, filters: Query[ProcedureFilter]) -> QuerySet[ProcedureVersion]:
    """Search the versions in force (accent-insensitive) by text, field, unit, level and online level."""
    return procedure_search(
        query=filters.q,
        field_id=_field_id(filters.field.strip()),
        unit_id=_unit_id(filters.unit.strip()),
        level=filters.level.value if filters.level else "",
        online_level=filters.online_level.value if filters.online_level else "",
        on=filters.on,
    )


@router.get(
    "/procedures/{code}",
    response={200: ProcedureDetailOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Chi tiết thủ tục / one procedure",
)
def procedures_detail(request: HttpRequest, code: str, filters: Query[DateFilter]) -> ProcedureDetailOut:
    """Return the version of `code` in force (today or on `on`) with its components, fees, steps and versions."""
    version = procedure_version_detail(code, filters.on)
    if version is None:
        if Procedure.objects.filter(code=code).exists():
            raise ApiError(
                404, "no_version_in_force", _("Thủ tục không có phiên bản hiệu lực vào ngày này / no version in force")
            )
        raise Http404(_("Mã thủ tục không tồn tại / unknown procedure code"))
    detail = ProcedureDetailOut.from_orm(version)
    detail.versions = [
        VersionRef(name=v.name, valid_from=v.valid_from, valid_to=v.valid_to, in_force=v.pk == version.pk)
        for v in sorted(procedure_versions_of(code), key=lambda v: v.valid_from or date.min)
    ]
    return detail


@router.get("/fields", response={200: list[FieldOut], 401: ErrorOut}, summary="Danh sách lĩnh vực / list fields")
def fields_list(request: HttpRequest) -> QuerySet[Field]:
    """List every field (lĩnh vực) of the catalog."""
    return Field.objects.order_by("name")
