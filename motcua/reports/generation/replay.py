"""Replay a planned dossier exactly as the lifecycle services change it, building its events and rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.models import Role, Unit
from motcua.catalog.models import ClockRule, ProcessStep, QuotaUnit
from motcua.dossiers.events import event_build
from motcua.dossiers.models import (
    Apology,
    ApologyCause,
    DossierEvent,
    PauseInterval,
    PauseKind,
)
from motcua.dossiers.services.deadlines import (
    add_office_minutes,
    appointment_after_pause,
    pause_explanation,
)
from motcua.dossiers.states import Channel, ReturnMethod, State
from motcua.reports.generation.plan import Draft, step_due_fast
from motcua.reports.generation.world import APOLOGY_REASONS, GENERATED, ZONE, World
from motcua.workdays.arith import TimeUnit
from motcua.workdays.explain import instant_label

# --- replaying the plan as the services would ------------------------------------------------


@dataclass(slots=True)
class _StepRow:
    """A `DossierStep` row with the model's column attributes, built without the ORM's per-instance cost."""

    unit: Unit
    order: int
    name: str
    role: str
    quota_amount: Decimal
    quota_unit: str
    started_at: datetime
    due_at: datetime
    assignee_id: int | None = None
    finished_at: datetime | None = None
    finish_kind: str = ""
    note: str = ""
    is_consultation: bool = False
    id: int | None = None
    dossier_id: int | None = None

    @property
    def unit_id(self) -> int:
        return self.unit.pk


def _iso(moment: datetime | None) -> str | None:
    """Return `moment` as `services.core.iso` does, without its time-zone look-up on every call."""
    return moment.astimezone(ZONE).isoformat() if moment else None


def _step_data(step: _StepRow | None) -> dict[str, Any] | None:
    """Return what an event records about a step, as `services.steps.step_data` does (steps stay unassigned)."""
    if step is None:
        return None
    return {
        "order": step.order,
        "name": step.name,
        "unit": step.unit.code,
        "assignee": None,
        "due_at": _iso(step.due_at),
        "consultation": step.is_consultation,
    }


class _Replay:
    """Change a draft's dossier action by action exactly as the services do, collecting the rows they write.

    Each `_<kind>` method mirrors one service of `motcua.dossiers.services` (state change, steps,
    pause, apology and the event with the same data); actions after `world.until` are not replayed.
    """

    def __init__(self, world: World, draft: Draft) -> None:
        self.world, self.draft, self.dossier = world, draft, draft.dossier
        self.events: list[DossierEvent] = []
        self.steps: list[_StepRow] = []
        self.open: _StepRow | None = None
        self.pause: PauseInterval | None = None
        self.pause_step: _StepRow | None = None
        self.apology: Apology | None = None
        self.apology_step: _StepRow | None = None
        self.next_step = 0  # index in the offer's process of the step a forward opens

    def run(self) -> _Replay:
        for at, _rank, kind, payload in self.draft.actions:
            if at > self.world.until:
                break
            getattr(self, f"_{kind}")(at, **payload)
        return self

    def _record(self, type: str, at: datetime, from_state: str, data: dict[str, Any], *, officer: bool = True) -> None:
        actor = self.world.actor if officer else None
        self.events.append(
            event_build(
                dossier=self.dossier,
                last=self.events[-1] if self.events else None,
                type=type,
                at=at.astimezone(UTC),  # the hash covers the instant as the database returns it
                actor_id=actor.pk if actor else None,
                actor_name=str(actor) if actor else "",
                from_state=from_state,
                to_state=self.dossier.state,
                data=data,
            )
        )

    # reception.py

    def _submitted(self, at: datetime) -> None:
        channel = self.dossier.channel
        data = {"channel": int(channel), GENERATED: True}
        self._record("submitted", at, "", data, officer=channel != Channel.ONLINE)

    def _refused(self, at: datetime, reasons: list[str]) -> None:
        previous, self.dossier.state = self.dossier.state, State.REFUSED_AT_RECEPTION
        self._record("refused", at, previous, {"reasons": reasons})

    def _accepted(self, at: datetime, appointment: datetime) -> None:
        dossier, offer = self.dossier, self.draft.offer
        previous, dossier.state = dossier.state, State.ACCEPTED
        dossier.accepted_at = at
        dossier.time_limit_amount = offer.amount if offer.time_unit != TimeUnit.SAME_DAY else None
        dossier.time_limit_unit = offer.time_unit
        dossier.clock_rule = offer.version.clock_rule
        dossier.clock_runs_awaiting_payment = offer.version.clock_runs_awaiting_payment
        dossier.appointment_at = dossier.current_appointment_at = appointment
        dossier.appointment_explanation = [
            offer.limit_line,
            _("Ngày hẹn trả kết quả: %(at)s") % {"at": instant_label(appointment)},
        ]
        reception = _StepRow(
            order=1,
            name="Tiếp nhận hồ sơ",
            role=Role.RECEPTION_OFFICER,
            unit=self.draft.desk.unit,
            assignee_id=self.world.actor.pk,
            quota_amount=Decimal(1),
            quota_unit=QuotaUnit.HOURS,
            started_at=dossier.submitted_at if dossier.channel != Channel.COUNTER else at,
            due_at=at,
            finished_at=at,
            finish_kind="forwarded",
        )
        self.steps.append(reception)
        data = {"appointment_at": appointment.isoformat(), "time_limit": [offer.amount, offer.time_unit]}
        self._record("accepted", at, previous, data)

    # steps.py

    def _open(self, template: ProcessStep, at: datetime, due_by: datetime | None = None) -> _StepRow:
        unit = template.unit or self.dossier.competent_agency
        calendar = self.world.book.calendar(unit, at.date())
        due = step_due_fast(calendar=calendar, start=at, amount=template.quota_amount, quota_unit=template.quota_unit)
        if due_by is not None:
            due = max(at, min(due, due_by))
        step = _StepRow(
            order=template.order,
            name=template.name,
            role=template.role,
            unit=unit,
            quota_amount=template.quota_amount,
            quota_unit=template.quota_unit,
            started_at=at,
            due_at=due,
        )
        self.steps.append(step)
        self.open = step
        return step

    def _finish(self, at: datetime, kind: str, note: str = "") -> None:
        step, self.open = self.open, None
        if step is not None:
            step.finished_at, step.finish_kind, step.note = at, kind, note or step.note

    def _close_pause(self, at: datetime) -> PauseInterval | None:
        pause = self.pause
        if pause is None or pause.ended_at is not None:
            return None
        pause.ended_at = at
        return pause

    def _fallback(self, at: datetime) -> ProcessStep:
        """Return the single step of a version without a process (as `steps.fallback_process_step`)."""
        dossier = self.dossier
        if dossier.time_limit_unit == TimeUnit.HOURS:
            amount, unit = Decimal(dossier.time_limit_amount or 1), QuotaUnit.HOURS
        else:
            calendar = self.world.book.calendar(dossier.competent_agency, at.date())
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

    # processing.py

    def _transferred(self, at: datetime) -> None:
        process = self.draft.offer.steps
        if process:
            step = self._open(process[0], at)
            self.next_step = 1
        else:
            step = self._open(self._fallback(at), at, due_by=self.dossier.current_appointment_at)
        self.dossier.state = State.IN_PROCESS
        self._record("transferred", at, State.ACCEPTED, {"current_step": [None, _step_data(step)]})

    def _forwarded(self, at: datetime) -> None:
        old = _step_data(self.open)
        self._finish(at, "forwarded")
        step = self._open(self.draft.offer.steps[self.next_step], at)
        self.next_step += 1
        self._record("forwarded", at, self.dossier.state, {"current_step": [old, _step_data(step)], "note": ""})

    def _supplement_requested(self, at: datetime, missing: list[str]) -> None:
        dossier = self.dossier
        self.pause = PauseInterval(
            dossier=dossier,
            kind=PauseKind.SUPPLEMENT,
            started_at=at,
            reason="\n".join(missing),
            requested_by=self.world.actor,
        )
        self.pause_step = self.open
        count = dossier.supplement_count
        dossier.supplement_count, dossier.state = count + 1, State.SUPPLEMENT_REQUESTED
        data = {"missing": missing, "note": "", "supplement_count": [count, count + 1], "counts_as_late": count >= 1}
        self._record("supplement_requested", at, State.IN_PROCESS, data)

    def _supplement_received(self, at: datetime) -> None:
        pause = self._close_pause(at)
        assert pause is not None  # planned only after a request
        data = self._resume(pause, at, restart=self.dossier.clock_rule == ClockRule.RESTART)
        self.dossier.state = State.IN_PROCESS
        data["components"] = []
        self._record("supplement_received", at, State.SUPPLEMENT_REQUESTED, data, officer=False)

    def _resume(self, pause: PauseInterval, at: datetime, *, restart: bool) -> dict[str, Any]:
        """Move the appointments and the open step's due time (as `processing._resume_clock`)."""
        dossier, book = self.dossier, self.world.book
        calendar = book.calendar(dossier.receiving_unit, at.date())
        new = appointment_after_pause(
            dossier=dossier, calendar=calendar, paused_at=pause.started_at, resumed_at=at, restart=restart
        )
        old, old_current = dossier.appointment_at, dossier.current_appointment_at
        current = new
        if old and old_current and old_current > old:
            current = old_current + (new - old)
            while not calendar.is_working_day(calendar.local(current).date()):
                current += timedelta(days=1)
            current = max(current, new)
        dossier.appointment_at, dossier.current_appointment_at = new, current
        explanation = pause_explanation(
            kind=pause.get_kind_display(), paused_at=pause.started_at, resumed_at=at, restart=restart, new=new
        )
        dossier.appointment_explanation = [*dossier.appointment_explanation, explanation]
        data: dict[str, Any] = {
            "appointment_at": [_iso(old), _iso(new)],
            "current_appointment_at": [_iso(old_current), _iso(current)],
            "paused": [_iso(pause.started_at), _iso(at)],
            "clock_rule": ClockRule.RESTART if restart else ClockRule.PAUSE,
        }
        step = self.open
        if step is not None:
            step_calendar = book.calendar(step.unit, at.date())
            left = step_calendar.working_minutes_between(pause.started_at, step.due_at)
            if left > 0:
                old_due, step.due_at = step.due_at, add_office_minutes(step_calendar, at, left)
                data["step_due_at"] = [_iso(old_due), _iso(step.due_at)]
        return data

    # closing.py

    def _apology_drafted(self, at: datetime, cause: str, new: datetime) -> None:
        dossier, step = self.dossier, self.open
        current = dossier.current_appointment_at
        assert current is not None  # planned only after acceptance
        unit = step.unit if step else dossier.competent_agency
        reason = APOLOGY_REASONS[ApologyCause(cause)]
        self.apology = Apology(
            dossier=dossier,
            cause=cause,
            reason=reason,
            responsible_unit=unit,
            original_appointment_at=current,
            new_appointment_at=new,
            drafted_by=self.world.actor,
            drafted_at=at,
        )
        self.apology_step = step
        data = {
            "cause": cause,
            "reason": reason,
            "responsible_unit": unit.code,
            "responsible_step": step.order if step else None,
            "new_appointment_at": [None, _iso(new)],
        }
        self._record("apology_drafted", at, dossier.state, data)

    def _apology_approved(self, at: datetime) -> None:
        dossier, apology = self.dossier, self.apology
        assert apology is not None  # planned only after a draft
        apology.approved_by, apology.approved_at = self.world.actor, at
        old, dossier.current_appointment_at = dossier.current_appointment_at, apology.new_appointment_at
        data = {"current_appointment_at": [_iso(old), _iso(apology.new_appointment_at)]}
        self._record("apology_approved", at, dossier.state, data)

    def _withdrawal_requested(self, at: datetime, reason: str) -> None:
        previous = self.dossier.state
        pause = self._close_pause(at)  # nothing is awaited from the applicant any more
        self.dossier.state = State.WITHDRAWAL_REQUESTED
        data = {"reason": reason, "pause_closed": pause.kind if pause else None}
        self._record("withdrawal_requested", at, previous, data, officer=False)

    def _stopped(self, at: datetime, reason: str) -> None:
        dossier = self.dossier
        previous = dossier.state
        self._finish(at, "stopped", note=reason)
        self._close_pause(at)
        dossier.state, dossier.processing_ended_at = State.STOPPED, at
        self._record("stopped", at, previous, {"reason": reason, "processing_ended_at": [None, _iso(at)]})

    def _decided(self, at: datetime, outcome: str, summary: str, code: str) -> None:
        dossier = self.dossier
        previous = dossier.state
        self._finish(at, "decided")
        dossier.state, dossier.processing_ended_at = State.DONE, at
        dossier.outcome, dossier.result_summary, dossier.result_code = outcome, summary, code
        data = {
            "outcome": outcome,
            "summary": summary,
            "result_code": code,
            "result_file": None,
            "processing_ended_at": [None, _iso(at)],
        }
        self._record("decided", at, previous, data)

    def _delivered(self, at: datetime) -> None:
        dossier = self.dossier
        method = ReturnMethod.POST if dossier.channel == Channel.POSTAL else ReturnMethod.COUNTER
        old = dossier.return_method or None
        dossier.state, dossier.return_method, dossier.delivered_at = State.DELIVERED, method, at
        data = {"return_method": [old, method], "delivered_at": [None, _iso(at)], "note": ""}
        self._record("delivered", at, State.DONE, data)
