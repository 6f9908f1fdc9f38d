"""Tests of `manage.py load_demo`: the demo city, its catalog, calendar and users, loaded idempotently."""

from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.accounts.models import Membership, Role, Unit, UnitKind, UnitSuccession, User
from motcua.accounts.selectors import unit_calendar, unit_list
from motcua.accounts.tests.factories import UnitFactory
from motcua.catalog.management.commands import load_demo
from motcua.catalog.models import DocumentComponent, FeeItem, Field, ProcedureVersion, ProcessStep
from motcua.catalog.rules import steps_total_error
from motcua.workdays.arith import VIETNAM
from motcua.workdays.models import CalendarDay, CalendarYear, DayKind, OfficeHours
from motcua.workdays.selectors import calendar_for

pytestmark = pytest.mark.django_db

ON = date(2026, 3, 9)  # a Monday after the reform; demo units are compared as of this day
COUNTED_MODELS = (
    Unit, UnitSuccession, User, Membership, CalendarYear, CalendarDay, OfficeHours,
    Field, ProcedureVersion, DocumentComponent, FeeItem, ProcessStep,
)  # fmt: skip


def run_load_demo(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED_MODELS}


def test_load_demo_builds_departments_with_divisions() -> None:
    # given an empty database
    # when
    run_load_demo()
    # then
    departments = unit_list(kind=UnitKind.DEPARTMENT, on=ON)
    assert departments.count() >= 15
    for department in departments:
        assert department.children.filter(kind=UnitKind.DIVISION).count() >= 2, department.name
    names = set(departments.values_list("name", flat=True))
    for wanted in ("Sở Nông nghiệp và Môi trường", "Sở Xây dựng", "Sở Tư pháp", "Sở Nội vụ"):
        assert any(name.startswith(wanted) for name in names), wanted
    par_division = Unit.objects.select_related("parent").get(name="Phòng Cải cách hành chính")
    assert par_division.parent is not None and par_division.parent.name.startswith("Sở Nội vụ")


def test_load_demo_builds_communes_and_service_centers() -> None:
    # given an empty database
    # when
    run_load_demo()
    # then
    communes = unit_list(kind=UnitKind.COMMUNE, on=ON)
    assert communes.count() >= 10
    for commune in communes:
        kinds = set(commune.children.values_list("kind", flat=True))
        assert {UnitKind.SERVICE_CENTER, UnitKind.DIVISION} <= kinds, commune.name
    city_center = Unit.objects.get(code=load_demo.CITY_CENTER)
    assert city_center.kind == UnitKind.SERVICE_CENTER
    assert city_center.children.filter(kind=UnitKind.RECEPTION_POINT).count() >= 2
    assert Unit.objects.filter(kind=UnitKind.CENTRAL_BRANCH).exists()
    assert Unit.objects.filter(kind=UnitKind.PROVINCE).count() == 1


def test_load_demo_links_units_that_ended_to_their_successors() -> None:
    # given an empty database
    # when
    run_load_demo()
    # then
    old = Unit.objects.get(name="Sở Tài nguyên và Môi trường thành phố Hải Phòng")
    assert old.valid_to == date(2025, 2, 28)
    assert old.successions.get().successor.name == "Sở Nông nghiệp và Môi trường thành phố Hải Phòng"
    town = Unit.objects.get(name="Ủy ban nhân dân thị trấn Vĩnh Bảo")
    assert town.valid_to == date(2025, 6, 30)
    assert town.successions.get().successor.code == load_demo.COMMUNE
    assert not unit_list(kind=UnitKind.COMMUNE, on=ON).filter(pk=town.pk).exists()


def test_load_demo_catalog_has_real_procedures_whose_steps_fit() -> None:
    # given an empty database
    # when
    run_load_demo()
    # then
    versions = ProcedureVersion.objects.select_related("procedure").prefetch_related("steps", "components")
    assert versions.count() >= 80
    for version in versions:
        steps = [(step.quota_amount, step.quota_unit) for step in version.steps.all()]
        assert steps, version.procedure.code
        assert version.components.exists(), version.procedure.code
        assert steps_total_error(version.time_limit_amount, version.time_limit_unit, steps) is None
        if version.committed_unit:
            assert steps_total_error(version.committed_amount, version.committed_unit, steps) is None
    birth = versions.get(procedure__code="1.001193")
    assert (birth.name, birth.time_limit_unit) == ("Thủ tục đăng ký khai sinh", "same_day")
    assert sum(step.quota_amount for step in birth.steps.all()) == Decimal(8)  # 2 h + 3 h + 2 h + 1 h
    assert versions.filter(level="province").exists() and versions.filter(level="commune").exists()


