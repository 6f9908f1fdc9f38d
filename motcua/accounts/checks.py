"""Deployment checks that fail loudly on a dangerous production configuration (rule 16)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_production_settings(app_configs: Any, **kwargs: Any) -> list[Error]:
    """Refuse DEBUG, the default secret key, and SQLite behind several worker processes."""
    errors = []
    if settings.DEBUG:
        errors.append(Error("MOTCUA_DEBUG bật trong môi trường vận hành / DEBUG is on", id="motcua.E001"))
    if settings.SECRET_KEY == settings.INSECURE_SECRET_KEY:
        errors.append(Error("MOTCUA_SECRET_KEY chưa được đặt / the default secret key is in use", id="motcua.E002"))
    workers = int(os.environ.get("WEB_CONCURRENCY", "1") or 1)
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3") and workers > 1:
        errors.append(
            Error(
                f"SQLite với {workers} tiến trình gunicorn: hãy dùng PostgreSQL / SQLite with {workers} workers",
                id="motcua.E003",
            )
        )
    return errors
