"""Public performance pages: the back office's own figures per agency and province, no personal data."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.tests.factories import APPLICANT, agency_setup
from motcua.reports.index766 import index766
from motcua.reports.selectors import period_report
from motcua.reports.tests.scenario import build

pytestmark = pytest.mark.django_db
MARCH = {"span": "month", "year": "2025", "number": "3"}


@pytest.fixture
def history(published_calendar):
    """Return the reports' scenario: a province, its service centre and commune, a month of dossiers."""
    setup = agency_setup()
    build(setup)
    return setup


def test_the_province_page_shows_the_back_offices_figures_for_march(client, history):
    # when an anonymous visitor opens the province page for March 2025
    response = client.get("/dich-vu-cong/danh-gia/", MARCH)
    # then it shows the very figures of the period report and the 766 index of the province
    assert response.status_code == 200
    report = period_report(unit=history["province"], date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    index = index766(unit=history["province"], date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    data = response.context["data"]
    assert data["figures"]["on_time_rate"] == report.total.on_time_rate
    assert data["figures"]["pending_overdue"] == report.total.pending_overdue
    assert data["figures"]["online_rate"] == report.total.online_rate
    assert data["index"]["total"] == round(float(index.total), 2)
    html = response.content.decode()
    assert "Ủy ban nhân dân thành phố Hải Phòng" in html and "Tháng 3/2025" in html
    # and each unit below has its row, linked to its own page
    assert "/dich-vu-cong/danh-gia/000.10.50.H31/" in html
    # and no personal data appears
    assert APPLICANT.name not in html and APPLICANT.phone not in html and "031190001234" not in html


def test_an_agency_page_counts_its_sub_tree_only(client, history):
    response = client.get("/dich-vu-cong/danh-gia/000.00.50.H31/", MARCH)
    assert response.status_code == 200
    report = period_report(unit=history["commune"], date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    assert response.context["data"]["figures"]["received"] == report.total.received
    assert "Ủy ban nhân dân xã Vĩnh Bảo" in response.content.decode()


def test_ratings_feed_the_satisfaction_figures(client, history):
    import time_machine

    from motcua.dossiers import services
    from motcua.dossiers.models import Dossier

    decided = Dossier.objects.filter(state="done").order_by("code")
    with time_machine.travel("2025-03-28 16:00 +07:00", tick=False):
        services.dossier_rate(code=decided[0].code, phone=APPLICANT.phone, overall=5)
        services.dossier_rate(code=decided[1].code, phone=APPLICANT.phone, overall=1)
    data = client.get("/dich-vu-cong/danh-gia/", MARCH).context["data"]
    assert data["satisfaction"] == {
        "total": 2,
        "very_satisfied": 1,
        "satisfied": 0,
        "dissatisfied": 1,
        "satisfied_rate": 50.0,
    }
    assert data["index"]["satisfaction_5_4"]["status"] == "ok"


def test_the_figures_are_cached_between_visits(client, history):
    client.get("/dich-vu-cong/danh-gia/", MARCH)
    with CaptureQueriesContext(connection) as second:
        client.get("/dich-vu-cong/danh-gia/", MARCH)
    assert len(second) <= 3  # the top units, the cached figures (no dossier is read again)


@pytest.mark.parametrize("span", ["quarter", "year"])
def test_quarter_and_year_are_chosen_by_the_period_form(client, history, span):
    response = client.get("/dich-vu-cong/danh-gia/", {"span": span, "year": "2025", "number": "1"})
    assert response.status_code == 200
    assert ("Quý 1/2025" if span == "quarter" else "Năm 2025") in response.content.decode()


def test_a_bad_period_is_reported_and_a_future_one_is_400(client, history):
    bad = client.get("/dich-vu-cong/danh-gia/", {"span": "quarter", "year": "2025", "number": "7"})
    assert bad.status_code == 200 and bad.context["form"].errors
    future = client.get("/dich-vu-cong/danh-gia/", {"span": "year", "year": "2099"})
    assert future.status_code == 400
    assert "error" in future.context


def test_an_unknown_agency_is_404(client, history):
    assert client.get("/dich-vu-cong/danh-gia/000.99.99.H99/").status_code == 404


def test_with_no_units_the_page_says_so(client, db):
    response = client.get("/dich-vu-cong/danh-gia/")
    assert response.status_code == 200 and "Chưa có đơn vị nào" in response.content.decode()


def test_without_a_choice_the_page_shows_the_current_year_and_says_so(client, history):
    from django.utils import timezone

    response = client.get("/dich-vu-cong/danh-gia/")
    year = timezone.localdate().year
    html = response.content.decode()
    assert f"Năm {year}" in html
    assert '<option value="year" selected>' in html and f'value="{year}"' in html
