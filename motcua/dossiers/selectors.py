"""Reads of dossiers for the back office and the API, always scoped to the user's units (DESIGN.md rule 9)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import overload

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from motcua.accounts.models import Membership, Role, Unit, UnitKind, User
from motcua.accounts.selectors import (
    unit_ancestors,
    unit_calendar,
    unit_descendant_ids,
    unit_due_soon_hours,
    visible_unit_ids,
)
from motcua.catalog.models import ProcedureVersion, ProcessStep
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile, DossierStep
from motcua.dossiers.states import OPEN_STATES, State
from motcua.lib.text import fold
from motcua.workdays.arith import Calendar, CalendarError

OVERDUE = "overdue"
DUE_SOON = "due_soon"
IN_TIME = "in_time"
DUE_CSS = {OVERDUE: "due-overdue", DUE_SOON: "due-soon", IN_TIME: "due-in-time"}  # class names of the pages

HEAD_ROLES = (Role.DIVISION_HEAD, Role.AGENCY_HEAD)
# What a list row shows: procedure, the three units, the current step and its officer.
LIST_RELATED = (
    "procedure_version__procedure",
    "receiving_unit",
    "competent_agency",
    "reception_point",
    "current_step__unit",
    "current_step__assignee",
)


def _visible(unit_ids: Iterable[int]) -> Q:
    ids = list(unit_ids)
    return (
        Q(receiving_unit_id__in=ids)
        | Q(competent_agency_id__in=ids)
        | Q(reception_point_id__in=ids)
        | Q(current_step__unit_id__in=ids)
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def dossier_list(
    *,
    user: User,
    state: str | None = None,
    unit_code: str | None = None,
    procedure_code: str | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    query: str = "",
) -> QuerySet[Dossier]:
    """Return the dossiers the user may see, filtered, soonest current appointment first."""
    dossiers = Dossier.objects.filter(_visible(visible_unit_ids(user)))
    if state:
        dossiers = dossiers.filter(state=state)
    if unit_code:
        dossiers = dossiers.filter(
            Q(receiving_unit__code=unit_code) | Q(competent_agency__code=unit_code) | Q(reception_point__code=unit_code)
        )
    if procedure_code:
        dossiers = dossiers.filter(procedure_version__procedure__code=procedure_code)
    if due_from:
        dossiers = dossiers.filter(current_appointment_at__gte=_day_start(due_from))
    if due_to:
        dossiers = dossiers.filter(current_appointment_at__lt=_day_start(due_to + timedelta(days=1)))
    for word in query.split():
        # Names are matched as typed; the procedure also without accents (its folded search text).
        folded = Q(procedure_version__search_text__contains=fold(word)) if fold(word) else Q(pk__in=[])
        dossiers = dossiers.filter(
            Q(code__icontains=word)
            | Q(applicant_name__icontains=word)
            | Q(applicant_id_number__contains=word)
            | Q(applicant_phone__contains=word)
            | folded
        )
    return dossiers.select_related(*LIST_RELATED).order_by(F("current_appointment_at").asc(nulls_last=True), "code")


def dossier_get_for_user(*, user: User, code: str) -> Dossier:
    """Return dossier `code` if the user may see it; PermissionDenied if not, Dossier.DoesNotExist if unknown."""
    dossier = Dossier.objects.select_related(*LIST_RELATED, "procedure_version__competent_unit", "apology").get(
        code=code
    )
    units = visible_unit_ids(user)
    step_unit = dossier.current_step.unit_id if dossier.current_step else None
    if not units & {dossier.receiving_unit_id, dossier.competent_agency_id, dossier.reception_point_id, step_unit}:
        raise PermissionDenied(f"Hồ sơ {code} không thuộc đơn vị của bạn / dossier outside your units")
    return dossier


def dossier_timeline(dossier: Dossier) -> QuerySet[DossierEvent]:
    """Return the dossier's events in order with their actors."""
    return DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("seq")


def dossier_steps(dossier: Dossier) -> QuerySet[DossierStep]:
    """Return the dossier's steps (the control slip) in the order they started."""
    return DossierStep.objects.filter(dossier=dossier).select_related("unit", "assignee").order_by("started_at", "id")


