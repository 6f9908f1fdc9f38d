"""Processing (DOMAIN.md §5.4–5.7, §5.11): transfer, assignment, steps, consultation, supplements, payment.

Steps follow the internal process frozen with the procedure version (CAT-5/6):

- step 1 (reception) is recorded, already finished, at acceptance;
- `dossier_transfer` opens the next process step (order 2 in the usual chain) at its unit, or at the
  competent agency when the step names none; a version without a process gets one step due at the
  appointment;
- `dossier_forward` finishes the open step ("forwarded") and opens the next one, the last process step
  (usually the one-stop's return of the result) included; forwarding past the last step is refused;
- `dossier_return_step` finishes the open step ("returned") and reopens an earlier one with the officer
  who handled it before;
- `dossier_consult` finishes the open step ("consulting") and opens a consultation step at the other
  agency; `dossier_consult_reply` finishes it ("replied") and reopens the requesting step with the office
  time it had left;
- the result is recorded by `dossier_decide` (closing.py), which finishes whichever step is open.

Only supplements (SUP-2/3) and a payment wait that stops the clock (FEE-2) move the appointment here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from motcua.accounts.models import Membership, Role, Unit, User
from motcua.accounts.selectors import unit_descendant_ids, user_has_role
from motcua.catalog.models import ClockRule, ProcessStep, QuotaUnit
from motcua.dossiers.models import Dossier, DossierStep, PauseInterval, PauseKind
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
    required_lines,
    required_text,
)
from motcua.dossiers.services.deadlines import (
    add_office_minutes,
    appointment_after_pause,
    calendar_of,
    pause_explanation,
)
from motcua.dossiers.services.reception import Component, add_components, components_data
from motcua.dossiers.services.steps import (
    fallback_process_step,
    next_process_step,
    open_pause,
    open_step,
    pause_close,
    step_data,
    step_finish_open,
    step_open,
    working_step,
)
from motcua.dossiers.states import State
from motcua.workdays.arith import MAX_AMOUNT, TimeUnit

# States in which the dossier is with the agency and its open step may be (re)assigned.
PROCESSING_STATES = frozenset({State.IN_PROCESS, State.SUPPLEMENT_REQUESTED, State.AWAITING_PAYMENT})


@transaction.atomic
def dossier_transfer(*, code: str, actor: User) -> Dossier:
    """Send an accepted dossier to the competent agency and open its first processing step (STEP-1)."""
    dossier = locked(code)
    require_state(dossier, {State.ACCEPTED}, "chuyển hồ sơ đến cơ quan giải quyết")
    at = now()
    template = next_process_step(dossier, after_order=1)
    if template is not None:
        step = step_open(dossier, template=template, at=at)
    else:
        fallback = fallback_process_step(dossier, at)
        step = step_open(dossier, template=fallback, at=at, due_by=dossier.current_appointment_at)
    dossier.state = State.IN_PROCESS
    dossier.save()
    record(
        dossier,
        type="transferred",
        actor=actor,
        at=at,
        from_state=State.ACCEPTED,
        data={"current_step": [None, step_data(step)]},
    )
    return dossier


def _check_assignee(step: DossierStep, actor: User, assignee: User) -> None:
    if not user_has_role(actor, [Role.DIVISION_HEAD, Role.AGENCY_HEAD], unit=step.unit):
        raise NotAllowed(
            f"Chỉ lãnh đạo {step.unit.name} được phân công xử lý / only a head of the step's unit may assign"
        )
    units = unit_descendant_ids([step.unit.pk])
    if not (
        assignee.is_active and Membership.objects.filter(user=assignee, unit_id__in=units, is_active=True).exists()
    ):
        raise DossierError(
            f"{assignee} không phải cán bộ đang công tác tại {step.unit.name} / "
            "the assignee is not an active member of the step's unit"
        )
    if step.assignee_id == assignee.pk:
        raise DossierError(f"Bước này đã giao cho {assignee} / the step is already assigned to this user")


@transaction.atomic
def dossier_assign(*, code: str, actor: User, assignee: User) -> Dossier:
    """Assign (or reassign) the open step to an officer of its unit; only a division or agency head may."""
    dossier = locked(code)
    require_state(dossier, PROCESSING_STATES, "phân công xử lý")
    step = open_step(dossier)
    if step is None:
        raise WrongState(f"Hồ sơ {dossier.code} không có bước đang xử lý / the dossier has no open step")
    _check_assignee(step, actor, assignee)
    old = step.assignee.username if step.assignee else None
    step.assignee = assignee
    step.save(update_fields=["assignee"])
    record(
        dossier,
        type="assigned",
        actor=actor,
        at=now(),
        from_state=dossier.state,
        data={"assignee": [old, assignee.username], "step": step.order},
    )
    return dossier


@transaction.atomic
def dossier_forward(*, code: str, actor: User, note: str = "") -> Dossier:
    """Finish the open step and open the next step of the internal process."""
    dossier = locked(code)
    require_state(dossier, {State.IN_PROCESS}, "chuyển bước xử lý")
    current = working_step(dossier)
    template = next_process_step(dossier, after_order=current.order)
    if template is None:
        raise DossierError(
            "Đây là bước cuối của quy trình; hãy ghi nhận kết quả giải quyết / "
            "this is the last step of the process: record the decision"
        )
    at = now()
    old = step_data(current)
    step_finish_open(dossier, at=at, kind="forwarded", note=note)
    step = step_open(dossier, template=template, at=at)
    dossier.save()
    record(
        dossier,
        type="forwarded",
        actor=actor,
        at=at,
        from_state=dossier.state,
        data={"current_step": [old, step_data(step)], "note": note},
    )
    return dossier


@transaction.atomic
def dossier_return_step(*, code: str, actor: User, to_order: int, note: str) -> Dossier:
    """Send the dossier back to an earlier step of the process, to the officer who handled it before."""
    dossier = locked(code)
    require_state(dossier, {State.IN_PROCESS}, "trả lại bước trước")
    current = working_step(dossier)
    note = required_text(note, what="lý do trả lại / the reason for returning")
    template = ProcessStep.objects.filter(version=dossier.procedure_version_id, order=to_order).first()
    if template is None or not 1 < to_order < current.order:
        raise DossierError(
            f"Không có bước {to_order} trước bước hiện tại để trả lại / no earlier step {to_order} to return to"
        )
    earlier = (
        DossierStep.objects.filter(dossier=dossier, order=to_order, is_consultation=False, assignee__isnull=False)
        .order_by("-started_at", "-id")
        .first()
    )
    at = now()
    old = step_data(current)
    step_finish_open(dossier, at=at, kind="returned", note=note)
    step = step_open(dossier, template=template, at=at, assignee=earlier.assignee if earlier else None)
    dossier.save()
    record(
        dossier,
        type="returned_to_step",
        actor=actor,
        at=at,
        from_state=dossier.state,
        data={"current_step": [old, step_data(step)], "note": note},
    )
    return dossier


@transaction.atomic
def dossier_consult(*, code: str, actor: User, unit: Unit, note: str, quota_days: int) -> Dossier:
    """Ask another agency for its opinion (LT-1/2): the open step waits for a consultation step."""
    dossier = locked(code)
    require_state(dossier, {State.IN_PROCESS}, "lấy ý kiến cơ quan phối hợp")
    current = working_step(dossier)
    note = required_text(note, what="nội dung xin ý kiến / the consultation request")
    if type(quota_days) is not int or not 1 <= quota_days <= MAX_AMOUNT[TimeUnit.WORKING_DAYS]:
        raise DossierError(
            f"Thời hạn trả lời {quota_days} ngày làm việc không hợp lệ / invalid reply time {quota_days} working days"
        )
    at = now()
    old = step_data(current)
    template = ProcessStep(
        order=current.order,
        name=f"Lấy ý kiến {unit.name}",
        role=Role.PROCESSING_OFFICER,
        quota_amount=Decimal(quota_days),
        quota_unit=QuotaUnit.WORKING_DAYS,
    )
    step_finish_open(dossier, at=at, kind="consulting", note=note)
    step = step_open(dossier, template=template, at=at, unit=unit, is_consultation=True)
    dossier.save()
    record(
        dossier,
        type="consultation_requested",
        actor=actor,
        at=at,
        from_state=dossier.state,
        data={"current_step": [old, step_data(step)], "unit": unit.code, "note": note, "quota_days": quota_days},
    )
    return dossier


def _reopen_after_consultation(dossier: Dossier, consultation: DossierStep, at: datetime) -> DossierStep:
    requester = (
        DossierStep.objects.filter(dossier=dossier, finish_kind="consulting").order_by("-finished_at", "-id").first()
    )
    if requester is None:  # cannot happen through the services; refuse rather than guess
        raise DossierError("Không tìm thấy bước đã xin ý kiến / the requesting step is missing")
    calendar = calendar_of(requester.unit, at)
    left = calendar.working_minutes_between(consultation.started_at, requester.due_at)
    step = DossierStep.objects.create(
        dossier=dossier,
        order=requester.order,
        name=requester.name,
        role=requester.role,
        unit=requester.unit,
        assignee=requester.assignee,
        quota_amount=(Decimal(left) / 60).quantize(Decimal("0.01")),
        quota_unit=QuotaUnit.HOURS,
        started_at=at,
        # An already overdue step stays overdue instead of getting a fresh due time.
        due_at=add_office_minutes(calendar, at, left) if left > 0 else requester.due_at,
    )
    dossier.current_step = step
    return step


@transaction.atomic
def dossier_consult_reply(*, code: str, actor: User, note: str) -> Dossier:
    """Record the consulted agency's reply and give the dossier back to the step that asked."""
    dossier = locked(code)
    require_state(dossier, {State.IN_PROCESS}, "ghi nhận ý kiến phối hợp")
    consultation = open_step(dossier)
    if consultation is None or not consultation.is_consultation:
        raise WrongState(f"Hồ sơ {dossier.code} không chờ ý kiến phối hợp / no consultation is open")
    note = required_text(note, what="ý kiến trả lời / the reply")
    at = now()
    old = step_data(consultation)
    step_finish_open(dossier, at=at, kind="replied", note=note)
    step = _reopen_after_consultation(dossier, consultation, at)
    dossier.save()
    record(
        dossier,
        type="consultation_replied",
        actor=actor,
        at=at,
        from_state=dossier.state,
        data={"current_step": [old, step_data(step)], "note": note},
    )
    return dossier


