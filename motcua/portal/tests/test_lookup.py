"""Status lookup by code and phone or by the receipt's QR secret: answers, rate limit, what the page shows."""

import re

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import services
from motcua.dossiers.documents.qr import lookup_url
from motcua.dossiers.lookup import LookupRefused, LookupThrottled
from motcua.dossiers.rules import Applicant
from motcua.dossiers.tests.factories import APPLICANT
from motcua.portal.tests.conftest import look_up
from motcua.portal.views.lookup import PROOF_COOKIE

pytestmark = pytest.mark.django_db


def page_without_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_code_and_phone_open_the_status_page_in_plain_words(client, setup, processing):
    # when the applicant types the code and the phone on file (with spaces, as people do)
    response = look_up(client, processing.code, phone="0912 345 678")
    # then they reach the dossier's status page
    assert response.status_code == 302
    assert response.url == f"/dich-vu-cong/tra-cuu/ho-so/{processing.code}/"
    html = client.get(response.url).content.decode()
    assert "Hồ sơ đang được giải quyết" in html
    assert "Hồ sơ được tiếp nhận, có giấy hẹn trả kết quả" in html
    assert "Cán bộ chuyên môn nhận xử lý hồ sơ" in html
    # and internal names never show: no event codes, no officer names, the phone masked
    assert "assigned" not in html and "transferred" not in html
    assert str(setup["officer"]) not in html and str(setup["reception"]) not in html
    assert "0912345678" not in html and "09xx xxx 678" in html
    assert "17/03/2025" in html  # the appointment: 10 working days after Mon 3/3/2025 09:00


def test_a_wrong_phone_and_an_unknown_code_get_the_same_answer(client, processing):
    # when
    wrong_phone = look_up(client, processing.code, phone="0987654321")
    unknown_code = look_up(client, "000.10.50.H31-250303-9999", phone="0987654321")
    # then both answer 200 with the one message, and nothing about the dossier: the pages differ only by
    # the code typed and the form's CSRF token
    assert wrong_phone.status_code == unknown_code.status_code == 200
    assert page_without_token(wrong_phone) == page_without_token(unknown_code).replace(
        "000.10.50.H31-250303-9999", processing.code
    )
    assert LookupRefused.message.split(" / ")[0] in wrong_phone.content.decode()
    assert APPLICANT.name not in wrong_phone.content.decode()


def test_the_code_may_be_typed_in_lower_case(client, processing):
    assert look_up(client, processing.code.lower()).status_code == 302


def test_repeated_failures_refuse_even_the_right_phone_from_that_client_only(client, processing, settings):
    # given a limit of 3 failed look-ups per window
    settings.LOOKUP_FAILURE_LIMIT = 3
    for _ in range(3):
        assert look_up(client, processing.code, phone="0900000000").status_code == 200
    # when the same client now types the right phone
    refused = look_up(client, processing.code)
    # then it is refused with 429 and a message to wait
    assert refused.status_code == 429
    assert LookupThrottled.message.split(" / ")[0] in refused.content.decode()
    # and another client (another address) is not affected
    other = Client()
    assert look_up(other, processing.code, REMOTE_ADDR="203.0.113.7").status_code == 302


def test_the_limit_counts_per_window_and_lifts_when_the_window_ends(client, processing, settings):
    # given a client that used up its 2 failures at 09:00
    settings.LOOKUP_FAILURE_LIMIT, settings.LOOKUP_WINDOW_MINUTES = 2, 15
    with time_machine.travel("2025-04-01 09:00 +07:00", tick=False):
        look_up(client, "khong-co-ma")
        look_up(client, "khong-co-ma")
        assert look_up(client, processing.code).status_code == 429
    # when the next window begins
    with time_machine.travel("2025-04-01 09:16 +07:00", tick=False):
        # then the right code and phone work again
        assert look_up(client, processing.code).status_code == 302


