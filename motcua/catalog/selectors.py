"""Reads of the catalog: current versions, accent-insensitive search, counts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from motcua.catalog.models import Level, ProcedureVersion
from motcua.lib.text import search_terms


def in_force(on: date | None = None) -> Q:
    """Return the filter for versions in force on `on` (today by default)."""
    day = on or timezone.localdate()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def procedure_search(
    *,
    query: str = "",
    field_id: int | None = None,
    unit_id: int | None = None,
    level: str = "",
    online_level: str = "",
    on: date | None = None,
) -> QuerySet[ProcedureVersion]:
    """Return the versions in force that match every folded word of `query` and the filters."""
    versions = ProcedureVersion.objects.filter(in_force(on)).select_related("procedure", "field", "competent_unit")
    for word in search_terms(query):
        versions = versions.filter(search_text__contains=word)
    if field_id:
        versions = versions.filter(field_id=field_id)
    if unit_id:
        versions = versions.filter(Q(competent_unit_id=unit_id) | Q(coordinating_units__id=unit_id)).distinct()
    if level:
        versions = versions.filter(level=level)
    if online_level:
        versions = versions.filter(online_level=online_level)
    return versions.order_by("field__name", "procedure__code")


def procedure_version_detail(code: str, on: date | None = None) -> ProcedureVersion | None:
    """Return the version of procedure `code` in force on `on`, with its parts."""
    return (
        ProcedureVersion.objects.filter(in_force(on), procedure__code=code)
        .select_related("procedure", "field", "competent_unit")
        .prefetch_related("components", "fees", "steps__unit", "coordinating_units")
        .first()
    )


def procedure_versions_of(code: str) -> QuerySet[ProcedureVersion]:
    """Return every version of procedure `code`, oldest first."""
    return ProcedureVersion.objects.filter(procedure__code=code).order_by("valid_from")


def procedure_count_by_level(on: date | None = None) -> list[dict[str, Any]]:
    """Return the number of procedures in force per level."""
    counts = dict(ProcedureVersion.objects.filter(in_force(on)).values_list("level").annotate(n=Count("id")).order_by())
    return [{"level": level.value, "label": level.label, "count": counts.get(level.value, 0)} for level in Level]
