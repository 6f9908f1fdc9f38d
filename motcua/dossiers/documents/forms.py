"""The official one-stop form sets (DOMAIN.md §5.12) as data keyed by effective date (rule V-1).

Circular 01/2018/TT-VPCP (forms 01–06) serves documents dated up to 30/06/2025; Circular
03/2025/TT-VPCP (forms 01–07, guiding Decree 118/2025/NĐ-CP) serves documents dated from 01/07/2025,
the day Decree 118 took effect. The document's own date picks the set: the receipt's acceptance
date, the apology's approval date, the stop notice's stop date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class FormKind(models.TextChoices):
    """A one-stop document (văn bản, biểu mẫu) the system prints."""

    RECEIPT = "receipt", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    COMPLETION_REQUEST = "completion_request", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
    REFUSAL = "refusal", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")
    APOLOGY = "apology", _("Văn bản xin lỗi, hẹn lại ngày trả kết quả")
    CONTROL_SLIP = "control_slip", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")
    STOP_NOTICE = "stop_notice", _("Thông báo dừng giải quyết hồ sơ")
    LEDGER = "ledger", _("Sổ theo dõi hồ sơ")


class FormNotInSet(ValueError):
    """The form set in force on the document's date has no form of this kind."""


@dataclass(frozen=True)
class FormSpec:
    """One form of a set: its number, title, legal basis, print template and page size."""

    kind: str
    number: str  # "Mẫu số 01"
    title: str | Promise
    legal_basis: str
    template: str
    page_size: str = "A4"


@dataclass(frozen=True)
class FormSet:
    """The forms of one circular and the days (both inclusive; None = open) its documents carry them."""

    circular: str
    valid_from: date | None
    valid_to: date | None
    forms: Mapping[str, FormSpec]

    def covers(self, day: date) -> bool:
        """Return whether a document dated `day` uses this set."""
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


BASIS_2018 = "Ban hành kèm theo Thông tư số 01/2018/TT-VPCP ngày 23/11/2018 của Văn phòng Chính phủ"
BASIS_2025 = "Ban hành kèm theo Thông tư số 03/2025/TT-VPCP ngày 15/9/2025 của Văn phòng Chính phủ"
DECREE_118_EFFECTIVE = date(2025, 7, 1)

_TEMPLATES = {
    FormKind.RECEIPT: "dossiers/forms/receipt.html",
    FormKind.COMPLETION_REQUEST: "dossiers/forms/completion_request.html",
    FormKind.REFUSAL: "dossiers/forms/refusal.html",
    FormKind.CONTROL_SLIP: "dossiers/forms/control_slip.html",
    FormKind.STOP_NOTICE: "dossiers/forms/stop_notice.html",
    FormKind.LEDGER: "dossiers/forms/ledger.html",
}


def _spec(kind: FormKind, number: int, basis: str, title: str | Promise | None = None, **extra: str) -> FormSpec:
    template = extra.pop("template", _TEMPLATES.get(kind, ""))
    return FormSpec(
        kind=kind.value,
        number=f"Mẫu số {number:02d}",
        title=title if title is not None else kind.label,
        legal_basis=basis,
        template=template,
        **extra,
    )


def _set(*specs: FormSpec) -> dict[str, FormSpec]:
    return {spec.kind: spec for spec in specs}


# Documents dated before Circular 01/2018 took effect (06/01/2019) exist only as imported history;
# they print on the oldest set the system knows rather than not at all.
CIRCULAR_01_2018 = FormSet(
    circular="01/2018/TT-VPCP",
    valid_from=None,
    valid_to=date(2025, 6, 30),
    forms=_set(
        _spec(FormKind.RECEIPT, 1, BASIS_2018, page_size="A5"),
        _spec(FormKind.COMPLETION_REQUEST, 2, BASIS_2018),
        _spec(FormKind.REFUSAL, 3, BASIS_2018),
        _spec(
            FormKind.APOLOGY,
            4,
            BASIS_2018,
            _("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
            template="dossiers/forms/apology_2018.html",
        ),
        _spec(FormKind.CONTROL_SLIP, 5, BASIS_2018),
        _spec(FormKind.LEDGER, 6, BASIS_2018, page_size="A4 landscape"),
    ),
)
CIRCULAR_03_2025 = FormSet(
    circular="03/2025/TT-VPCP",
    valid_from=DECREE_118_EFFECTIVE,
    valid_to=None,
    forms=_set(
        _spec(FormKind.RECEIPT, 1, BASIS_2025, page_size="A5"),
        _spec(FormKind.COMPLETION_REQUEST, 2, BASIS_2025),
        _spec(FormKind.REFUSAL, 3, BASIS_2025),
        _spec(
            FormKind.APOLOGY,
            4,
            BASIS_2025,
            _("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
            template="dossiers/forms/apology_2025.html",
        ),
        _spec(FormKind.STOP_NOTICE, 5, BASIS_2025),
        _spec(FormKind.CONTROL_SLIP, 6, BASIS_2025),
        _spec(FormKind.LEDGER, 7, BASIS_2025, page_size="A4 landscape"),
    ),
)
FORM_SETS: tuple[FormSet, ...] = (CIRCULAR_01_2018, CIRCULAR_03_2025)

# The written notice an agency sends where the set in force has no form for it (a stop before 01/07/2025).
PLAIN_NOTICE = FormSpec(
    kind="notice",
    number="",
    title=_("Thông báo"),
    legal_basis="",
    template="dossiers/forms/notice.html",
)


def form_set_for(day: date) -> FormSet:
    """Return the form set in force for a document dated `day`."""
    for form_set in FORM_SETS:
        if form_set.covers(day):
            return form_set
    raise FormNotInSet(f"Không có bộ biểu mẫu áp dụng cho ngày {day:%d/%m/%Y} / no form set covers {day.isoformat()}")


def form_for(kind: str, day: date) -> FormSpec:
    """Return the form of `kind` in the set in force on `day`; raise FormNotInSet if that set has none."""
    if kind not in FormKind.values:
        raise FormNotInSet(f"Loại văn bản “{kind}” không tồn tại / unknown document kind {kind!r}")
    form_set = form_set_for(day)
    try:
        return form_set.forms[kind]
    except KeyError:
        raise FormNotInSet(
            f"Bộ biểu mẫu theo Thông tư {form_set.circular} không có “{FormKind(kind).label}” "
            f"(văn bản ngày {day:%d/%m/%Y}) / the {form_set.circular} form set has no {kind} form"
        ) from None
