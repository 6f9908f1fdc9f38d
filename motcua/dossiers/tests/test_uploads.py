"""The upload checker (kind from the content, never the name) and the storage outside the web root."""

import hashlib
import io
import zipfile

import pytest
from django.utils import timezone

from motcua.dossiers import uploads
from motcua.dossiers.models import FileKind
from motcua.dossiers.tests.upload_samples import (
    DOCM_MAIN,
    ELF_BYTES,
    HTML_BYTES,
    PE_BYTES,
    docx_bytes,
    image_bytes,
    pdf_bytes,
    uploaded,
    xlsx_bytes,
)
from motcua.dossiers.uploads import (
    UploadRefused,
    UploadTooLarge,
    display_name,
    upload_kind,
    upload_path,
    upload_store,
    uploads_check,
    uploads_delete,
)


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    return settings.UPLOAD_ROOT


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (pdf_bytes(), FileKind.PDF),
        (image_bytes("JPEG"), FileKind.JPEG),
        (image_bytes("PNG"), FileKind.PNG),
        (docx_bytes(), FileKind.DOCX),
        (xlsx_bytes(), FileKind.XLSX),
    ],
)
def test_each_accepted_kind_is_recognised_from_its_content(data, kind):
    # given a real file of the kind, when its content is checked, then the kind is recognised
    assert upload_kind(io.BytesIO(data)) == kind


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("don-de-nghi.pdf", HTML_BYTES),
        ("giay-to.pdf", ELF_BYTES),
        ("ban-ve.pdf", PE_BYTES),
        ("anh.jpg", b"\xff\xd8\xff<html><script>alert(1)</script></html>"),
        ("ho-so.docx", docx_bytes(DOCM_MAIN)),
        ("tai-lieu.docx", b"PK\x03\x04 not really a zip"),
        ("cat.pdf", pdf_bytes()[:-64]),
    ],
    ids=["html", "elf", "pe", "jpeg-signature-only", "docm-as-docx", "broken-zip", "truncated-pdf"],
)
def test_content_that_is_not_an_accepted_kind_is_refused_whatever_the_name(name, data):
    # given a hostile or broken file named like an accepted one
    # when the uploads are checked, then it is refused with a message naming it, in both languages
    with pytest.raises(UploadRefused) as refusal:
        uploads_check([uploaded(name, data)])
    assert name in refusal.value.message
    assert "không phải PDF, JPEG, PNG, DOCX hoặc XLSX" in refusal.value.message
    assert "is not a PDF, JPEG, PNG, DOCX or XLSX file" in refusal.value.message


def test_a_zip_expanding_past_the_limit_is_refused_before_decompression(monkeypatch):
    # given a Word document whose parts expand to 200 KB, and an expansion limit of 100 KB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(io.BytesIO(docx_bytes())) as source:
            for name in source.namelist():
                archive.writestr(name, source.read(name))
        archive.writestr("word/media/padding.bin", b"\0" * 200 * 1024)
    data = buffer.getvalue()
    assert upload_kind(io.BytesIO(data)) == FileKind.DOCX  # within the default limit it is a document
    monkeypatch.setattr(uploads, "ZIP_MAX_EXPANDED", 100 * 1024)
    # when its content is checked, then it is refused from the sizes its directory declares
    assert upload_kind(io.BytesIO(data)) is None


def test_a_file_over_the_per_file_limit_is_refused(settings):
    # given a limit of 1 KB per file
    settings.UPLOAD_MAX_FILE_BYTES = 1024
    # when a 2 KB PDF is checked, then it is refused as too large (413)
    with pytest.raises(UploadTooLarge) as refusal:
        uploads_check([uploaded("ban-ve.pdf", pdf_bytes() + b"\n" * 2048)])
    assert refusal.value.status == 413


def test_files_over_the_total_limit_together_are_refused(settings):
    # given 3 KB in all but each file within its own limit
    settings.UPLOAD_MAX_FILE_BYTES = 2048
    settings.UPLOAD_MAX_TOTAL_BYTES = 3 * 1024
    files = [uploaded(f"trang-{n}.pdf", pdf_bytes() + b" " * 1500) for n in range(3)]
    # then together they are refused
    with pytest.raises(UploadTooLarge, match="vượt quá"):
        uploads_check(files)


def test_an_empty_file_is_refused():
    with pytest.raises(UploadRefused, match="rỗng"):
        uploads_check([uploaded("trong.pdf", b"")])


def test_stored_files_get_a_generated_name_outside_the_web_root_with_size_and_hash(upload_root, settings):
    # given a PDF uploaded as a name with a path and a script in it
    data = pdf_bytes()
    upload = uploaded("../../static/<script>x</script>.pdf", data)
    # when it is stored
    stored = upload_store(upload, kind=FileKind.PDF, at=timezone.now())
    # then the file on disk has a random name under UPLOAD_ROOT, and its size and SHA-256 are recorded
    path = upload_path(stored.storage_name)
    assert path.read_bytes() == data
    assert upload_root.resolve() in path.parents
    assert "script" not in stored.storage_name and stored.storage_name.endswith(".pdf")
    assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.original_name == "script>.pdf"  # no path survives; the page escapes the rest
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    # and deleting it leaves nothing behind
    uploads_delete([stored])
    assert not path.exists()


def test_a_stored_name_cannot_point_outside_the_upload_root():
    with pytest.raises(UploadRefused):
        upload_path("../../motcua/settings.py")


def test_the_display_name_keeps_no_path_or_control_characters():
    assert display_name("C:\\Users\\lan\\Đơn đề nghị.pdf") == "Đơn đề nghị.pdf"
    assert display_name("a/b/\x00c\x1b.pdf") == "c.pdf"
    assert display_name("") == "tep"