def test_the_qr_secret_opens_the_dossier_and_a_wrong_secret_is_404(client, processing):
    # given the address printed in the receipt's QR code
    path = lookup_url(processing.lookup_secret).removeprefix("http://127.0.0.1:8000")
    # when
    response = client.get(path)
    # then the visitor sees the status page at once, and its other pages open from there
    assert response.status_code == 200 and processing.code in response.content.decode()
    assert "Hồ sơ đang được giải quyết" in response.content.decode()
    assert client.get(f"/dich-vu-cong/tra-cuu/ho-so/{processing.code}/").status_code == 200
    # and a forged secret is refused like a wrong phone
    assert Client().get("/dich-vu-cong/tra-cuu/" + "x" * 43 + "/").status_code == 404


def test_one_applicant_never_sees_another_applicants_dossier(client, setup, processing):
    # given a second dossier of someone else, and a visitor who looked up only the first
    with time_machine.travel("2025-03-04 09:00 +07:00", tick=False):
        other = services.dossier_receive_at_counter(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            applicant=Applicant(kind="person", name="Trần Văn Bình", phone="0987000111"),
            components=[services.Component(name="Đơn đề nghị")],
            actor=setup["reception"],
        )
    look_up(client, processing.code)
    # when they edit the address to the other code, or try its documents and rating
    for suffix in ("", "danh-gia/", "ket-qua/", "xin-loi.pdf"):
        response = client.get(f"/dich-vu-cong/tra-cuu/ho-so/{other.code}/{suffix}")
        # then they get the same 404 as for a code that does not exist
        assert response.status_code == 404, suffix
        assert "Trần Văn Bình" not in response.content.decode()
    # and their phone does not open the other dossier
    assert look_up(client, other.code).status_code == 200


def test_the_proof_is_a_signed_cookie_that_expires_and_cannot_be_forged(client, processing):
    # given a look-up at 09:00 (nothing is written to the session)
    with time_machine.travel("2025-04-01 09:00 +07:00", tick=False):
        look_up(client, processing.code)
        cookie = client.cookies[PROOF_COOKIE]
        assert cookie["httponly"] and cookie["samesite"] == "Lax" and int(cookie["max-age"]) == 30 * 60
        assert processing.code in cookie.value and not client.session.keys()
        assert client.get(f"/dich-vu-cong/tra-cuu/ho-so/{processing.code}/").status_code == 200
    # when someone writes another code into the cookie, its signature no longer matches
    forged = Client()
    forged.cookies[PROOF_COOKIE] = cookie.value.replace(processing.code, "000.10.50.H31-250303-0002")
    with time_machine.travel("2025-04-01 09:05 +07:00", tick=False):
        assert forged.get("/dich-vu-cong/tra-cuu/ho-so/000.10.50.H31-250303-0002/").status_code == 404
    # and the real cookie, replayed after 30 minutes, no longer opens the dossier
    with time_machine.travel("2025-04-01 09:31 +07:00", tick=False):
        assert client.get(f"/dich-vu-cong/tra-cuu/ho-so/{processing.code}/").status_code == 404


def test_forgetting_closes_the_dossier_on_a_shared_computer(client, processing):
    look_up(client, processing.code)
    # when
    client.post("/dich-vu-cong/tra-cuu/thoat/")
    # then the status page needs a new look-up
    assert client.get(f"/dich-vu-cong/tra-cuu/ho-so/{processing.code}/").status_code == 404


def test_a_lookup_and_its_status_page_take_a_bounded_number_of_queries(client, processing):
    # when the lookup is posted, the status page opened, and the QR address opened by a new visitor
    with CaptureQueriesContext(connection) as lookup_queries:
        look_up(client, processing.code)
    with CaptureQueriesContext(connection) as page_queries:
        response = client.get(f"/dich-vu-cong/tra-cuu/ho-so/{processing.code}/")
    with CaptureQueriesContext(connection) as qr_queries:
        qr = Client().get(lookup_url(processing.lookup_secret).removeprefix("http://127.0.0.1:8000"))
    # then each stays small whatever the dossier's history, and none writes: rate limit and dossier;
    # dossier and events; rate limit, dossier and events
    assert response.status_code == qr.status_code == 200
    assert len(lookup_queries) == 2 and len(page_queries) == 2 and len(qr_queries) == 3
    assert not [q for q in (*lookup_queries, *page_queries, *qr_queries) if not q["sql"].startswith("SELECT")]


