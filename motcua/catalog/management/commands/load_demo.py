"""`manage.py load_demo [--if-empty]`: load the demo city, thành phố Hải Phòng after the 2025 reform.

Loads the calendar 2024–2027 with the overrides of DOMAIN.md §4.2, office hours, the units and the
catalog of `motcua/catalog/demo/` (through `import_units` and `import_catalog`), the succession links
of the units that ended, and one demo user per role. Running it again changes nothing.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.accounts.models import Membership, Role, SuccessionType, Unit, UnitSuccession, User
from motcua.workdays.models import CalendarDay, CalendarYear, DayKind, OfficeHours

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
UNITS_FILE = DEMO_DIR / "units_demo.csv"
CATALOG_FILE = DEMO_DIR / "catalog_demo.csv"
# A published demo password, not a secret: README.md documents it; MOTCUA_DEMO_PASSWORD overrides it.
DEFAULT_PASSWORD = "motcua-demo-2026"  # noqa: S105
PASSWORD_VARIABLE = "MOTCUA_DEMO_PASSWORD"  # noqa: S105
YEARS = range(2024, 2028)

CITY, CITY_CENTER = "000.00.00.H31", "000.10.01.H31"
COMMUNE, COMMUNE_CENTER, COMMUNE_OFFICE = "000.00.50.H31", "000.10.50.H31", "000.01.50.H31"
HOME_AFFAIRS, CONSTRUCTION = "000.00.02.H31", "000.00.06.H31"
CONSTRUCTION_OFFICE, CONSTRUCTION_ACTIVITIES = "000.01.06.H31", "000.02.06.H31"
LAND_REGISTRY = "000.03.07.H31"

LABOUR_2024 = (
    "Thông báo của Bộ Lao động – Thương binh và Xã hội về lịch nghỉ lễ 30/4 và 1/5/2024 (hoán đổi ngày làm việc)"
)
LABOUR_2025 = (
    "Thông báo của Bộ Lao động – Thương binh và Xã hội về lịch nghỉ lễ 30/4 và 1/5/2025 (hoán đổi ngày làm việc)"
)
HOME_2026 = "Thông báo của Bộ Nội vụ về lịch nghỉ Tết Dương lịch năm 2026 (hoán đổi ngày làm việc)"
CODE_2019 = "Bộ luật Lao động 2019, Điều 111 và Điều 112 (ngày lễ trùng ngày nghỉ hằng tuần được nghỉ bù)"


@dataclass(frozen=True)
class Override:
    day: date
    kind: DayKind
    name: str
    legal_ref: str


# DOMAIN.md §4.2. The holidays package already knows some of these; storing them keeps the published
# schedule visible and editable in the admin, and a later package release cannot silently change it.
CALENDAR_OVERRIDES = (
    Override(date(2024, 4, 29), DayKind.SWAPPED_DAY_OFF, "Nghỉ hoán đổi dịp 30/4–1/5/2024", LABOUR_2024),
    Override(date(2024, 5, 4), DayKind.MAKEUP_WORKING_DAY, "Làm bù cho ngày 29/4/2024", LABOUR_2024),
    Override(date(2025, 4, 26), DayKind.MAKEUP_WORKING_DAY, "Làm bù cho ngày 02/5/2025", LABOUR_2025),
    Override(date(2025, 5, 2), DayKind.SWAPPED_DAY_OFF, "Nghỉ hoán đổi dịp 30/4–1/5/2025", LABOUR_2025),
    Override(date(2026, 1, 2), DayKind.SWAPPED_DAY_OFF, "Nghỉ hoán đổi Tết Dương lịch", HOME_2026),
    Override(date(2026, 1, 10), DayKind.MAKEUP_WORKING_DAY, "Làm bù cho ngày 02/01/2026", HOME_2026),
    Override(date(2026, 4, 27), DayKind.COMPENSATORY_DAY_OFF, "Nghỉ bù Giỗ Tổ Hùng Vương (26/4/2026)", CODE_2019),
)

# (scope code, valid from, morning, afternoon): the default (CAL-7) and one commune with its own
# published hours (07:00–11:30 / 13:30–17:00, the vnptigate.vn example of CAL-7).
OFFICE_HOURS = (
    ("", date(2024, 1, 1), (time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))),
    (COMMUNE, date(2025, 7, 1), (time(7, 0), time(11, 30)), (time(13, 30), time(17, 0))),
)

MERGED_DEPARTMENTS = "Sắp xếp các cơ quan chuyên môn thuộc Ủy ban nhân dân thành phố từ ngày 01/3/2025"
MERGED_COMMUNES = "Sắp xếp đơn vị hành chính cấp xã của thành phố Hải Phòng năm 2025 (Ủy ban Thường vụ Quốc hội)"
SUCCESSIONS = (  # predecessor, successor, type, effective date, legal reference
    ("000.00.21.H31", "000.00.07.H31", SuccessionType.MERGE, date(2025, 3, 1), MERGED_DEPARTMENTS),
    ("000.00.22.H31", "000.00.07.H31", SuccessionType.MERGE, date(2025, 3, 1), MERGED_DEPARTMENTS),
    ("000.00.61.H31", COMMUNE, SuccessionType.MERGE, date(2025, 7, 1), MERGED_COMMUNES),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    unit_code: str


DEMO_USERS = (
    DemoUser("quantri", "Phạm Minh Tuấn", Role.ADMIN, CITY),
    DemoUser("lanhdao.tinh", "Trần Quốc Hùng", Role.LEADER, CITY),
    DemoUser("cchc.noivu", "Phan Thị Minh Ngọc", Role.PAR_OFFICER, HOME_AFFAIRS),
    DemoUser("tiepnhan.tinh", "Nguyễn Thị Thu Hà", Role.RECEPTION_OFFICER, CITY_CENTER),
    DemoUser("thuly.xaydung", "Lê Văn Đức", Role.PROCESSING_OFFICER, CONSTRUCTION_ACTIVITIES),
    DemoUser("truongphong.xaydung", "Bùi Văn Thắng", Role.DIVISION_HEAD, CONSTRUCTION_ACTIVITIES),
    DemoUser("giamdoc.xaydung", "Ngô Quang Vinh", Role.AGENCY_HEAD, CONSTRUCTION),
    DemoUser("vanthu.xaydung", "Đinh Thị Hương", Role.CLERK, CONSTRUCTION_OFFICE),
    DemoUser("thuly.datdai", "Hoàng Thị Lan", Role.PROCESSING_OFFICER, LAND_REGISTRY),
    DemoUser("tiepnhan.vinhbao", "Vũ Thị Hồng Nhung", Role.RECEPTION_OFFICER, COMMUNE_CENTER),
    DemoUser("thuly.vinhbao", "Đỗ Thị Mai", Role.PROCESSING_OFFICER, COMMUNE_OFFICE),
    DemoUser("chutich.vinhbao", "Trịnh Văn Hải", Role.AGENCY_HEAD, COMMUNE),
    DemoUser("vanthu.vinhbao", "Mạc Thị Thanh Huyền", Role.CLERK, COMMUNE_OFFICE),
)


def demo_password() -> str:
    """Return the shared demo password: MOTCUA_DEMO_PASSWORD, else the documented default."""
    return os.environ.get(PASSWORD_VARIABLE) or DEFAULT_PASSWORD


def demo_calendar_load() -> None:
    """Publish the demo years and store the calendar overrides and office hours that are missing."""
    for year in YEARS:
        CalendarYear.objects.get_or_create(year=year, defaults={"note": _("Công bố khi nạp dữ liệu mẫu")})
    for override in CALENDAR_OVERRIDES:
        CalendarDay.objects.get_or_create(
            date=override.day,
            scope_code="",
            defaults={"kind": override.kind, "name": override.name, "legal_ref": override.legal_ref},
        )
    for scope, valid_from, morning, afternoon in OFFICE_HOURS:
        OfficeHours.objects.get_or_create(
            scope_code=scope,
            valid_from=valid_from,
            defaults={
                "morning_start": morning[0],
                "morning_end": morning[1],
                "afternoon_start": afternoon[0],
                "afternoon_end": afternoon[1],
            },
        )


def demo_successions_load() -> None:
    """Link the units that ended in 2025 to the units that took over (ORG-7)."""
    units = Unit.objects.in_bulk([code for row in SUCCESSIONS for code in row[:2]], field_name="code")
    for predecessor, successor, kind, effective, legal_ref in SUCCESSIONS:
        UnitSuccession.objects.get_or_create(
            predecessor=units[predecessor],
            successor=units[successor],
            defaults={"type": kind, "effective_date": effective, "legal_ref": legal_ref},
        )


def demo_users_load(*, password: str) -> None:
    """Create the demo users that are missing, each with one membership; existing users keep their password."""
    units = Unit.objects.in_bulk([user.unit_code for user in DEMO_USERS], field_name="code")
    hashed = make_password(password)  # hashed once: the users share it anyway, and hashing is slow on purpose
    for demo in DEMO_USERS:
        is_admin = demo.role == Role.ADMIN
        user, _created = User.objects.get_or_create(
            username=demo.username,
            defaults={"full_name": demo.full_name, "is_staff": is_admin, "is_superuser": is_admin, "password": hashed},
        )
        Membership.objects.get_or_create(user=user, unit=units[demo.unit_code], role=demo.role)


def demo_logins() -> list[tuple[str, str, str]]:
    """Return (username, role, unit) of the demo users present in the database."""
    wanted = {demo.username: demo for demo in DEMO_USERS}
    memberships = Membership.objects.filter(user__username__in=wanted).select_related("user", "unit")
    found = {(m.user.username, m.role): m for m in memberships}
    return [
        (demo.username, str(Role(demo.role).label), found[demo.username, demo.role].unit.name)
        for demo in DEMO_USERS
        if (demo.username, demo.role) in found
    ]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu: thành phố Hải Phòng sau sắp xếp 2025 (đơn vị, lịch, thủ tục, tài khoản dùng thử)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="Không làm gì nếu cơ sở dữ liệu đã có đơn vị (dùng cho make run)"
        )

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if if_empty and Unit.objects.exists():
            self.stdout.write(_("Cơ sở dữ liệu đã có đơn vị: không nạp dữ liệu mẫu."))
            self._print_logins()
            return
        with transaction.atomic():  # all or nothing, like the imports it runs
            demo_calendar_load()
            call_command("import_units", str(UNITS_FILE), stdout=self.stdout, stderr=self.stderr)
            demo_successions_load()
            call_command("import_catalog", str(CATALOG_FILE), stdout=self.stdout, stderr=self.stderr)
            demo_users_load(password=demo_password())
        self.stdout.write(self.style.SUCCESS(_("Đã nạp dữ liệu mẫu thành phố Hải Phòng.")))
        self._print_logins()

    def _print_logins(self) -> None:
        """Print the demo logins as a table, then the shared password."""
        rows = demo_logins()
        if not rows:
            return
        header = (_("Tên đăng nhập"), _("Vai trò"), _("Đơn vị"))
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(2)]
        self.stdout.write("")
        for username, role, unit in [header, *rows]:
            self.stdout.write(f"  {username:<{widths[0]}}  {role:<{widths[1]}}  {unit}")
        if os.environ.get(PASSWORD_VARIABLE):
            password = _("giá trị của biến môi trường %(name)s") % {"name": PASSWORD_VARIABLE}
        else:
            password = DEFAULT_PASSWORD
        self.stdout.write(
            _("Mật khẩu chung của các tài khoản dùng thử (nếu chưa đổi): %(password)s") % {"password": password}
        )
