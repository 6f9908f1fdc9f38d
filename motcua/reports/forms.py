"""Forms of the statistics pages: which unit, which window, how to group, which figure to list.

They only read what people type (or what a figure's link carries); the reports come from
`reports.selectors` and `reports.lateness`. The unit is a code: the view resolves it and refuses a
unit outside the user's (403) rather than letting the form hide it as an invalid choice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Unit
from motcua.reports.definitions import Measure
from motcua.reports.models import PeriodKind
from motcua.reports.selectors import GROUP_BY
from motcua.reports.windows import MONTHS, Scheme, Span, scheme_default, window, window_explicit
from motcua.workdays.arith import VIETNAM

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EXPLICIT = "dates"  # the period choice for explicit dates
FIRST_YEAR, LAST_YEAR = 2000, 2100

PERIODS: list[tuple[str, str | Promise]] = [
    (Span.MONTH, _("Tháng")),
    (Span.QUARTER, _("Quý")),
    (Span.SIX_MONTHS, _("6 tháng")),
    (Span.YEAR, _("Năm")),
    (EXPLICIT, _("Từ ngày … đến ngày …")),
]
SCHEMES: list[tuple[str, str | Promise]] = [
    (Scheme.DECREE_09, _("Kỳ báo cáo theo Nghị định 09/2019 (từ ngày 15 đến ngày 14)")),
    (Scheme.CALENDAR, _("Tháng, quý, năm dương lịch")),
]
GROUPINGS: dict[str, str | Promise] = {
    "unit": _("Đơn vị trực thuộc"),
    "field": _("Lĩnh vực"),
    "procedure": _("Thủ tục hành chính"),
    "channel": _("Kênh nộp hồ sơ"),
    "level": _("Cấp thực hiện"),
}
assert set(GROUPINGS) == set(GROUP_BY)

# The label of every figure a link may ask for: the measures, and the two sums of the report forms.
MEASURE_LABELS: dict[str, str | Promise] = {
    Measure.CARRIED_IN: _("Kỳ trước chuyển qua"),
    Measure.RECEIVED: _("Tiếp nhận trong kỳ"),
    Measure.RECEIVED_ONLINE: _("Tiếp nhận trực tuyến"),
    Measure.RECEIVED_COUNTER: _("Tiếp nhận trực tiếp"),
    Measure.RECEIVED_POSTAL: _("Tiếp nhận qua bưu chính công ích"),
    Measure.RESOLVED: _("Đã giải quyết"),
    Measure.RESOLVED_EARLY: _("Đã giải quyết trước hạn"),
    Measure.RESOLVED_ON_TIME: _("Đã giải quyết đúng hạn"),
    Measure.RESOLVED_LATE: _("Đã giải quyết quá hạn"),
    Measure.RESOLVED_PORTAL_ON_TIME: _("Kết thúc xử lý không muộn hơn ngày hẹn (cách tính của Cổng DVCQG)"),
    Measure.RESOLVED_AWAITING_SUPPLEMENT: _("Kết thúc do chờ bổ sung (một lần yêu cầu, chưa bổ sung)"),
    Measure.RESOLVED_LATE_WITHIN_EXTENDED: _("Quá hạn nhưng trong ngày hẹn lại sau xin lỗi"),
    Measure.PENDING: _("Đang giải quyết"),
    Measure.PENDING_IN_TIME: _("Đang giải quyết trong hạn"),
    Measure.PENDING_OVERDUE: _("Đang giải quyết quá hạn"),
    Measure.ABOUT_TO_BE_LATE: _("Sắp đến hạn"),
    Measure.REFUSED: _("Từ chối tiếp nhận"),
    Measure.ENDED_OTHERWISE: _("Rút hồ sơ, dừng giải quyết"),
    Measure.STOPPED: _("Dừng giải quyết"),
    Measure.WITHDRAWN: _("Rút hồ sơ"),
    Measure.APOLOGIES: _("Có phiếu xin lỗi và hẹn lại"),
    Measure.NOT_COLLECTED: _("Có kết quả, chưa trả"),
    Measure.HANDLED: _("Cần xử lý"),
    Measure.HANDLED_ON_TIME: _("Xử lý đúng hạn (chỉ số 2.1 của Quyết định 766)"),
    "to_handle": _("Tổng số hồ sơ nhận giải quyết"),
    "received_in_person": _("Tiếp nhận trực tiếp và qua bưu chính công ích"),
}
# The two sums of the report forms and the measures they add up (disjoint, so counts add).
DERIVED: dict[str, tuple[Measure, ...]] = {
    "to_handle": (Measure.CARRIED_IN, Measure.RECEIVED),
    "received_in_person": (Measure.RECEIVED_COUNTER, Measure.RECEIVED_POSTAL),
}
assert set(MEASURE_LABELS) == {m.value for m in Measure} | set(DERIVED)


class Form(forms.Form):
    """A form whose labels carry no trailing colon (the pages lay labels out above the fields)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def unit_choices(units: Iterable[Unit]) -> list[tuple[str, str]]:
    """Return (code, "name (code)") of each unit, for the unit select."""
    return [(unit.code, f"{unit.name} ({unit.code})") for unit in units]