def test_empty_or_oversized_input_is_a_clear_400(client):
    response = client.post("/dich-vu-cong/tra-cuu/", {"code": "", "phone": "x" * 50})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required" in html or "Trường này là bắt buộc" in html


def test_script_typed_in_the_lookup_form_is_shown_inert(client):
    response = client.post("/dich-vu-cong/tra-cuu/", {"code": "<script>alert(1)</script>", "phone": "0912345678"})
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_supplement_request_shows_what_to_bring(client, processing, setup):
    # given the officer asked for two documents
    with time_machine.travel("2025-03-05 10:00 +07:00", tick=False):
        services.dossier_request_supplement(
            code=processing.code,
            actor=setup["officer"],
            missing=["Bản vẽ mặt bằng công trình", "Bản sao giấy chứng nhận quyền sử dụng đất"],
            note="Nộp tại Bộ phận Một cửa xã Vĩnh Bảo <script>alert(1)</script>",
        )
    look_up(client, processing.code)
    # when
    html = client.get(f"/dich-vu-cong/tra-cuu/ho-so/{processing.code}/").content.decode()
    # then
    assert "Giấy tờ cần bổ sung" in html
    assert "Bản vẽ mặt bằng công trình" in html and "Bản sao giấy chứng nhận quyền sử dụng đất" in html
    assert "Nộp tại Bộ phận Một cửa xã Vĩnh Bảo" in html
    # and an officer's note carrying markup is shown as text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_approved_apology_shows_the_new_date_and_its_letter(client, processing, setup):
    from datetime import datetime

    from motcua.workdays.arith import VIETNAM

    # given an apology approved with a new appointment on 21/3/2025
    with time_machine.travel("2025-03-12 09:00 +07:00", tick=False):
        services.dossier_draft_apology(
            code=processing.code,
            actor=setup["officer"],
            cause="verification",
            reason="Cần kiểm tra thực địa công trình",
            responsible_unit=setup["commune"],
            new_appointment_at=datetime(2025, 3, 21, 16, 0, tzinfo=VIETNAM),
        )
        services.dossier_approve_apology(code=processing.code, actor=setup["head"])
    look_up(client, processing.code)
    # when
    html = client.get(f"/dich-vu-cong/tra-cuu/ho-so/{processing.code}/").content.decode()
    pdf = client.get(f"/dich-vu-cong/tra-cuu/ho-so/{processing.code}/xin-loi.pdf")
    # then
    assert "16:00 21/03/2025" in html and "Cần kiểm tra thực địa công trình" in html
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_the_electronic_result_downloads_only_once_handed_over(client, done, delivered_online):
    # given a decided dossier not handed over, and one delivered electronically
    look_up(client, done.code)
    look_up(client, delivered_online.code)
    # then the first has no download, the second downloads as an attachment
    assert client.get(f"/dich-vu-cong/tra-cuu/ho-so/{done.code}/ket-qua/").status_code == 404
    response = client.get(f"/dich-vu-cong/tra-cuu/ho-so/{delivered_online.code}/ket-qua/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    html = client.get(f"/dich-vu-cong/tra-cuu/ho-so/{delivered_online.code}/").content.decode()
    assert "Tải kết quả điện tử" in html


def test_a_dossier_only_submitted_shows_that_it_waits_for_reception(client, setup):
    from motcua.dossiers.tests.factories import submitted_dossier

    dossier = submitted_dossier(setup)
    look_up(client, dossier.code)
    html = client.get(f"/dich-vu-cong/tra-cuu/ho-so/{dossier.code}/").content.decode()
    assert "Đã gửi hồ sơ, đang chờ cán bộ kiểm tra" in html