def test_load_demo_creates_a_user_for_every_role() -> None:
    # given an empty database
    # when
    run_load_demo()
    # then
    roles = set(Membership.objects.filter(is_active=True).values_list("role", flat=True))
    assert roles == set(Role.values)
    admin = User.objects.get(username="quantri")
    assert admin.is_superuser and admin.is_staff
    assert admin.memberships.get().role == Role.ADMIN
    reception = User.objects.get(username="tiepnhan.tinh")
    assert reception.check_password(load_demo.DEFAULT_PASSWORD)
    assert reception.memberships.get().unit.kind == UnitKind.SERVICE_CENTER
    par = Membership.objects.get(role=Role.PAR_OFFICER)
    assert par.unit.name.startswith("Sở Nội vụ")


def test_load_demo_takes_the_password_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setenv("MOTCUA_DEMO_PASSWORD", "mat-khau-rieng-cua-toi")
    # when
    output = run_load_demo()
    # then
    user = User.objects.get(username="thuly.xaydung")
    assert user.check_password("mat-khau-rieng-cua-toi")
    assert not user.check_password(load_demo.DEFAULT_PASSWORD)
    assert "mat-khau-rieng-cua-toi" not in output


def test_load_demo_publishes_the_calendar_and_its_overrides() -> None:
    # given an empty database
    # when
    run_load_demo()
    # then
    assert list(CalendarYear.objects.values_list("year", flat=True)) == [2024, 2025, 2026, 2027]
    swapped = CalendarDay.objects.get(date=date(2026, 1, 2), scope_code="")
    makeup = CalendarDay.objects.get(date=date(2026, 1, 10), scope_code="")
    assert (swapped.kind, makeup.kind) == (DayKind.SWAPPED_DAY_OFF, DayKind.MAKEUP_WORKING_DAY)
    assert swapped.legal_ref and makeup.legal_ref
    calendar = calendar_for()
    assert not calendar.is_working_day(date(2026, 1, 2))
    assert calendar.is_working_day(date(2026, 1, 10))
    assert not calendar.is_working_day(date(2026, 4, 27))


def test_load_demo_twice_changes_nothing() -> None:
    # given
    run_load_demo()
    before = row_counts()
    step_ids = set(ProcessStep.objects.values_list("id", flat=True))
    stamps = dict(ProcedureVersion.objects.values_list("id", "updated_at"))
    # when
    output = run_load_demo()
    # then
    assert row_counts() == before
    assert set(ProcessStep.objects.values_list("id", flat=True)) == step_ids
    assert dict(ProcedureVersion.objects.values_list("id", "updated_at")) == stamps
    assert "0 mới, 0 cập nhật" in output


def test_load_demo_if_empty_does_nothing_when_a_unit_exists() -> None:
    # given
    UnitFactory(province=True)
    # when
    output = run_load_demo("--if-empty")
    # then
    assert Unit.objects.count() == 1
    assert not ProcedureVersion.objects.exists()
    assert not User.objects.exists()
    assert not CalendarYear.objects.exists()
    assert "không nạp" in output


def test_load_demo_if_empty_loads_an_empty_database() -> None:
    # given an empty database
    # when
    run_load_demo("--if-empty")
    # then
    assert ProcedureVersion.objects.count() >= 80


def test_load_demo_prints_the_logins_and_the_password() -> None:
    # given an empty database
    # when
    output = run_load_demo()
    # then
    for username in ("quantri", "lanhdao.tinh", "tiepnhan.tinh", "thuly.xaydung", "cchc.noivu"):
        assert username in output
    assert "Trung tâm Phục vụ hành chính công thành phố Hải Phòng" in output
    assert load_demo.DEFAULT_PASSWORD in output


def test_load_demo_saves_nothing_when_an_import_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # given a catalog file with a bad row
    bad = tmp_path / "catalog.csv"
    bad.write_text(
        "code,name,field,level,unit_code,amount,time_unit,clock_rule,online_level\n"
        "1.000001,Thủ tục lỗi,Hộ tịch,commune,000.00.50.H31,-3,working_days,pause,none\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(load_demo, "CATALOG_FILE", bad)
    # when
    with pytest.raises(CommandError):
        run_load_demo()
    # then
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_appointment_in_the_demo_commune_uses_its_own_office_hours() -> None:
    # given the demo commune (07:00–11:30, 13:30–17:00) and the city (default 07:30–11:30, 13:00–17:00)
    run_load_demo()
    commune_center = Unit.objects.get(code=load_demo.COMMUNE_CENTER)
    city_center = Unit.objects.get(code=load_demo.CITY_CENTER)
    accepted = datetime(2026, 3, 9, 11, 0, tzinfo=VIETNAM)
    # when a 2-hour limit runs across lunch
    at_commune = unit_calendar(commune_center, ON).appointment(accepted, 2, "hours").at
    at_city = unit_calendar(city_center, ON).appointment(accepted, 2, "hours").at
    # then 30 minutes before lunch, 90 after it, from the office's own reopening time
    assert at_commune == datetime(2026, 3, 9, 15, 0, tzinfo=VIETNAM)
    assert at_city == datetime(2026, 3, 9, 14, 30, tzinfo=VIETNAM)
