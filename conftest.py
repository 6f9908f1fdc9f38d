"""Test-wide settings: plain static storage, fast password hashing."""

import pytest


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def published_calendar(db):
    """Publish 2024–2027 with the overrides of DOMAIN.md §4.2 that the holidays package lacks."""
    from motcua.workdays.models import CalendarDay, CalendarYear, DayKind

    for year in (2024, 2025, 2026, 2027):
        CalendarYear.objects.get_or_create(year=year)
    CalendarDay.objects.get_or_create(
        date="2026-01-02",
        scope_code="",
        defaults={"kind": DayKind.SWAPPED_DAY_OFF, "name": "Nghỉ hoán đổi Tết Dương lịch"},
    )
    CalendarDay.objects.get_or_create(
        date="2026-01-10",
        scope_code="",
        defaults={"kind": DayKind.MAKEUP_WORKING_DAY, "name": "Làm bù cho ngày 02/01/2026"},
    )
