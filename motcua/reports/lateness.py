"""Late dossiers by responsible unit and cause (issue 4 item 5): "Hồ sơ trễ hạn theo đơn vị và nguyên nhân".

A dossier is late in a window when the period report counts it as resolved late or as pending
overdue at T (`period_report_dossiers`, so this page always agrees with the report's figures).
Each late dossier is then attributed, as of T, to:

- its apology (phiếu xin lỗi, DOMAIN.md §5.9) drafted by T, approved or not: the unit it names as
  responsible and its cause category (APO-5);
- every step of its internal process that overran by T — finished after its due time, or still open
  past it at T — under the step's unit; an overrun consultation step (ST-12) is a cause of its own;
- nothing of the above: "unattributed", under no unit, so that every late dossier shows somewhere.

A dossier can therefore stand under several (unit, cause) lines; each line counts distinct dossiers
and each unit's total counts its dossiers once, so lines may add up to more than the total.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Unit
from motcua.dossiers.models import Apology, ApologyCause, DossierStep
from motcua.reports.definitions import Measure
from motcua.reports.selectors import ReportWindow, period_report_dossiers, report_window

STEP_OVERRUN = "step_overrun"
CONSULTATION_OVERRUN = "consultation_overrun"
UNATTRIBUTED = "unattributed"
CAUSE_LABELS: dict[str, str | Promise] = {
    **{cause.value: cause.label for cause in ApologyCause},
    STEP_OVERRUN: _("Quá thời hạn của bước xử lý"),
    CONSULTATION_OVERRUN: _("Quá thời hạn lấy ý kiến cơ quan phối hợp"),
    UNATTRIBUTED: _("Không có phiếu xin lỗi, không có bước quá hạn"),
}
UNATTRIBUTED_UNIT = _("Chưa xác định đơn vị chịu trách nhiệm")
CHUNK = 1000  # dossier codes per IN (…) query, well under SQLite's variable limit


@dataclass(frozen=True)
class LateLine:
    """The late dossiers one unit is responsible for through one cause."""

    cause: str
    cause_label: str | Promise
    source: str  # "apology", "step" or "" (unattributed)
    resolved_late: tuple[str, ...]
    pending_overdue: tuple[str, ...]

    @property
    def total(self) -> int:
        return len(self.resolved_late) + len(self.pending_overdue)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(sorted((*self.resolved_late, *self.pending_overdue)))


@dataclass(frozen=True)
class LateUnit:
    """A responsible unit (code "" for the unattributed dossiers) with its distinct late dossiers and causes."""

    code: str
    name: str
    resolved_late: int
    pending_overdue: int
    lines: tuple[LateLine, ...]

    @property
    def total(self) -> int:
        return self.resolved_late + self.pending_overdue


@dataclass(frozen=True)
class LatenessReport:
    """The late dossiers of a unit's sub-tree in a window, by responsible unit and cause."""

    unit_code: str
    unit_name: str
    window: ReportWindow
    resolved_late: tuple[str, ...]
    pending_overdue: tuple[str, ...]
    units: tuple[LateUnit, ...]

    @property
    def total(self) -> int:
        return len(self.resolved_late) + len(self.pending_overdue)

    def line_codes(self, *, responsible: str, cause: str) -> tuple[str, ...] | None:
        """Return the codes behind one line (`responsible` = unit code, "" when unattributed), None if no such line."""
        for unit in self.units:
            if unit.code == responsible:
                for line in unit.lines:
                    if line.cause == cause:
                        return line.codes
        return None


def _chunks(codes: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(codes), CHUNK):
        yield codes[start : start + CHUNK]


Attribution = tuple[int | None, str, str]  # (responsible unit id, cause, source)


def late_attributions(*, codes: Sequence[str], at: datetime) -> dict[str, set[Attribution]]:
    """Return, for each of the dossiers `codes`, its responsible units and causes as of `at` (see the module)."""
    found: dict[str, set[Attribution]] = defaultdict(set)
    for chunk in _chunks(codes):
        apologies = Apology.objects.filter(dossier__code__in=chunk, drafted_at__lte=at)
        for code, cause, unit_id in apologies.values_list("dossier__code", "cause", "responsible_unit_id"):
            found[code].add((unit_id, cause, "apology"))
        overran = Q(finished_at__isnull=True) | Q(finished_at__gt=F("due_at"))
        steps = DossierStep.objects.filter(overran, dossier__code__in=chunk, due_at__lt=at)
        for code, unit_id, consultation in steps.values_list("dossier__code", "unit_id", "is_consultation"):
            found[code].add((unit_id, CONSULTATION_OVERRUN if consultation else STEP_OVERRUN, "step"))
    for code in codes:
        if code not in found:
            found[code].add((None, UNATTRIBUTED, ""))
    return dict(found)


def late_dossiers_by_cause(
    *, unit: Unit, date_from: date, date_to: date, as_of: datetime | None = None
) -> LatenessReport:
    """Return the dossiers resolved late or pending overdue in the window, by responsible unit and cause."""
    window = report_window(date_from=date_from, date_to=date_to, as_of=as_of)
    late, overdue = (
        tuple(period_report_dossiers(unit=unit, date_from=date_from, date_to=date_to, as_of=window.end, measure=m))
        for m in (Measure.RESOLVED_LATE, Measure.PENDING_OVERDUE)
    )
    attributions = late_attributions(codes=[*late, *overdue], at=window.end)
    return LatenessReport(
        unit_code=unit.code,
        unit_name=unit.name,
        window=window,
        resolved_late=late,
        pending_overdue=overdue,
        units=_by_unit(attributions, resolved_late=set(late)),
    )


def _by_unit(attributions: dict[str, set[Attribution]], *, resolved_late: set[str]) -> tuple[LateUnit, ...]:
    """Gather the attributions into units and lines: most late dossiers first, the unattributed last."""
    lines: dict[int | None, dict[tuple[str, str], list[str]]] = defaultdict(lambda: defaultdict(list))
    for code, found in attributions.items():
        for unit_id, cause, source in found:
            lines[unit_id][(cause, source)].append(code)
    ids = [unit_id for unit_id in lines if unit_id is not None]
    named = {pk: (code, name) for pk, code, name in Unit.objects.filter(pk__in=ids).values_list("id", "code", "name")}
    nobody = ("", str(UNATTRIBUTED_UNIT))
    units = [
        _late_unit(named[unit_id] if unit_id is not None else nobody, by_cause, resolved_late)
        for unit_id, by_cause in lines.items()
    ]
    return tuple(sorted(units, key=lambda u: (u.code == "", -u.total, u.code)))


def _late_unit(named: tuple[str, str], by_cause: dict[tuple[str, str], list[str]], resolved_late: set[str]) -> LateUnit:
    def split(codes: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        ordered = sorted(set(codes))
        return tuple(c for c in ordered if c in resolved_late), tuple(c for c in ordered if c not in resolved_late)

    lines = [
        LateLine(cause, CAUSE_LABELS.get(cause, cause), source, *split(codes))
        for (cause, source), codes in by_cause.items()
    ]
    late, overdue = split(code for codes in by_cause.values() for code in codes)
    return LateUnit(
        code=named[0],
        name=named[1],
        resolved_late=len(late),
        pending_overdue=len(overdue),
        lines=tuple(sorted(lines, key=lambda line: (-line.total, line.cause))),
    )
