"""The published calendar: library holidays + stored overrides + office hours, through `calendar_for`."""

from __future__ import annotations

from datetime import date, time

import pytest

from motcua.accounts.selectors import unit_calendar
from motcua.accounts.tests.factories import UnitFactory
from motcua.workdays.arith import CalendarError, CalendarRangeError
from motcua.workdays.models import CalendarDay, CalendarYear, DayKind, OfficeHours
from motcua.workdays.selectors import calendar_for, library_days, office_hours_for
from motcua.workdays.tests.calendars import DAYS_OFF, MAKEUP_DAYS, RULE_CASES, WORKED_EXAMPLES, at, case_id

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("case", WORKED_EXAMPLES + RULE_CASES, ids=case_id)
def test_appointment_on_the_published_calendar(published_calendar, case):
    # given
    calendar = calendar_for(on=case.accepted.date())
    # when
    appointment = calendar.appointment(case.accepted, case.amount, case.unit)
    # then
    assert appointment.at == case.expected


def test_example_7a_and_7b_on_the_published_calendar(published_calendar):
    # given
    calendar = calendar_for()
    accepted, requested, supplied = at(2025, 3, 3, 9), date(2025, 3, 6), at(2025, 3, 12, 14)
    # when
    paused = calendar.resume_working_days(accepted, 10, requested, supplied, restart=False)
    restarted = calendar.resume_working_days(accepted, 10, requested, supplied, restart=True)
    # then
    assert paused == at(2025, 3, 21, 9)
    assert restarted == at(2025, 3, 26, 14)


def test_the_published_calendar_matches_domain_4_2(published_calendar):
    # given
    calendar = calendar_for()
    # when
    wrong = [day for day in DAYS_OFF if calendar.is_working_day(day)]
    wrong += [day for day in MAKEUP_DAYS if not calendar.is_working_day(day)]
    # then
    assert wrong == []


def test_library_days_swap_2_5_2025_for_26_4():
    # when
    days_off, makeup = library_days([2025])
    # then
    assert date(2025, 5, 2) in days_off
    assert makeup == {date(2025, 4, 26): "Làm bù cho ngày 02/05/2025"}


def test_an_unpublished_year_raises_calendar_range_error():
    # given only 2025 is published
    CalendarYear.objects.create(year=2025)
    calendar = calendar_for()
    # when
    with pytest.raises(CalendarRangeError) as raised:
        calendar.appointment(at(2025, 12, 30, 10), 5, "working_days")
    # then
    assert "năm 2026 chưa được công bố" in str(raised.value)
    assert "not published" in str(raised.value)


def test_no_published_year_raises():
    # when / then
    with pytest.raises(CalendarError, match="Chưa công bố"):
        calendar_for()


def test_a_gap_between_published_years_raises():
    # given
    CalendarYear.objects.create(year=2024)
    CalendarYear.objects.create(year=2026)
    # when / then
    with pytest.raises(CalendarError, match="không liên tục"):
        calendar_for()


# --- overrides ----------------------------------------------------------------------------


def test_a_local_day_off_applies_only_to_its_unit(published_calendar):
    # given
    commune = UnitFactory(code="000.00.01.H99")
    other = UnitFactory(code="000.00.02.H99")
    CalendarDay.objects.create(
        date=date(2025, 3, 5), kind=DayKind.LOCAL_DAY_OFF, name="Lễ hội địa phương", scope_code=commune.code
    )
    # when / then
    assert not calendar_for([commune.code]).is_working_day(date(2025, 3, 5))
    assert calendar_for([other.code]).is_working_day(date(2025, 3, 5))
    assert calendar_for().is_working_day(date(2025, 3, 5))


def test_a_unit_inherits_its_ancestors_day_off(published_calendar):
    # given
    province = UnitFactory(province=True, code="000.00.00.H98")
    commune = UnitFactory(code="000.00.03.H98", parent=province)
    CalendarDay.objects.create(date=date(2025, 3, 5), kind=DayKind.LOCAL_DAY_OFF, name="Nghỉ", scope_code=province.code)
    # when
    calendar = unit_calendar(commune, on=date(2025, 3, 3))
    # then
    assert not calendar.is_working_day(date(2025, 3, 5))
    assert calendar.appointment(at(2025, 3, 4, 9), 1, "working_days").at == at(2025, 3, 6, 9)


