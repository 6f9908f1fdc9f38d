"""`/api/v1/dossiers`: create and submit, list, detail with timeline, and one POST per transition.

Every action goes through `motcua.dossiers.services` (the same services the back office calls)
after the access check of `dossier_get_for_user`; a wrong state is 409, outside the caller's units
403, an unknown code 404 and invalid input 422.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from motcua.accounts.models import Unit, User
from motcua.accounts.selectors import visible_unit_ids
from motcua.api.auth import request_user
from motcua.api.errors import ApiError
from motcua.api.schemas import ErrorOut
from motcua.api.schemas_dossiers import (
    ApologyDraftIn,
    AssignIn,
    ComponentIn,
    ComponentsIn,
    ConsultIn,
    DecideIn,
    DeliverIn,
    DossierCreateIn,
    DossierDetailOut,
    DossierFilter,
    DossierOut,
    MissingIn,
    NoteIn,
    PaymentRecordIn,
    PaymentRequestIn,
    ReasonIn,
    ReasonsIn,
    RequiredNoteIn,
    ReturnStepIn,
)
from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.selectors import in_force
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierStep
from motcua.dossiers.rules import Applicant
from motcua.dossiers.selectors import LIST_RELATED, dossier_get_for_user, dossier_list
from motcua.dossiers.states import Channel

router = Router(tags=["dossiers"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ACTION_RESPONSES: dict[int, Any] = {200: DossierDetailOut, **ERRORS}
CHANNELS = {"online": Channel.ONLINE, "postal": Channel.POSTAL}


# --- lookups -----------------------------------------------------------------------------------


def _unit(code: str) -> Unit:
    """Return the unit with `code`; raise a 422 when there is none."""
    unit = Unit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise ApiError(422, "unknown_unit", _("Mã đơn vị không tồn tại / unknown unit code") + f": {code}")
    return unit


def _version_in_force(code: str) -> ProcedureVersion:
    """Return the version of procedure `code` in force today; raise a 422 when there is none."""
    version = (
        ProcedureVersion.objects.filter(in_force(), procedure__code=code.strip())
        .select_related("competent_unit")
        .first()
    )
    if version is not None:
        return version
    if Procedure.objects.filter(code=code.strip()).exists():
        raise ApiError(
            422, "no_version_in_force", _("Thủ tục không có phiên bản hiệu lực hôm nay / no version in force today")
        )
    raise ApiError(422, "unknown_procedure", _("Mã thủ tục không tồn tại / unknown procedure code") + f": {code}")


def _user(username: str) -> User:
    """Return the active user `username`; raise a 422 when there is none."""
    user = User.objects.filter(username=username.strip(), is_active=True).first()
    if user is None:
        raise ApiError(422, "unknown_user", _("Người dùng không tồn tại / unknown user") + f": {username}")
    return user


def _visible(request: HttpRequest, code: str) -> Dossier:
    """Return dossier `code` if the caller may see it: 404 when unknown, 403 outside the caller's units."""
    try:
        return dossier_get_for_user(user=request_user(request), code=code)
    except Dossier.DoesNotExist:
        raise Http404(_("Mã hồ sơ không tồn tại / unknown dossier code")) from None


def _fetch(code: str) -> Dossier:
    """Return the dossier with what its detail shows (after an action the caller was allowed to do)."""
    return Dossier.objects.select_related(*LIST_RELATED, "apology").get(code=code)


def _components(items: list[ComponentIn] | ComponentsIn | None) -> list[services.Component]:
    """Return the service's components for the documents of a body (none when the body is empty)."""
    if items is None or isinstance(items, ComponentsIn):
        items = items.components if items else []
    return [services.Component(name=item.name.strip(), form=item.form.value, quantity=item.quantity) for item in items]


def _run(request: HttpRequest, code: str, action: Callable[..., Any], **arguments: Any) -> Dossier:
    """Run the service `action` on `code` as the caller and return the fresh dossier."""
    action(code=code, actor=request_user(request), **arguments)
    return _fetch(code)


