"""End-to-end, in a real browser at desktop and phone width: a citizen searches "so do", opens the
procedure, looks up their dossier (accepted and decided through the services) and rates it.

No Content-Security-Policy violation may occur on the way (the portal has no inline script or style).
"""

import re

import pytest

from motcua.accounts.models import Role
from motcua.catalog.models import DocumentComponent, ProcessStep
from motcua.catalog.tests.factories import FieldFactory, ProcedureFactory, ProcedureVersionFactory
from motcua.dossiers import services
from motcua.dossiers.models import Rating
from motcua.dossiers.tests.factories import APPLICANT, agency_setup

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAND = "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất"


@pytest.fixture
def decided(published_calendar):
    """Return a land certificate dossier received at the counter and decided today, through the services."""
    setup = agency_setup()
    version = ProcedureVersionFactory(
        procedure=ProcedureFactory(code="1.012783"),
        name=LAND,
        field=FieldFactory(name="Đất đai"),
        competent_unit=setup["commune"],
        time_limit_amount=7,
        legal_basis="Luật Đất đai số 31/2024/QH15",
    )
    DocumentComponent.objects.create(
        version=version, order=1, name="Đơn đăng ký biến động đất đai, tài sản gắn liền với đất"
    )
    DocumentComponent.objects.create(version=version, order=2, name="Bản gốc Giấy chứng nhận đã cấp")
    for order, role, unit in [
        (1, Role.RECEPTION_OFFICER, setup["center"]),
        (2, Role.PROCESSING_OFFICER, setup["commune"]),
    ]:
        ProcessStep.objects.create(
            version=version, order=order, name=f"Bước {order}", role=role, unit=unit, quota_amount=1
        )
    dossier = services.dossier_receive_at_counter(
        version=version,
        receiving_unit=setup["center"],
        reception_point=setup["center"],
        applicant=APPLICANT,
        components=[services.Component(name="Đơn đăng ký biến động đất đai, tài sản gắn liền với đất")],
        actor=setup["reception"],
    )
    services.dossier_transfer(code=dossier.code, actor=setup["reception"])
    services.dossier_assign(code=dossier.code, actor=setup["head"], assignee=setup["officer"])
    return services.dossier_decide(
        code=dossier.code, actor=setup["head"], outcome="approved", summary="Cấp đổi Giấy chứng nhận số CS 012345"
    )


@pytest.mark.parametrize(("width", "height"), [(1280, 900), (360, 740)], ids=["desktop", "phone"])
def test_citizen_finds_looks_up_and_rates(live_server, browser_page, csp_violations, decided, width, height):
    from playwright.sync_api import expect

    page = browser_page
    page.set_viewport_size({"width": width, "height": height})

    # given an anonymous visitor at the site's address, they land on the portal with the officers' login link
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/dich-vu-cong/$"))
    expect(page.get_by_role("link", name="Đăng nhập cán bộ")).to_be_visible()
    fits(page)

    # when they search the everyday words, without accents, then the land procedure is found
    page.get_by_role("searchbox", name=re.compile("^Tìm thủ tục")).fill("so do")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.locator(".count")).to_contain_text("Tìm thấy 1 thủ tục")
    fits(page)
    page.get_by_role("link", name=LAND).click()

    # then the procedure page lists its components, time limit and where to submit
    expect(page.get_by_role("heading", level=1)).to_have_text(LAND)
    expect(page.locator("#components").locator("..")).to_contain_text("Bản gốc Giấy chứng nhận đã cấp")
    expect(page.locator(".time-limit")).to_contain_text("7 ngày làm việc")
    expect(page.locator(".actions-card")).to_contain_text("Trung tâm Phục vụ hành chính công xã Vĩnh Bảo")
    fits(page)

    # when they look their dossier up with its code and phone (keyboard only for the last step)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tra cứu hồ sơ").click()
    page.get_by_label("Mã hồ sơ").fill(decided.code)
    page.get_by_label("Số điện thoại đã đăng ký").fill("0912 345 678")
    page.get_by_label("Số điện thoại đã đăng ký").press("Enter")

    # then the status page says in plain words that the result is ready, with a masked phone
    expect(page.get_by_role("heading", level=1)).to_contain_text(decided.code)
    expect(page.locator(".status-card")).to_contain_text("Đã có kết quả, chờ nhận")
    expect(page.locator(".status-card")).to_contain_text("09xx xxx 678")
    expect(page.locator(".timeline")).to_contain_text("Đã có kết quả giải quyết")
    fits(page)

    # when they rate it
    page.get_by_role("link", name="Đánh giá việc giải quyết hồ sơ").click()
    page.get_by_label("Hài lòng", exact=True).check()
    page.get_by_label("Công chức tiếp nhận, giải quyết (thái độ, hướng dẫn)").select_option("5")
    page.get_by_label("Ý kiến góp ý (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình, trả đúng hẹn")
    fits(page)
    page.get_by_role("button", name="Gửi đánh giá").click()

    # then they are thanked, the rating is stored, and no CSP violation happened
    expect(page.locator(".messages")).to_contain_text("Cảm ơn ông/bà đã đánh giá")
    expect(page.locator("main")).to_contain_text("Ông/bà đã đánh giá: Hài lòng")
    rating = Rating.objects.get(dossier__code=decided.code)
    assert (rating.overall, rating.answers, rating.channel) == (4, {"officials": 5}, "portal")
    assert csp_violations == []


def fits(page) -> None:
    """Assert the page needs no horizontal scrolling at the current width."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), page.url
