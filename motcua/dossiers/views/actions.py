"""The actions a dossier page offers: which form, in which states, for which roles, calling which service."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import User
from motcua.dossiers import forms, services
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import DossierAccess
from motcua.dossiers.states import State

S = State
CLOSING_OPEN = frozenset({S.ACCEPTED, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT})
APOLOGY_STATES = frozenset({S.ACCEPTED, S.IN_PROCESS, S.AWAITING_PAYMENT})
STOP_STATES = frozenset({S.WITHDRAWAL_REQUESTED, S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT})


def _reception(a: DossierAccess) -> bool:
    return a.reception


def _processing(a: DossierAccess) -> bool:
    return a.processing or a.head


def _head(a: DossierAccess) -> bool:
    return a.head


def _agency_head(a: DossierAccess) -> bool:
    return a.agency_head


def _anyone(a: DossierAccess) -> bool:
    return a.reception or a.processing or a.head


def _always(d: Dossier) -> bool:
    return True


def _open_step(d: Dossier) -> bool:
    return d.current_step is not None and d.current_step.finished_at is None


def _consulting(d: Dossier) -> bool:
    return _open_step(d) and bool(d.current_step and d.current_step.is_consultation)


def _apology(d: Dossier) -> Any:
    return getattr(d, "apology", None)  # the reverse one-to-one raises an AttributeError when there is none


def _apology_open(d: Dossier) -> bool:
    apology = _apology(d)
    return apology is None or apology.approved_at is None  # a draft may be corrected until approved


def _apology_to_approve(d: Dossier) -> bool:
    apology = _apology(d)
    return apology is not None and apology.approved_at is None


Perform = Callable[[Dossier, User, Any], object]


@dataclass(frozen=True)
class Action:
    """One action of the dossier page; `perform` receives the dossier, the user and the valid form."""

    name: str
    label: str | Promise
    button: str | Promise
    form: type[forms.DossierActionForm]
    states: frozenset[str]
    allowed: Callable[[DossierAccess], bool]
    perform: Perform
    done: str | Promise
    applies: Callable[[Dossier], bool] = _always
    document: str = ""  # the PDF to print afterwards
    multipart: bool = False

    def offered(self, dossier: Dossier, access: DossierAccess) -> bool:
        """Return whether the page offers this action for the dossier's state and the user's roles."""
        return dossier.state in self.states and self.allowed(access) and self.applies(dossier)


def _data(form: Any) -> dict[str, Any]:
    return dict(form.cleaned_data)


ACTION_LIST = [
    Action(
        "accept",
        _("Tiếp nhận hồ sơ"),
        _("Tiếp nhận"),
        forms.ComponentsForm,
        frozenset({S.SUBMITTED, S.RETURNED_FOR_COMPLETION}),
        _reception,
        lambda d, u, f: services.dossier_accept(code=d.code, actor=u, components=f.component_list()),
        _("Đã tiếp nhận hồ sơ."),
        document="receipt",
    ),
    Action(
        "request_completion",
        _("Yêu cầu hoàn thiện hồ sơ"),
        _("Yêu cầu hoàn thiện"),
        forms.MissingForm,
        frozenset({S.SUBMITTED}),
        _reception,
        lambda d, u, f: services.dossier_request_completion(
            code=d.code, actor=u, missing=f.missing_lines(), note=f.cleaned_data["note"]
        ),
        _("Đã lập phiếu yêu cầu hoàn thiện hồ sơ."),
        document="completion_request",
    ),
    Action(
        "resubmit",
        _("Nhận hồ sơ đã hoàn thiện"),
        _("Ghi nhận nộp lại"),
        forms.ComponentsForm,
        frozenset({S.RETURNED_FOR_COMPLETION}),
        _reception,
        lambda d, u, f: services.dossier_resubmit(code=d.code, actor=u, components=f.component_list()),
        _("Đã ghi nhận hồ sơ nộp lại."),
    ),
    Action(
        "refuse",
        _("Từ chối tiếp nhận"),
        _("Từ chối tiếp nhận"),
        forms.ReasonsForm,
        frozenset({S.SUBMITTED, S.RETURNED_FOR_COMPLETION}),
        _reception,
        lambda d, u, f: services.dossier_refuse(code=d.code, actor=u, reasons=f.reason_lines()),
        _("Đã lập phiếu từ chối tiếp nhận."),
        document="refusal",
    ),
    Action(
        "transfer",
        _("Chuyển hồ sơ đến cơ quan giải quyết"),
        _("Chuyển xử lý"),
        forms.EmptyForm,
        frozenset({S.ACCEPTED}),
        lambda a: a.reception or a.head,
        lambda d, u, f: services.dossier_transfer(code=d.code, actor=u),
        _("Đã chuyển hồ sơ đến bước xử lý tiếp theo."),
    ),
    Action(
        "assign",
        _("Phân công xử lý"),
        _("Phân công"),
        forms.AssignForm,
        frozenset({S.IN_PROCESS, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}),
        _head,
        lambda d, u, f: services.dossier_assign(code=d.code, actor=u, assignee=f.cleaned_data["assignee"]),
        _("Đã phân công xử lý."),
        applies=_open_step,
    ),
    Action(
        "forward",
        _("Hoàn thành bước, chuyển bước tiếp theo"),
        _("Chuyển bước tiếp theo"),
        forms.NoteForm,
        frozenset({S.IN_PROCESS}),
        _processing,
        lambda d, u, f: services.dossier_forward(code=d.code, actor=u, note=f.cleaned_data["note"]),
        _("Đã chuyển bước tiếp theo."),
        applies=lambda d: _open_step(d) and not _consulting(d),
    ),
    Action(
        "return_step",
        _("Trả lại bước trước"),
        _("Trả lại"),
        forms.ReturnStepForm,
        frozenset({S.IN_PROCESS}),
        _processing,
        lambda d, u, f: services.dossier_return_step(
            code=d.code, actor=u, to_order=f.cleaned_data["to_order"], note=f.cleaned_data["note"]
        ),
        _("Đã trả hồ sơ về bước trước."),
        applies=lambda d: _open_step(d) and bool(d.current_step and d.current_step.order > 2),
    ),
    Action(
        "consult",
        _("Lấy ý kiến cơ quan phối hợp"),
        _("Gửi xin ý kiến"),
        forms.ConsultForm,
        frozenset({S.IN_PROCESS}),
        _processing,
        lambda d, u, f: services.dossier_consult(
            code=d.code,
            actor=u,
            unit=f.cleaned_data["unit"],
            note=f.cleaned_data["note"],
            quota_days=f.cleaned_data["quota_days"],
        ),
        _("Đã gửi xin ý kiến."),
        applies=lambda d: _open_step(d) and not _consulting(d),
    ),
    Action(
        "consult_reply",
        _("Trả lời xin ý kiến"),
        _("Gửi ý kiến"),
        forms.RequiredNoteForm,
        frozenset({S.IN_PROCESS}),
        _processing,
        lambda d, u, f: services.dossier_consult_reply(code=d.code, actor=u, note=f.cleaned_data["note"]),
        _("Đã gửi ý kiến."),
        applies=_consulting,
    ),
    Action(
        "request_supplement",
        _("Yêu cầu bổ sung hồ sơ"),
        _("Yêu cầu bổ sung"),
        forms.MissingForm,
        frozenset({S.IN_PROCESS}),
        _processing,
        lambda d, u, f: services.dossier_request_supplement(
            code=d.code, actor=u, missing=f.missing_lines(), note=f.cleaned_data["note"]
        ),
        _("Đã yêu cầu bổ sung hồ sơ; thời hạn tạm dừng."),
        document="completion_request",
    ),
    Action(
        "receive_supplement",
        _("Nhận hồ sơ bổ sung"),
        _("Nhận bổ sung"),
        forms.ComponentsForm,
        frozenset({S.SUPPLEMENT_REQUESTED}),
        lambda a: a.reception or a.processing,
        lambda d, u, f: services.dossier_receive_supplement(code=d.code, actor=u, components=f.component_list()),
        _("Đã nhận hồ sơ bổ sung; thời hạn tiếp tục."),
    ),
    Action(
        "request_payment",
        _("Yêu cầu thực hiện nghĩa vụ tài chính"),
        _("Yêu cầu nộp"),
        forms.PaymentRequestForm,
        frozenset({S.IN_PROCESS}),
        _processing,
        lambda d, u, f: services.dossier_request_payment(
            code=d.code, actor=u, amount=f.cleaned_data["amount"], note=f.cleaned_data["note"]
        ),
        _("Đã yêu cầu thực hiện nghĩa vụ tài chính."),
    ),
    Action(
        "record_payment",
        _("Ghi nhận đã nộp nghĩa vụ tài chính"),
        _("Ghi nhận đã nộp"),
        forms.PaymentRecordForm,
        frozenset({S.AWAITING_PAYMENT}),
        lambda a: a.reception or a.processing,
        lambda d, u, f: services.dossier_record_payment(code=d.code, actor=u, reference=f.cleaned_data["reference"]),
        _("Đã ghi nhận nghĩa vụ tài chính."),
    ),
    Action(
        "draft_apology",
        _("Soạn văn bản xin lỗi, hẹn lại"),
        _("Lưu dự thảo"),
        forms.ApologyDraftForm,
        APOLOGY_STATES,
        _anyone,
        lambda d, u, f: services.dossier_draft_apology(code=d.code, actor=u, **_data(f)),
        _("Đã soạn văn bản xin lỗi; chờ lãnh đạo cơ quan duyệt."),
        applies=_apology_open,
    ),
    Action(
        "approve_apology",
        _("Duyệt văn bản xin lỗi, hẹn lại"),
        _("Duyệt và hẹn lại"),
        forms.EmptyForm,
        APOLOGY_STATES,
        _agency_head,
        lambda d, u, f: services.dossier_approve_apology(code=d.code, actor=u),
        _("Đã duyệt văn bản xin lỗi; ngày hẹn trả đã được cập nhật."),
        applies=_apology_to_approve,
        document="apology",
    ),
    Action(
        "request_withdrawal",
        _("Ghi nhận yêu cầu rút hồ sơ"),
        _("Ghi nhận rút hồ sơ"),
        forms.ReasonForm,
        CLOSING_OPEN,
        _reception,
        lambda d, u, f: services.dossier_request_withdrawal(code=d.code, actor=u, reason=f.cleaned_data["reason"]),
        _("Đã ghi nhận yêu cầu rút hồ sơ."),
    ),
    Action(
        "stop",
        _("Dừng giải quyết hồ sơ"),
        _("Dừng giải quyết"),
        forms.ReasonForm,
        STOP_STATES,
        _head,
        lambda d, u, f: services.dossier_stop(code=d.code, actor=u, reason=f.cleaned_data["reason"]),
        _("Đã dừng giải quyết hồ sơ."),
        document="stop_notice",
    ),
    Action(
        "decide",
        _("Kết quả giải quyết"),
        _("Ghi nhận kết quả"),
        forms.DecideForm,
        frozenset({S.IN_PROCESS, S.ACCEPTED}),
        _processing,
        lambda d, u, f: services.dossier_decide(code=d.code, actor=u, **_data(f)),
        _("Đã ghi nhận kết quả giải quyết; hồ sơ chờ trả kết quả."),
        applies=lambda d: not _consulting(d) and (d.state == S.IN_PROCESS or d.procedure_version.handled_at_counter),
        multipart=True,
    ),
    Action(
        "deliver",
        _("Trả kết quả"),
        _("Trả kết quả"),
        forms.DeliverForm,
        frozenset({S.DONE}),
        _reception,
        lambda d, u, f: services.dossier_deliver(
            code=d.code, actor=u, method=f.cleaned_data["method"], note=f.cleaned_data["note"]
        ),
        _("Đã trả kết quả."),
    ),
]
ACTIONS: dict[str, Action] = {action.name: action for action in ACTION_LIST}
