"""Reads about units and users, and the access helpers every view and endpoint goes through."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import TypeVar

from django.db import connection
from django.db.models import Q, QuerySet

from motcua.accounts.models import Membership, Role, Unit, User
from motcua.workdays.arith import Calendar
from motcua.workdays.selectors import calendar_for

T = TypeVar("T")


def unit_descendant_ids(root_ids: Iterable[int]) -> set[int]:
    """Return the ids of the given units and of every unit below them (one query)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit_id, parent_id in Unit.objects.values_list("id", "parent_id"):
        children[parent_id].append(unit_id)
    seen: set[int] = set()
    stack = list(root_ids)
    while stack:
        unit_id = stack.pop()
        if unit_id not in seen:
            seen.add(unit_id)
            stack.extend(children[unit_id])
    return seen


# Deeper than any real tree (province, department, division…); a guard should a cycle ever be stored.
MAX_UNIT_DEPTH = 32


def _ancestors_sql(columns: str) -> str:
    """Return the recursive query of a unit's ancestors (parameters: unit id, depth limit), nearest first."""
    table = connection.ops.quote_name(Unit._meta.db_table)  # the model's own table name, not input
    return f"""
        WITH RECURSIVE chain (id, depth) AS (
            SELECT parent_id, 1 FROM {table} WHERE id = %s
            UNION ALL
            SELECT unit.parent_id, chain.depth + 1 FROM {table} unit JOIN chain ON unit.id = chain.id
            WHERE chain.depth < %s
        )
        SELECT {columns} FROM {table} unit JOIN chain ON unit.id = chain.id ORDER BY chain.depth
    """  # noqa: S608


def _until_cycle(unit_id: int, rows: Iterable[tuple[int, T]]) -> list[T]:
    """Return the values of the (id, value) rows up to the first unit seen twice (a cycle), in order."""
    seen = {unit_id}
    values = []
    for row_id, value in rows:
        if row_id in seen:
            break
        seen.add(row_id)
        values.append(value)
    return values


def unit_ancestors(unit: Unit) -> list[Unit]:
    """Return the unit's ancestors, nearest first (one recursive query, whatever the size of the tree)."""
    ancestors = Unit.objects.raw(_ancestors_sql("unit.*"), [unit.pk, MAX_UNIT_DEPTH])
    return _until_cycle(unit.pk, ((ancestor.pk, ancestor) for ancestor in ancestors))


def unit_calendar(unit: Unit | None, on: date | None = None) -> Calendar:
    """Return the working calendar of `unit` (its own overrides, then its ancestors', then national)."""
    if unit is None:
        return calendar_for((), on)
    with connection.cursor() as cursor:  # only the codes: cheaper than building Unit objects on every deadline
        cursor.execute(_ancestors_sql("unit.id, unit.code"), [unit.pk, MAX_UNIT_DEPTH])
        codes: list[str] = _until_cycle(unit.pk, cursor.fetchall())
    return calendar_for([unit.code, *codes], on)


def active_memberships(user: User) -> QuerySet[Membership]:
    """Return the user's active memberships with their units."""
    return Membership.objects.filter(user=user, is_active=True).select_related("unit").order_by("unit__code", "role")


def visible_unit_ids(user: User) -> set[int]:
    """Return the ids of the units `user` may see: each membership unit and its sub-tree."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(Unit.objects.values_list("id", flat=True))
    roots = Membership.objects.filter(user=user, is_active=True).values_list("unit_id", flat=True)
    return unit_descendant_ids(roots)


def units_visible_to(user: User) -> QuerySet[Unit]:
    """Return the units `user` may see."""
    return Unit.objects.filter(id__in=visible_unit_ids(user))


def user_can_see_unit(user: User, unit: Unit) -> bool:
    """Return whether `unit` lies inside the user's units."""
    return unit.pk in visible_unit_ids(user)


def user_has_role(user: User, roles: Iterable[Role | str], unit: Unit | None = None) -> bool:
    """Return whether the user holds one of `roles` in `unit` or above it (any unit if None)."""
    if user.is_superuser:
        return True
    memberships = Membership.objects.filter(user=user, is_active=True, role__in=list(roles))
    if unit is None:
        return memberships.exists()
    scope = {unit.pk, *(a.pk for a in unit_ancestors(unit))}
    return memberships.filter(unit_id__in=scope).exists()


def unit_list(*, query: str = "", kind: str = "", on: date | None = None) -> QuerySet[Unit]:
    """Return units filtered by text (name or code), kind and validity on a date."""
    units = Unit.objects.select_related("parent")
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__icontains=query))
    if kind:
        units = units.filter(kind=kind)
    if on is not None:
        units = units.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )
    return units.order_by("code")


def unit_due_soon_hours(unit: Unit, *, default_hours: float) -> float:
    """Return the unit's about-to-be-late threshold in working hours (ST-5): its own, else its nearest ancestor's."""
    if unit.due_soon_hours is not None:
        return float(unit.due_soon_hours)
    with connection.cursor() as cursor:
        cursor.execute(_ancestors_sql("unit.id, unit.due_soon_hours"), [unit.pk, MAX_UNIT_DEPTH])
        chain: list[int | None] = _until_cycle(unit.pk, cursor.fetchall())
    return next((float(hours) for hours in chain if hours is not None), default_hours)


def due_soon_thresholds(*, default_hours: float) -> dict[int, float]:
    """Return every unit's about-to-be-late threshold in working hours (ST-5): its own, else its nearest ancestor's.

    One query over the unit table (a province has hundreds of units); a unit with no threshold on
    its chain gets `default_hours`.
    """
    rows = {pk: (parent, hours) for pk, parent, hours in Unit.objects.values_list("id", "parent_id", "due_soon_hours")}
    resolved: dict[int, float] = {}
    for pk in rows:
        chain: list[int] = []
        current: int | None = pk
        value = default_hours
        while current is not None and len(chain) <= MAX_UNIT_DEPTH:  # the depth guard stops a stored cycle
            if current in resolved:
                value = resolved[current]
                break
            chain.append(current)
            parent, hours = rows.get(current, (None, None))
            if hours is not None:
                value = float(hours)
                break
            current = parent
        resolved.update(dict.fromkeys(chain, value))
    return resolved
