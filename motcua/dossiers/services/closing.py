"""Closing a dossier (DOMAIN.md §5.8–5.10): apology with re-appointment, withdrawal and stop, decision, return.

`dossier_decide` finishes whichever step is open ("decided"): the result (or the written refusal of
END-1) has reached the one-stop unit, processing ends (state 9) and no step stays open. The hand-over
to the applicant is the `delivered` event of `dossier_deliver` (state 10), not a step, so an
uncollected result never shows as an overdue step. A procedure handled at the counter (CAT-4) may be
decided straight after acceptance.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import Role, Unit, User
from motcua.accounts.selectors import user_has_role
from motcua.dossiers.models import Apology, ApologyCause, Dossier, DossierStep
from motcua.dossiers.services.core import (
    DossierError,
    NotAllowed,
    Notice,
    WrongState,
    iso,
    locked,
    now,
    record,
    require_state,
    required_text,
)
from motcua.dossiers.services.deadlines import calendar_of, lead_time_limit
from motcua.dossiers.services.steps import open_step, pause_close, step_finish_open
from motcua.dossiers.states import OPEN_STATES, Outcome, ReturnMethod, State

# States in which a re-appointment can still be drafted and approved (IN_PROCESS → IN_PROCESS, extended).
APOLOGY_STATES = frozenset({State.ACCEPTED, State.IN_PROCESS, State.AWAITING_PAYMENT})
# The agency stops after a withdrawal, or for lack of conditions while processing or waiting for the
# applicant (END-2; SUP-4 lets an unanswered supplement request end in a stop).
STOP_STATES = frozenset(
    {State.WITHDRAWAL_REQUESTED, State.IN_PROCESS, State.SUPPLEMENT_REQUESTED, State.AWAITING_PAYMENT}
)


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M ngày %d/%m/%Y}"


def _check_apology(
    dossier: Dossier, *, cause: str, new_appointment_at: datetime, responsible_step: DossierStep | None
) -> datetime:
    if cause not in ApologyCause.values:
        raise DossierError(f"Nhóm nguyên nhân “{cause}” không hợp lệ / unknown cause category")
    if timezone.is_naive(new_appointment_at):
        raise DossierError("Ngày hẹn mới thiếu múi giờ / the new appointment needs a time zone")
    current = dossier.current_appointment_at
    if current is None or new_appointment_at <= current:
        raise DossierError(
            f"Ngày hẹn mới phải sau ngày hẹn hiện tại ({_local(current) if current else '—'}) / "
            "the new appointment must be later than the current one"
        )
    if responsible_step is not None and responsible_step.dossier_id != dossier.pk:
        raise DossierError("Bước gây chậm không thuộc hồ sơ này / the responsible step belongs to another dossier")
    return current


@transaction.atomic
def dossier_draft_apology(
    *,
    code: str,
    actor: User,
    cause: str,
    reason: str,
    responsible_unit: Unit,
    new_appointment_at: datetime,
    responsible_step: DossierStep | None = None,
) -> Apology:
    """Draft the apology letter and re-appointment (Form 04); a draft may be corrected until it is approved."""
    dossier = locked(code)
    require_state(dossier, APOLOGY_STATES, "soạn phiếu xin lỗi và hẹn lại")
    reason = required_text(reason, what="lý do chậm trễ / the reason for the delay")
    current = _check_apology(
        dossier, cause=cause, new_appointment_at=new_appointment_at, responsible_step=responsible_step
    )
    apology = Apology.objects.filter(dossier=dossier).first()
    if apology is not None and apology.approved_at is not None:
        raise WrongState(
            f"Hồ sơ {dossier.code} đã có phiếu xin lỗi được duyệt; mỗi hồ sơ chỉ hẹn lại một lần / "
            "a dossier is re-appointed only once"
        )
    at = now()
    old_new = iso(apology.new_appointment_at) if apology else None
    apology = apology or Apology(dossier=dossier)
    apology.cause, apology.reason = cause, reason
    apology.responsible_unit, apology.responsible_step = responsible_unit, responsible_step
    apology.original_appointment_at = current
    apology.new_appointment_at = new_appointment_at
    apology.drafted_by, apology.drafted_at = actor, at
    apology.save()
    record(
        dossier,
        type="apology_drafted",
        actor=actor,
        at=at,
        from_state=dossier.state,
        data={
            "cause": cause,
            "reason": reason,
            "responsible_unit": responsible_unit.code,
            "responsible_step": responsible_step.order if responsible_step else None,
            "new_appointment_at": [old_new, iso(new_appointment_at)],
        },
    )
    return apology


def _check_approval(dossier: Dossier, apology: Apology, actor: User, at: datetime) -> None:
    heads = [Role.AGENCY_HEAD]
    # The competent agency's head signs; the one-stop unit's head when its staff were at fault (APO-4).
    if not (
        user_has_role(actor, heads, unit=dossier.competent_agency)
        or user_has_role(actor, heads, unit=apology.responsible_unit)
    ):
        raise NotAllowed("Chỉ lãnh đạo cơ quan được duyệt phiếu xin lỗi / only an agency head may approve an apology")
    current = dossier.current_appointment_at
    if current is None:  # accepted dossiers always have one (dossier_accepted_has_appointment)
        raise WrongState(f"Hồ sơ {dossier.code} chưa có ngày hẹn / the dossier has no appointment")
    lead = settings.DOSSIER_APOLOGY_LEAD_WORKING_DAYS
    limit = lead_time_limit(calendar_of(dossier.receiving_unit, at), current, lead)
    if at > limit:
        raise DossierError(
            f"Quá hạn xin lỗi: phải duyệt chậm nhất {_local(limit)}, {lead} ngày làm việc trước ngày hẹn / "
            f"too late: an apology is approved at least {lead} working day(s) before the appointment"
        )
    if apology.new_appointment_at <= current:
        raise DossierError(
            "Ngày hẹn mới không còn sau ngày hẹn hiện tại; hãy soạn lại / the new appointment is no longer later"
        )


@transaction.atomic
def dossier_approve_apology(*, code: str, actor: User) -> Apology:
    """Approve the apology (agency head, once, before the lead time): the current appointment moves (APO-2…8).

    `appointment_at` keeps the original appointment (ST-11); only `current_appointment_at` moves.
    """
    dossier = locked(code)
    require_state(dossier, APOLOGY_STATES, "duyệt phiếu xin lỗi và hẹn lại")
    apology = Apology.objects.filter(dossier=dossier).select_related("responsible_unit").first()
    if apology is None:
        raise WrongState(f"Hồ sơ {dossier.code} chưa có phiếu xin lỗi / no apology has been drafted")
    if apology.approved_at is not None:
        raise WrongState(
            f"Phiếu xin lỗi của hồ sơ {dossier.code} đã được duyệt; chỉ hẹn lại một lần / already approved once"
        )
    at = now()
    _check_approval(dossier, apology, actor, at)
    old = dossier.current_appointment_at
    apology.approved_by, apology.approved_at = actor, at
    apology.save(update_fields=["approved_by", "approved_at"])
    dossier.current_appointment_at = apology.new_appointment_at
    dossier.save()
    notice = Notice(
        subject=f"Hồ sơ {dossier.code}: xin lỗi và hẹn lại ngày trả kết quả",
        body=(
            f"Cơ quan giải quyết xin lỗi vì hồ sơ {dossier.code} ({dossier.procedure_version.name}) "
            f"chưa có kết quả đúng hẹn. Lý do: {apology.reason} "
            f"Ngày hẹn trả kết quả mới: {_local(apology.new_appointment_at)}."
        ),
    )
    record(
        dossier,
        type="apology_approved",
        actor=actor,
        at=at,
        from_state=dossier.state,
        data={"current_appointment_at": [iso(old), iso(apology.new_appointment_at)]},
        notices=[notice],
    )
    return apology


@transaction.atomic
def dossier_request_withdrawal(*, code: str, actor: User | None = None, reason: str) -> Dossier:
    """Record the applicant's request to withdraw an open dossier (state 7; not after 9 or 10, END-2)."""
    dossier = locked(code)
    require_state(dossier, OPEN_STATES - {State.WITHDRAWAL_REQUESTED}, "yêu cầu rút hồ sơ")
    reason = required_text(reason, what="lý do rút hồ sơ / the reason for withdrawal")
    at = now()
    previous = dossier.state
    pause = pause_close(dossier, at=at)  # nothing is awaited from the applicant any more
    dossier.state = State.WITHDRAWAL_REQUESTED
    dossier.save()
    record(
        dossier,
        type="withdrawal_requested",
        actor=actor,
        at=at,
        from_state=previous,
        data={"reason": reason, "pause_closed": pause.kind if pause else None},
    )
    return dossier


