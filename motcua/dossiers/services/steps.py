"""The steps of a dossier's internal process (quy trình nội bộ, CAT-5/6, STEP-1/2) and its pauses.

A dossier has at most one open step (a partial unique index), so these helpers always finish the
open step before another is opened; `Dossier.current_step` follows the open step. They run inside
the caller's transaction, on a dossier the caller has locked.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from motcua.accounts.models import Role, Unit, User
from motcua.catalog.models import ProcessStep, QuotaUnit
from motcua.dossiers.models import Dossier, DossierStep, PauseInterval
from motcua.dossiers.services.core import WrongState, iso
from motcua.dossiers.services.deadlines import calendar_of, step_due
from motcua.workdays.arith import TimeUnit


def open_step(dossier: Dossier) -> DossierStep | None:
    """Return the dossier's open step, if any."""
    return DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True).select_related("unit").first()


def working_step(dossier: Dossier) -> DossierStep:
    """Return the open step, refusing when there is none or when it waits for another agency's reply."""
    step = open_step(dossier)
    if step is None:
        raise WrongState(f"Hồ sơ {dossier.code} không có bước đang xử lý / the dossier has no open step")
    if step.is_consultation:
        raise WrongState(
            f"Hồ sơ {dossier.code} đang chờ ý kiến của {step.unit.name} / the dossier waits for a consultation reply"
        )
    return step


def open_pause(dossier: Dossier) -> PauseInterval | None:
    """Return the dossier's open pause, if any."""
    return PauseInterval.objects.filter(dossier=dossier, ended_at__isnull=True).first()


def next_process_step(dossier: Dossier, *, after_order: int) -> ProcessStep | None:
    """Return the first step of the frozen procedure version's process that comes after `after_order`."""
    steps = ProcessStep.objects.filter(version=dossier.procedure_version_id, order__gt=after_order)
    return steps.select_related("unit").order_by("order").first()


def fallback_process_step(dossier: Dossier, at: datetime) -> ProcessStep:
    """Return an unsaved single processing step for a version without an internal process.

    Its quota is the time left until the appointment; open it with `due_by` = the appointment.
    """
    if dossier.time_limit_unit == TimeUnit.HOURS:
        amount, unit = Decimal(dossier.time_limit_amount or 1), QuotaUnit.HOURS
    else:
        calendar = calendar_of(dossier.competent_agency, at)
        appointment = calendar.local(dossier.current_appointment_at or at)
        left = calendar.working_days_between(calendar.local(at).date(), appointment.date())
        amount, unit = Decimal(max(1, left)), QuotaUnit.WORKING_DAYS
    return ProcessStep(
        order=2,
        name="Giải quyết hồ sơ",
        role=Role.PROCESSING_OFFICER,
        unit=dossier.competent_agency,
        quota_amount=amount,
        quota_unit=unit,
    )


def step_open(
    dossier: Dossier,
    *,
    template: ProcessStep,
    at: datetime,
    unit: Unit | None = None,
    assignee: User | None = None,
    is_consultation: bool = False,
    due_by: datetime | None = None,
) -> DossierStep:
    """Open a step copied from `template` at `unit` (default: its own, else the competent agency).

    Its due time counts the template's quota from `at` (STEP-2), capped at `due_by` when given.
    """
    unit = unit or template.unit or dossier.competent_agency
    due = step_due(
        calendar=calendar_of(unit, at), start=at, amount=template.quota_amount, quota_unit=template.quota_unit
    )
    if due_by is not None:
        due = max(at, min(due, due_by))
    step = DossierStep.objects.create(
        dossier=dossier,
        order=template.order,
        name=template.name,
        role=template.role,
        unit=unit,
        assignee=assignee,
        quota_amount=template.quota_amount,
        quota_unit=template.quota_unit,
        started_at=at,
        due_at=due,
        is_consultation=is_consultation,
    )
    dossier.current_step = step
    return step


def step_finish_open(dossier: Dossier, *, at: datetime, kind: str, note: str = "") -> DossierStep | None:
    """Finish the open step (if any) as `kind` (forwarded, returned, consulting, replied, decided, stopped)."""
    step = open_step(dossier)
    if step is not None:
        step.finished_at = at
        step.finish_kind = kind
        step.note = note or step.note
        step.save(update_fields=["finished_at", "finish_kind", "note"])
    dossier.current_step = None
    return step


def pause_close(dossier: Dossier, *, at: datetime) -> PauseInterval | None:
    """End the open pause (if any) at `at`."""
    pause = open_pause(dossier)
    if pause is not None:
        pause.ended_at = at
        pause.save(update_fields=["ended_at"])
    return pause


def step_data(step: DossierStep | None) -> dict[str, Any] | None:
    """Return what an event records about a step."""
    if step is None:
        return None
    return {
        "order": step.order,
        "name": step.name,
        "unit": step.unit.code,
        "assignee": step.assignee.username if step.assignee else None,
        "due_at": iso(step.due_at),
        "consultation": step.is_consultation,
    }
