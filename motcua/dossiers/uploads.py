"""Uploaded dossier files: what the content is (never what the name says), the size limits, and the
storage outside the web root under generated names, with size and SHA-256 recorded.

Accepted: PDF (``%PDF-`` … ``%%EOF``), JPEG and PNG (signature, then Pillow reads the image header),
DOCX and XLSX (a ZIP whose ``[Content_Types].xml`` declares the Word document or Excel workbook main
part — the macro-enabled .docm/.xlsm declare other types and are refused). Everything else, whatever
its extension — HTML, scripts, ELF or PE executables — is refused.

A process killed between writing a file and committing its DossierFile leaves the file behind;
uploads_orphaned finds such files and `manage.py clean_uploads` removes them.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from motcua.dossiers.models import DossierFile, FileKind
from motcua.dossiers.services.core import DossierError

MIME_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {
    FileKind.PDF: "pdf",
    FileKind.JPEG: "jpg",
    FileKind.PNG: "png",
    FileKind.DOCX: "docx",
    FileKind.XLSX: "xlsx",
}
# Main part of each Office kind: its folder and the content type [Content_Types].xml gives it.
OFFICE_MAIN_PARTS = {
    FileKind.DOCX: ("/word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    FileKind.XLSX: ("/xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PDF_EOF_WINDOW = 4096  # readers accept trailing bytes after %%EOF; a truncated upload has none
ZIP_MAX_ENTRIES = 5000
ZIP_MAX_EXPANDED = 500 * 1024 * 1024  # refuses a "zip bomb" before anything is decompressed
CONTENT_TYPES_MAX = 1024 * 1024
_OVERRIDE = re.compile(r"<Override\b[^>]*>")
_ATTRIBUTE = re.compile(r'\b(PartName|ContentType)\s*=\s*"([^"]*)"')
# What upload_store writes: YYYY/MM/<32 hex>.<ext>; anything else under UPLOAD_ROOT is not ours to remove.
_YEAR_DIR = re.compile(r"[0-9]{4}")
_MONTH_DIR = re.compile(r"[0-9]{2}")
_STORED_FILE = re.compile(r"[0-9a-f]{32}\.(?:" + "|".join(re.escape(ext) for ext in EXTENSIONS.values()) + ")")


class UploadRefused(DossierError):
    """An uploaded file is not of an accepted kind (422); nothing is stored."""

    code = "upload_refused"


class UploadTooLarge(UploadRefused):
    """An upload, or all of them together, is over the size or count limit (413); nothing is stored."""

    status = 413
    code = "upload_too_large"


@dataclass(frozen=True)
class StoredUpload:
    """A file written under settings.UPLOAD_ROOT: its generated name, the client's name, kind, size, hash."""

    storage_name: str
    original_name: str
    kind: str
    size: int
    sha256: str


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def display_name(name: str | None) -> str:
    """Return the client's file name without any path or control characters, at most 255 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = "".join(ch for ch in unicodedata.normalize("NFC", base) if ch.isprintable()).strip()
    return cleaned[:255] or "tep"


def _head(file: IO[bytes], size: int) -> bytes:
    file.seek(0)
    data = file.read(size)
    file.seek(0)
    return data


def _pdf_complete(file: IO[bytes]) -> bool:
    file.seek(0, os.SEEK_END)
    end = file.tell()
    file.seek(max(0, end - PDF_EOF_WINDOW))
    tail = file.read()
    file.seek(0)
    return b"%%EOF" in tail


def _image_readable(file: IO[bytes], expected: str) -> bool:
    from PIL import Image  # Pillow comes with WeasyPrint; loaded only when an image is checked

    try:
        with Image.open(file) as image:
            ok = image.format == expected
            image.verify()
    except Exception:  # Pillow raises many kinds of errors on broken or hostile images
        ok = False
    file.seek(0)
    return ok


def _office_kind(file: IO[bytes]) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES or sum(entry.file_size for entry in entries) > ZIP_MAX_EXPANDED:
                return None
            names = {"/" + entry.filename for entry in entries}
            types = archive.getinfo("[Content_Types].xml")
            if types.file_size > CONTENT_TYPES_MAX:
                return None
            declared = archive.read(types).decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError, EOFError, NotImplementedError):
        return None
    finally:
        file.seek(0)
    for tag in _OVERRIDE.findall(declared):
        attributes = dict(_ATTRIBUTE.findall(tag))
        part, content_type = attributes.get("PartName", ""), attributes.get("ContentType", "")
        for kind, (folder, main_type) in OFFICE_MAIN_PARTS.items():
            if content_type == main_type and part.startswith(folder) and part in names:
                return kind
    return None


def upload_kind(file: IO[bytes]) -> str | None:
    """Return the FileKind of the file's content, or None when it is none of the accepted kinds."""
    head = _head(file, 8)
    if head.startswith(b"%PDF-"):
        return FileKind.PDF if _pdf_complete(file) else None
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG if _image_readable(file, "JPEG") else None
    if head.startswith(PNG_SIGNATURE):
        return FileKind.PNG if _image_readable(file, "PNG") else None
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(file)
    return None


