"""Pure checks of what people type at reception: ID numbers, phones, e-mail (no database)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_PERSON_ID = re.compile(r"^\d{12}$")  # căn cước (công dân) number
_ORG_ID = re.compile(r"^\d{10}(-\d{3})?$")  # enterprise / tax code, optionally with a branch suffix
_PHONE = re.compile(r"^0\d{9}$")  # Vietnamese mobile or landline, national format


@dataclass(frozen=True)
class Applicant:
    """Who the dossier is for, and who hands it in if someone else does."""

    kind: str  # ApplicantKind
    name: str
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    submitter_name: str = ""
    submitter_id_number: str = ""
    submitter_phone: str = ""


def normalise_phone(phone: str) -> str:
    """Return a phone number without spaces, dots or dashes; +84 becomes 0."""
    digits = re.sub(r"[\s.\-()]", "", phone)
    return "0" + digits[3:] if digits.startswith("+84") else digits


def applicant_errors(applicant: Applicant) -> dict[str, str]:
    """Return field → message for every problem in the applicant's details."""
    errors: dict[str, str] = {}
    if not applicant.name.strip():
        errors["name"] = "Chưa nhập tên chủ hồ sơ / the applicant's name is required"
    if applicant.kind not in ("person", "organisation"):
        errors["kind"] = "Loại chủ hồ sơ không hợp lệ / unknown applicant kind"
    pattern = _PERSON_ID if applicant.kind == "person" else _ORG_ID
    if applicant.id_number and not pattern.match(applicant.id_number):
        errors["id_number"] = (
            "Số định danh cá nhân phải có 12 chữ số / a personal ID number has 12 digits"
            if applicant.kind == "person"
            else "Mã số doanh nghiệp, mã số thuế phải có 10 chữ số (hoặc 10-3) / a tax code has 10 digits"
        )
    for field, phone in (("phone", applicant.phone), ("submitter_phone", applicant.submitter_phone)):
        if phone and not _PHONE.match(normalise_phone(phone)):
            errors[field] = "Số điện thoại phải có 10 chữ số, bắt đầu bằng 0 / a phone has 10 digits starting with 0"
    if applicant.submitter_id_number and not _PERSON_ID.match(applicant.submitter_id_number):
        errors["submitter_id_number"] = "Số định danh cá nhân phải có 12 chữ số / a personal ID number has 12 digits"
    if applicant.email:
        try:
            validate_email(applicant.email)
        except ValidationError:
            errors["email"] = "Địa chỉ thư điện tử không hợp lệ / invalid e-mail address"
    if not (applicant.phone or applicant.email):
        errors.setdefault("phone", "Cần số điện thoại hoặc thư điện tử để báo kết quả / a phone or e-mail is required")
    return errors
