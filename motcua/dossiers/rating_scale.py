"""The rating scale of DOMAIN.md §5.13: five levels, their three-level display, and the criteria asked.

Pure data read from settings (RATING_THREE_LEVELS, RATING_CRITERIA); nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import RatingLevel


@dataclass(frozen=True)
class Criterion:
    """An optional rating question beside the mandatory overall one (RATE-3)."""

    code: str
    label: Promise


# The five SIPAS service factors (DOMAIN.md §10), the default set of RATE-3.
CRITERIA_DEFAULT: tuple[Criterion, ...] = (
    Criterion("access", _("Tiếp cận thông tin và dịch vụ")),
    Criterion("procedure", _("Thủ tục hành chính (thành phần hồ sơ, phí, thời gian)")),
    Criterion("officials", _("Công chức tiếp nhận, giải quyết (thái độ, hướng dẫn)")),
    Criterion("result", _("Kết quả giải quyết (đúng, đúng hạn)")),
    Criterion("feedback", _("Tiếp nhận, xử lý ý kiến, phản ánh")),
)

THREE_LEVEL_LABELS: dict[str, Promise] = {
    "very_satisfied": _("Rất hài lòng"),
    "satisfied": _("Hài lòng"),
    "dissatisfied": _("Không hài lòng"),
}
THREE_LEVELS_DEFAULT: dict[int, str] = {
    5: "very_satisfied",
    4: "satisfied",
    3: "satisfied",
    2: "dissatisfied",
    1: "dissatisfied",
}


def three_levels() -> dict[int, str]:
    """Return the five → three mapping of RATING_THREE_LEVELS, checked to cover every level."""
    mapping: Mapping[int, str] = getattr(settings, "RATING_THREE_LEVELS", THREE_LEVELS_DEFAULT)
    levels = {int(level): code for level, code in mapping.items()}
    if set(levels) != set(RatingLevel.values) or not set(levels.values()) <= set(THREE_LEVEL_LABELS):
        raise ImproperlyConfigured(
            "RATING_THREE_LEVELS phải gán mỗi mức 1–5 cho very_satisfied, satisfied hoặc dissatisfied / "
            f"must map every level 1–5 to very_satisfied, satisfied or dissatisfied: {mapping!r}"
        )
    return levels


def three_level_of(level: int) -> str:
    """Return the three-level code ("very_satisfied", "satisfied", "dissatisfied") of a five-level answer."""
    return three_levels()[level]


def criteria() -> tuple[Criterion, ...]:
    """Return the optional criteria named by RATING_CRITERIA, in that order."""
    known = {criterion.code: criterion for criterion in CRITERIA_DEFAULT}
    codes: list[str] = list(getattr(settings, "RATING_CRITERIA", known))
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ImproperlyConfigured(f"RATING_CRITERIA có mã không biết / unknown rating criteria: {unknown}")
    return tuple(known[code] for code in codes)


def dissatisfied_levels() -> frozenset[int]:
    """Return the levels shown as "không hài lòng": the "dislike" of indicator 5.4 and of RATE-5's follow-up.

    By default the two dissatisfied levels (RATE-2 [GK]).
    """
    return frozenset(level for level, code in three_levels().items() if code == "dissatisfied")


def is_dissatisfied(level: int) -> bool:
    """Return whether an overall answer counts as "dislike" (indicator 5.4) and opens a follow-up (RATE-5)."""
    return level in dissatisfied_levels()
