"""Forms of the back-office dossier pages: they validate what people type; the services decide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Unit, User
from motcua.catalog.models import ComponentForm, DocumentComponent, ProcedureVersion
from motcua.dossiers.models import ApologyCause, Dossier, DossierStep
from motcua.dossiers.rules import Applicant, applicant_errors
from motcua.dossiers.selectors import dossier_steps, unit_members
from motcua.dossiers.services import Component
from motcua.dossiers.states import ApplicantKind, Channel, Outcome, ReturnMethod, State

RESULT_MAX_BYTES = 20 * 1024 * 1024  # a signed result scanned at 300 dpi stays well below this
TEXTAREA = forms.Textarea(attrs={"rows": 3})
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class Form(forms.Form):
    """A form whose labels carry no trailing colon (the pages lay labels out above the fields)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class ApplicantForm(Form):
    """Who the dossier is for and who hands it in; checked by `rules.applicant_errors`."""

    kind = forms.ChoiceField(
        label=_("Chủ hồ sơ là"), choices=ApplicantKind.choices, initial=ApplicantKind.PERSON, widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Họ và tên / tên tổ chức"), max_length=255)
    id_number = forms.CharField(
        label=_("Số định danh cá nhân / mã số doanh nghiệp"), max_length=20, required=False, strip=True
    )
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    email = forms.CharField(label=_("Thư điện tử"), max_length=254, required=False)
    address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    submitter_name = forms.CharField(label=_("Người nộp thay (nếu có)"), max_length=255, required=False)
    submitter_id_number = forms.CharField(label=_("Số định danh người nộp"), max_length=20, required=False)
    submitter_phone = forms.CharField(label=_("Điện thoại người nộp"), max_length=20, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, message in applicant_errors(self.applicant()).items():
            if name not in self.errors:  # "required" from the field already says it
                self.add_error(name if name in self.fields else None, message)
        return cleaned

    def applicant(self) -> Applicant:
        """Return the applicant typed in the form."""
        data = self.cleaned_data
        return Applicant(**{name: data.get(name) or "" for name in Applicant.__dataclass_fields__})


class ReceptionForm(ApplicantForm):
    """The reception desk: applicant, channel, the procedure's components as checkboxes, and the outcome."""

    RECEIVE = "receive"
    COMPLETION = "completion"
    REFUSE = "refuse"

    channel = forms.TypedChoiceField(
        label=_("Kênh nộp"),
        coerce=int,
        choices=[(Channel.COUNTER.value, Channel.COUNTER.label), (Channel.POSTAL.value, Channel.POSTAL.label)],
        initial=Channel.COUNTER,
    )
    subject = forms.CharField(label=_("Nội dung yêu cầu giải quyết"), required=False, widget=TEXTAREA)
    other_components = forms.CharField(
        label=_("Giấy tờ khác đã nhận (mỗi dòng một giấy tờ)"), required=False, widget=TEXTAREA
    )
    note = forms.CharField(label=_("Hướng dẫn hoàn thiện hồ sơ"), required=False, widget=TEXTAREA)
    reasons = forms.CharField(label=_("Lý do từ chối tiếp nhận (mỗi dòng một lý do)"), required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, version: ProcedureVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.catalog: list[DocumentComponent] = list(version.components.order_by("order"))
        for item in self.catalog:
            self.fields[f"c{item.pk}"] = forms.BooleanField(label=item.name, required=False)
            self.fields[f"c{item.pk}_form"] = forms.ChoiceField(
                label=_("Hình thức"), choices=ComponentForm.choices, initial=item.form
            )
            self.fields[f"c{item.pk}_qty"] = forms.IntegerField(
                label=_("Số lượng"), min_value=1, max_value=99, initial=item.quantity
            )

    def applicant_fields(self) -> list[forms.BoundField]:
        """Return the bound fields of the applicant block, channel last."""
        return [self[name] for name in (*ApplicantForm.base_fields, "channel")]

    def component_rows(self) -> list[dict[str, Any]]:
        """Return, per catalog component, its three bound fields for the template's table."""
        return [
            {"item": c, "tick": self[f"c{c.pk}"], "form": self[f"c{c.pk}_form"], "qty": self[f"c{c.pk}_qty"]}
            for c in self.catalog
        ]

    def outcome(self) -> str:
        action = self.data.get("action", self.RECEIVE)
        return action if action in (self.RECEIVE, self.COMPLETION, self.REFUSE) else self.RECEIVE

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        outcome = self.outcome()
        if outcome == self.REFUSE and not _lines(cleaned.get("reasons", "")):
            self.add_error("reasons", _("Cần nêu lý do từ chối / the reasons are required"))
        if outcome == self.COMPLETION and not (self.missing() or cleaned.get("note", "").strip()):
            self.add_error("note", _("Cần nêu giấy tờ phải hoàn thiện / list what must be completed"))
        if outcome == self.RECEIVE and not self.components():
            self.add_error(None, _("Chưa đánh dấu giấy tờ nào đã nhận / tick the documents received"))
        return cleaned

    def components(self) -> list[Component]:
        """Return the components ticked (with form and quantity) and the other documents typed."""
        data = getattr(self, "cleaned_data", {})
        ticked = [
            Component(
                name=c.name,
                component=c,
                form=data.get(f"c{c.pk}_form") or c.form,
                quantity=data.get(f"c{c.pk}_qty") or c.quantity,
            )
            for c in self.catalog
            if data.get(f"c{c.pk}")
        ]
        return ticked + [Component(name=name) for name in _lines(data.get("other_components", ""))]

    def missing(self) -> list[str]:
        """Return the names of the mandatory components not ticked."""
        data = getattr(self, "cleaned_data", {})
        return [c.name for c in self.catalog if c.mandatory and not data.get(f"c{c.pk}")]

    def reason_lines(self) -> list[str]:
        return _lines(self.cleaned_data.get("reasons", ""))


class DossierSearchForm(Form):
    """Filters of the dossier list (every field optional)."""

    q = forms.CharField(label=_("Tìm hồ sơ"), required=False, max_length=200)
    state = forms.ChoiceField(label=_("Trạng thái"), required=False)
    procedure = forms.CharField(label=_("Mã thủ tục"), required=False, max_length=40)
    due_from = forms.DateField(label=_("Hẹn trả từ ngày"), required=False, widget=DATE)
    due_to = forms.DateField(label=_("đến ngày"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["state"]).choices = [("", _("Tất cả")), *State.choices]


class PeriodForm(Form):
    """A date range `?from=&to=` (the ledger), this month by default."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so these fields cannot be declared as class attributes.
        self.fields["from"] = forms.DateField(label=_("Từ ngày"), required=False, widget=DATE)
        self.fields["to"] = forms.DateField(label=_("Đến ngày"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        today = timezone.localdate()
        cleaned["from"] = cleaned.get("from") or today.replace(day=1)
        cleaned["to"] = cleaned.get("to") or today
        if cleaned["to"] < cleaned["from"]:
            self.add_error("to", _("Ngày kết thúc trước ngày bắt đầu / the period ends before it starts"))
        return cleaned

    def period(self) -> tuple[date, date]:
        return self.cleaned_data["from"], self.cleaned_data["to"]


# --- actions on one dossier ------------------------------------------------------------------


class DossierActionForm(Form):
    """A form of an action on a dossier; subclasses may narrow their choices to the dossier."""

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dossier = dossier


class EmptyForm(DossierActionForm):
    """An action without input (accept, transfer)."""


class NoteForm(DossierActionForm):
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=TEXTAREA)


class RequiredNoteForm(DossierActionForm):
    note = forms.CharField(label=_("Nội dung"), widget=TEXTAREA)


class ReasonForm(DossierActionForm):
    reason = forms.CharField(label=_("Lý do"), widget=TEXTAREA)


class ReasonsForm(DossierActionForm):
    reasons = forms.CharField(label=_("Lý do (mỗi dòng một lý do)"), widget=TEXTAREA)

    def reason_lines(self) -> list[str]:
        return _lines(self.cleaned_data["reasons"])


class MissingForm(DossierActionForm):
    missing = forms.CharField(label=_("Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một giấy tờ)"), widget=TEXTAREA)
    note = forms.CharField(label=_("Hướng dẫn thêm"), required=False, widget=TEXTAREA)

    def missing_lines(self) -> list[str]:
        return _lines(self.cleaned_data["missing"])


class ComponentsForm(DossierActionForm):
    """Documents handed in (a supplement, a resubmission, or an online dossier checked at reception)."""

    components = forms.CharField(label=_("Giấy tờ nhận thêm (mỗi dòng một giấy tờ)"), required=False, widget=TEXTAREA)

    def component_list(self) -> list[Component]:
        return [Component(name=name) for name in _lines(self.cleaned_data.get("components", ""))]


class AssignForm(DossierActionForm):
    assignee = forms.ModelChoiceField(label=_("Giao cho"), queryset=User.objects.none())

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        step = dossier.current_step
        if step is not None:
            cast("forms.ModelChoiceField[User]", self.fields["assignee"]).queryset = unit_members(unit=step.unit)
            if step.assignee_id:
                self.initial.setdefault("assignee", step.assignee_id)


class ReturnStepForm(DossierActionForm):
    to_order = forms.TypedChoiceField(label=_("Trả về bước"), coerce=int)
    note = forms.CharField(label=_("Lý do trả lại"), widget=TEXTAREA)

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        current = dossier.current_step.order if dossier.current_step else 0
        earlier = {s.order: s.name for s in dossier_steps(dossier) if s.order < current and s.order > 1}
        cast(forms.ChoiceField, self.fields["to_order"]).choices = [
            (order, f"{order}. {name}") for order, name in sorted(earlier.items())
        ]


class ConsultForm(DossierActionForm):
    unit = forms.ModelChoiceField(
        label=_("Cơ quan được lấy ý kiến"), queryset=Unit.objects.order_by("name"), to_field_name="code"
    )
    note = forms.CharField(label=_("Nội dung xin ý kiến"), widget=TEXTAREA)
    quota_days = forms.IntegerField(label=_("Thời hạn trả lời (ngày làm việc)"), min_value=1, max_value=30, initial=3)


class PaymentRequestForm(DossierActionForm):
    amount = forms.DecimalField(label=_("Số tiền (đồng)"), min_value=Decimal(1), max_digits=14, decimal_places=0)
    note = forms.CharField(label=_("Nội dung nghĩa vụ tài chính"), required=False, widget=TEXTAREA)


class PaymentRecordForm(DossierActionForm):
    reference = forms.CharField(label=_("Số biên lai, chứng từ"), max_length=100)


class ApologyDraftForm(DossierActionForm):
    cause = forms.ChoiceField(label=_("Nhóm nguyên nhân"), choices=ApologyCause.choices)
    reason = forms.CharField(label=_("Lý do chậm trễ"), widget=TEXTAREA)
    responsible_unit = forms.ModelChoiceField(label=_("Đơn vị chịu trách nhiệm"), queryset=Unit.objects.none())
    responsible_step = forms.ModelChoiceField(
        label=_("Bước gây chậm"), queryset=DossierStep.objects.none(), required=False
    )
    new_appointment_at = forms.DateTimeField(
        label=_("Ngày hẹn trả mới"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, dossier: Dossier, **kwargs: Any) -> None:
        super().__init__(*args, dossier=dossier, **kwargs)
        steps = dossier_steps(dossier)
        unit_ids = {dossier.receiving_unit_id, dossier.competent_agency_id, *(s.unit_id for s in steps)}
        cast("forms.ModelChoiceField[Unit]", self.fields["responsible_unit"]).queryset = Unit.objects.filter(
            pk__in=unit_ids
        ).order_by("name")
        cast("forms.ModelChoiceField[DossierStep]", self.fields["responsible_step"]).queryset = steps
        self.initial.setdefault("responsible_unit", dossier.competent_agency_id)


class DecideForm(DossierActionForm):
    outcome = forms.ChoiceField(label=_("Kết quả giải quyết"), choices=Outcome.choices, widget=forms.RadioSelect)
    summary = forms.CharField(label=_("Nội dung kết quả / lý do từ chối"), widget=TEXTAREA)
    result_code = forms.CharField(label=_("Số, ký hiệu văn bản kết quả"), max_length=100, required=False)
    result_file = forms.FileField(
        label=_("Tệp kết quả điện tử (PDF, tối đa 20 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_result_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("result_file")
        if not upload:
            return None
        if upload.size and upload.size > RESULT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 20 MB / the file is larger than 20 MB"))
        head = upload.read(5)
        upload.seek(0)
        if not (upload.name or "").lower().endswith(".pdf") or head != b"%PDF-":
            raise forms.ValidationError(_("Chỉ nhận tệp PDF / only PDF files are accepted"))
        return cast(UploadedFile, upload)


class DeliverForm(DossierActionForm):
    method = forms.ChoiceField(
        label=_("Hình thức trả"), choices=ReturnMethod.choices, initial=ReturnMethod.COUNTER, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Ghi chú (người nhận, số vận đơn…)"), required=False, widget=TEXTAREA)
