"""Test-wide settings and fixtures: static storage, password hashing, calendar, headless browser."""

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings as hypothesis_settings

# CI runs the same examples every time (no flaky reds from a lucky draw) and never fails on timing.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def _static_root(tmp_path_factory):
    return tmp_path_factory.mktemp("static")


@pytest.fixture(autouse=True)
def _test_settings(settings, _static_root):
    settings.STATIC_ROOT = _static_root  # an existing directory keeps whitenoise quiet
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


@pytest.fixture
def csp_violations() -> list[str]:
    """Return the Content-Security-Policy violations the browser reports during the test."""
    return []


@pytest.fixture
def browser_page(csp_violations: list[str], monkeypatch: pytest.MonkeyPatch) -> Iterator["Page"]:
    """Yield a page of a headless chromium that records Content-Security-Policy violations."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing in CI: .ci/run installs it with apt-get install chromium")
        pytest.skip("chromium not installed: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import ConsoleMessage, sync_playwright

    def record(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", record)
        yield page
        context.close()
        browser.close()