def _check_sizes(files: Sequence[UploadedFile]) -> None:
    if len(files) > settings.UPLOAD_MAX_FILES:
        raise UploadTooLarge(
            f"Chỉ được nộp tối đa {settings.UPLOAD_MAX_FILES} tệp mỗi lần / "
            f"at most {settings.UPLOAD_MAX_FILES} files per submission"
        )
    total = 0
    for upload in files:
        name, size = display_name(upload.name), upload.size or 0
        if size > settings.UPLOAD_MAX_FILE_BYTES:
            limit = _megabytes(settings.UPLOAD_MAX_FILE_BYTES)
            raise UploadTooLarge(f"Tệp “{name}” lớn hơn {limit} MB / the file “{name}” is larger than {limit} MB")
        total += size
    if total > settings.UPLOAD_MAX_TOTAL_BYTES:
        limit = _megabytes(settings.UPLOAD_MAX_TOTAL_BYTES)
        raise UploadTooLarge(f"Tổng dung lượng các tệp vượt quá {limit} MB / the files together exceed {limit} MB")


def uploads_check(files: Sequence[UploadedFile]) -> list[str]:
    """Return the kind of each file, or raise UploadRefused/UploadTooLarge for the first one that fails."""
    _check_sizes(files)
    kinds = []
    for upload in files:
        name = display_name(upload.name)
        if not upload.size:
            raise UploadRefused(f"Tệp “{name}” rỗng / the file “{name}” is empty")
        kind = upload_kind(upload.file) if upload.file is not None else None
        if kind is None:
            raise UploadRefused(
                f"Tệp “{name}” không phải PDF, JPEG, PNG, DOCX hoặc XLSX (hệ thống kiểm tra nội dung tệp, "
                f"không dựa vào phần mở rộng) / “{name}” is not a PDF, JPEG, PNG, DOCX or XLSX file "
                "(its content is checked, not its extension)"
            )
        kinds.append(kind)
    return kinds


def upload_path(storage_name: str) -> Path:
    """Return the absolute path of a stored file, refusing any name that would leave UPLOAD_ROOT."""
    root = Path(settings.UPLOAD_ROOT).resolve()
    path = (root / storage_name).resolve()
    if root not in path.parents:
        raise UploadRefused(f"Tên tệp lưu trữ không hợp lệ: {storage_name!r} / invalid stored file name")
    return path


def upload_store(upload: UploadedFile, *, kind: str, at: datetime) -> StoredUpload:
    """Write the upload as UPLOAD_ROOT/YYYY/MM/<random>.<ext> (never the client's name) and hash it."""
    storage_name = f"{timezone.localtime(at):%Y/%m}/{secrets.token_hex(16)}.{EXTENSIONS[FileKind(kind)]}"
    path = upload_path(storage_name)
    path.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(descriptor, "wb") as output:
            upload.seek(0)
            for chunk in upload.chunks():
                digest.update(chunk)
                size += len(chunk)
                output.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredUpload(storage_name, display_name(upload.name), kind, size, digest.hexdigest())


def uploads_delete(stored: Iterable[StoredUpload]) -> None:
    """Remove stored files whose dossier change did not happen (a refused or failed transaction)."""
    for item in stored:
        upload_path(item.storage_name).unlink(missing_ok=True)


def _subdirectories(directory: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Return the real (not symlinked) subdirectories whose whole name matches `pattern`, sorted."""
    with os.scandir(directory) as entries:
        found = [
            Path(entry.path)
            for entry in entries
            if pattern.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)
        ]
    return sorted(found)


def uploads_orphaned(*, older_than: timedelta, now: datetime | None = None) -> list[Path]:
    """Return the stored files under UPLOAD_ROOT that no DossierFile names, last modified before now - older_than.

    Younger files may belong to a submission whose transaction has not committed yet. Only regular files
    named as upload_store names them (YYYY/MM/<32 hex>.<ext>) are considered; symlinks and anything else are
    left alone. The database is asked one month directory at a time, so memory stays bounded by a month.
    """
    root = Path(settings.UPLOAD_ROOT)
    if not root.is_dir():
        return []
    cutoff = (now or timezone.now()).timestamp() - older_than.total_seconds()
    orphans: list[Path] = []
    for year in _subdirectories(root, _YEAR_DIR):
        for month in _subdirectories(year, _MONTH_DIR):
            prefix = f"{year.name}/{month.name}/"
            known = set(
                DossierFile.objects.filter(storage_name__startswith=prefix).values_list("storage_name", flat=True)
            )
            with os.scandir(month) as entries:
                for entry in entries:
                    if not _STORED_FILE.fullmatch(entry.name) or prefix + entry.name in known:
                        continue
                    if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                        orphans.append(Path(entry.path))
    return sorted(orphans)
