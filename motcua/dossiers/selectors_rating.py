"""Reads of ratings (DOMAIN.md §5.13): follow-ups for the heads of units, and satisfaction counts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, QuerySet

from motcua.accounts.models import Membership, User
from motcua.accounts.selectors import unit_descendant_ids
from motcua.dossiers.models import Rating, RatingFollowUp
from motcua.dossiers.rating_scale import three_levels
from motcua.dossiers.services.rating import FOLLOW_UP_ROLES


def follow_up_unit_ids(user: User) -> set[int]:
    """Return the units whose follow-ups `user` may see: where they are a head, and the units below."""
    if user.is_superuser:
        return set(RatingFollowUp.objects.values_list("unit_id", flat=True).distinct())
    roots = Membership.objects.filter(user=user, is_active=True, role__in=FOLLOW_UP_ROLES).values_list(
        "unit_id", flat=True
    )
    return unit_descendant_ids(roots)


def rating_follow_ups(*, user: User, state: str = "open") -> QuerySet[RatingFollowUp]:
    """Return the follow-ups of dissatisfied ratings in the user's units: "open", "closed" or "all"."""
    rows = RatingFollowUp.objects.filter(unit_id__in=follow_up_unit_ids(user)).select_related(
        "unit", "closed_by", "rating__dossier__procedure_version"
    )
    if state == "open":
        rows = rows.filter(closed_at__isnull=True)
    elif state == "closed":
        rows = rows.filter(closed_at__isnull=False)
    return rows.order_by("closed_at", "-opened_at") if state != "open" else rows.order_by("opened_at")


@dataclass(frozen=True)
class Satisfaction:
    """Ratings given in a window, counted on the three-level display (RATE-2)."""

    total: int
    very_satisfied: int
    satisfied: int
    dissatisfied: int

    @property
    def satisfied_rate(self) -> float | None:
        """Return the share (%) of ratings that are satisfied or very satisfied; None without ratings."""
        return None if not self.total else 100 * (self.very_satisfied + self.satisfied) / self.total


def satisfaction(*, unit_ids: Iterable[int], start: datetime, end: datetime) -> Satisfaction:
    """Return the ratings first given in [start, end] of dossiers received by `unit_ids`, by three levels."""
    rows = (
        Rating.objects.filter(
            dossier__receiving_unit_id__in=list(unit_ids), first_rated_at__gte=start, first_rated_at__lte=end
        )
        .values_list("overall")
        .annotate(n=Count("id"))
        .order_by()
    )
    mapping = three_levels()
    counts = {"very_satisfied": 0, "satisfied": 0, "dissatisfied": 0}
    for level, n in rows:
        counts[mapping[level]] += n
    return Satisfaction(total=sum(counts.values()), **counts)
