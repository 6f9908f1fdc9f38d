"""End-to-end, in a real browser at desktop and at 360 px: identify by SMS code → submit online with a real
PDF → the reception officer accepts → the processing officer asks for a supplement → the applicant uploads
it online → the dossier resumes. The SMS code is read from the file notification backend."""

import json
import re

import pytest
import time_machine

from motcua.catalog.models import DocumentComponent
from motcua.dossiers.models import Dossier, DossierFile, PauseInterval
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import agency_setup
from motcua.dossiers.tests.test_e2e_lifecycle import login, logout, nav, open_action
from motcua.dossiers.tests.upload_samples import pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
START = "2025-03-03 08:00 +07:00"
PHONE = "0912345678"
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def world(published_calendar, settings, tmp_path):
    """Return the commune's officers and an online permit procedure; codes go to files, uploads to tmp."""
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # the browser lives in real time, the server in 2025
    settings.CSRF_COOKIE_AGE = None
    settings.NOTIFICATION_BACKENDS = {
        "sms": "motcua.dossiers.notifications.FileBackend",
        "email": "motcua.dossiers.notifications.FileBackend",
    }
    settings.NOTIFICATION_FILE_DIR = tmp_path / "notifications"
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    setup = agency_setup()
    for order, name in [(1, "Đơn đề nghị cấp giấy phép xây dựng"), (2, "Bản vẽ thiết kế xây dựng")]:
        DocumentComponent.objects.create(version=setup["version"], order=order, name=name)
    setup["reception"].full_name, setup["officer"].full_name = "Lê Thị Một Cửa", "Phạm Văn Thụ Lý"
    setup["reception"].save()
    setup["officer"].save()
    (tmp_path / "don.pdf").write_bytes(pdf_bytes(1))
    (tmp_path / "ban-ve.pdf").write_bytes(pdf_bytes(2))
    (tmp_path / "mong.pdf").write_bytes(pdf_bytes(1))
    setup["files"] = tmp_path
    return setup


def sms_code(directory):
    line = (directory / "notifications" / "sms.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    message = json.loads(line)
    assert message["recipient"] == PHONE
    return re.search(r"\b(\d{6})\b", message["body"]).group(1)


def identify_by_sms(page, world):
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name="Xác thực người nộp hồ sơ")).to_be_visible()
    page.get_by_label("Số điện thoại di động hoặc thư điện tử").fill(PHONE)
    page.get_by_role("button", name="Gửi mã xác thực").click()
    expect(page.locator("#sent-to")).to_contain_text("678")
    page.get_by_label("Mã xác thực (6 chữ số)").fill(sms_code(world["files"]))
    page.get_by_role("button", name="Xác thực").click()


def no_horizontal_scroll(page, width):
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")  # measure with the final fonts, not the fallback
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)"
        ".slice(0, 5).map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide


def submit_online(page, live_server, world, width) -> str:
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/dich-vu-cong/nop-ho-so/{world['version'].procedure.code}/")
    identify_by_sms(page, world)
    expect(page.get_by_role("heading", name="Nộp hồ sơ trực tuyến")).to_be_visible()
    no_horizontal_scroll(page, width)
    page.get_by_label("Họ và tên / tên tổ chức").fill("Nguyễn Thị Lan")
    page.get_by_label("Số định danh cá nhân / mã số doanh nghiệp").fill("031190001234")
    page.get_by_label("Thư điện tử").fill("lan.nguyen@example.vn")
    page.get_by_label("Địa chỉ", exact=True).fill("Thôn Đông, xã Vĩnh Bảo, thành phố Hải Phòng")
    page.get_by_label("Nội dung yêu cầu giải quyết").fill("Xây dựng nhà ở riêng lẻ 3 tầng")
    page.get_by_label("Đơn đề nghị cấp giấy phép xây dựng").set_input_files(str(world["files"] / "don.pdf"))
    page.get_by_label("Bản vẽ thiết kế xây dựng").set_input_files(str(world["files"] / "ban-ve.pdf"))
    page.get_by_label(re.compile("Tôi cam đoan")).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(page.get_by_role("heading", name="Hồ sơ đã được gửi")).to_be_visible()
    no_horizontal_scroll(page, width)
    return page.locator("#dossier-code").inner_text().strip()


def accept_and_request_supplement(page, live_server, world, code):
    from playwright.sync_api import expect

    page.set_viewport_size(DESKTOP)
    login(page, live_server, world["reception"])
    nav(page, "Tiếp nhận")
    page.get_by_role("link", name=code, exact=True).click()
    expect(page.get_by_role("link", name="don.pdf")).to_be_visible()
    open_action(page, "Tiếp nhận hồ sơ").get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(page.locator("#dossier-state")).to_have_text("Được tiếp nhận")
    open_action(page, "Chuyển hồ sơ đến cơ quan giải quyết").get_by_role("button", name="Chuyển xử lý").click()
    expect(page.locator("#dossier-state")).to_have_text("Đang xử lý")
    logout(page)
    login(page, live_server, world["officer"])
    page.goto(f"{live_server.url}/ho-so/{code}/")
    panel = open_action(page, "Yêu cầu bổ sung hồ sơ")
    panel.get_by_label("Giấy tờ cần bổ sung, hoàn thiện (mỗi dòng một giấy tờ)").fill("Bản vẽ mặt bằng móng")
    panel.get_by_role("button", name="Yêu cầu bổ sung").click()
    expect(page.locator("#dossier-state")).to_have_text("Yêu cầu bổ sung giấy tờ")
    logout(page)


def supplement_online(page, live_server, world, code, width):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": width, "height": 900})
    # the officers' logins replaced the session: the applicant identifies again, with the code and phone
    page.goto(f"{live_server.url}/dich-vu-cong/bo-sung/{code}/")
    identify_by_sms(page, world)
    expect(page.get_by_role("heading", name=re.compile("Bổ sung hồ sơ"))).to_be_visible()
    no_horizontal_scroll(page, width)
    page.get_by_label("Bản vẽ mặt bằng móng").set_input_files(str(world["files"] / "mong.pdf"))
    page.get_by_role("button", name="Nộp bổ sung").click()
    expect(page.locator(".messages")).to_contain_text(f"Đã nộp bổ sung hồ sơ {code}")
    row = page.locator(f'tr[data-code="{code}"]')
    expect(row).to_contain_text("Đang xử lý")
    no_horizontal_scroll(page, width)


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_an_online_dossier_from_submission_to_an_online_supplement(
    live_server, browser_page, world, csp_violations, width
):
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    with time_machine.travel(START, tick=True):
        code = submit_online(page, live_server, world, width)
        accept_and_request_supplement(page, live_server, world, code)
        supplement_online(page, live_server, world, code, width)

    dossier = Dossier.objects.get(code=code)
    assert dossier.state == State.IN_PROCESS
    assert list(dossier.events.values_list("type", flat=True)) == [
        "submitted",
        "accepted",
        "transferred",
        "supplement_requested",
        "supplement_received",
    ]
    assert PauseInterval.objects.get(dossier=dossier).ended_at is not None
    assert sorted(DossierFile.objects.filter(dossier=dossier).values_list("original_name", flat=True)) == [
        "ban-ve.pdf",
        "don.pdf",
        "mong.pdf",
    ]
    assert csp_violations == []