def _supplement_notice(dossier: Dossier, missing: list[str], note: str) -> Notice:
    items = "; ".join(missing)
    return Notice(
        subject=f"Hồ sơ {dossier.code} cần bổ sung giấy tờ",
        body=(
            f"Hồ sơ {dossier.code} ({dossier.procedure_version.name}) cần bổ sung: {items}."
            + (f" {note}" if note else "")
            + " Thời gian giải quyết tạm dừng cho đến khi nhận đủ hồ sơ bổ sung."
        ),
    )


@transaction.atomic
def dossier_request_supplement(*, code: str, actor: User, missing: Sequence[str], note: str = "") -> Dossier:
    """Ask for missing documents during processing (Form 02 via the one-stop unit); the clock pauses (SUP-2).

    A second request is allowed but the national portal counts the dossier late (SUP-4): the event
    records `counts_as_late` so pages can warn before it is made.
    """
    dossier = locked(code)
    require_state(dossier, {State.IN_PROCESS}, "yêu cầu bổ sung hồ sơ")
    missing = required_lines(missing, what="giấy tờ cần bổ sung / the missing documents")
    note = (note or "").strip()
    at = now()
    PauseInterval.objects.create(
        dossier=dossier,
        kind=PauseKind.SUPPLEMENT,
        started_at=at,
        reason="\n".join([*missing, note]).strip(),
        requested_by=actor,
        step=dossier.current_step,
    )
    count = dossier.supplement_count
    dossier.supplement_count = count + 1
    dossier.state = State.SUPPLEMENT_REQUESTED
    dossier.save()
    record(
        dossier,
        type="supplement_requested",
        actor=actor,
        at=at,
        from_state=State.IN_PROCESS,
        data={
            "missing": missing,
            "note": note,
            "supplement_count": [count, count + 1],
            "counts_as_late": count >= 1,
        },
        notices=[_supplement_notice(dossier, missing, note)],
    )
    return dossier


