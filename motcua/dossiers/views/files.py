"""Download of the files uploaded with a dossier: only through this view, only for officers who may see it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.dossiers.models import Dossier, DossierFile, FileKind
from motcua.dossiers.selectors import dossier_get_for_user
from motcua.dossiers.uploads import MIME_TYPES, upload_path
from motcua.dossiers.views.access import AuthenticatedRequest, forbidden


@login_required
@require_GET
def dossier_file(request: AuthenticatedRequest, code: str, file_id: int) -> HttpResponseBase:
    """Return one uploaded file of the dossier as an attachment, never rendered by the browser."""
    try:
        dossier = dossier_get_for_user(user=request.user, code=code)
    except Dossier.DoesNotExist:
        raise Http404(_("Mã hồ sơ không tồn tại / unknown dossier code")) from None
    except PermissionDenied as refusal:
        return forbidden(request, str(refusal))
    upload = DossierFile.objects.filter(pk=file_id, dossier=dossier).first()
    if upload is None:
        raise Http404(_("Hồ sơ không có tệp này / the dossier has no such file"))
    try:
        handle = upload_path(upload.storage_name).open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp không còn trên máy chủ / the file is missing from the server")) from None
    response = FileResponse(
        handle, as_attachment=True, filename=upload.original_name, content_type=MIME_TYPES[FileKind(upload.kind)]
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"  # even if opened, nothing runs
    response["Cache-Control"] = "private, no-store"
    return response
