"""End-to-end: the overview dashboard in a real browser draws every chart under the strict Content-Security-Policy.

A small history (tests/scenario.py, March 2025) is built through the services; a province leader logs in,
opens the 2025 overview, and the charts — Chart.js, vendored, drawn by static/js/dashboards.js from
json_script data — must all exist with a real size, the Decision 766 panel must arrive through htmx and draw
too, and the browser must report no CSP violation.
"""

import pytest

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory
from motcua.dossiers.tests.factories import agency_setup
from motcua.reports.tests.scenario import build

PASSWORD = "mat-khau-thu-nghiem"  # the factory's password

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def leader(published_calendar):
    """Return a leader of the province whose units hold the scenario's history."""
    setup = agency_setup()
    build(setup)
    user = MembershipFactory(unit=setup["province"], role=Role.LEADER).user
    user.full_name = "Trần Thị Lãnh Đạo"
    user.save()
    return user


def login(page, live_server, user):
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Đăng xuất").wait_for()


def test_the_overview_draws_every_chart_without_a_csp_violation(live_server, browser_page, leader, csp_violations):
    from playwright.sync_api import expect

    page = browser_page
    # given a province leader logged in
    login(page, live_server, leader)
    # when they open the statistics from the navigation, then the 2025 overview
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Thống kê", exact=True).click()
    heading = "Báo cáo tình hình, kết quả giải quyết thủ tục hành chính"
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.goto(f"{live_server.url}/thong-ke/tong-quan/?year=2025")
    # then the five charts of the page are Chart.js instances on canvases with a real size
    page.wait_for_function("() => window.Chart && Object.keys(window.Chart.instances).length >= 5")
    drawn = page.eval_on_selector_all(
        "main .charts canvas[data-chart]",
        "canvases => canvases.map(c => [c.dataset.chart, c.width, c.height, !!window.Chart.getChart(c)])",
    )
    assert [name for name, *_size in drawn] == [
        "chart-trend-data",
        "chart-ranking-data",
        "chart-overdue-data",
        "chart-channel-data",
        "chart-timeliness-data",
    ]
    assert all(width > 0 and height > 0 and chart for _name, width, height, chart in drawn), drawn
    # and the trend has the March figures of the scenario (Decree 09 month 4/2025: 15/3 – 14/4)
    trend = page.evaluate(
        "() => window.Chart.getChart(document.querySelector('[data-chart=chart-trend-data]')).data.datasets[0].data"
    )
    assert len(trend) == 12 and trend[3] is not None
    # and the Decision 766 panel arrives through htmx and draws its chart too
    page.locator("#index766 canvas[data-chart='chart-index766-data']").wait_for()
    page.wait_for_function(
        "() => !!window.Chart.getChart(document.querySelector(\"#index766 canvas[data-chart='chart-index766-data']\"))"
    )
    expect(page.locator("#index766")).to_contain_text("/100 điểm")
    # and each chart's figures are a table for whoever cannot see the chart
    ranking = page.locator("#chart-ranking")
    ranking.get_by_text("Bảng số liệu").click()
    expect(ranking.locator("table")).to_be_visible()
    expect(ranking.locator("table")).to_contain_text("Ủy ban nhân dân xã Vĩnh Bảo")
    # and nothing broke the Content-Security-Policy
    assert csp_violations == []