def _resume_clock(dossier: Dossier, pause: PauseInterval, at: datetime, *, restart: bool) -> dict[str, Any]:
    """Move the appointments and the open step's due time after a pause that stopped the clock."""
    calendar = calendar_of(dossier.receiving_unit, at)
    new = appointment_after_pause(
        dossier=dossier, calendar=calendar, paused_at=pause.started_at, resumed_at=at, restart=restart
    )
    old, old_current = dossier.appointment_at, dossier.current_appointment_at
    current = new
    if old and old_current and old_current > old:
        # An approved re-appointment keeps its extension beyond the moved legal appointment.
        current = old_current + (new - old)
        while not calendar.is_working_day(calendar.local(current).date()):
            current += timedelta(days=1)
        current = max(current, new)
    dossier.appointment_at, dossier.current_appointment_at = new, current
    dossier.appointment_explanation = [
        *dossier.appointment_explanation,
        pause_explanation(
            kind=pause.get_kind_display(), paused_at=pause.started_at, resumed_at=at, restart=restart, new=new
        ),
    ]
    data: dict[str, Any] = {
        "appointment_at": [iso(old), iso(new)],
        "current_appointment_at": [iso(old_current), iso(current)],
        "paused": [iso(pause.started_at), iso(at)],
        "clock_rule": ClockRule.RESTART if restart else ClockRule.PAUSE,
    }
    step = open_step(dossier)
    if step is not None:
        step_calendar = calendar_of(step.unit, at)
        left = step_calendar.working_minutes_between(pause.started_at, step.due_at)
        if left > 0:
            old_due, step.due_at = step.due_at, add_office_minutes(step_calendar, at, left)
            step.save(update_fields=["due_at"])
            data["step_due_at"] = [iso(old_due), iso(step.due_at)]
    return data


