"""Online submission and online supplements (DOMAIN.md §5.1 channel 2, §5.2, §5.6): what the public portal writes.

Files are checked (kind from the content, sizes) before anything is written, stored outside the web root,
and removed again if the dossier change they belong to does not happen. The transitions themselves are
the reception and processing services, so the back office sees these dossiers like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

from motcua.catalog.models import ComponentForm, DocumentComponent, OnlineLevel, ProcedureVersion
from motcua.dossiers.models import Dossier
from motcua.dossiers.rules import Applicant, applicant_errors
from motcua.dossiers.selectors import dossier_open_request, procedure_online_reception_unit
from motcua.dossiers.services.core import DossierError, WrongState, now
from motcua.dossiers.services.processing import dossier_receive_supplement
from motcua.dossiers.services.reception import Component, dossier_resubmit, dossier_submit
from motcua.dossiers.states import Channel, State
from motcua.dossiers.uploads import StoredUpload, upload_store, uploads_check, uploads_delete

ONLINE_LEVELS = frozenset({OnlineLevel.PARTIAL, OnlineLevel.FULL})


class NotOfferedOnline(DossierError):
    """The procedure is not offered as an online public service (409)."""

    status = 409
    code = "not_online"


@dataclass(frozen=True)
class Upload:
    """A file uploaded for one document: a catalog component, or an item a supplement request names."""

    name: str
    file: UploadedFile
    component: DocumentComponent | None = None


def procedure_check_online(version: ProcedureVersion) -> None:
    """Raise NotOfferedOnline unless the procedure is offered online (partly or fully) and has an intake."""
    if version.online_level not in ONLINE_LEVELS:
        raise NotOfferedOnline(
            f"Thủ tục “{version.name}” không cung cấp dịch vụ công trực tuyến; hãy nộp hồ sơ trực tiếp "
            "hoặc qua bưu chính / this procedure is not offered online: submit at the counter or by post"
        )
    if procedure_online_reception_unit(version) is None:
        raise NotOfferedOnline(
            f"Thủ tục “{version.name}” chưa được cấu hình nơi tiếp nhận hồ sơ trực tuyến / "
            "no reception unit is configured for this procedure's online dossiers"
        )


def _store(uploads: Sequence[Upload]) -> list[tuple[Upload, StoredUpload]]:
    """Check every file, then write them all; on any failure nothing stays on disk."""
    kinds = uploads_check([upload.file for upload in uploads])
    at = now()
    stored: list[tuple[Upload, StoredUpload]] = []
    try:
        for upload, kind in zip(uploads, kinds, strict=True):
            stored.append((upload, upload_store(upload.file, kind=kind, at=at)))
    except BaseException:
        uploads_delete(item for _upload, item in stored)
        raise
    return stored


def _components(stored: Sequence[tuple[Upload, StoredUpload]]) -> list[Component]:
    """Return one electronic component per document, carrying all the files uploaded for it."""
    grouped: dict[tuple[str, int | None], list[StoredUpload]] = {}
    catalog: dict[tuple[str, int | None], DocumentComponent | None] = {}
    for upload, item in stored:
        key = (upload.name, upload.component.pk if upload.component else None)
        grouped.setdefault(key, []).append(item)
        catalog[key] = upload.component
    return [
        Component(name=key[0], form=ComponentForm.ELECTRONIC, component=catalog[key], uploads=tuple(items))
        for key, items in grouped.items()
    ]


def _check_online_applicant(applicant: Applicant) -> None:
    errors = applicant_errors(applicant)
    if not applicant.id_number:
        errors.setdefault(
            "id_number",
            "Nộp trực tuyến cần số định danh cá nhân hoặc mã số doanh nghiệp / an ID number or tax code is required",
        )
    if not applicant.address.strip():
        errors.setdefault("address", "Chưa nhập địa chỉ / the address is required")
    if errors:
        raise DossierError("; ".join(errors.values()))


def dossier_submit_online(
    *, version: ProcedureVersion, applicant: Applicant, uploads: Sequence[Upload], subject: str = ""
) -> Dossier:
    """Register a dossier submitted on the portal (channel 2) with its files; it waits at the online intake."""
    procedure_check_online(version)
    _check_online_applicant(applicant)
    given = {upload.component.pk for upload in uploads if upload.component is not None}
    missing = [c.name for c in version.components.order_by("order") if c.mandatory and c.pk not in given]
    if missing:
        raise DossierError("Chưa tải lên giấy tờ bắt buộc: " + "; ".join(missing) + " / required documents are missing")
    unit = procedure_online_reception_unit(version)
    assert unit is not None  # procedure_check_online refused a procedure without one
    stored = _store(uploads)
    try:
        return dossier_submit(
            version=version,
            receiving_unit=unit,
            reception_point=unit,
            channel=Channel.ONLINE,
            applicant=applicant,
            components=_components(stored),
            subject=subject.strip(),
        )
    except BaseException:
        uploads_delete(item for _upload, item in stored)
        raise


def dossier_supplement_online(*, code: str, uploads: Sequence[Upload]) -> Dossier:
    """Upload what an open supplement or completion request asks for; the services resume the dossier."""
    try:
        dossier = Dossier.objects.get(code=code)
    except Dossier.DoesNotExist:
        raise DossierError(f"Không có hồ sơ {code} / no dossier {code}") from None
    request = dossier_open_request(dossier)
    if request is None:
        raise WrongState(
            f"Hồ sơ {code} không có yêu cầu bổ sung nào đang chờ / dossier {code} has no open supplement request"
        )
    given = {upload.name for upload in uploads}
    missing = [item for item in request.missing if item not in given]
    if missing or not uploads:
        raise DossierError(
            "Chưa tải lên: " + "; ".join(missing or request.missing) + " / the requested documents are missing"
        )
    stored = _store(uploads)
    try:
        if dossier.state == State.SUPPLEMENT_REQUESTED:
            return dossier_receive_supplement(code=code, components=_components(stored))
        return dossier_resubmit(code=code, components=_components(stored))
    except BaseException:
        uploads_delete(item for _upload, item in stored)
        raise
