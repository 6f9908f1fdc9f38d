"""Reading uploads on the portal: stop at the size limits instead of spooling an oversized body to disk.

Django reads a multipart body before the view sees it, writing files above
FILE_UPLOAD_MAX_MEMORY_SIZE to temporary files. `LimitedUploadHandler`, put first in the request's
handlers, refuses a body whose declared length is over the limit without reading it, and stops
reading as soon as one file or all files together pass settings.UPLOAD_MAX_FILE_BYTES /
UPLOAD_MAX_TOTAL_BYTES, so an oversized upload never reaches the disk. The view must install it before
anything reads request.POST — CSRF included — so such views are `csrf_exempt` outside and
`csrf_protect` inside (the pattern of Django's documentation on upload handlers).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

# Room for the form's text fields and the multipart boundaries on top of the files themselves.
FORM_ALLOWANCE = 256 * 1024


class LimitedUploadHandler(FileUploadHandler):
    """Pass chunks on to Django's handlers until a file or the request passes its limit, then stop."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.max_file = int(settings.UPLOAD_MAX_FILE_BYTES)
        self.max_total = int(settings.UPLOAD_MAX_TOTAL_BYTES)
        self.file_bytes = 0
        self.total_bytes = 0
        self.exceeded = ""  # "file" or "total" once a limit is passed

    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: Any, encoding: str | None = None
    ) -> tuple[QueryDict, MultiValueDict[str, Any]] | None:
        """Refuse, without reading it, a body longer than all files and the form may be."""
        if content_length > self.max_total + FORM_ALLOWANCE:
            self.exceeded = "total"
            return QueryDict(), MultiValueDict()
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        """Start counting a new file."""
        super().new_file(*args, **kwargs)
        self.file_bytes = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        """Count the chunk; stop the whole upload before handing on a chunk past a limit."""
        self.file_bytes += len(raw_data)
        self.total_bytes += len(raw_data)
        if self.file_bytes > self.max_file:
            self.exceeded = "file"
        elif self.total_bytes > self.max_total:
            self.exceeded = "total"
        if self.exceeded:
            # The declared length was within bounds, so reading (and discarding) the rest is cheap and
            # lets the browser receive the refusal page instead of a reset connection.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        """Let the next handler build the uploaded file."""
        return None


def upload_limit_install(request: HttpRequest) -> LimitedUploadHandler:
    """Put the limiting handler first in the request's upload handlers and return it."""
    handler = LimitedUploadHandler(request)
    request.upload_handlers = [handler, *request.upload_handlers]  # allowed until the body is read
    return handler


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def upload_refusal(request: HttpRequest, handler: LimitedUploadHandler | None) -> str:
    """Parse the body through the limiter; return why it was refused, or "" when it is within the limits."""
    if handler is None:
        return ""
    request.FILES  # noqa: B018 (reading it parses the body, through the limiter first)
    if handler.exceeded == "file":
        return _(
            "Có tệp lớn hơn %(mb)s MB; hồ sơ chưa được gửi và không tệp nào được lưu / "
            "a file is over the size limit: nothing was submitted or saved"
        ) % {"mb": _megabytes(handler.max_file)}
    if handler.exceeded == "total":
        return _(
            "Các tệp cộng lại lớn hơn %(mb)s MB; hồ sơ chưa được gửi và không tệp nào được lưu / "
            "the files together are over the size limit: nothing was submitted or saved"
        ) % {"mb": _megabytes(handler.max_total)}
    return ""
