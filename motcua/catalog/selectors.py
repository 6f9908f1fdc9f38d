"""Reads of the catalog: current versions, accent-insensitive search, counts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from motcua.catalog.models import Level, ProcedureVersion
from motcua.catalog.synonyms import expand_query


def in_force(on: date | None = None) -> Q:
    """Return the filter for versions in force on `on` (today by default)."""
    day = on or timezone.localdate()
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=day)) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def _search_rank(groups: list[tuple[str, ...]]) -> Case:
    """Rank 0: the whole query, or the first official phrase of an everyday one; 1: another official phrase; 2."""
    best = Q(search_text__contains=" ".join(group[0] for group in groups))
    others = [official for alternatives in groups for official in alternatives[2:]]
    for alternatives in groups:
        if len(alternatives) > 1:
            best |= Q(search_text__contains=alternatives[1])
    cases = [When(best, then=Value(0))]
    if others:
        good = Q()
        for official in others:
            good |= Q(search_text__contains=official)
        cases.append(When(good, then=Value(1)))
    return Case(*cases, default=Value(2))


def procedure_search_filtered(wanted: Mapping[str, Any]) -> QuerySet[ProcedureVersion]:
    """Return `procedure_search` for the cleaned data of a search form (q, field, unit, level, online_level)."""
    return procedure_search(
        query=wanted.get("q") or "",
        field_id=wanted["field"].pk if wanted.get("field") else None,
        unit_id=wanted["unit"].pk if wanted.get("unit") else None,
        level=wanted.get("level") or "",
        online_level=wanted.get("online_level") or "",
    )


def procedure_search(
    *,
    query: str = "",
    field_id: int | None = None,
    unit_id: int | None = None,
    level: str = "",
    online_level: str = "",
    on: date | None = None,
) -> QuerySet[ProcedureVersion]:
    """Return the versions in force that match every folded word of `query` and the filters.

    Everyday phrases also match their official words ("so do" finds "giấy chứng nhận quyền sử dụng
    đất"; see `catalog.synonyms`). The closest come first (`_search_rank`), then by field and code.
    """
    versions = ProcedureVersion.objects.filter(in_force(on)).select_related("procedure", "field", "competent_unit")
    groups = expand_query(query)
    for alternatives in groups:
        match = Q()
        for phrase in alternatives:
            match |= Q(search_text__contains=phrase)
        versions = versions.filter(match)
    if groups:
        versions = versions.annotate(rank=_search_rank(groups))
    if field_id:
        versions = versions.filter(field_id=field_id)
    if unit_id:
        versions = versions.filter(Q(competent_unit_id=unit_id) | Q(coordinating_units__id=unit_id)).distinct()
    if level:
        versions = versions.filter(level=level)
    if online_level:
        versions = versions.filter(online_level=online_level)
    return versions.order_by(*(["rank"] if groups else []), "field__name", "procedure__code")


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
