"""Files the portal hands out (procedure templates, sample dossiers, electronic results), served safely.

They live under MEDIA_ROOT, outside the web root; the portal streams them as attachments with a type
chosen from the extension (never sniffed, never rendered inline), so an HTML file uploaded by mistake
downloads instead of running in the portal's origin.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

SAFE_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".zip": "application/zip",
}


def attachment(file: FieldFile | None, *, download_name: str = "") -> FileResponse:
    """Return the stored file as a download; 404 when there is none or it is missing from the storage."""
    if not file:
        raise Http404(_("Không có tệp / no file"))
    try:
        handle = file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("Không tìm thấy tệp / file not found")) from None
    name = PurePosixPath(file.name or "").name
    suffix = PurePosixPath(name).suffix.lower()
    content_type = SAFE_TYPES.get(suffix, "application/octet-stream")
    filename = f"{download_name}{suffix}" if download_name else name
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
