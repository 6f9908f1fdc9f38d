"""Fixtures of the portal's read side: an agency with its officers, dossiers at several stages, a clean cache."""

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import services
from motcua.dossiers.tests.factories import APPLICANT, agency_setup, done_dossier, in_process_dossier

PHONE = APPLICANT.phone  # 0912345678


@pytest.fixture(autouse=True)
def _fresh_cache(db):
    """Start every test with no rate-limit counts and no cached figures (the cache table outlives rollbacks)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def setup(published_calendar):
    """Return the Vĩnh Bảo commune, its service centre, officers and a 10-working-day permit procedure."""
    return agency_setup()


@pytest.fixture
def processing(setup):
    """Return a dossier accepted Mon 3/3/2025 09:00 and assigned to the commune's officer."""
    return in_process_dossier(setup)


@pytest.fixture
def done(setup):
    """Return a dossier decided on 10/3/2025 (state 9), its permit not yet collected."""
    return done_dossier(setup)


@pytest.fixture
def delivered_online(setup):
    """Return a dossier decided with an electronic result file and handed over electronically (state 10)."""
    dossier = in_process_dossier(setup)
    with time_machine.travel("2025-03-10 10:00 +07:00", tick=False):
        services.dossier_decide(
            code=dossier.code,
            actor=setup["head"],
            outcome="approved",
            summary="Cấp giấy phép xây dựng số 12/GPXD",
            result_code="12/GPXD",
            result_file=SimpleUploadedFile("gpxd.pdf", b"%PDF-1.4 giay phep xay dung 12/GPXD"),
        )
        return services.dossier_deliver(code=dossier.code, actor=setup["reception"], method="electronic")


def look_up(client, code, phone=PHONE, **extra):
    """POST the lookup form as a visitor would."""
    return client.post("/dich-vu-cong/tra-cuu/", {"code": code, "phone": phone}, **extra)