def _act(request: HttpRequest, code: str, action: Callable[..., Any], **arguments: Any) -> Dossier:
    """Check access to `code`, then run the service `action` as the caller."""
    _visible(request, code)
    return _run(request, code, action, **arguments)


# --- resource ----------------------------------------------------------------------------------


@router.post(
    "/dossiers",
    response={201: DossierDetailOut, **ERRORS},
    summary="Nộp hồ sơ trực tuyến hoặc qua bưu chính / create and submit a dossier",
)
def dossiers_create(request: HttpRequest, payload: DossierCreateIn) -> Status[Dossier]:
    """Register a dossier submitted online or by post (state 1, code issued); the caller must belong to the unit."""
    user = request_user(request)
    version = _version_in_force(payload.procedure)
    receiving_unit = _unit(payload.receiving_unit)
    reception_point = _unit(payload.reception_point) if payload.reception_point.strip() else receiving_unit
    if receiving_unit.pk not in visible_unit_ids(user):
        raise PermissionDenied(_("Đơn vị tiếp nhận nằm ngoài phạm vi của bạn / the unit is outside your units"))
    applicant = payload.applicant.model_dump()
    dossier = services.dossier_submit(
        version=version,
        receiving_unit=receiving_unit,
        reception_point=reception_point,
        channel=CHANNELS[payload.channel],
        applicant=Applicant(**{**applicant, "kind": payload.applicant.kind.value}),
        components=_components(payload.components),
        subject=payload.subject.strip(),
        actor=user,
    )
    return Status(201, _fetch(dossier.code))


@router.get(
    "/dossiers",
    response={200: list[DossierOut], 401: ErrorOut, 422: ErrorOut},
    summary="Danh sách hồ sơ / list dossiers",
)
@paginate(PageNumberPagination, page_size=25)
def dossiers_list(request: HttpRequest, filters: Query[DossierFilter]) -> QuerySet[Dossier]:
    """List the dossiers of the caller's units by current appointment; phones and ID numbers are masked."""
    if filters.unit.strip():
        _unit(filters.unit)
    if filters.due_from and filters.due_to and filters.due_from > filters.due_to:
        raise ApiError(422, "invalid_request", _("due_from sau due_to / due_from is after due_to"))
    return dossier_list(
        user=request_user(request),
        state=filters.state.value if filters.state else None,
        unit_code=filters.unit.strip() or None,
        procedure_code=filters.procedure.strip() or None,
        due_from=filters.due_from,
        due_to=filters.due_to,
        query=filters.q,
    )


