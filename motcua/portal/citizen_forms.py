"""Forms of the portal's identification, online submission and online supplement pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import DocumentComponent, ProcedureVersion
from motcua.dossiers.forms import TEXTAREA, ApplicantForm, Form
from motcua.dossiers.rules import Applicant
from motcua.dossiers.selectors import OpenRequest
from motcua.dossiers.services.online import Upload
from motcua.portal.citizen import CitizenIdentity, Method

ACCEPT = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png"
DOSSIER_CODE_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,63}$")
DOSSIER_CODE = RegexValidator(DOSSIER_CODE_PATTERN, _("Mã hồ sơ không hợp lệ / invalid dossier code"))


class MultipleFileInput(forms.FileInput):
    """A file input that lets the applicant pick several files (pages scanned as images, for example)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field whose cleaned value is the list of files chosen (empty when optional and none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not items:
            super().clean(None, initial)  # raises "required" when the field is required
            return []
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def _file_help() -> str:
    limit = f"{settings.UPLOAD_MAX_FILE_BYTES / (1024 * 1024):g}"
    return str(_("PDF, JPEG, PNG, DOCX hoặc XLSX; mỗi tệp tối đa %(mb)s MB; có thể chọn nhiều tệp.") % {"mb": limit})


class IdentifyForm(Form):
    """A phone number or e-mail address to send the one-time code to, and optionally a dossier to supplement."""

    contact = forms.CharField(
        label=_("Số điện thoại di động hoặc thư điện tử"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "tel email", "inputmode": "email"}),
    )
    dossier_code = forms.CharField(
        label=_("Mã hồ sơ cần bổ sung (nếu có)"),
        max_length=64,
        required=False,
        validators=[DOSSIER_CODE],
        help_text=_("Nhập mã hồ sơ và số điện thoại đã khai trong hồ sơ để bổ sung giấy tờ trực tuyến."),
    )


class CodeForm(Form):
    """The six-digit code received by SMS or e-mail."""

    code = forms.CharField(
        label=_("Mã xác thực (6 chữ số)"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class SubmissionForm(ApplicantForm):
    """The online submission: applicant, request, one file field per catalog component, and the declaration."""

    subject = forms.CharField(label=_("Nội dung yêu cầu giải quyết"), required=False, widget=TEXTAREA, max_length=2000)
    declaration = forms.BooleanField(
        label=_(
            "Tôi cam đoan những thông tin kê khai và giấy tờ nộp kèm là đúng sự thật và chịu trách nhiệm "
            "trước pháp luật."
        )
    )

    def __init__(self, *args: Any, version: ProcedureVersion, identity: CitizenIdentity, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.identity = identity
        self.catalog: list[DocumentComponent] = list(version.components.order_by("order"))
        self.fields["id_number"].required = True
        self.fields["address"].required = True
        for name, value in (("name", identity.name), ("id_number", identity.id_number)):
            self.initial.setdefault(name, value)
        self.initial.setdefault("phone", identity.phone)
        self.initial.setdefault("email", identity.email)
        # The verified contact is the dossier's contact: it cannot be typed differently.
        locked = {Method.PHONE: "phone", Method.EMAIL: "email"}.get(identity.method)
        if locked:
            self.fields[locked].disabled = True
            self.fields[locked].help_text = _("Đã xác thực; kết quả và thông báo được gửi đến đây.")
        for item in self.catalog:
            self.fields[f"tp_{item.pk}"] = MultipleFileField(
                label=item.name, required=item.mandatory, help_text=_file_help()
            )

    def file_fields(self) -> list[tuple[DocumentComponent, forms.BoundField]]:
        """Return each catalog component with its bound file field, for the template."""
        return [(item, self[f"tp_{item.pk}"]) for item in self.catalog]

    def detail_fields(self) -> list[forms.BoundField]:
        """Return the bound fields of the applicant and request block."""
        return [self[name] for name in (*ApplicantForm.base_fields, "subject")]

    def applicant(self) -> Applicant:
        """Return the applicant typed, with the verified identity as submitter when the ID differs."""
        applicant = super().applicant()
        identity = self.identity
        if identity.id_number and applicant.id_number != identity.id_number and not applicant.submitter_id_number:
            fields = {**applicant.__dict__, "submitter_id_number": identity.id_number}
            fields["submitter_name"] = applicant.submitter_name or identity.name
            applicant = Applicant(**fields)
        return applicant

    def uploads(self) -> list[Upload]:
        """Return every file chosen, tied to its catalog component."""
        return [
            Upload(name=item.name, file=upload, component=item)
            for item in self.catalog
            for upload in self.cleaned_data.get(f"tp_{item.pk}") or []
        ]


class SupplementForm(Form):
    """One file field per document the open supplement (or completion) request names; each is required."""

    def __init__(self, *args: Any, request: OpenRequest, version: ProcedureVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(request.missing)
        by_name = {c.name.strip().lower(): c for c in version.components.all()}
        self.catalog = {item: by_name.get(item.strip().lower()) for item in self.items}
        for index, item in enumerate(self.items):
            self.fields[f"muc_{index}"] = MultipleFileField(label=item, required=True, help_text=_file_help())

    def uploads(self) -> list[Upload]:
        """Return every file chosen, named after the requested item (and its catalog component if it is one)."""
        return [
            Upload(name=item, file=upload, component=self.catalog[item])
            for index, item in enumerate(self.items)
            for upload in self.cleaned_data.get(f"muc_{index}") or []
        ]
