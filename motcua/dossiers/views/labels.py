"""Vietnamese labels of what the dossier pages show: events, due statuses, documents, step results."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.selectors import DUE_CSS, DUE_SOON, IN_TIME, OVERDUE
from motcua.dossiers.states import State

EVENT_LABELS: dict[str, str | Promise] = {
    "submitted": _("Nộp hồ sơ"),
    "accepted": _("Tiếp nhận hồ sơ"),
    "completion_requested": _("Yêu cầu hoàn thiện hồ sơ"),
    "resubmitted": _("Nộp lại hồ sơ đã hoàn thiện"),
    "refused": _("Từ chối tiếp nhận"),
    "transferred": _("Chuyển cơ quan giải quyết"),
    "assigned": _("Phân công xử lý"),
    "forwarded": _("Chuyển bước tiếp theo"),
    "returned_to_step": _("Trả lại bước trước"),
    "consultation_requested": _("Xin ý kiến cơ quan phối hợp"),
    "consultation_replied": _("Trả lời xin ý kiến"),
    "supplement_requested": _("Yêu cầu bổ sung hồ sơ"),
    "supplement_received": _("Nhận hồ sơ bổ sung"),
    "payment_requested": _("Yêu cầu thực hiện nghĩa vụ tài chính"),
    "payment_recorded": _("Đã thực hiện nghĩa vụ tài chính"),
    "apology_drafted": _("Soạn văn bản xin lỗi"),
    "apology_approved": _("Duyệt văn bản xin lỗi, hẹn lại"),
    "withdrawal_requested": _("Yêu cầu rút hồ sơ"),
    "stopped": _("Dừng giải quyết"),
    "decided": _("Có kết quả giải quyết"),
    "delivered": _("Trả kết quả"),
    "imported": _("Nhập từ hệ thống cũ"),
    "rating_recorded": _("Người dân đánh giá mức độ hài lòng"),
    "rating_replaced": _("Người dân thay đổi đánh giá"),
    "rating_follow_up_closed": _("Ghi nhận kết quả xử lý đánh giá không hài lòng"),
}

STATUS_LABELS: dict[str, str | Promise] = {
    OVERDUE: _("Quá hạn"),
    DUE_SOON: _("Sắp đến hạn"),
    IN_TIME: _("Trong hạn"),
}

DOCUMENTS: dict[str, str | Promise] = {
    "receipt": _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "completion_request": _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "refusal": _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    "apology": _("Văn bản xin lỗi và hẹn lại ngày trả kết quả"),
    "control_slip": _("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    "stop_notice": _("Thông báo dừng giải quyết hồ sơ"),
}

# Which event makes which document printable.
_DOCUMENT_EVENTS = {
    "accepted": ("receipt", "control_slip"),
    "completion_requested": ("completion_request",),
    "supplement_requested": ("completion_request",),
    "refused": ("refusal",),
    "apology_approved": ("apology",),
    "stopped": ("stop_notice",),
}


def documents_of(dossier: Dossier, events: Iterable[DossierEvent]) -> list[str]:
    """Return the kinds of the documents the dossier's history produced, in the order of DOCUMENTS."""
    kinds = {kind for event in events for kind in _DOCUMENT_EVENTS.get(event.type, ())}
    if dossier.state == State.REFUSED_AT_RECEPTION:
        kinds.add("refusal")
    return [kind for kind in DOCUMENTS if kind in kinds]


def step_result(step: DossierStep, open_status: str) -> tuple[str, str | Promise]:
    """Return (CSS key, label) of a step on the control slip: early, on time or late; or its due status if open."""
    if step.finished_at is None:
        return DUE_CSS[open_status], STATUS_LABELS[open_status]
    if step.finished_at > step.due_at:
        return "late", _("Quá hạn")
    if timezone.localdate(step.finished_at) < timezone.localdate(step.due_at):  # as the printed slip (ST-2)
        return "early", _("Trước hạn")
    return "on-time", _("Đúng hạn")
