"""Template context: the user's memberships and the unit chosen in the unit switcher."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from motcua.accounts.selectors import active_memberships

SESSION_KEY = "current_unit_id"


def current_unit(request: HttpRequest) -> dict[str, Any]:
    """Return `memberships` and `current_unit` for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    memberships = list(active_memberships(user))
    units = {m.unit.pk: m.unit for m in memberships}
    chosen = units.get(request.session.get(SESSION_KEY, 0)) or (memberships[0].unit if memberships else None)
    return {"memberships": memberships, "member_units": list(units.values()), "current_unit": chosen}
