"""Identification by a one-time code: sending, checking, brute force, expiry, and where it leads."""

import pytest
import time_machine

from motcua.dossiers.models import OneTimeCode
from motcua.portal.citizen import SESSION_KEY
from motcua.portal.tests.citizen_helpers import PHONE, last_code

pytestmark = pytest.mark.django_db
IDENTIFY = "/dich-vu-cong/xac-thuc/"
CODE = "/dich-vu-cong/xac-thuc/nhap-ma/"
MINE = "/dich-vu-cong/ho-so-cua-toi/"


@pytest.fixture(autouse=True)
def sms_dir(settings, tmp_path):
    settings.NOTIFICATION_BACKENDS = {
        "sms": "motcua.dossiers.notifications.FileBackend",
        "email": "motcua.dossiers.notifications.FileBackend",
    }
    settings.NOTIFICATION_FILE_DIR = tmp_path
    settings.OTP_MAX_ATTEMPTS, settings.OTP_SENDS_PER_CONTACT, settings.CITIZEN_SESSION_MINUTES = 5, 5, 60
    return tmp_path


def test_the_identification_page_asks_for_a_phone_or_e_mail(client):
    response = client.get(IDENTIFY)
    assert response.status_code == 200
    assert "Số điện thoại di động hoặc thư điện tử" in response.content.decode()
    assert "dinh-danh-dien-tu" not in response.content.decode()  # no OpenID Connect login unless configured


def test_a_code_by_sms_identifies_the_phone_and_leads_back(client, sms_dir):
    # when a visitor asks for a code on the way to their dossiers
    response = client.post(IDENTIFY, {"contact": "0912 345 678", "next": MINE})
    assert response.status_code == 302 and response["Location"] == CODE
    page = client.get(CODE).content.decode()
    assert "09xx xxx 678" in page and PHONE not in page  # the phone is shown masked
    key_before = client.session.session_key
    # and types the code they received
    response = client.post(CODE, {"code": last_code(sms_dir)})
    # then they are taken back, identified by the phone, under a new session key
    assert response.status_code == 302 and response["Location"] == MINE
    assert client.session[SESSION_KEY]["phone"] == PHONE
    assert client.session.session_key != key_before
    assert client.get(MINE).status_code == 200


def test_a_wrong_code_says_how_many_tries_remain(client, sms_dir):
    client.post(IDENTIFY, {"contact": PHONE})
    code = last_code(sms_dir)
    response = client.post(CODE, {"code": f"{(int(code) + 1) % 10**6:06d}"})
    assert response.status_code == 422
    assert "còn 4 lần thử" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_brute_force_is_stopped_after_five_wrong_codes(client, sms_dir):
    # given a visitor who guesses codes
    client.post(IDENTIFY, {"contact": PHONE})
    code = last_code(sms_dir)
    wrong = f"{(int(code) + 7) % 10**6:06d}"
    statuses = [client.post(CODE, {"code": wrong}).status_code for _ in range(5)]
    # then the fifth wrong try closes the code (429), and the right code no longer identifies anyone
    assert statuses == [422, 422, 422, 422, 429]
    response = client.post(CODE, {"code": code})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert OneTimeCode.objects.get().attempts == 5


def test_asking_too_many_codes_is_refused_with_429(client):
    for _ in range(5):
        assert client.post(IDENTIFY, {"contact": PHONE}).status_code == 302
    response = client.post(IDENTIFY, {"contact": PHONE})
    assert response.status_code == 429
    assert "quá nhiều mã" in response.content.decode()


def test_an_invalid_contact_is_refused_with_its_reason(client):
    response = client.post(IDENTIFY, {"contact": "12345"})
    assert response.status_code == 422
    assert "10 chữ số" in response.content.decode()
    assert not OneTimeCode.objects.exists()


def test_the_code_page_without_a_pending_code_sends_back_to_identification(client):
    assert client.get(CODE)["Location"] == IDENTIFY


def test_an_outside_next_address_is_ignored(client, sms_dir):
    client.post(IDENTIFY, {"contact": PHONE, "next": "https://evil.example/steal"})
    response = client.post(CODE, {"code": last_code(sms_dir)})
    assert response["Location"] == MINE


def test_a_dossier_code_on_the_identification_page_leads_to_its_supplement_page(client, sms_dir):
    client.post(IDENTIFY, {"contact": PHONE, "dossier_code": "000.10.50.H31-250303-0001"})
    response = client.post(CODE, {"code": last_code(sms_dir)})
    assert response["Location"] == "/dich-vu-cong/bo-sung/000.10.50.H31-250303-0001/"


def test_the_identity_expires(client, sms_dir):
    with time_machine.travel("2025-03-03 08:00 +07:00", tick=False):
        client.post(IDENTIFY, {"contact": PHONE})
        client.post(CODE, {"code": last_code(sms_dir)})
        assert client.get(MINE).status_code == 200
    # when 61 minutes have passed, then the pages ask for identification again
    with time_machine.travel("2025-03-03 09:01 +07:00", tick=False):
        response = client.get(MINE)
    assert response.status_code == 302 and response["Location"].startswith(IDENTIFY)


def test_leaving_forgets_the_identity(client, sms_dir):
    client.post(IDENTIFY, {"contact": PHONE})
    client.post(CODE, {"code": last_code(sms_dir)})
    client.post("/dich-vu-cong/xac-thuc/thoat/")
    assert client.get(MINE).status_code == 302


def test_a_malformed_dossier_code_is_refused_and_sends_nothing(client):
    response = client.post(IDENTIFY, {"contact": PHONE, "dossier_code": "a/b<script>"})
    assert response.status_code == 422
    assert "Mã hồ sơ không hợp lệ" in response.content.decode()
    assert not OneTimeCode.objects.exists()
