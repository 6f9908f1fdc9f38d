"""`POST /api/v1/lookup`: the portal's look-up for apps, with the same answers, rate limit and error envelope."""

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from motcua.dossiers import services
from motcua.dossiers.tests.factories import APPLICANT, agency_setup, done_dossier, in_process_dossier

pytestmark = pytest.mark.django_db
URL = "/api/v1/lookup"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def post(client, body, **extra):
    return client.post(URL, body, content_type="application/json", **extra)


def test_code_and_phone_return_the_status_in_plain_words_without_login(client, setup):
    # given a dossier in process
    dossier = in_process_dossier(setup)
    # when an app posts its code and phone, with no token
    response = post(client, {"code": dossier.code, "phone": APPLICANT.phone})
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == dossier.code and body["state"] == "in_process" and body["portal_status"] == 4
    assert body["state_label"] == "Hồ sơ đang được giải quyết"
    assert body["appointment_at"] == "2025-03-17T09:00:00+07:00"
    assert [entry["text"] for entry in body["timeline"]][:2] == [
        "Nộp hồ sơ",
        "Hồ sơ được tiếp nhận, có giấy hẹn trả kết quả",
    ]
    assert body["applicant_phone_masked"] == "09xx xxx 678"
    assert APPLICANT.phone not in response.content.decode() and APPLICANT.name not in response.content.decode()
    assert body["can_rate"] is False and body["rating"] is None and body["result"] is None


def test_the_secret_works_and_a_rated_dossier_shows_its_rating(client, setup):
    dossier = done_dossier(setup)
    with time_machine.travel("2025-03-11 09:00 +07:00", tick=False):
        services.dossier_rate(code=dossier.code, phone=APPLICANT.phone, overall=4)
    body = post(client, {"secret": dossier.lookup_secret}).json()
    assert body["code"] == dossier.code and body["can_rate"] is True
    assert body["rating"]["level"] == 4 and body["rating"]["label"] == "Hài lòng"
    assert body["result"] == {"summary": "Cấp giấy phép xây dựng số 12/GPXD", "electronic_available": False}


def test_wrong_phone_and_unknown_code_are_the_same_404(client, setup):
    dossier = in_process_dossier(setup)
    wrong = post(client, {"code": dossier.code, "phone": "0987654321"})
    unknown = post(client, {"code": "000.10.50.H31-250303-9999", "phone": APPLICANT.phone})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "body", [{}, {"code": "000.10.50.H31-250303-0001"}, {"phone": "0912345678"}, {"code": "x" * 65, "phone": "0"}]
)
def test_a_body_without_secret_or_code_and_phone_is_422(client, body):
    response = post(client, body)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_guessing_is_stopped_by_the_shared_rate_limit(client, setup, settings):
    # given a limit of 3 failed look-ups
    settings.LOOKUP_FAILURE_LIMIT = 3
    dossier = in_process_dossier(setup)
    for n in range(3):
        assert post(client, {"code": f"000.10.50.H31-250303-{n:04d}9", "phone": APPLICANT.phone}).status_code == 404
    # when the right code and phone follow from the same client
    refused = post(client, {"code": dossier.code, "phone": APPLICANT.phone})
    # then 429 in the error envelope; the portal's form shares the same count
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert client.post("/dich-vu-cong/tra-cuu/", {"code": dossier.code, "phone": APPLICANT.phone}).status_code == 429
    # and another client is unaffected
    assert (
        post(Client(), {"code": dossier.code, "phone": APPLICANT.phone}, REMOTE_ADDR="198.51.100.4").status_code == 200
    )
