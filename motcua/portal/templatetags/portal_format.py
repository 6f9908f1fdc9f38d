"""Template filters of the portal: amounts of money as Vietnamese readers write them."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def dong(amount: Decimal | int | None) -> str:
    """Return an amount in đồng with dots between thousands (75.000), or "" when there is none."""
    if amount is None:
        return ""
    return f"{int(amount):,}".replace(",", ".")
