"""Figures of the public performance pages (issue 5): the back office's own definitions, no personal data.

Every number comes from `period_report` (on-time rate, overdue, online share; ST-1 … ST-19), `index766`
(the Decision 766 score, its groups and indicator 5.4) and the ratings' three-level counts; nothing is
recomputed here. The result is plain data (codes, counts, rates) kept in the shared cache for
PORTAL_PERFORMANCE_CACHE_SECONDS, so anonymous visitors do not stream the dossiers on every page view.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from django.conf import settings
from django.core.cache import cache

from motcua.accounts.models import Unit
from motcua.accounts.selectors import unit_descendant_ids
from motcua.dossiers.selectors_rating import satisfaction
from motcua.reports.index766 import GROUPS, index766
from motcua.reports.selectors import Figures, period_report

FIGURES_SHOWN = (
    "received",
    "received_online",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_overdue",
    "handled",
    "handled_on_time",
    "on_time_rate",
    "online_rate",
)
CACHE_VERSION = 1


def performance_roots() -> list[Unit]:
    """Return the units at the top of the tree (the province or city), in code order."""
    return list(Unit.objects.filter(parent__isnull=True).order_by("code"))


def performance_unit(code: str) -> Unit | None:
    """Return the unit with `code`, or None."""
    return Unit.objects.filter(code=code).select_related("parent").first()


def _figures(figures: Figures) -> dict[str, Any]:
    data = asdict(figures)
    return {name: data[name] for name in FIGURES_SHOWN}


def _index(unit: Unit, date_from: date, date_to: date) -> dict[str, Any]:
    result = index766(unit=unit, date_from=date_from, date_to=date_to)
    # numbers and codes only: labels are translated when the page is shown, in the visitor's language
    five_four = {score.indicator.code: score.as_dict() for score in result.scores}["5.4"]
    return {
        "total": float(round(result.total, 2)),
        "band": result.band.code,
        "groups": [
            {"code": group.code, "max": group.max_points, "points": float(round(result.group_points(group.code), 2))}
            for group in GROUPS
        ],
        "satisfaction_5_4": {
            key: five_four[key] for key in ("numerator", "denominator", "value", "points", "max_points", "status")
        },
    }


def _compute(unit: Unit, date_from: date, date_to: date) -> dict[str, Any]:
    report = period_report(unit=unit, date_from=date_from, date_to=date_to, group_by="unit")
    rated = satisfaction(unit_ids=unit_descendant_ids([unit.pk]), start=report.window.start, end=report.window.end)
    return {
        "unit_code": unit.code,
        "as_of": report.window.end.isoformat(),
        "figures": _figures(report.total),
        "rows": [
            {"code": row.key, "name": row.label, "own": row.key == unit.code, **_figures(row.figures)}
            for row in report.rows
        ],
        "satisfaction": {**asdict(rated), "satisfied_rate": rated.satisfied_rate},
        "index": _index(unit, date_from, date_to),
    }


def unit_performance(*, unit: Unit, date_from: date, date_to: date) -> dict[str, Any]:
    """Return the public figures of `unit` and its sub-tree for the window, from the shared cache when fresh.

    Raise `reports.selectors.ReportError` for a window that has not begun.
    """
    key = f"portal-performance:{CACHE_VERSION}:{unit.code}:{date_from.isoformat()}:{date_to.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = _compute(unit, date_from, date_to)
        cache.set(key, found, timeout=int(getattr(settings, "PORTAL_PERFORMANCE_CACHE_SECONDS", 600)))
    return found
