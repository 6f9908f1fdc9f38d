"""Reception (DOMAIN.md §5.2–5.3): submission, acceptance with code and appointment, completion
requests (Form 02, once), resubmission and refusals (Form 03) before acceptance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import Unit, User
from motcua.catalog.models import ComponentForm, DocumentComponent, ProcedureVersion
from motcua.dossiers.models import Dossier, DossierFile, DossierStep, ReceivedComponent
from motcua.dossiers.numbering import dossier_code_next
from motcua.dossiers.rules import Applicant, applicant_errors, normalise_phone
from motcua.dossiers.services.core import (
    DossierError,
    Entry,
    Notice,
    WrongState,
    iso,
    locked,
    new_lookup_secret,
    now,
    record,
    record_entries,
    require_state,
    required_lines,
)
from motcua.dossiers.services.deadlines import appointment_for, time_limit_of
from motcua.dossiers.states import RECEPTION_STATES, Channel, State
from motcua.workdays.arith import TimeUnit

if TYPE_CHECKING:  # uploads imports services.core: a run-time import here would be circular
    from motcua.dossiers.uploads import StoredUpload


@dataclass(frozen=True)
class Component:
    """A document handed in: a catalog component (or a free name), its form, quantity and file.

    `uploads` are files already checked and stored outside the web root (`dossiers.uploads`); each
    becomes a `DossierFile` of the received component.
    """

    name: str
    form: str = ComponentForm.ORIGINAL
    quantity: int = 1
    component: DocumentComponent | None = None
    file: UploadedFile | None = None
    uploads: tuple[StoredUpload, ...] = ()


def _check_applicant(applicant: Applicant) -> Applicant:
    errors = applicant_errors(applicant)
    if errors:
        raise DossierError("; ".join(errors.values()))
    return Applicant(
        **{
            **applicant.__dict__,
            "phone": normalise_phone(applicant.phone),
            "submitter_phone": normalise_phone(applicant.submitter_phone),
        }
    )


def check_components(components: Sequence[Component]) -> None:
    """Refuse an invalid component before anything is written."""
    for item in components:
        if item.quantity < 1 or item.form not in ComponentForm.values:
            raise DossierError(f"Giấy tờ “{item.name}” không hợp lệ / invalid component")


def add_components(dossier: Dossier, components: Sequence[Component], at: datetime, *, supplement: bool) -> None:
    """Store the documents handed in at `at`; `supplement` marks those that complete the dossier later."""
    check_components(components)
    if not components:
        return
    received = ReceivedComponent.objects.bulk_create(
        ReceivedComponent(
            dossier=dossier,
            component=item.component,
            name=item.name,
            form=item.form,
            quantity=item.quantity,
            file=item.file or "",
            received_at=at,
            is_supplement=supplement,
        )
        for item in components
    )
    files = [
        DossierFile(
            dossier=dossier,
            received=row,
            original_name=upload.original_name,
            storage_name=upload.storage_name,
            kind=upload.kind,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_at=at,
        )
        for row, item in zip(received, components, strict=True)
        for upload in item.uploads
    ]
    if files:
        DossierFile.objects.bulk_create(files)


def components_data(components: Sequence[Component]) -> dict[str, Any]:
    """Return what an event records of the documents handed in: their names and any uploaded files."""
    data: dict[str, Any] = {"components": [item.name for item in components]}
    files = [
        {"component": item.name, "name": upload.original_name, "size": upload.size, "sha256": upload.sha256}
        for item in components
        for upload in item.uploads
    ]
    if files:
        data["files"] = files
    return data


def _new_dossier(
    *,
    version: ProcedureVersion,
    receiving_unit: Unit,
    reception_point: Unit,
    channel: Channel,
    applicant: Applicant,
    components: Sequence[Component],
    subject: str,
    actor: User | None,
) -> Dossier:
    """Check the applicant and components; return the unsaved dossier submitted now (state 1), without its code."""
    applicant = _check_applicant(applicant)
    check_components(components)
    at = now()
    return Dossier(
        procedure_version=version,
        reception_point=reception_point,
        receiving_unit=receiving_unit,
        competent_agency_id=version.competent_unit_id,
        channel=channel,
        applicant_kind=applicant.kind,
        applicant_name=applicant.name.strip(),
        applicant_id_number=applicant.id_number,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        applicant_address=applicant.address,
        submitter_name=applicant.submitter_name,
        submitter_id_number=applicant.submitter_id_number,
        submitter_phone=applicant.submitter_phone,
        subject=subject,
        state=State.SUBMITTED,
        submitted_at=at,
        lookup_secret=new_lookup_secret(),
        created_by=actor,
    )


def _take_code(dossier: Dossier, at: datetime) -> None:
    """Give the new dossier its code: the daily sequence row stays locked until the commit, so call this last."""
    dossier.code = dossier_code_next(unit=dossier.receiving_unit, day=timezone.localdate(at))


def dossier_submit(
    *,
    version: ProcedureVersion,
    receiving_unit: Unit,
    reception_point: Unit,
    channel: Channel,
    applicant: Applicant,
    components: Sequence[Component] = (),
    subject: str = "",
    actor: User | None = None,
) -> Dossier:
    """Register a dossier submitted online or by post (state 1); its code is issued now (CODE-3)."""
    dossier = _new_dossier(
        version=version,
        receiving_unit=receiving_unit,
        reception_point=reception_point,
        channel=channel,
        applicant=applicant,
        components=components,
        subject=subject,
        actor=actor,
    )
    at = dossier.submitted_at
    with transaction.atomic():
        _take_code(dossier, at)
        dossier.save(force_insert=True)
        add_components(dossier, components, at, supplement=False)
        record(dossier, type="submitted", actor=actor, at=at, from_state="", data={"channel": int(channel)}, last=None)
    return dossier


# What acceptance changes on the dossier row (the UPDATE of an online dossier names only these).
ACCEPTANCE_FIELDS = [
    "state",
    "accepted_at",
    "time_limit_amount",
    "time_limit_unit",
    "clock_rule",
    "clock_runs_awaiting_payment",
    "appointment_at",
    "current_appointment_at",
    "appointment_explanation",
    "updated_at",
]


def _accept(dossier: Dossier, *, version: ProcedureVersion, at: datetime) -> None:
    """Freeze the time limit and set the appointment on the dossier in memory (reads the calendar, writes nothing)."""
    amount, time_unit = time_limit_of(version)
    appointment, explanation = appointment_for(
        unit=dossier.receiving_unit, accepted_at=at, amount=amount, time_unit=time_unit
    )
    dossier.state = State.ACCEPTED
    dossier.accepted_at = at
    dossier.time_limit_amount = amount if time_unit != TimeUnit.SAME_DAY else None
    dossier.time_limit_unit = time_unit
    dossier.clock_rule = version.clock_rule
    dossier.clock_runs_awaiting_payment = version.clock_runs_awaiting_payment
    dossier.appointment_at = appointment
    dossier.current_appointment_at = appointment
    dossier.appointment_explanation = explanation


def _accepted_entry(dossier: Dossier, *, version: ProcedureVersion, previous: str) -> Entry:
    """Return the `accepted` event of a dossier `_accept` has changed, with the receipt notice."""
    amount, time_unit = time_limit_of(version)
    appointment = dossier.appointment_at
    assert appointment is not None  # set by _accept
    local = timezone.localtime(appointment)
    notice = Notice(
        subject=f"Hồ sơ {dossier.code} đã được tiếp nhận",
        body=(
            f"Hồ sơ {dossier.code} ({version.name}) đã được tiếp nhận. "
            f"Ngày hẹn trả kết quả: {local:%H:%M} ngày {local:%d/%m/%Y}."
        ),
    )
    data = {"appointment_at": appointment.isoformat(), "time_limit": [amount, time_unit]}
    return Entry(type="accepted", from_state=previous, to_state=dossier.state, data=data, notices=[notice])


def _reception_step(dossier: Dossier, *, actor: User, at: datetime) -> DossierStep:
    """Return the unsaved, finished first step: the reception itself."""
    return DossierStep(
        dossier=dossier,
        order=1,
        name="Tiếp nhận hồ sơ",
        role="reception_officer",
        unit_id=dossier.reception_point_id,
        assignee=actor,
        quota_amount=1,
        quota_unit="hours",
        started_at=dossier.submitted_at if dossier.channel != Channel.COUNTER else at,
        due_at=at,
        finished_at=at,
        finish_kind="forwarded",
    )


@transaction.atomic
def dossier_accept(*, code: str, actor: User, components: Sequence[Component] = ()) -> Dossier:
    """Accept a complete, valid dossier: freeze the time limit, compute the appointment, open the ledger line."""
    check_components(components)
    dossier = locked(code, related=("procedure_version", "receiving_unit"))
    require_state(dossier, RECEPTION_STATES, "tiếp nhận")
    at = now()
    previous = dossier.state
    _accept(dossier, version=dossier.procedure_version, at=at)
    dossier.save(update_fields=ACCEPTANCE_FIELDS)
    add_components(dossier, components, at, supplement=False)
    _reception_step(dossier, actor=actor, at=at).save(force_insert=True)
    entry = _accepted_entry(dossier, version=dossier.procedure_version, previous=previous)
    record_entries(dossier, [entry], actor=actor, at=at)
    return dossier


def dossier_receive_at_counter(
    *,
    version: ProcedureVersion,
    receiving_unit: Unit,
    reception_point: Unit,
    applicant: Applicant,
    components: Sequence[Component],
    actor: User,
    subject: str = "",
) -> Dossier:
    """Register and accept at once a dossier handed in at the counter (channel 1)."""
    return dossier_register_at_desk(
        outcome=DeskOutcome.ACCEPT,
        version=version,
        receiving_unit=receiving_unit,
        reception_point=reception_point,
        channel=Channel.COUNTER,
        applicant=applicant,
        components=components,
        subject=subject,
        actor=actor,
    )


def _register_and_accept(
    *,
    version: ProcedureVersion,
    receiving_unit: Unit,
    reception_point: Unit,
    channel: Channel,
    applicant: Applicant,
    components: Sequence[Component],
    actor: User,
    subject: str,
) -> Dossier:
    """Register and accept a dossier handed in at the desk: one row inserted already accepted, both events.

    Everything that needs no lock (checks, calendar, appointment) comes first, outside the
    transaction; the transaction then takes the code and runs five INSERTs, so the daily sequence
    row, locked from the code to the commit, is held as briefly as gap-free numbering allows.
    """
    dossier = _new_dossier(
        version=version,
        receiving_unit=receiving_unit,
        reception_point=reception_point,
        channel=channel,
        applicant=applicant,
        components=components,
        subject=subject,
        actor=actor,
    )
    at = dossier.submitted_at
    _accept(dossier, version=version, at=at)
    step = _reception_step(dossier, actor=actor, at=at)
    submitted = Entry(type="submitted", from_state="", to_state=State.SUBMITTED, data={"channel": int(channel)})
    with transaction.atomic():
        _take_code(dossier, at)
        dossier.save(force_insert=True)
        add_components(dossier, components, at, supplement=False)
        step.save(force_insert=True)
        accepted = _accepted_entry(dossier, version=version, previous=State.SUBMITTED)
        record_entries(dossier, [submitted, accepted], actor=actor, at=at, last=None)
    return dossier


@transaction.atomic
def dossier_request_completion(*, code: str, actor: User, missing: Sequence[str], note: str = "") -> Dossier:
    """Return a submitted dossier for completion with the full list of what is missing (Form 02, once: REC-3)."""
    dossier = locked(code, related=("procedure_version",))
    require_state(dossier, {State.SUBMITTED}, "yêu cầu hoàn thiện hồ sơ")
    if dossier.completion_requested:
        raise WrongState(
            f"Hồ sơ {dossier.code} đã được hướng dẫn hoàn thiện một lần; chỉ hướng dẫn một lần, đầy đủ / "
            "completion may be requested only once, with the full list"
        )
    missing = required_lines(missing, what="giấy tờ cần hoàn thiện / the missing documents")
    note = (note or "").strip()
    at = now()
    dossier.completion_requested = True
    dossier.state = State.RETURNED_FOR_COMPLETION
    dossier.save(update_fields=["completion_requested", "state", "updated_at"])
    items = "; ".join(missing)
    notice = Notice(
        subject=f"Hồ sơ {dossier.code} cần bổ sung, hoàn thiện",
        body=(
            f"Hồ sơ {dossier.code} ({dossier.procedure_version.name}) chưa đầy đủ, hợp lệ. "
            f"Đề nghị bổ sung, hoàn thiện: {items}." + (f" {note}" if note else "")
        ),
    )
    record(
        dossier,
        type="completion_requested",
        actor=actor,
        at=at,
        from_state=State.SUBMITTED,
        data={"missing": missing, "note": note},
        notices=[notice],
    )
    return dossier


@transaction.atomic
def dossier_resubmit(*, code: str, actor: User | None = None, components: Sequence[Component] = ()) -> Dossier:
    """Hand in a completed dossier again after a completion request; it waits for acceptance (state 1)."""
    dossier = locked(code)
    require_state(dossier, {State.RETURNED_FOR_COMPLETION}, "nộp lại hồ sơ đã hoàn thiện")
    at = now()
    add_components(dossier, components, at, supplement=True)
    dossier.state = State.SUBMITTED
    dossier.save(update_fields=["state", "updated_at"])
    record(
        dossier,
        type="resubmitted",
        actor=actor,
        at=at,
        from_state=State.RETURNED_FOR_COMPLETION,
        data=components_data(components),
    )
    return dossier


@transaction.atomic
def dossier_refuse(*, code: str, actor: User, reasons: Sequence[str]) -> Dossier:
    """Refuse a dossier at reception with its reasons (Form 03); the clock never starts.

    The refusal is an end state with a time (ST-7): `processing_ended_at` records it, so reports
    count refusals in a window by it (ST-1).
    """
    dossier = locked(code)
    require_state(dossier, RECEPTION_STATES, "từ chối tiếp nhận")
    reasons = required_lines(reasons, what="lý do từ chối / the reasons for refusal")
    at = now()
    previous = dossier.state
    dossier.state = State.REFUSED_AT_RECEPTION
    dossier.processing_ended_at = at
    dossier.save()
    notice = Notice(
        subject=f"Hồ sơ {dossier.code} không được tiếp nhận",
        body=f"Hồ sơ {dossier.code} ({dossier.procedure_version.name}) không được tiếp nhận. Lý do: "
        + "; ".join(reasons)
        + ".",
    )
    record(
        dossier,
        type="refused",
        actor=actor,
        at=at,
        from_state=previous,
        data={"reasons": reasons, "processing_ended_at": [None, iso(at)]},
        notices=[notice],
    )
    return dossier


class DeskOutcome:
    """What the reception officer decides for a dossier handed in at the desk (REC-3)."""

    ACCEPT = "accept"
    COMPLETION = "completion"
    REFUSE = "refuse"


def dossier_register_at_desk(
    *,
    outcome: str,
    version: ProcedureVersion,
    receiving_unit: Unit,
    reception_point: Unit,
    channel: Channel,
    applicant: Applicant,
    components: Sequence[Component],
    actor: User,
    subject: str = "",
    missing: Sequence[str] = (),
    note: str = "",
    reasons: Sequence[str] = (),
) -> Dossier:
    """Register a dossier handed in at the desk (or arrived by post) and accept it, ask for completion or refuse it.

    One transaction: if the second step fails, nothing is registered and no code is used.
    """
    if outcome not in (DeskOutcome.ACCEPT, DeskOutcome.COMPLETION, DeskOutcome.REFUSE):
        raise DossierError(f"Kết quả tiếp nhận không hợp lệ: {outcome!r} / unknown reception outcome")
    if outcome == DeskOutcome.ACCEPT:
        return _register_and_accept(
            version=version,
            receiving_unit=receiving_unit,
            reception_point=reception_point,
            channel=channel,
            applicant=applicant,
            components=components,
            subject=subject,
            actor=actor,
        )
    with transaction.atomic():
        dossier = dossier_submit(
            version=version,
            receiving_unit=receiving_unit,
            reception_point=reception_point,
            channel=channel,
            applicant=applicant,
            components=components,
            subject=subject,
            actor=actor,
        )
        if outcome == DeskOutcome.COMPLETION:
            return dossier_request_completion(code=dossier.code, actor=actor, missing=missing, note=note)
        return dossier_refuse(code=dossier.code, actor=actor, reasons=reasons)