def as_of_parse(value: str) -> datetime | None:
    """Return an ISO 8601 instant (Vietnam time when it has no offset), None when it is not one."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except (ValueError, OverflowError):
        return None
    return moment.replace(tzinfo=VIETNAM) if timezone.is_naive(moment) else moment


class AsOfField(forms.CharField):
    """An optional as-of instant in ISO 8601, carried by links so a list shows the figures of its page."""

    widget = forms.HiddenInput

    def to_python(self, value: Any) -> datetime | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        moment = as_of_parse(text)
        if moment is None:
            raise forms.ValidationError(_("Thời điểm số liệu không hợp lệ / invalid as_of instant"))
        return moment


class UnitForm(Form):
    """The unit field shared by every statistics page: a select of the user's units, read as a code."""

    unit = forms.CharField(label=_("Đơn vị (gồm các đơn vị trực thuộc)"), required=False, widget=forms.Select)

    def __init__(self, *args: Any, units: Iterable[Unit] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].widget.choices = unit_choices(units)


class PeriodChoiceForm(UnitForm):
    """A unit and a report window: a month, quarter, six months or year of a scheme (ST-16), or dates."""

    period = forms.ChoiceField(label=_("Kỳ báo cáo"), choices=PERIODS)
    year = forms.IntegerField(label=_("Năm"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    number = forms.IntegerField(
        label=_("Kỳ số"),
        min_value=1,
        max_value=12,
        help_text=_("Tháng 1–12, quý 1–4, 6 tháng đầu năm 1 hoặc cuối năm 2"),
    )
    scheme = forms.ChoiceField(label=_("Cách chia kỳ"), choices=SCHEMES)
    as_of = AsOfField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these fields cannot be declared as class attributes.
        self.fields["from"] = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE)
        self.fields["to"] = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            cleaned["date_from"], cleaned["date_to"] = self._window(cleaned)
        except ValueError as error:
            self.add_error(None, str(error))
        return cleaned

    def _window(self, cleaned: dict[str, Any]) -> tuple[date, date]:
        if cleaned["period"] == EXPLICIT:
            if cleaned.get("from") is None or cleaned.get("to") is None:
                raise ValueError(_("Nhập cả ngày bắt đầu và ngày kết thúc / both dates are required"))
            return window_explicit(cleaned["from"], cleaned["to"])
        return window(cleaned["period"], cleaned["year"], cleaned["number"], scheme=cleaned["scheme"])

    def window(self) -> tuple[date, date]:
        """Return the chosen window (date_from, date_to) of a valid form."""
        return self.cleaned_data["date_from"], self.cleaned_data["date_to"]


def period_defaults(today: date, *, span: Span = Span.MONTH) -> dict[str, Any]:
    """Return the form data of the window of `span` that holds `today` in the default scheme."""
    scheme = scheme_default()
    count = 12 // MONTHS[span]
    for year in (today.year, today.year + 1):  # a Decree 09 window from 15/12 on belongs to next year
        for number in range(1, count + 1):
            date_from, date_to = window(span, year, number, scheme=scheme)
            if date_from <= today <= date_to:
                return {"period": span.value, "year": year, "number": number, "scheme": scheme.value}
    raise AssertionError("every day lies in a window")  # pragma: no cover


TOTAL_ONLY = "total"  # the grouping choice for the total line alone


class ReportForm(PeriodChoiceForm):
    """The report page: a unit, a window and a grouping of the rows (child units by default)."""

    group_by = forms.ChoiceField(
        label=_("Số liệu theo"), choices=[*GROUPINGS.items(), (TOTAL_ONLY, _("Chỉ dòng tổng cộng"))], required=False
    )

    def grouping(self) -> str | None:
        """Return the `group_by` of the period report: None for the total alone, child units when unset."""
        chosen = self.cleaned_data.get("group_by") or "unit"
        return None if chosen == TOTAL_ONLY else chosen


class DrilldownForm(UnitForm):
    """What a figure's link carries: unit, dates, as-of instant, measure and, optionally, one group."""

    measure = forms.ChoiceField(choices=list(MEASURE_LABELS.items()))
    group_by = forms.ChoiceField(choices=list(GROUPINGS.items()), required=False)
    group = forms.CharField(max_length=200, required=False)
    as_of = AsOfField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(widget=DATE)
        self.fields["to"] = forms.DateField(widget=DATE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("group") and not cleaned.get("group_by"):
            self.add_error("group", _("Chọn một nhóm cần chọn cách nhóm / group needs group_by"))
        return cleaned


class LatenessDrilldownForm(UnitForm):
    """What a line of the lateness page links with: unit, dates, as-of, responsible unit and cause."""

    responsible = forms.CharField(max_length=40, required=False)
    cause = forms.CharField(max_length=40)
    as_of = AsOfField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(widget=DATE)
        self.fields["to"] = forms.DateField(widget=DATE)


class DashboardForm(UnitForm):
    """A dashboard's year (its windows are the months and the year of the default scheme)."""

    year = forms.IntegerField(label=_("Năm"), min_value=FIRST_YEAR, max_value=LAST_YEAR)


# --- closed periods (khóa sổ kỳ báo cáo) ---------------------------------------------------------


class PeriodListForm(UnitForm):
    """The closing page: a unit, a year and the scheme its months and quarters are cut by."""

    year = forms.IntegerField(label=_("Năm"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    scheme = forms.ChoiceField(label=_("Cách chia kỳ"), choices=SCHEMES)


class PeriodCloseForm(Form):
    """A button of the closing page: the unit, the kind of period and its first day."""

    unit = forms.CharField(max_length=40, widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=PeriodKind.choices, widget=forms.HiddenInput)
    start = forms.DateField(widget=forms.HiddenInput)


class PeriodRestateForm(PeriodCloseForm):
    """A restatement: the period and the reason the figures change (kept in the audit record)."""

    reason = forms.CharField(
        label=_("Lý do điều chỉnh"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Cần nêu lý do điều chỉnh số liệu / a restatement needs a reason")},
    )