@transaction.atomic
def dossier_stop(*, code: str, actor: User, reason: str) -> Dossier:
    """Stop processing after a withdrawal or for lack of conditions (state 8, Form 05 of 2025)."""
    dossier = locked(code)
    require_state(dossier, STOP_STATES, "dừng xử lý hồ sơ")
    reason = required_text(reason, what="lý do dừng xử lý / the reason for stopping")
    at = now()
    previous = dossier.state
    step_finish_open(dossier, at=at, kind="stopped", note=reason)
    pause_close(dossier, at=at)
    dossier.state = State.STOPPED
    dossier.processing_ended_at = at
    dossier.save()
    notice = Notice(
        subject=f"Hồ sơ {dossier.code} dừng giải quyết",
        body=f"Hồ sơ {dossier.code} ({dossier.procedure_version.name}) đã dừng giải quyết. Lý do: {reason}",
    )
    record(
        dossier,
        type="stopped",
        actor=actor,
        at=at,
        from_state=previous,
        data={"reason": reason, "processing_ended_at": [None, iso(at)]},
        notices=[notice],
    )
    return dossier


def _decided_notice(dossier: Dossier) -> Notice:
    what = "đã có kết quả" if dossier.outcome == Outcome.APPROVED else "đã có văn bản trả lời"
    return Notice(
        subject=f"Hồ sơ {dossier.code} {what}",
        body=(
            f"Hồ sơ {dossier.code} ({dossier.procedure_version.name}) {what}. "
            "Mời ông/bà nhận kết quả theo hình thức đã đăng ký."
        ),
    )


