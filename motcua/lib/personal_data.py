"""Masking of personal data (phones, ID numbers) for roles that do not need it in full."""

from __future__ import annotations

import re

_NOT_DIGIT = re.compile(r"\D")


def phone_mask(phone: str) -> str:
    """Return a phone number with all but its first two and last three digits hidden (09xx xxx 123)."""
    digits = _NOT_DIGIT.sub("", phone)
    if len(digits) <= 5:
        return "x" * len(digits)
    hidden = len(digits) - 5
    head = digits[:2] + "x" * max(hidden - 3, 0)
    return f"{head} {'x' * min(hidden, 3)} {digits[-3:]}"
