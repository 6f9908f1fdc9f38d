"""Forms of the public portal's read side: procedure search, status lookup, rating, period chooser."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.forms import ProcedureFilterForm
from motcua.dossiers.models import RatingLevel
from motcua.dossiers.rating_scale import criteria
from motcua.dossiers.services.rating import COMMENT_MAX
from motcua.reports.windows import Scheme, Span, window


class SearchInput(forms.TextInput):
    input_type = "search"


class SearchForm(ProcedureFilterForm):
    """The portal's search box and filters: the catalog's, with words for citizens (every field optional)."""

    field_order = ["q", "field", "unit", "level", "online_level"]

    q = forms.CharField(
        label=gettext_lazy("Tìm thủ tục (gõ có dấu hoặc không dấu, ví dụ: sổ đỏ, khai sinh)"),
        required=False,
        max_length=200,
        widget=SearchInput(attrs={"autocomplete": "off"}),
    )
    online_level = forms.ChoiceField(label=gettext_lazy("Nộp trực tuyến"), required=False)


class LookupForm(forms.Form):
    """Dossier code and the phone number given when submitting."""

    code = forms.CharField(
        label=gettext_lazy("Mã hồ sơ"),
        max_length=64,
        help_text=gettext_lazy("In trên giấy tiếp nhận hồ sơ và hẹn trả kết quả, ví dụ 000.10.50.H31-250303-0001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Số điện thoại đã đăng ký"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )


class RatingForm(forms.Form):
    """The overall question (mandatory) and the optional criteria, five levels each, and a comment."""

    overall = forms.TypedChoiceField(
        label=gettext_lazy("Nhìn chung, ông/bà hài lòng thế nào với việc giải quyết hồ sơ?"),
        choices=RatingLevel.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Ý kiến góp ý (không bắt buộc)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Không đánh giá")), *RatingLevel.choices]
        for criterion in criteria():
            self.fields[f"c_{criterion.code}"] = forms.TypedChoiceField(
                label=str(criterion.label), choices=choices, coerce=int, empty_value=None, required=False
            )

    def criterion_fields(self) -> list[forms.BoundField]:
        """Return the bound fields of the optional criteria, in order."""
        return [self[f"c_{criterion.code}"] for criterion in criteria()]

    def answers(self) -> dict[str, int]:
        """Return criterion code → level of the criteria answered."""
        return {
            criterion.code: self.cleaned_data[f"c_{criterion.code}"]
            for criterion in criteria()
            if self.cleaned_data.get(f"c_{criterion.code}") is not None
        }


class PeriodForm(forms.Form):
    """The period of the public performance pages: a calendar month, quarter or year (as Decision 766)."""

    SPANS = (
        (Span.MONTH.value, gettext_lazy("Tháng")),
        (Span.QUARTER.value, gettext_lazy("Quý")),
        (Span.YEAR.value, gettext_lazy("Năm")),
    )

    span = forms.ChoiceField(label=gettext_lazy("Kỳ"), choices=SPANS, required=False)
    year = forms.IntegerField(label=gettext_lazy("Năm"), min_value=2000, max_value=2100, required=False)
    number = forms.IntegerField(
        label=gettext_lazy("Tháng hoặc quý"),
        min_value=1,
        max_value=12,
        required=False,
        help_text=gettext_lazy("Tháng 1–12, quý 1–4; bỏ trống khi xem cả năm."),
    )

    def period(self) -> tuple[str, int, int, date, date]:
        """Return (span, year, number, first day, last day); the current year when nothing valid was chosen."""
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        span = data.get("span") or Span.YEAR.value
        year = data.get("year") or today.year
        number = data.get("number") or (today.month if span == Span.MONTH else (today.month - 1) // 3 + 1)
        if span == Span.YEAR:
            number = 1
        try:
            first, last = window(span, year, number, scheme=Scheme.CALENDAR)
        except ValueError:
            self.add_error("number", _("Kỳ không hợp lệ / invalid period"))
            span, year, number = Span.YEAR.value, today.year, 1
            first, last = window(span, year, number, scheme=Scheme.CALENDAR)
        return span, year, number, first, last