@router.get(
    "/dossiers/{code}",
    response={200: DossierDetailOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Chi tiết hồ sơ và lịch sử / one dossier with its timeline",
)
def dossiers_detail(request: HttpRequest, code: str) -> Dossier:
    """Return one dossier with applicant details, steps, pauses, apology and its event timeline."""
    return _visible(request, code)


# --- reception -----------------------------------------------------------------------------------


@router.post("/dossiers/{code}/accept", response=ACTION_RESPONSES, summary="Tiếp nhận / accept")
def dossiers_accept(request: HttpRequest, code: str, payload: ComponentsIn | None = None) -> Dossier:
    """Accept a submitted dossier: code confirmed, appointment computed, receipt (Form 01)."""
    return _act(request, code, services.dossier_accept, components=_components(payload))


@router.post(
    "/dossiers/{code}/request-completion",
    response=ACTION_RESPONSES,
    summary="Yêu cầu hoàn thiện trước tiếp nhận / request completion (Form 02)",
)
def dossiers_request_completion(request: HttpRequest, code: str, payload: MissingIn) -> Dossier:
    """Return a submitted dossier for completion, once, with the full list of what is missing."""
    return _act(request, code, services.dossier_request_completion, missing=payload.missing, note=payload.note)


@router.post("/dossiers/{code}/resubmit", response=ACTION_RESPONSES, summary="Nộp lại / resubmit")
def dossiers_resubmit(request: HttpRequest, code: str, payload: ComponentsIn | None = None) -> Dossier:
    """Record the completed dossier handed in again (back to state 1)."""
    return _act(request, code, services.dossier_resubmit, components=_components(payload))


@router.post("/dossiers/{code}/refuse", response=ACTION_RESPONSES, summary="Từ chối tiếp nhận / refuse (Form 03)")
def dossiers_refuse(request: HttpRequest, code: str, payload: ReasonsIn) -> Dossier:
    """Refuse a submitted dossier at reception, with reasons."""
    return _act(request, code, services.dossier_refuse, reasons=payload.reasons)


# --- processing ----------------------------------------------------------------------------------


@router.post("/dossiers/{code}/transfer", response=ACTION_RESPONSES, summary="Chuyển xử lý / transfer")
def dossiers_transfer(request: HttpRequest, code: str) -> Dossier:
    """Transfer an accepted dossier to the competent agency (opens the next step)."""
    return _act(request, code, services.dossier_transfer)


@router.post("/dossiers/{code}/assign", response=ACTION_RESPONSES, summary="Phân công / assign or reassign")
def dossiers_assign(request: HttpRequest, code: str, payload: AssignIn) -> Dossier:
    """Assign the open step to an officer (by username)."""
    _visible(request, code)
    return _run(request, code, services.dossier_assign, assignee=_user(payload.assignee))


@router.post("/dossiers/{code}/forward", response=ACTION_RESPONSES, summary="Chuyển bước tiếp / forward")
def dossiers_forward(request: HttpRequest, code: str, payload: NoteIn | None = None) -> Dossier:
    """Finish the open step and open the next one."""
    return _act(request, code, services.dossier_forward, note=payload.note if payload else "")


@router.post("/dossiers/{code}/return-step", response=ACTION_RESPONSES, summary="Trả lại bước trước / return")
def dossiers_return_step(request: HttpRequest, code: str, payload: ReturnStepIn) -> Dossier:
    """Send the dossier back to an earlier step."""
    return _act(request, code, services.dossier_return_step, to_order=payload.to_order, note=payload.note)


@router.post("/dossiers/{code}/consult", response=ACTION_RESPONSES, summary="Lấy ý kiến liên thông / consult")
def dossiers_consult(request: HttpRequest, code: str, payload: ConsultIn) -> Dossier:
    """Open a consultation step at another unit with a reply quota in working days."""
    _visible(request, code)
    return _run(
        request,
        code,
        services.dossier_consult,
        unit=_unit(payload.unit),
        note=payload.note,
        quota_days=payload.quota_days,
    )


@router.post(
    "/dossiers/{code}/consult-reply", response=ACTION_RESPONSES, summary="Trả lời lấy ý kiến / consultation reply"
)
def dossiers_consult_reply(request: HttpRequest, code: str, payload: RequiredNoteIn) -> Dossier:
    """Record the consulted unit's reply and close its step."""
    return _act(request, code, services.dossier_consult_reply, note=payload.note)


@router.post(
    "/dossiers/{code}/request-supplement",
    response=ACTION_RESPONSES,
    summary="Yêu cầu bổ sung / request a supplement (Form 02)",
)
def dossiers_request_supplement(request: HttpRequest, code: str, payload: MissingIn) -> Dossier:
    """Ask the applicant for a supplement during processing; the clock pauses (or restarts) per the procedure."""
    return _act(request, code, services.dossier_request_supplement, missing=payload.missing, note=payload.note)


@router.post(
    "/dossiers/{code}/receive-supplement", response=ACTION_RESPONSES, summary="Nhận bổ sung / supplement received"
)
def dossiers_receive_supplement(request: HttpRequest, code: str, payload: ComponentsIn | None = None) -> Dossier:
    """Record the supplement; processing resumes and the appointment moves per the clock rule."""
    return _act(
        request,
        code,
        services.dossier_receive_supplement,
        components=_components(payload),
    )


@router.post(
    "/dossiers/{code}/request-payment",
    response=ACTION_RESPONSES,
    summary="Yêu cầu nghĩa vụ tài chính / request payment",
)
def dossiers_request_payment(request: HttpRequest, code: str, payload: PaymentRequestIn) -> Dossier:
    """Ask the applicant to pay the financial obligation (state 6)."""
    return _act(request, code, services.dossier_request_payment, amount=payload.amount, note=payload.note)


@router.post("/dossiers/{code}/record-payment", response=ACTION_RESPONSES, summary="Ghi nhận nộp tiền / payment")
def dossiers_record_payment(request: HttpRequest, code: str, payload: PaymentRecordIn) -> Dossier:
    """Record the payment; processing resumes."""
    return _act(request, code, services.dossier_record_payment, reference=payload.reference)


# --- closing -------------------------------------------------------------------------------------


def _step_by_order(code: str, order: int | None) -> DossierStep | None:
    """Return the latest step of dossier `code` with `order`; raise a 422 when there is none."""
    if order is None:
        return None
    step = DossierStep.objects.filter(dossier__code=code, order=order).order_by("-started_at", "-id").first()
    if step is None:
        raise ApiError(422, "unknown_step", _("Hồ sơ không có bước này / the dossier has no such step") + f": {order}")
    return step


@router.post(
    "/dossiers/{code}/draft-apology",
    response=ACTION_RESPONSES,
    summary="Soạn phiếu xin lỗi, hẹn lại / draft the apology (Form 04)",
)
def dossiers_draft_apology(request: HttpRequest, code: str, payload: ApologyDraftIn) -> Dossier:
    """Draft the apology letter with its cause, responsible unit and step, and the new appointment."""
    _visible(request, code)
    return _run(
        request,
        code,
        services.dossier_draft_apology,
        cause=payload.cause.value,
        reason=payload.reason,
        responsible_unit=_unit(payload.responsible_unit),
        new_appointment_at=payload.new_appointment_at,
        responsible_step=_step_by_order(code, payload.responsible_step),
    )


@router.post(
    "/dossiers/{code}/approve-apology",
    response=ACTION_RESPONSES,
    summary="Duyệt phiếu xin lỗi / approve the apology (agency head)",
)
def dossiers_approve_apology(request: HttpRequest, code: str) -> Dossier:
    """Approve the drafted apology: the current appointment moves, the original one is kept."""
    return _act(request, code, services.dossier_approve_apology)


@router.post("/dossiers/{code}/request-withdrawal", response=ACTION_RESPONSES, summary="Yêu cầu rút hồ sơ / withdrawal")
def dossiers_request_withdrawal(request: HttpRequest, code: str, payload: ReasonIn) -> Dossier:
    """Record the applicant's request to withdraw the dossier (state 7)."""
    return _act(request, code, services.dossier_request_withdrawal, reason=payload.reason)


@router.post("/dossiers/{code}/stop", response=ACTION_RESPONSES, summary="Dừng xử lý / stop (Form 05)")
def dossiers_stop(request: HttpRequest, code: str, payload: ReasonIn) -> Dossier:
    """Stop processing the dossier (state 8)."""
    return _act(request, code, services.dossier_stop, reason=payload.reason)


@router.post(
    "/dossiers/{code}/decide",
    response=ACTION_RESPONSES,
    summary="Quyết định giải quyết / decide",
    description=(
        "Ghi kết quả giải quyết hoặc văn bản từ chối (JSON). Tệp kết quả điện tử không tải lên qua API "
        "mà qua trang hồ sơ. / Record the result or the written refusal (JSON). Uploading the electronic "
        "result file is out of scope for the API; use the dossier page."
    ),
)
def dossiers_decide(request: HttpRequest, code: str, payload: DecideIn) -> Dossier:
    """Record the decision: the dossier is done and processing ends."""
    return _act(
        request,
        code,
        services.dossier_decide,
        outcome=payload.outcome.value,
        summary=payload.summary,
        result_code=payload.result_code.strip(),
    )


@router.post("/dossiers/{code}/deliver", response=ACTION_RESPONSES, summary="Trả kết quả / deliver the result")
def dossiers_deliver(request: HttpRequest, code: str, payload: DeliverIn) -> Dossier:
    """Record that the result was handed over at the counter, posted or delivered electronically."""
    return _act(request, code, services.dossier_deliver, method=payload.method.value, note=payload.note)
