"""The per-process memo of built calendars: reused while its inputs are unchanged, never stale.

`calendar_for` reads the published years, the overrides and the office hours on every call and
reuses a built calendar only when those inputs are exactly the ones it was built from, so a change
made through any connection (any process) shows in the very next result.
"""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
from django.db import connection, connections

from motcua.accounts.selectors import unit_calendar
from motcua.accounts.tests.factories import UnitFactory
from motcua.workdays import selectors
from motcua.workdays.models import CalendarDay, CalendarYear, DayKind, OfficeHours
from motcua.workdays.selectors import calendar_for
from motcua.workdays.tests.calendars import at

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2025, 3, 5)


@pytest.fixture(autouse=True)
def empty_memo():
    """Start each test with no built calendar, as a fresh process would."""
    selectors._BUILT.clear()
    yield
    selectors._BUILT.clear()


@pytest.fixture
def builds(monkeypatch):
    """Count the calendar builds (each one asks the holidays package for the national days)."""
    calls = []
    real = selectors.library_days

    def counting(years):
        calls.append(list(years))
        return real(years)

    monkeypatch.setattr(selectors, "library_days", counting)
    return calls


def test_unchanged_inputs_reuse_the_built_calendar(published_calendar, builds):
    # given a calendar built once
    first = calendar_for(on=WEDNESDAY)
    # when it is asked for again with nothing changed
    second = calendar_for(on=WEDNESDAY)
    # then the same calendar comes back without a second build
    assert second is first
    assert len(builds) == 1


def test_an_override_added_after_a_cached_computation_changes_the_next_result(published_calendar, builds):
    # given an appointment computed (and its calendar kept) before a local day off is decided
    before = calendar_for(on=WEDNESDAY).appointment(at(2025, 3, 3, 9), 3, "working_days").at
    # when the day off is stored
    CalendarDay.objects.create(date=WEDNESDAY, kind=DayKind.HOLIDAY, name="Nghỉ đột xuất")
    after = calendar_for(on=WEDNESDAY)
    # then the next computation counts it
    assert before == at(2025, 3, 6, 9)
    assert not after.is_working_day(WEDNESDAY)
    assert after.appointment(at(2025, 3, 3, 9), 3, "working_days").at == at(2025, 3, 7, 9)
    assert len(builds) == 2


def test_an_override_edited_without_touching_updated_at_is_seen(published_calendar):
    # given a day off in the kept calendar
    CalendarDay.objects.create(date=WEDNESDAY, kind=DayKind.HOLIDAY, name="Nghỉ đột xuất")
    assert not calendar_for().is_working_day(WEDNESDAY)
    # when a bulk update deactivates it (QuerySet.update leaves updated_at as it was)
    CalendarDay.objects.filter(date=WEDNESDAY).update(active=False)
    # then the next calendar works that day again
    assert calendar_for().is_working_day(WEDNESDAY)


def test_a_renamed_holiday_shows_its_new_name(published_calendar):
    # given a named day off in the kept calendar
    CalendarDay.objects.create(date=WEDNESDAY, kind=DayKind.HOLIDAY, name="Nghỉ đột xuất")
    assert calendar_for().day_name(WEDNESDAY) == "Nghỉ đột xuất"
    # when only its name changes (same count, same ids)
    CalendarDay.objects.filter(date=WEDNESDAY).update(name="Lễ kỷ niệm")
    # then the explanation uses the new name
    assert calendar_for().day_name(WEDNESDAY) == "Lễ kỷ niệm"


def test_office_hours_edited_in_place_are_seen(published_calendar):
    # given default hours stored and a calendar kept with them
    row = OfficeHours.objects.create(
        scope_code="",
        valid_from=date(2020, 1, 1),
        morning_start=time(7, 30),
        morning_end=time(11, 30),
        afternoon_start=time(13, 0),
        afternoon_end=time(17, 0),
    )
    assert calendar_for(on=WEDNESDAY).hours.closing == time(17, 0)
    # when the row is edited in place
    OfficeHours.objects.filter(pk=row.pk).update(afternoon_end=time(16, 30))
    # then the next calendar closes at the new time
    assert calendar_for(on=WEDNESDAY).hours.closing == time(16, 30)


def test_a_newly_published_year_is_seen(published_calendar):
    # given a calendar kept for 2024–2027
    assert calendar_for().last_year == 2027
    # when 2028 is published
    CalendarYear.objects.create(year=2028)
    # then the next calendar covers it
    assert calendar_for().last_year == 2028


def test_a_unit_moved_to_another_parent_gets_that_parents_days(published_calendar):
    # given a commune under a province that takes Wednesday off, its calendar kept
    closed = UnitFactory(province=True, code="000.00.00.H95")
    open_ = UnitFactory(province=True, code="000.00.00.H94")
    commune = UnitFactory(code="000.00.07.H95", parent=closed)
    CalendarDay.objects.create(date=WEDNESDAY, kind=DayKind.LOCAL_DAY_OFF, name="Nghỉ", scope_code=closed.code)
    assert not unit_calendar(commune, on=WEDNESDAY).is_working_day(WEDNESDAY)
    # when the commune moves under the other province
    commune.parent = open_
    commune.save()
    # then its next calendar follows the new tree
    assert unit_calendar(commune, on=WEDNESDAY).is_working_day(WEDNESDAY)


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_connection_is_seen_at_once(published_calendar):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("threads share the in-memory SQLite test database through its shared cache")
    # given a calendar kept by this process
    assert calendar_for().is_working_day(WEDNESDAY)

    # when another connection (as another process would) commits a day off
    def other_process():
        try:
            CalendarDay.objects.create(date=WEDNESDAY, kind=DayKind.HOLIDAY, name="Nghỉ đột xuất")
        finally:
            connections.close_all()

    writer = threading.Thread(target=other_process)
    writer.start()
    writer.join(timeout=30)
    # then this process's next calendar has it
    assert not calendar_for().is_working_day(WEDNESDAY)


def test_a_kept_calendar_cannot_be_changed_by_its_callers(published_calendar):
    # given a calendar shared by every caller of the process
    calendar = calendar_for()
    # when a caller tries to add a day off to it, then it is refused
    with pytest.raises(TypeError):
        calendar.days_off[WEDNESDAY] = "Nghỉ"  # type: ignore[index]
    assert calendar_for().is_working_day(WEDNESDAY)


def test_a_unit_calendar_costs_two_queries_when_kept(published_calendar, django_assert_num_queries):
    # given a commune under a province and its calendar built once
    province = UnitFactory(province=True, code="000.00.00.H93")
    commune = UnitFactory(code="000.00.08.H93", parent=province)
    unit_calendar(commune, on=WEDNESDAY)
    # when it is asked for again, then the ancestors and the calendar inputs are read, nothing more
    with django_assert_num_queries(2):
        unit_calendar(commune, on=WEDNESDAY)
