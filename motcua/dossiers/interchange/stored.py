"""Stored dossiers as interchange records, and the streaming export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet

from motcua.accounts.models import Unit
from motcua.accounts.selectors import unit_descendant_ids
from motcua.dossiers.interchange.lines import (
    DossierRecord,
    FieldReader,
    Pause,
    Reappointment,
    Step,
    local_zone,
    pauses_of,
    reappointments_of,
    record_json,
    timestamp_format,
)
from motcua.dossiers.models import Apology, Dossier, DossierEvent, DossierStep, PauseInterval

CHUNK = 500


def _imported_source(dossier: Dossier) -> tuple[dict[str, Any], bool]:
    """Return the source line of an imported dossier (empty if native) and whether its appointment was computed."""
    events = getattr(dossier, "imported_events", None)
    if events is None:
        events = list(dossier.events.filter(type="imported"))
    if not events:
        return {}, False
    data = events[0].data
    return data.get("source", {}), bool(data.get("appointment_computed"))


def _stored_reappointments(dossier: Dossier) -> tuple[Reappointment, ...]:
    try:
        apology = dossier.apology
    except Apology.DoesNotExist:
        return ()
    if apology.approved_at is None:
        return ()
    return (Reappointment(apology.original_appointment_at, apology.new_appointment_at, apology.reason),)


def _stored_steps(dossier: Dossier) -> tuple[Step, ...]:
    return tuple(
        Step(
            order=step.order,
            name=step.name,
            unit_code=step.unit.code,
            start=step.started_at,
            due=step.due_at,
            end=step.finished_at,
            role=step.role,
            quota=(step.quota_amount, step.quota_unit),
            finish=step.finish_kind,
            note=step.note,
            consultation=step.is_consultation,
        )
        for step in dossier.steps.all()
    )


def record_of_dossier(dossier: Dossier) -> DossierRecord:
    """Return the record of a stored dossier; an imported one keeps the pauses and moves its source line had."""
    source, computed = _imported_source(dossier)
    # What an import could not store as rows (no officer to name) lives in its imported event.
    recorded = FieldReader(source, [])
    pauses = pauses_of(recorded) + tuple(
        Pause(start=p.started_at, end=p.ended_at, kind=p.kind, reason=p.reason) for p in dossier.pauses.all()
    )
    return DossierRecord(
        code=dossier.code,
        procedure_code=dossier.procedure_version.procedure.code,
        unit_code=dossier.receiving_unit.code,
        submitted_at=dossier.submitted_at,
        state=dossier.state,
        channel=dossier.channel,
        accepted_at=dossier.accepted_at,
        appointment_at=dossier.appointment_at,
        processing_ended_at=dossier.processing_ended_at,
        delivered_at=dossier.delivered_at,
        applicant_kind=dossier.applicant_kind,
        applicant_name=dossier.applicant_name,
        applicant_id_number=dossier.applicant_id_number,
        applicant_phone=dossier.applicant_phone,
        applicant_email=dossier.applicant_email,
        applicant_address=dossier.applicant_address,
        subject=dossier.subject,
        submitter=(dossier.submitter_name, dossier.submitter_id_number, dossier.submitter_phone),
        reception_point_code=dossier.reception_point.code,
        competent_agency_code=dossier.competent_agency.code,
        current_appointment_at=dossier.current_appointment_at,
        time_limit=(dossier.time_limit_amount, dossier.time_limit_unit) if dossier.time_limit_unit else None,
        outcome=dossier.outcome,
        result_code=dossier.result_code,
        result_summary=dossier.result_summary,
        return_method=dossier.return_method,
        appointment_computed=computed,
        pauses=tuple(sorted(pauses, key=lambda p: p.start)),
        reappointments=reappointments_of(recorded) + _stored_reappointments(dossier),
        steps=_stored_steps(dossier),
    )


def dossiers_for_interchange() -> QuerySet[Dossier]:
    """Return dossiers with everything their interchange record reads, in a fixed order."""
    return (
        Dossier.objects.select_related(
            "procedure_version__procedure", "receiving_unit", "reception_point", "competent_agency", "apology"
        )
        .prefetch_related(
            Prefetch("steps", queryset=DossierStep.objects.select_related("unit").order_by("started_at", "id")),
            Prefetch("pauses", queryset=PauseInterval.objects.order_by("started_at", "id")),
            Prefetch("events", queryset=DossierEvent.objects.filter(type="imported"), to_attr="imported_events"),
        )
        .order_by("submitted_at", "id")
    )


# --- Export -------------------------------------------------------------------------------------


def _event_json(event: DossierEvent, dates: str) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "type": event.type,
        "at": timestamp_format(event.at, dates=dates),
        "actor": event.actor_name,
        "from": event.from_state,
        "to": event.to_state,
        "data": event.data,
    }


def dossier_export_lines(
    *,
    unit: Unit | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    dates: str = "portal",
    with_events: bool = False,
) -> Iterator[str]:
    """Yield one JSON line per dossier submitted in [date_from, date_to] at `unit` or below, oldest first."""
    dossiers = dossiers_for_interchange()
    if unit is not None:
        dossiers = dossiers.filter(receiving_unit_id__in=unit_descendant_ids([unit.pk]))
    zone = local_zone()
    if date_from is not None:
        dossiers = dossiers.filter(submitted_at__gte=datetime.combine(date_from, time.min, tzinfo=zone))
    if date_to is not None:
        dossiers = dossiers.filter(
            submitted_at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
        )
    if with_events:
        dossiers = dossiers.prefetch_related(
            Prefetch("events", queryset=DossierEvent.objects.order_by("seq"), to_attr="all_events")
        )
    for dossier in dossiers.iterator(chunk_size=CHUNK):
        line = record_json(record_of_dossier(dossier), dates=dates)
        if with_events:
            line["x_events"] = [_event_json(event, dates) for event in dossier.all_events]  # type: ignore[attr-defined]
        yield json.dumps(line, ensure_ascii=False, default=str)