@transaction.atomic
def dossier_decide(
    *,
    code: str,
    actor: User,
    outcome: str,
    summary: str,
    result_code: str = "",
    result_file: File | None = None,
) -> Dossier:
    """Record the result or the reasoned refusal (END-1): processing ends (state 9) and the open step finishes."""
    dossier = locked(code)
    allowed = {State.IN_PROCESS}
    if dossier.procedure_version.handled_at_counter:
        allowed.add(State.ACCEPTED)  # CAT-4: decided at the counter, without a transfer
    require_state(dossier, allowed, "ghi nhận kết quả giải quyết")
    step = open_step(dossier)
    if step is not None and step.is_consultation:
        raise WrongState(f"Hồ sơ {dossier.code} đang chờ ý kiến phối hợp / the dossier waits for a consultation")
    if outcome not in Outcome.values:
        raise DossierError(f"Kết quả “{outcome}” không hợp lệ / unknown outcome")
    summary = required_text(summary, what="nội dung kết quả hoặc lý do từ chối / the result or refusal summary")
    at = now()
    previous = dossier.state
    step_finish_open(dossier, at=at, kind="decided")
    dossier.state = State.DONE
    dossier.outcome, dossier.result_summary, dossier.result_code = outcome, summary, result_code.strip()
    if result_file is not None:
        dossier.result_file = result_file
    dossier.processing_ended_at = at
    dossier.save()
    record(
        dossier,
        type="decided",
        actor=actor,
        at=at,
        from_state=previous,
        data={
            "outcome": outcome,
            "summary": summary,
            "result_code": dossier.result_code,
            "result_file": dossier.result_file.name or None,
            "processing_ended_at": [None, iso(at)],
        },
        notices=[_decided_notice(dossier)],
    )
    return dossier


@transaction.atomic
def dossier_deliver(*, code: str, actor: User, method: str, note: str = "") -> Dossier:
    """Hand the result over at the counter, by post or electronically (state 10, RET-1)."""
    dossier = locked(code)
    require_state(dossier, {State.DONE}, "trả kết quả")
    if method not in ReturnMethod.values:
        raise DossierError(f"Hình thức trả kết quả “{method}” không hợp lệ / unknown return method")
    if method == ReturnMethod.ELECTRONIC and not dossier.result_file:
        raise DossierError("Chưa có tệp kết quả điện tử để trả / there is no electronic result file to deliver")
    at = now()
    old = dossier.return_method or None
    dossier.state = State.DELIVERED
    dossier.return_method = method
    dossier.delivered_at = at
    dossier.save()
    notices = []
    if method == ReturnMethod.ELECTRONIC:
        notices.append(
            Notice(
                subject=f"Hồ sơ {dossier.code}: kết quả điện tử",
                body=f"Kết quả điện tử của hồ sơ {dossier.code} đã được trả; ông/bà tra cứu và tải về trên Cổng.",
            )
        )
    record(
        dossier,
        type="delivered",
        actor=actor,
        at=at,
        from_state=State.DONE,
        data={"return_method": [old, method], "delivered_at": [None, iso(at)], "note": (note or "").strip()},
        notices=notices,
    )
    return dossier
