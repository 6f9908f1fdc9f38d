"""Real files of every accepted kind, and hostile ones, built in memory for the upload tests."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfWriter

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"


def pdf_bytes(pages: int = 1) -> bytes:
    """Return a real PDF of blank A4 pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(kind: str = "JPEG") -> bytes:
    """Return a small real JPEG or PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (200, 30, 30)).save(buffer, kind)
    return buffer.getvalue()


def docx_bytes(main_type: str = DOCX_MAIN) -> bytes:
    """Return a minimal Word document (a .docm when given the macro-enabled main type)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main_type}"/></Types>',
        )
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>Đơn đề nghị</w:p></w:body></w:document>")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    """Return a real Excel workbook written by openpyxl."""
    workbook = Workbook()
    workbook.active.append(["Họ và tên", "Số tiền"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HTML_BYTES = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
PE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00" + b"\x00" * 200


def uploaded(name: str, data: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    """Return an uploaded file as a browser would send it (the client's name and claimed type)."""
    return SimpleUploadedFile(name, data, content_type=content_type)
