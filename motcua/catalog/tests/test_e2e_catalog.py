"""End-to-end: an officer logs in, searches the catalog without accents, reads a procedure, switches unit, logs out.

Drives Debian's chromium through Playwright against pytest-django's live server.
"""

import re

import pytest

from motcua.accounts.models import Role, UnitKind
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory, UserFactory
from motcua.catalog.models import ProcessStep
from motcua.catalog.tests.factories import ProcedureFactory, ProcedureVersionFactory

PASSWORD = "mat-khau-thu-nghiem"  # the factory's password

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def officer():
    """Return a reception officer of a service centre who also works for a commune, and a permit procedure."""
    province = UnitFactory(code="000.00.00.H56", province=True)
    centre_name = "Trung tâm Phục vụ hành chính công tỉnh"
    centre = UnitFactory(code="000.00.01.H56", name=centre_name, kind=UnitKind.SERVICE_CENTER, parent=province)
    commune = UnitFactory(code="000.00.31.H56", name="Ủy ban nhân dân phường Hạc Thành", parent=province)
    user = UserFactory(username="motcua.tiepnhan", full_name="Lê Thị Tiếp Nhận")
    MembershipFactory(user=user, unit=centre, role=Role.RECEPTION_OFFICER)
    MembershipFactory(user=user, unit=commune, role=Role.RECEPTION_OFFICER)
    code = ProcedureFactory(code="1.009994")
    permit = ProcedureVersionFactory(construction=True, procedure=code, competent_unit=commune)
    for order, name, role, days in [
        (1, "Tiếp nhận hồ sơ", Role.RECEPTION_OFFICER, 1),
        (2, "Thẩm định hồ sơ, kiểm tra thực địa", Role.PROCESSING_OFFICER, 10),
        (3, "Trả kết quả", Role.RECEPTION_OFFICER, 1),
    ]:
        ProcessStep.objects.create(version=permit, order=order, name=name, role=role, quota_amount=days)
    ProcedureVersionFactory(name="Thủ tục đăng ký khai sinh", competent_unit=commune)
    return user, centre, commune


def test_officer_journey_through_the_catalog(live_server, browser_page, officer, csp_violations):
    from playwright.sync_api import expect

    page = browser_page
    user, centre, commune = officer

    # given an anonymous visitor, when they open the site, then they land on the public portal, and its
    # officers' link leads to the Vietnamese login page
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/dich-vu-cong/$"))
    page.get_by_role("link", name="Đăng nhập cán bộ").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/dang-nhap/$"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Đăng nhập hệ thống một cửa")

    # when the officer logs in, then the home page greets them with their role
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lê Thị Tiếp Nhận")
    expect(page.locator("main")).to_contain_text("Cán bộ một cửa")

    # when they open the catalog and type a search without accents (no Enter: htmx searches as they type)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Thủ tục hành chính").click()
    expect(page.locator("#results")).to_contain_text("Thủ tục đăng ký khai sinh")
    page.get_by_label("Tìm thủ tục").press_sequentially("giay phep xay dung", delay=20)

    # then the results block shows the permit only, and the address records the search
    results = page.locator("#results")
    expect(results).not_to_contain_text("khai sinh")
    expect(results).to_contain_text(re.compile("giấy phép xây dựng", re.IGNORECASE))
    expect(page).to_have_url(re.compile(r"q=giay(\+|%20)phep(\+|%20)xay(\+|%20)dung"))

    # when they open the procedure, then its time limit and internal process are shown
    results.get_by_role("link", name=re.compile("giấy phép xây dựng")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ")
    expect(page.locator(".time-limit")).to_contain_text("15 ngày")
    steps = page.locator("table.steps")
    expect(steps).to_contain_text("Thẩm định hồ sơ, kiểm tra thực địa")
    expect(steps).to_contain_text("12 ngày làm việc")

    # when they switch to their other unit, then the switcher shows it and they stay on the page
    switcher = page.get_by_label("Đơn vị làm việc")
    expect(switcher).to_have_value(str(centre.pk))
    switcher.select_option(str(commune.pk))
    page.get_by_role("button", name="Chọn").click()
    expect(page).to_have_url(re.compile(r"/thu-tuc/1\.009994/$"))
    expect(page.get_by_label("Đơn vị làm việc")).to_have_value(str(commune.pk))

    # when they log out, then they are back on the login page
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/dang-nhap/$"))
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()

    # and nothing on the way broke the Content-Security-Policy (htmx included)
    assert csp_violations == []
