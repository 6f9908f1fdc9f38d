"""`manage.py appointment`: print the appointment for an acceptance and a time limit (stable contract, DESIGN.md).

The first line of output is the appointment in ISO 8601 with its offset; `--explain` adds the trace.
Any bad input ends with exactly one line on stderr and exit status 2, nothing on stdout.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.accounts.cli import EXIT_BAD_INPUT, ContractCommand, instant_parse, unit_by_code
from motcua.accounts.selectors import unit_calendar
from motcua.workdays.arith import CalendarError, TimeUnit, check_amount, parse_time_unit
from motcua.workdays.explain import appointment_explain

UNIT_CHOICES = "{" + ",".join(unit.value for unit in TimeUnit) + "}"


class Command(ContractCommand):
    help = (
        "Tính ngày giờ hẹn trả kết quả theo lịch làm việc / "
        "compute the appointment for an acceptance instant and a time limit"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--accepted",
            required=True,
            help="Thời điểm tiếp nhận, ISO 8601 (không có múi giờ = giờ Việt Nam) / acceptance instant",
        )
        parser.add_argument("--amount", required=True, help="Thời hạn (số nguyên) / amount of the time limit")
        parser.add_argument("--unit", required=True, metavar=UNIT_CHOICES, help="Đơn vị thời hạn / time unit")
        parser.add_argument("--unit-code", default="", help="Mã định danh đơn vị tiếp nhận / receiving unit code")
        parser.add_argument("--explain", action="store_true", help="In giải thích từng ngày / print the trace")

    def handle(self, *args: Any, **options: Any) -> None:
        accepted = instant_parse(options["accepted"], "--accepted")
        try:
            unit = parse_time_unit(options["unit"])
            amount = amount_parse(options["amount"])
            check_amount(amount, unit)
            receiving_unit = unit_by_code(options["unit_code"]) if options["unit_code"] else None
            calendar = unit_calendar(receiving_unit, on=accepted.date())
            appointment = calendar.appointment(accepted, amount, unit, explain=options["explain"])
        except CalendarError as error:
            raise CommandError(str(error), returncode=EXIT_BAD_INPUT) from error
        self.stdout.write(appointment.at.isoformat(timespec="seconds"))
        if options["explain"]:
            for line in appointment_explain(appointment, unit=unit, amount=amount):
                self.stdout.write(line)


def amount_parse(value: str) -> int:
    """Return the amount as an integer."""
    try:
        return int(value.strip())
    except ValueError:
        message = _("Thời hạn phải là số nguyên: %r / the amount must be an integer")
        raise CalendarError(message % value) from None
