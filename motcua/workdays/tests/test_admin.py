"""Admin for calendar reference data: lists, filters, search, publishing a year."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.urls import reverse

from motcua.accounts.tests.factories import UserFactory
from motcua.workdays.models import CalendarDay, CalendarYear, DayKind, OfficeHours

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    client.user = admin
    return client


@pytest.fixture
def days(published_calendar):
    CalendarDay.objects.create(
        date=date(2025, 11, 24), kind=DayKind.HOLIDAY, name="Ngày Văn hóa Việt Nam", active=False, legal_ref="NQ 80"
    )
    CalendarDay.objects.create(date=date(2025, 3, 5), kind=DayKind.LOCAL_DAY_OFF, name="Lễ hội", scope_code="X")


def test_calendar_day_list_shows_the_columns(admin_client, days):
    # when
    response = admin_client.get(reverse("admin:workdays_calendarday_changelist"))
    # then
    assert response.status_code == 200
    content = response.content.decode().lower()
    for label in ("Ngày Văn hóa Việt Nam", "NQ 80", "Nghỉ hoán đổi Tết Dương lịch", "căn cứ pháp lý", "có hiệu lực"):
        assert label.lower() in content


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("year=2025", "Lễ hội", "Nghỉ hoán đổi Tết Dương lịch"),
        ("year=2026", "Nghỉ hoán đổi Tết Dương lịch", "Lễ hội"),
        ("kind=local_day_off", "Lễ hội", "Ngày Văn hóa Việt Nam"),
        ("active__exact=0", "Ngày Văn hóa Việt Nam", "Lễ hội"),
        ("q=van+hoa", "Ngày Văn hóa Việt Nam", "Lễ hội"),
    ],
)
def test_calendar_day_filters_and_search(admin_client, days, query, shown, hidden):
    # when
    response = admin_client.get(reverse("admin:workdays_calendarday_changelist") + "?" + query)
    # then
    changelist = response.context["cl"]
    names = {row.name for row in changelist.result_list}
    assert shown in names
    assert hidden not in names


def test_creating_a_year_publishes_it_with_the_admin_as_publisher(admin_client):
    # when
    response = admin_client.post(reverse("admin:workdays_calendaryear_add"), {"year": 2028, "note": "QĐ công bố"})
    # then
    assert response.status_code == 302
    year = CalendarYear.objects.get(year=2028)
    assert year.published_by == admin_client.user


def test_office_hours_list(admin_client):
    # given
    OfficeHours.objects.create(
        scope_code="000.00.01.H99",
        valid_from=date(2025, 1, 1),
        morning_start=time(7, 0),
        morning_end=time(11, 30),
        afternoon_start=time(13, 30),
        afternoon_end=time(17, 0),
    )
    # when
    response = admin_client.get(reverse("admin:workdays_officehours_changelist"))
    # then
    assert response.status_code == 200
    assert "000.00.01.H99" in response.content.decode()


def test_year_list(admin_client, published_calendar):
    # when
    response = admin_client.get(reverse("admin:workdays_calendaryear_changelist"))
    # then
    assert [year.year for year in response.context["cl"].result_list] == [2027, 2026, 2025, 2024]