def test_a_unit_override_wins_over_its_ancestor(published_calendar):
    # given the province takes 5/3 off, the commune works
    province = UnitFactory(province=True, code="000.00.00.H97")
    commune = UnitFactory(code="000.00.04.H97", parent=province)
    CalendarDay.objects.create(date=date(2025, 3, 5), kind=DayKind.LOCAL_DAY_OFF, name="Nghỉ", scope_code=province.code)
    CalendarDay.objects.create(date=date(2025, 3, 5), kind=DayKind.WORKING_DAY, name="Làm", scope_code=commune.code)
    # when / then
    assert unit_calendar(commune).is_working_day(date(2025, 3, 5))
    assert not unit_calendar(province).is_working_day(date(2025, 3, 5))


def test_an_inactive_override_has_no_effect(published_calendar):
    # given CAL-2: a pending day off, not yet in law
    CalendarDay.objects.create(
        date=date(2025, 11, 24), kind=DayKind.HOLIDAY, name="Ngày Văn hóa Việt Nam", active=False
    )
    # when / then
    assert calendar_for().is_working_day(date(2025, 11, 24))


def test_activating_the_override_makes_it_a_day_off(published_calendar):
    # given
    CalendarDay.objects.create(date=date(2025, 11, 24), kind=DayKind.HOLIDAY, name="Ngày Văn hóa Việt Nam")
    # when
    calendar = calendar_for()
    # then
    assert not calendar.is_working_day(date(2025, 11, 24))
    assert calendar.day_name(date(2025, 11, 24)) == "Ngày Văn hóa Việt Nam"


def test_a_working_day_override_cancels_a_library_holiday(published_calendar):
    # given the library has Hùng Kings on Mon 7/4/2025
    assert not calendar_for().is_working_day(date(2025, 4, 7))
    CalendarDay.objects.create(date=date(2025, 4, 7), kind=DayKind.WORKING_DAY, name="Hủy nghỉ")
    # when / then
    assert calendar_for().is_working_day(date(2025, 4, 7))


def test_a_stored_make_up_day_is_counted(published_calendar):
    # given the fixture stores Sat 10/1/2026 as a make-up working day
    calendar = calendar_for()
    # when / then
    assert calendar.is_working_day(date(2026, 1, 10))
    assert not calendar.is_working_day(date(2026, 1, 2))


# --- office hours -------------------------------------------------------------------------


def hours_row(scope_code: str, valid_from: date, morning: tuple[int, int], afternoon: tuple[int, int]) -> OfficeHours:
    return OfficeHours.objects.create(
        scope_code=scope_code,
        valid_from=valid_from,
        morning_start=time(morning[0], 0),
        morning_end=time(11, 30),
        afternoon_start=time(afternoon[0], 0),
        afternoon_end=time(afternoon[1], 0 if afternoon[1] == 17 else 30),
    )


def test_default_hours_without_rows():
    # when
    hours = office_hours_for(on=date(2025, 3, 3))
    # then
    assert hours.periods == ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))


def test_office_hours_rows_per_scope_and_valid_from(published_calendar):
    # given a default row, a later default row, and a unit row
    hours_row("", date(2020, 1, 1), (7, 0), (13, 17))
    hours_row("", date(2025, 6, 1), (8, 0), (13, 17))
    hours_row("000.00.05.H99", date(2020, 1, 1), (7, 0), (13, 16))
    # when
    before = office_hours_for(on=date(2025, 3, 3))
    after = office_hours_for(on=date(2025, 7, 1))
    unit = office_hours_for(["000.00.05.H99"], on=date(2025, 7, 1))
    # then
    assert before.opening == time(7, 0)
    assert after.opening == time(8, 0)
    assert unit.closing == time(16, 30)


def test_unit_hours_drive_the_appointment(published_calendar):
    # given a department closing at 16:30
    department = UnitFactory(department=True, code="000.00.06.H99")
    hours_row(department.code, date(2020, 1, 1), (7, 0), (13, 16))
    # when
    appointment = unit_calendar(department, on=date(2025, 3, 3)).appointment(at(2025, 3, 3, 9), 3, "days")
    # then
    assert appointment.at == at(2025, 3, 6, 16, 30)


def test_hours_valid_in_the_future_are_not_used(published_calendar):
    # given
    hours_row("", date(2030, 1, 1), (8, 0), (13, 17))
    # when / then
    assert office_hours_for(on=date(2025, 3, 3)).opening == time(7, 30)
