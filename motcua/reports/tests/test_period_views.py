"""Closing pages (khóa sổ kỳ báo cáo) and the report page of a closed period: access, buttons, history, live view."""

import io
from datetime import date

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.dossiers.tests.factories import agency_setup
from motcua.reports.models import PeriodSnapshot
from motcua.reports.periods import snapshot_data
from motcua.reports.tests.closing import (
    CLOSED_AT,
    LATER,
    MARCH_WINDOW,
    close_march,
    par_officer,
    receive_d10_supplement,
)
from motcua.reports.tests.scenario import build

pytestmark = pytest.mark.django_db

PROVINCE = "000.00.00.H31"
MARCH_FORM = {"unit": PROVINCE, "kind": "month", "start": "2025-03-01"}
REPORT_QUERY = {"unit": PROVINCE, "period": "dates", "from": MARCH_WINDOW[0], "to": MARCH_WINDOW[1]}


@pytest.fixture
def history(published_calendar):
    setup = agency_setup()
    return setup, build(setup)


@pytest.fixture
def officer_client(client, history):
    """Return a client logged in as a PAR officer of the province."""
    setup, _codes = history
    client.force_login(par_officer(setup))
    return client


@pytest.fixture
def outsider(history):
    """Return a PAR officer of another province: every page of this province must refuse them."""
    other = UnitFactory(code="000.00.00.H26", name="Ủy ban nhân dân tỉnh Phú Thọ")
    return MembershipFactory(unit=other, role=Role.PAR_OFFICER).user


def at(moment, call, *args, **kwargs):
    with time_machine.travel(moment, tick=False):
        return call(*args, **kwargs)


def history_url(unit=PROVINCE, kind="month", start="2025-03-01"):
    return reverse("reports:period_history", args=[unit, kind, start])


