"""QR codes printed on one-stop documents: each points at the dossier's public lookup page."""

from __future__ import annotations

import segno
from django.conf import settings

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
LOOKUP_PATH = "/dich-vu-cong/tra-cuu/"  # the portal's lookup by secret (portal:lookup_secret)


def lookup_url(lookup_secret: str) -> str:
    """Return the absolute public lookup address of the dossier with `lookup_secret`."""
    base = str(getattr(settings, "PUBLIC_URL", DEFAULT_PUBLIC_URL) or DEFAULT_PUBLIC_URL).rstrip("/")
    return f"{base}{LOOKUP_PATH}{lookup_secret}/"


def qr_data_uri(url: str) -> str:
    """Return a QR code of `url` as an SVG data URI, ready for an <img> in a print template."""
    # Level M survives a creased or stamped paper receipt; the SVG stays sharp at any print size.
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2)
