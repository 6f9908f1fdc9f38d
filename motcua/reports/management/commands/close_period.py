"""`manage.py close_period --unit CODE (--month YYYY-MM | --quarter YYYY-Qn) --user USERNAME [--restate --reason TEXT]`.

Close a month or quarter of a unit that is over (version 1 of its snapshot), or with `--restate`
recompute a closed one and store the next version with the reason and the differences. Operators run
it from cron after each period (docs/operator-guide.md). The period is named as on the report forms:
with the Decree 09/2019 scheme (the default unless REPORT_WINDOWS_DEFAULT says "calendar"), month
2025-03 runs from 15/02 to 14/03/2025. `--user` must be an agency head or PAR officer of the unit or
above it. Success prints one line on stdout; bad input or a refusal (period not over, already closed,
nothing to restate, no role) ends with exactly one line on stderr and exit status 2, nothing stored.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from motcua.accounts.cli import ContractCommand, bad_input, unit_by_code
from motcua.accounts.models import User
from motcua.reports import snapshots
from motcua.reports.models import PeriodKind
from motcua.reports.periods import Period, PeriodInvalid, period_named
from motcua.reports.windows import Scheme, scheme_default

MONTH = re.compile(r"^(?P<year>\d{4})-(?P<number>\d{2})$")
QUARTER = re.compile(r"^(?P<year>\d{4})-Q(?P<number>[1-4])$", re.IGNORECASE)


class Command(ContractCommand):
    help = (
        "Khóa sổ hoặc điều chỉnh số liệu một tháng, quý đã kết thúc của một đơn vị / "
        "close or restate a month or quarter of a unit"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="Mã định danh đơn vị / unit code")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--month", help="Tháng YYYY-MM / the month")
        which.add_argument("--quarter", help="Quý YYYY-Qn / the quarter")
        parser.add_argument(
            "--scheme",
            choices=[scheme.value for scheme in Scheme],
            help="Cách chia kỳ (mặc định REPORT_WINDOWS_DEFAULT) / window scheme",
        )
        parser.add_argument("--restate", action="store_true", help="Điều chỉnh kỳ đã khóa sổ / restate a closed period")
        parser.add_argument("--reason", default="", help="Lý do điều chỉnh (bắt buộc với --restate) / reason")
        parser.add_argument("--user", required=True, help="Tên đăng nhập của người khóa sổ / username")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = unit_by_code(options["unit"])
        period = period_parse(options["month"], options["quarter"], options["scheme"] or scheme_default().value)
        user = User.objects.filter(username=options["user"].strip(), is_active=True).first()
        if user is None:
            raise bad_input(_("--user: không có người dùng %r đang hoạt động / unknown user") % options["user"])
        if options["reason"] and not options["restate"]:
            raise bad_input(_("--reason chỉ dùng với --restate / --reason needs --restate"))
        wanted: dict[str, Any] = {"unit": unit, "kind": period.kind, "start": period.date_from, "user": user}
        try:
            if options["restate"]:
                snapshot = snapshots.period_restate(**wanted, reason=options["reason"])
            else:
                snapshot = snapshots.period_close(**wanted)
        except snapshots.PeriodError as error:
            raise bad_input(error.message) from error
        done = _("Đã điều chỉnh") if options["restate"] else _("Đã khóa sổ")
        self.stdout.write(
            f"{done} {period.label} ({period.dates}) — {unit.code} {unit.name}: "
            f"{_('phiên bản')} {snapshot.version}, sha256 {snapshot.content_hash}"
        )


def period_parse(month: str | None, quarter: str | None, scheme: str) -> Period:
    """Return the period named by `--month YYYY-MM` or `--quarter YYYY-Qn` in `scheme`."""
    kind, text, pattern = (
        (PeriodKind.MONTH, month, MONTH) if month is not None else (PeriodKind.QUARTER, quarter or "", QUARTER)
    )
    found = pattern.match(text.strip())
    if found is None:
        option, shape = ("--month", "YYYY-MM") if kind == PeriodKind.MONTH else ("--quarter", "YYYY-Qn")
        raise bad_input(
            _("%(option)s: %(value)r không hợp lệ, cần %(shape)s / invalid period")
            % {"option": option, "value": text, "shape": shape}
        )
    try:
        return period_named(kind, int(found["year"]), int(found["number"]), scheme=scheme)
    except PeriodInvalid as error:
        raise bad_input(str(error)) from error
