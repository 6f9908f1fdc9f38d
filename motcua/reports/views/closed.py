"""What the report page and the closing pages show of a closed period: figure names, differences, links."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.reports.forms import GROUPINGS, MEASURE_LABELS
from motcua.reports.models import PeriodSnapshot
from motcua.reports.periods import FIGURE_FIELDS

# The figures that are not counts of a measure: rates, processing times and the reconciliation gaps.
FIGURE_LABELS: dict[str, str | Promise] = {
    **{key: label for key, label in MEASURE_LABELS.items() if key in FIGURE_FIELDS},
    "online_rate": _("Tỷ lệ tiếp nhận trực tuyến (%)"),
    "on_time_rate": _("Tỷ lệ xử lý đúng hạn (%)"),
    "resolved_on_time_rate": _("Tỷ lệ giải quyết trước hạn, đúng hạn (%)"),
    "avg_processing_hours": _("Thời gian giải quyết trung bình (giờ làm việc)"),
    "median_processing_hours": _("Thời gian giải quyết trung vị (giờ làm việc)"),
    "avg_processing_days": _("Thời gian giải quyết trung bình (ngày làm việc)"),
    "median_processing_days": _("Thời gian giải quyết trung vị (ngày làm việc)"),
    "reconciliation_gap": _("Chênh lệch đối soát"),
    "received_split_gap": _("Chênh lệch tiếp nhận theo kênh"),
    "resolved_split_gap": _("Chênh lệch đã giải quyết theo tiến độ"),
    "pending_split_gap": _("Chênh lệch đang giải quyết theo hạn"),
}
assert set(FIGURE_LABELS) == set(FIGURE_FIELDS)


def history_url(snapshot: PeriodSnapshot) -> str:
    """Return the address of the history page of the snapshot's period."""
    return reverse("reports:period_history", args=[snapshot.unit.code, snapshot.kind, snapshot.date_from.isoformat()])


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def difference_lines(differences: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Return the differences as table lines: grouping, row, figure, value before and after, change."""
    lines = []
    for item in differences:
        before, after = item["before"], item["after"]
        change = after - before if isinstance(before, int | float) and isinstance(after, int | float) else None
        lines.append(
            {
                "grouping": GROUPINGS[item["grouping"]] if item["grouping"] else _("Tổng cộng"),
                "row": item["label"] if item["grouping"] else "",
                "figure": FIGURE_LABELS.get(item["measure"], item["measure"]),
                "before": _shown(before),
                "after": _shown(after),
                "change": "" if change is None else (f"+{_shown(change)}" if change > 0 else _shown(change)),
            }
        )
    return lines