# --- due status ------------------------------------------------------------------------------


DueRules = tuple[Calendar | None, float]  # a unit's calendar (None: wall-clock hours) and its threshold in minutes


def _due_rules(unit: Unit, at: datetime, cache: dict[int, DueRules]) -> DueRules:
    if unit.pk not in cache:
        try:
            calendar: Calendar | None = unit_calendar(unit, on=timezone.localdate(at))
        except CalendarError:
            calendar = None  # no published calendar: fall back to wall-clock hours
        hours = unit_due_soon_hours(unit, default_hours=settings.DOSSIER_DUE_SOON_HOURS)
        cache[unit.pk] = (calendar, hours * 60)
    return cache[unit.pk]


def due_status(due: datetime | None, now: datetime, *, unit: Unit, cache: dict[int, DueRules] | None = None) -> str:
    """Return "overdue", "due_soon" (≤ the unit's threshold of working hours left, ST-5) or "in_time" for a due time."""
    if due is None:
        return IN_TIME
    if now > due:
        return OVERDUE
    calendar, threshold = _due_rules(unit, now, {} if cache is None else cache)
    try:
        left = calendar.working_minutes_between(now, due) if calendar else int((due - now).total_seconds() // 60)
    except CalendarError:
        left = int((due - now).total_seconds() // 60)
    return DUE_SOON if left <= threshold else IN_TIME


def dossier_due_status(dossier: Dossier, now: datetime, cache: dict[int, DueRules] | None = None) -> str:
    """Return the due status of an open dossier against its current appointment (ST-4, ST-5); closed ones are in time.

    The back office works towards the current appointment (moved by an apology or a supplement);
    statistics compare with the original one (ST-11) in `reports`.
    """
    if dossier.state not in OPEN_STATES:
        return IN_TIME
    return due_status(dossier.current_appointment_at, now, unit=dossier.receiving_unit, cache=cache)


# --- queues ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueItem:
    """A dossier in a queue with its open step (if any) and their due statuses."""

    dossier: Dossier
    step: DossierStep | None
    status: str  # the step's due status, else the dossier's
    dossier_status: str

    @property
    def css_class(self) -> str:
        return DUE_CSS[self.status]


@dataclass
class Queue(Sequence[QueueItem]):
    """A lazily flagged queue: paginate it, and only the rows of a page get their due statuses computed."""

    rows: QuerySet[DossierStep] | QuerySet[Dossier]
    now: datetime
    _cache: dict[int, DueRules] = field(default_factory=dict)

    def count(self) -> int:  # type: ignore[override]  # Paginator prefers count() to len()
        return self.rows.count()

    def __len__(self) -> int:
        return self.rows.count()

    @overload
    def __getitem__(self, index: int) -> QueueItem: ...

    @overload
    def __getitem__(self, index: slice) -> list[QueueItem]: ...

    def __getitem__(self, index: int | slice) -> QueueItem | list[QueueItem]:
        if isinstance(index, slice):
            return [self._item(row) for row in self.rows[index]]
        return self._item(self.rows[index])

    def __iter__(self) -> Iterator[QueueItem]:
        return (self._item(row) for row in self.rows)

    def _item(self, row: DossierStep | Dossier) -> QueueItem:
        step: DossierStep | None
        if isinstance(row, DossierStep):
            dossier, step = row.dossier, row
        else:
            dossier, step = row, row.current_step
        dossier_status = dossier_due_status(dossier, self.now, self._cache)
        if step is None or step.finished_at is not None:
            return QueueItem(dossier, step, dossier_status, dossier_status)
        status = due_status(step.due_at, self.now, unit=dossier.receiving_unit, cache=self._cache)
        return QueueItem(dossier, step, status, dossier_status)


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def my_queue(*, user: User, now: datetime | None = None) -> Queue:
    """Return the open steps assigned to the user or unassigned in the user's units and roles, by due time."""
    mine = Q(assignee=user)
    for unit_id, role in Membership.objects.filter(user=user, is_active=True).values_list("unit_id", "role"):
        mine |= Q(assignee__isnull=True, unit_id=unit_id, role=role)
    steps = (
        DossierStep.objects.filter(mine, finished_at__isnull=True, dossier__state__in=OPEN_STATES)
        .select_related(*(f"dossier__{name}" for name in LIST_RELATED if not name.startswith("current_step")))
        .select_related("unit", "assignee")
        .order_by("due_at", "id")
    )
    return Queue(steps, _now(now))


def unit_queue(*, user: User, unit: Unit, now: datetime | None = None) -> Queue:
    """Return the open dossiers of `unit` and the units below it, unassigned first, then by appointment."""
    if unit.pk not in visible_unit_ids(user):
        raise PermissionDenied(f"Đơn vị {unit.code} không thuộc quyền của bạn / unit outside your units")
    units = unit_descendant_ids([unit.pk])
    dossiers = (
        Dossier.objects.filter(Q(competent_agency_id__in=units) | Q(current_step__unit_id__in=units))
        .filter(state__in=OPEN_STATES)
        .select_related(*LIST_RELATED, "apology")
        .order_by(
            F("current_step__assignee").asc(nulls_first=True),
            F("current_appointment_at").asc(nulls_last=True),
            "code",
        )
    )
    return Queue(dossiers, _now(now))


def user_units_with_role(user: User, roles: Iterable[str]) -> set[int]:
    """Return the ids of the units (with their sub-trees) where the user holds one of `roles`."""
    if user.is_superuser:
        return set(Unit.objects.values_list("id", flat=True))
    roots = Membership.objects.filter(user=user, is_active=True, role__in=list(roles)).values_list("unit_id", flat=True)
    return unit_descendant_ids(roots)


def return_desk(*, user: User, now: datetime | None = None) -> QuerySet[Dossier]:
    """Return the DONE dossiers (results waiting for the applicant) of the user's reception units."""
    units = user_units_with_role(user, [Role.RECEPTION_OFFICER])
    return (
        Dossier.objects.filter(Q(receiving_unit_id__in=units) | Q(reception_point_id__in=units), state=State.DONE)
        .select_related(*LIST_RELATED)
        .order_by("processing_ended_at", "code")
    )


def reception_pending(*, user: User, unit: Unit) -> QuerySet[Dossier]:
    """Return the dossiers submitted online or by post (or resubmitted) that wait for reception at `unit`."""
    if unit.pk not in user_units_with_role(user, [Role.RECEPTION_OFFICER]):
        raise PermissionDenied(f"Bạn không tiếp nhận hồ sơ tại {unit.code} / not a reception officer of this unit")
    return (
        Dossier.objects.filter(Q(receiving_unit=unit) | Q(reception_point=unit), state=State.SUBMITTED)
        .select_related(*LIST_RELATED)
        .order_by("submitted_at", "code")
    )


# --- what a user may do on one dossier -------------------------------------------------------


@dataclass(frozen=True)
class DossierAccess:
    """The roles a user holds over a dossier's units (in the unit or above it), for pages and forms."""

    reception: bool  # reception officer of the receiving unit or reception point
    processing: bool  # processing officer of the competent agency or the current step's unit
    head: bool  # division or agency head there
    agency_head: bool  # agency head of the competent agency (approves apologies, decides)

    @property
    def sees_personal_data(self) -> bool:
        return self.reception or self.processing or self.head


def dossier_access(*, user: User, dossier: Dossier) -> DossierAccess:
    """Return which of the dossier's roles the user holds."""
    if user.is_superuser:
        return DossierAccess(reception=True, processing=True, head=True, agency_head=True)
    held: dict[str, set[int]] = {}
    for unit_id, role in Membership.objects.filter(user=user, is_active=True).values_list("unit_id", "role"):
        held.setdefault(role, set()).add(unit_id)

    parents = dict(Unit.objects.values_list("id", "parent_id"))

    def scope(*unit_ids: int | None) -> set[int]:
        ids: set[int] = set()
        for current in unit_ids:
            while current is not None and current not in ids:
                ids.add(current)
                current = parents.get(current)
        return ids

    def holds(roles: Iterable[str], units: set[int]) -> bool:
        return any(held.get(role, set()) & units for role in roles)

    step = dossier.current_step
    processing_units = scope(dossier.competent_agency_id, step.unit_id if step else None)
    apology = getattr(dossier, "apology", None)  # its responsible unit's head may sign too (APO-4)
    signing_units = scope(dossier.competent_agency_id, apology.responsible_unit_id if apology else None)
    return DossierAccess(
        reception=holds([Role.RECEPTION_OFFICER], scope(dossier.receiving_unit_id, dossier.reception_point_id)),
        processing=holds([Role.PROCESSING_OFFICER], processing_units),
        head=holds(HEAD_ROLES, processing_units),
        agency_head=holds([Role.AGENCY_HEAD], signing_units),
    )


def unit_members(*, unit: Unit) -> QuerySet[User]:
    """Return the active members of `unit` and the units below it, by name, for the assignment select."""
    units = unit_descendant_ids([unit.pk])
    return (
        User.objects.filter(memberships__unit_id__in=units, memberships__is_active=True, is_active=True)
        .distinct()
        .order_by("full_name", "username")
    )


# --- the public portal: online reception, a citizen's own dossiers, open requests, files --------


def procedure_online_reception_unit(version: ProcedureVersion) -> Unit | None:
    """Return the unit whose intake receives the procedure's online dossiers, or None if none is configured.

    The reception step of the internal process names it (CAT-5); without one, the service centre
    under the competent unit or under its nearest ancestor that has one.
    """
    step = (
        ProcessStep.objects.filter(version=version, role=Role.RECEPTION_OFFICER, unit__isnull=False)
        .select_related("unit")
        .order_by("order")
        .first()
    )
    if step is not None and step.unit is not None:
        return step.unit
    today = timezone.localdate()
    in_force = (Q(valid_from__isnull=True) | Q(valid_from__lte=today)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    for unit in [version.competent_unit, *unit_ancestors(version.competent_unit)]:
        center = Unit.objects.filter(in_force, parent=unit, kind=UnitKind.SERVICE_CENTER).order_by("code").first()
        if center is not None:
            return center
    return None


def dossiers_of_citizen(*, phone: str = "", email: str = "", id_number: str = "") -> QuerySet[Dossier]:
    """Return the dossiers whose applicant has this verified phone, e-mail or ID number (none if all are empty)."""
    match = Q(pk__in=[])
    if phone:
        match |= Q(applicant_phone=phone)
    if email:
        match |= Q(applicant_email__iexact=email)
    if id_number:
        match |= Q(applicant_id_number=id_number) | Q(submitter_id_number=id_number)
    return (
        Dossier.objects.filter(match)
        .select_related("procedure_version__procedure", "receiving_unit")
        .order_by("-submitted_at", "-id")
    )


@dataclass(frozen=True)
class OpenRequest:
    """The supplement (during processing) or completion (before acceptance) request a dossier waits on."""

    type: str  # the event type: supplement_requested or completion_requested
    at: datetime
    missing: list[str]
    note: str


OPEN_REQUEST_EVENTS = {
    State.SUPPLEMENT_REQUESTED: "supplement_requested",
    State.RETURNED_FOR_COMPLETION: "completion_requested",
}


def dossier_open_request(dossier: Dossier) -> OpenRequest | None:
    """Return the request the dossier waits on for more documents, or None when it waits on none."""
    event_type = OPEN_REQUEST_EVENTS.get(State(dossier.state))
    if event_type is None:
        return None
    event = DossierEvent.objects.filter(dossier=dossier, type=event_type).order_by("-seq").first()
    if event is None:
        return None
    missing = [str(item) for item in event.data.get("missing", []) if str(item).strip()]
    return OpenRequest(type=event_type, at=event.at, missing=missing, note=str(event.data.get("note", "")))


def dossier_files(dossier: Dossier) -> QuerySet[DossierFile]:
    """Return the files uploaded for the dossier, with their received component, in upload order."""
    return DossierFile.objects.filter(dossier=dossier).select_related("received").order_by("uploaded_at", "id")