# --- access -----------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_the_login_page(client, history):
    for url in (reverse("reports:periods"), history_url(), reverse("reports:period_snapshot_json", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.post(reverse("reports:period_close"), MARCH_FORM)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_user_of_another_unit_cannot_see_the_list(client, outsider):
    client.force_login(outsider)
    response = at(CLOSED_AT, client.get, reverse("reports:periods"), {"unit": PROVINCE})
    assert response.status_code == 403


def test_a_user_of_another_unit_cannot_close(client, outsider):
    client.force_login(outsider)
    response = at(CLOSED_AT, client.post, reverse("reports:period_close"), MARCH_FORM)
    assert response.status_code == 403
    assert not PeriodSnapshot.objects.exists()


def test_a_user_of_another_unit_cannot_restate(client, history, outsider):
    setup, codes = history
    close_march(setup)
    receive_d10_supplement(setup, codes)
    client.force_login(outsider)
    response = at(LATER, client.post, reverse("reports:period_restate"), {**MARCH_FORM, "reason": "Sửa số liệu"})
    assert response.status_code == 403
    assert PeriodSnapshot.objects.count() == 1


def test_a_user_of_another_unit_cannot_read_the_history_or_the_stored_json(client, history, outsider):
    setup, _codes = history
    snapshot = close_march(setup)
    client.force_login(outsider)
    assert at(LATER, client.get, history_url()).status_code == 403
    assert at(LATER, client.get, reverse("reports:period_snapshot_json", args=[snapshot.pk])).status_code == 403


def test_a_user_of_the_unit_without_the_role_sees_the_list_but_cannot_close(client, history):
    # given a leader of the province (lãnh đạo UBND): may read, may not close
    setup, _codes = history
    client.force_login(MembershipFactory(unit=setup["province"], role=Role.LEADER).user)
    # when
    page = at(CLOSED_AT, client.get, reverse("reports:periods"), {"unit": PROVINCE, "year": 2025, "scheme": "calendar"})
    posted = at(CLOSED_AT, client.post, reverse("reports:period_close"), MARCH_FORM)
    # then the list has no button, and the post is refused
    assert page.status_code == 200
    assert reverse("reports:period_close") not in page.content.decode()
    assert posted.status_code == 403
    assert "only an agency head or a PAR officer" in posted.content.decode()
    assert not PeriodSnapshot.objects.exists()


def test_closing_needs_the_csrf_token(history):
    setup, _codes = history
    client = Client(enforce_csrf_checks=True)
    client.force_login(par_officer(setup))
    response = at(CLOSED_AT, client.post, reverse("reports:period_close"), MARCH_FORM)
    assert response.status_code == 403
    assert not PeriodSnapshot.objects.exists()


# --- the list and the buttons -------------------------------------------------------------------


def test_the_list_shows_each_period_with_its_state(officer_client, history):
    # given March closed
    setup, _codes = history
    close_march(setup)
    # when the list of 2025 (calendar periods) is read on 10/4
    response = at(
        CLOSED_AT,
        officer_client.get,
        reverse("reports:periods"),
        {"unit": PROVINCE, "year": 2025, "scheme": "calendar"},
    )
    # then the twelve months and four quarters are listed with their state
    lines = {line["period"].label: line for line in response.context["lines"]}
    assert len(lines) == 16
    assert lines["Tháng 03/2025"]["state"] == "closed"
    assert lines["Tháng 02/2025"]["state"] == "open"
    assert lines["Tháng 04/2025"]["state"] == "running"
    assert lines["Quý I/2025"]["state"] == "open"
    html = response.content.decode()
    assert "Đã khóa sổ (phiên bản 1)" in html
    assert "Nguyễn Thị Hương" in html  # who closed it
    assert html.count(f'action="{reverse("reports:period_close")}"') == 3  # January, February and the first quarter


def test_the_close_button_closes_the_period(officer_client, history):
    # when the PAR officer presses "Khóa sổ" for March
    response = at(CLOSED_AT, officer_client.post, reverse("reports:period_close"), MARCH_FORM, follow=True)
    # then March is closed and the page says so
    snapshot = PeriodSnapshot.objects.get()
    assert (snapshot.version, str(snapshot.date_from)) == (1, "2025-03-01")
    assert "Đã khóa sổ Tháng 03/2025 (phiên bản 1)." in response.content.decode()


def test_a_refused_close_is_explained_on_the_list(officer_client, history):
    # when April is closed on 10/4, before it is over
    response = at(
        CLOSED_AT,
        officer_client.post,
        reverse("reports:period_close"),
        {**MARCH_FORM, "start": "2025-04-01"},
        follow=True,
    )
    # then nothing is stored and the message says why
    assert "chưa kết thúc" in response.content.decode()
    assert not PeriodSnapshot.objects.exists()


def test_the_restate_form_stores_a_new_version(officer_client, history):
    setup, codes = history
    close_march(setup)
    receive_d10_supplement(setup, codes)
    # when
    response = at(
        LATER,
        officer_client.post,
        reverse("reports:period_restate"),
        {**MARCH_FORM, "reason": "Hồ sơ nhận bổ sung ngày 11/4"},
        follow=True,
    )
    # then
    latest = PeriodSnapshot.objects.order_by("-version").first()
    assert (latest.version, latest.reason) == (2, "Hồ sơ nhận bổ sung ngày 11/4")
    assert "Đã điều chỉnh số liệu Tháng 03/2025 (phiên bản 2)." in response.content.decode()


def test_the_restate_form_needs_a_reason(officer_client, history):
    setup, codes = history
    close_march(setup)
    receive_d10_supplement(setup, codes)
    response = at(
        LATER, officer_client.post, reverse("reports:period_restate"), {**MARCH_FORM, "reason": ""}, follow=True
    )
    assert "Cần nêu lý do điều chỉnh" in response.content.decode()
    assert PeriodSnapshot.objects.count() == 1


def test_a_restatement_without_change_is_refused_on_the_page(officer_client, history):
    setup, _codes = history
    close_march(setup)
    response = at(
        LATER, officer_client.post, reverse("reports:period_restate"), {**MARCH_FORM, "reason": "Rà soát"}, follow=True
    )
    assert "không có gì để điều chỉnh" in response.content.decode()
    assert PeriodSnapshot.objects.count() == 1


# --- history ------------------------------------------------------------------------------------


def test_the_history_shows_each_version_with_who_when_why_and_the_differences(officer_client, history):
    # given March closed, corrected and restated
    setup, codes = history
    first = close_march(setup)
    receive_d10_supplement(setup, codes)
    at(
        LATER,
        officer_client.post,
        reverse("reports:period_restate"),
        {**MARCH_FORM, "reason": "Hồ sơ nhận bổ sung ngày 11/4"},
    )
    # when
    response = at(LATER, officer_client.get, history_url())
    # then both versions are shown, the second with its reason and the figures it changed
    html = response.content.decode()
    assert response.status_code == 200
    assert [v["snapshot"].version for v in response.context["versions"]] == [1, 2]
    assert all(v["verified"] for v in response.context["versions"])
    assert "Hồ sơ nhận bổ sung ngày 11/4" in html and first.content_hash in html
    changed = {(line["grouping"], line["figure"]) for line in response.context["versions"][1]["differences"]}
    assert ("Tổng cộng", "Đã giải quyết") in changed and ("Tổng cộng", "Đang giải quyết") in changed


def test_the_history_of_a_day_that_starts_no_period_is_404(officer_client, history):
    assert at(LATER, officer_client.get, history_url(start="2025-03-05")).status_code == 404
    assert at(LATER, officer_client.get, history_url(kind="year", start="2025-01-01")).status_code == 404


def test_the_stored_json_is_served_byte_for_byte(officer_client, history):
    setup, _codes = history
    snapshot = close_march(setup)
    response = at(LATER, officer_client.get, reverse("reports:period_snapshot_json", args=[snapshot.pk]))
    assert response.status_code == 200
    assert response.content == snapshot.content.encode()


# --- the report page of a closed period ---------------------------------------------------------


def test_the_report_page_serves_the_closed_figures_and_marks_them(officer_client, history):
    # given March closed, then corrected
    setup, codes = history
    snapshot = close_march(setup)
    receive_d10_supplement(setup, codes)
    # when the report page asks for exactly March
    response = at(LATER, officer_client.get, reverse("reports:report"), REPORT_QUERY)
    # then it shows the closed figures, marked, with a link to the live recomputation
    html = response.content.decode()
    closed = snapshot_data(snapshot)
    assert response.context["report"].as_dict() == {
        **closed["report"],
        "group_by": "unit",
        "rows": closed["rows"]["unit"],
    }
    assert "Kỳ đã khóa sổ ngày 10/04/2025 (phiên bản 1)" in html
    assert "live=1" in html
    assert response.context["live_lines"] is None


def test_the_live_link_shows_what_changed_beside_the_closed_figures(officer_client, history):
    setup, codes = history
    close_march(setup)
    receive_d10_supplement(setup, codes)
    # when
    response = at(LATER, officer_client.get, reverse("reports:report"), {**REPORT_QUERY, "live": "1"})
    # then the table still holds the closed figures and the comparison lists the changed ones
    lines = response.context["live_lines"]
    total = {line["figure"]: (line["before"], line["after"]) for line in lines if not line["row"]}
    resolved_before = response.context["report"].total.resolved
    assert total["Đã giải quyết"] == (str(resolved_before), str(resolved_before - 1))
    assert "Số liệu tính lại từ dữ liệu hiện tại" in response.content.decode()


def test_an_open_period_is_not_marked(officer_client, history):
    response = at(LATER, officer_client.get, reverse("reports:report"), REPORT_QUERY)
    assert response.context["closed"] is None
    assert "Kỳ đã khóa sổ" not in response.content.decode()


def test_the_xlsx_download_of_a_closed_period_is_marked(officer_client, history):
    setup, codes = history
    close_march(setup)
    receive_d10_supplement(setup, codes)
    response = at(LATER, officer_client.get, reverse("reports:xlsx"), REPORT_QUERY)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert "Kỳ đã khóa sổ ngày 10/04/2025 (phiên bản 1)" in sheet["A3"].value


def test_the_report_page_of_another_unit_is_still_refused(client, history, outsider):
    setup, _codes = history
    close_march(setup)
    client.force_login(outsider)
    assert at(LATER, client.get, reverse("reports:report"), REPORT_QUERY).status_code == 403


def test_dates_are_read_in_the_period_of_the_unit_only(officer_client, history):
    # given the province's March closed: the commune's March is a different period, still open
    setup, _codes = history
    close_march(setup)
    response = at(LATER, officer_client.get, reverse("reports:report"), {**REPORT_QUERY, "unit": setup["commune"].code})
    assert response.context["closed"] is None
    assert date(2025, 3, 1) == response.context["report"].window.date_from
