"""Helpers of the portal's submission-side tests: an identified session, components, files on disk."""

from __future__ import annotations

import json
import re

from django.utils import timezone

from motcua.catalog.models import DocumentComponent
from motcua.portal.citizen import SESSION_KEY

PHONE = "0912345678"  # the factory applicant's phone
OTHER_PHONE = "0987654321"


def identify_as(client, *, phone: str = "", email: str = "", id_number: str = "", method: str = "phone", at=None):
    """Put a verified identity in the test client's session, as a successful identification leaves it."""
    session = client.session
    session[SESSION_KEY] = {
        "method": method,
        "verified_at": (at or timezone.now()).isoformat(),
        "phone": phone,
        "email": email,
        "id_number": id_number,
        "name": "",
    }
    session.save()


def add_components(version):
    """Give the permit procedure its two mandatory components and an optional one; return them."""
    form = DocumentComponent.objects.create(version=version, order=1, name="Đơn đề nghị cấp giấy phép xây dựng")
    drawing = DocumentComponent.objects.create(version=version, order=2, name="Bản vẽ thiết kế xây dựng")
    proxy = DocumentComponent.objects.create(version=version, order=3, name="Giấy ủy quyền", mandatory=False)
    return form, drawing, proxy


def files_on_disk(root):
    """Return the files under `root` (none when it does not exist)."""
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def last_code(directory, channel: str = "sms") -> str:
    """Return the 6-digit code of the last message the file notification backend wrote."""
    line = json.loads((directory / f"{channel}.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    return re.search(r"\b(\d{6})\b", line["body"]).group(1)


def applicant_post(**overrides):
    """Return the applicant part of the submission form as a browser posts it."""
    data = {
        "kind": "person",
        "name": "Nguyễn Thị Lan",
        "id_number": "031190001234",
        "email": "lan.nguyen@example.vn",
        "address": "Thôn Đông, xã Vĩnh Bảo, thành phố Hải Phòng",
        "subject": "Xây dựng nhà ở riêng lẻ 3 tầng tại thửa đất số 125",
        "declaration": "on",
    }
    data.update(overrides)
    return data
