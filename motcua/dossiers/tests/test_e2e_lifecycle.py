"""End-to-end: a dossier's life through the back office, in a real browser.

Reception at the counter → receipt PDF → transfer and assignment → supplement requested and received →
apology drafted and approved → result → returned at the counter. Drives Debian's chromium through
Playwright against pytest-django's live server; time is moved process-wide with time-machine (the live
server runs in another thread of this process), starting on Monday 3/3/2025 08:00 and ticking.
"""

import io
import re
import unicodedata

import pytest
import time_machine
from pypdf import PdfReader

from motcua.catalog.models import DocumentComponent
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import agency_setup

PASSWORD = "mat-khau-thu-nghiem"  # the factory's password
START = "2025-03-03 08:00 +07:00"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(published_calendar, settings):
    """Return the commune's officers and a permit procedure with its components."""
    # The browser lives in real time while the server lives in 2025: cookies must not carry 2025 expiry dates.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    setup = agency_setup()
    for order, name in [(1, "Đơn đề nghị cấp giấy phép xây dựng"), (2, "Bản vẽ thiết kế xây dựng")]:
        DocumentComponent.objects.create(version=setup["version"], order=order, name=name)
    setup["reception"].full_name, setup["head"].full_name = "Lê Thị Một Cửa", "Trần Văn Lãnh Đạo"
    setup["officer"].full_name = "Phạm Văn Thụ Lý"
    for key in ("reception", "head", "officer"):
        setup[key].save()
    return setup


def login(page, live_server, user):
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Đăng xuất").wait_for()


def logout(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("button", name="Đăng nhập").wait_for()


def nav(page, name):
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name=name, exact=True).click()


def open_action(page, label):
    """Open the action panel `label` of the dossier page and return it."""
    panel = page.locator("details", has=page.locator("summary", has_text=label))
    panel.locator("summary").click()
    return panel


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))


def receive_at_counter(page, live_server) -> str:
    """Find the permit without accents, enter the applicant, tick the components, accept; return the code."""
    from playwright.sync_api import expect

    nav(page, "Tiếp nhận")
    page.get_by_label("Tìm thủ tục (có thể gõ không dấu)").press_sequentially("giay phep xay dung", delay=20)
    page.locator("#picker").get_by_role("link", name=re.compile("giấy phép xây dựng")).click()
    page.get_by_label("Họ và tên / tên tổ chức").fill("Nguyễn Thị Lan")
    page.get_by_label("Số định danh cá nhân / mã số doanh nghiệp").fill("031190001234")
    page.get_by_label("Điện thoại", exact=True).fill("0912345678")
    page.get_by_label("Địa chỉ", exact=True).fill("Thôn Đông, xã Vĩnh Bảo, thành phố Hải Phòng")
    page.get_by_label("Đơn đề nghị cấp giấy phép xây dựng", exact=True).check()
    page.get_by_label("Bản vẽ thiết kế xây dựng", exact=True).check()
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Đã tiếp nhận hồ sơ")
    expect(page.locator("#dossier-state")).to_have_text("Được tiếp nhận")
    return page.locator("h1 .code").inner_text()