@transaction.atomic
def dossier_receive_supplement(
    *, code: str, actor: User | None = None, components: Sequence[Component] = ()
) -> Dossier:
    """Receive the supplemented documents: the pause ends and the appointment moves (DOMAIN.md §4.5 #7a/#7b)."""
    dossier = locked(code)
    require_state(dossier, {State.SUPPLEMENT_REQUESTED}, "nhận hồ sơ bổ sung")
    pause = open_pause(dossier)
    if pause is None:  # cannot happen through the services; refuse rather than guess
        raise DossierError(f"Hồ sơ {dossier.code} không có khoảng tạm dừng / the dossier has no open pause")
    at = now()
    add_components(dossier, components, at, supplement=True)
    pause_close(dossier, at=at)
    data = _resume_clock(dossier, pause, at, restart=dossier.clock_rule == ClockRule.RESTART)
    dossier.state = State.IN_PROCESS
    dossier.save()
    data.update(components_data(components))
    record(dossier, type="supplement_received", actor=actor, at=at, from_state=State.SUPPLEMENT_REQUESTED, data=data)
    return dossier


def _positive_amount(amount: Decimal | int | str) -> Decimal:
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        value = Decimal("NaN")
    if not value.is_finite() or value <= 0:
        raise DossierError(f"Số tiền {amount} không hợp lệ, phải lớn hơn 0 / the amount must be a positive number")
    return value


@transaction.atomic
def dossier_request_payment(*, code: str, actor: User, amount: Decimal | int, note: str = "") -> Dossier:
    """Ask the applicant to pay a fee or tax (state 6); the clock stops only if the version says so (FEE-2)."""
    dossier = locked(code)
    require_state(dossier, {State.IN_PROCESS}, "yêu cầu thực hiện nghĩa vụ tài chính")
    value = _positive_amount(amount)
    note = (note or "").strip()
    at = now()
    PauseInterval.objects.create(
        dossier=dossier,
        kind=PauseKind.PAYMENT,
        started_at=at,
        reason=note or f"Nghĩa vụ tài chính {value:,.0f} đồng",
        requested_by=actor,
        step=dossier.current_step,
        counts_clock=dossier.clock_runs_awaiting_payment,
    )
    dossier.state = State.AWAITING_PAYMENT
    dossier.save()
    notice = Notice(
        subject=f"Hồ sơ {dossier.code}: đề nghị thực hiện nghĩa vụ tài chính",
        body=f"Hồ sơ {dossier.code} cần nộp {value:,.0f} đồng để tiếp tục giải quyết." + (f" {note}" if note else ""),
    )
    record(
        dossier,
        type="payment_requested",
        actor=actor,
        at=at,
        from_state=State.IN_PROCESS,
        data={"amount": str(value), "note": note, "clock_runs": dossier.clock_runs_awaiting_payment},
        notices=[notice],
    )
    return dossier


@transaction.atomic
def dossier_record_payment(*, code: str, actor: User | None, reference: str) -> Dossier:
    """Record the payment (receipt or transaction reference); a stopped clock resumes like after a pause."""
    dossier = locked(code)
    require_state(dossier, {State.AWAITING_PAYMENT}, "ghi nhận đã nộp nghĩa vụ tài chính")
    reference = required_text(reference, what="số biên lai hoặc mã giao dịch / the receipt or transaction reference")
    pause = open_pause(dossier)
    at = now()
    pause_close(dossier, at=at)
    data: dict[str, Any] = {"reference": reference}
    if pause is not None and not pause.counts_clock:
        data.update(_resume_clock(dossier, pause, at, restart=False))
    dossier.state = State.IN_PROCESS
    dossier.save()
    record(dossier, type="payment_recorded", actor=actor, at=at, from_state=State.AWAITING_PAYMENT, data=data)
    return dossier