def check_receipt(page, live_server, code):
    """Fetch the receipt PDF with the officer's session and check its text."""
    link = page.get_by_role("link", name=re.compile("In giấy tiếp nhận"))
    response = page.request.get(f"{live_server.url}{link.get_attribute('href')}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    text = pdf_text(body)
    assert code in text.replace("\n", "")
    assert "Nguyễn Thị Lan" in text


def transfer_and_assign(page, code):
    from playwright.sync_api import expect

    nav(page, "Hồ sơ của đơn vị")
    row = page.locator("tr", has=page.get_by_role("link", name=code))
    row.get_by_role("button", name="Chuyển xử lý").click()
    expect(page.locator(".messages")).to_contain_text("Đã chuyển hồ sơ")
    row = page.locator("tr", has=page.get_by_role("link", name=code))
    row.get_by_label(f"Giao hồ sơ {code} cho").select_option(label="Phạm Văn Thụ Lý")
    row.get_by_role("button", name="Phân công").click()
    expect(page.locator(".messages")).to_contain_text("Đã phân công xử lý")


def test_a_dossier_from_the_counter_to_the_returned_result(live_server, browser_page, people, csp_violations):
    from playwright.sync_api import expect

    page = browser_page
    with time_machine.travel(START, tick=True):
        # given the reception officer at the counter, when they receive a complete dossier
        login(page, live_server, people["reception"])
        code = receive_at_counter(page, live_server)
        # then the receipt prints with the code and the applicant's name
        check_receipt(page, live_server, code)
        logout(page)

        # when the agency head transfers the dossier and assigns it to the processing officer
        login(page, live_server, people["head"])
        transfer_and_assign(page, code)
        logout(page)

        # when the officer finds it in their queue and requests a supplement
        login(page, live_server, people["officer"])
        nav(page, "Hồ sơ của tôi")
        expect(page.locator("table.queue")).to_contain_text("Thẩm định hồ sơ")
        page.get_by_role("link", name=code).click()
        panel = open_action(page, "Yêu cầu bổ sung hồ sơ")
        panel.get_by_label("Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một giấy tờ)").fill("Bản vẽ mặt bằng móng")
        panel.get_by_role("button", name="Yêu cầu bổ sung").click()
        # then the dossier waits for the applicant
        expect(page.locator("#dossier-state")).to_have_text("Yêu cầu bổ sung giấy tờ")
        logout(page)

        # when the reception officer records the supplement
        login(page, live_server, people["reception"])
        page.goto(f"{live_server.url}/ho-so/{code}/")
        panel = open_action(page, "Nhận hồ sơ bổ sung")
        panel.get_by_label("Giấy tờ nhận thêm (mỗi dòng một giấy tờ)").fill("Bản vẽ mặt bằng móng")
        panel.get_by_role("button", name="Nhận bổ sung").click()
        expect(page.locator("#dossier-state")).to_have_text("Đang xử lý")
        logout(page)

        # when the agency head drafts an apology and approves it
        login(page, live_server, people["head"])
        page.goto(f"{live_server.url}/ho-so/{code}/")
        panel = open_action(page, "Soạn văn bản xin lỗi, hẹn lại")
        panel.get_by_label("Nhóm nguyên nhân").select_option(label="Cần xác minh, kiểm tra thực địa")
        panel.get_by_label("Lý do chậm trễ").fill("Cần kiểm tra thực địa công trình")
        panel.get_by_label("Ngày hẹn trả mới").fill("2025-03-31T08:00")
        panel.get_by_role("button", name="Lưu dự thảo").click()
        expect(page.locator(".messages")).to_contain_text("Đã soạn văn bản xin lỗi")
        open_action(page, "Duyệt văn bản xin lỗi, hẹn lại").get_by_role("button", name="Duyệt và hẹn lại").click()
        # then the current appointment moves and the original one stays
        expect(page.locator("#current-appointment")).to_have_text("08:00 31/03/2025")
        expect(page.get_by_role("link", name=re.compile("Văn bản xin lỗi"))).to_be_visible()
        logout(page)

        # when the officer records the result
        login(page, live_server, people["officer"])
        page.goto(f"{live_server.url}/ho-so/{code}/")
        panel = open_action(page, "Kết quả giải quyết")
        panel.get_by_label("Giải quyết (cấp kết quả)").check()
        panel.get_by_label("Nội dung kết quả / lý do từ chối").fill("Cấp giấy phép xây dựng số 15/GPXD")
        panel.get_by_role("button", name="Ghi nhận kết quả").click()
        expect(page.locator("#dossier-state")).to_have_text("Đã xử lý xong")
        logout(page)

        # when the reception officer hands the result over at the counter
        login(page, live_server, people["reception"])
        nav(page, "Trả kết quả")
        row = page.locator("tr", has=page.get_by_role("link", name=code))
        row.get_by_label("Tại Bộ phận Một cửa").check()
        row.get_by_role("button", name=re.compile("Trả kết quả")).click()
        expect(page.locator(".messages")).to_contain_text("Đã trả kết quả")

        # then the dossier page says the result was returned
        page.goto(f"{live_server.url}/ho-so/{code}/")
        expect(page.locator("#dossier-state")).to_have_text("Đã trả kết quả")

    dossier = Dossier.objects.get(code=code)
    assert dossier.state == State.DELIVERED
    assert dossier.appointment_at < dossier.current_appointment_at
    assert list(dossier.events.values_list("type", flat=True)) == [
        "submitted",
        "accepted",
        "transferred",
        "assigned",
        "supplement_requested",
        "supplement_received",
        "apology_drafted",
        "apology_approved",
        "decided",
        "delivered",
    ]
    # and nothing on the way broke the Content-Security-Policy
    assert csp_violations == []
