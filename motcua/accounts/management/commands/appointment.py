"""`manage.py appointment`: print the appointment for an acceptance and a time limit (stable contract, DESIGN.md).

The first line of output is the appointment in ISO 8601 with its offset; `--explain` adds the trace.
Any bad input ends with exactly one line on stderr and exit status 2, nothing on stdout.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, handle_default_options
from django.db import connections
from django.utils.translation import gettext as _

from motcua.accounts.models import Unit
from motcua.accounts.selectors import unit_calendar
from motcua.workdays.arith import VIETNAM, CalendarError, TimeUnit, check_amount, parse_time_unit
from motcua.workdays.explain import appointment_explain

EXIT_BAD_INPUT = 2
UNIT_CHOICES = "{" + ",".join(unit.value for unit in TimeUnit) + "}"


class Command(BaseCommand):
    help = (
        "Tính ngày giờ hẹn trả kết quả theo lịch làm việc / "
        "compute the appointment for an acceptance instant and a time limit"
    )
    # A calculator that scripts call: its output contract must not depend on unrelated system checks.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Let parse errors raise CommandError instead of printing the usage, so they end as one line.
        parser.called_from_command_line = False
        return parser

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

    def run_from_argv(self, argv: list[str]) -> None:
        """Run from manage.py: bad input prints one line on stderr and exits with status 2."""
        self._called_from_command_line = True
        try:
            parser = self.create_parser(argv[0], argv[1])
            try:
                options = parser.parse_args(argv[2:])
            except CommandError as error:
                message = str(error).removeprefix("Error: ")
                raise CommandError(_("Tham số không hợp lệ / invalid arguments: %s") % message) from error
            handle_default_options(options)
            arguments = vars(options)
            arguments.pop("args", None)
            self.execute(**arguments)
        except CommandError as error:
            self.stderr.write(" ".join(str(error).split()))
            sys.exit(EXIT_BAD_INPUT)
        finally:
            connections.close_all()

    def handle(self, *args: Any, **options: Any) -> None:
        accepted = accepted_parse(options["accepted"])
        try:
            unit = parse_time_unit(options["unit"])
            amount = amount_parse(options["amount"])
            check_amount(amount, unit)
            calendar = unit_calendar(unit_by_code(options["unit_code"]), on=accepted.date())
            appointment = calendar.appointment(accepted, amount, unit, explain=options["explain"])
        except CalendarError as error:
            raise CommandError(str(error), returncode=EXIT_BAD_INPUT) from error
        self.stdout.write(appointment.at.isoformat(timespec="seconds"))
        if options["explain"]:
            for line in appointment_explain(appointment, unit=unit, amount=amount):
                self.stdout.write(line)


def accepted_parse(value: str) -> datetime:
    """Return the acceptance instant in Vietnam time; a naive value is read as Vietnam time."""
    try:
        accepted = datetime.fromisoformat(value.strip())
        if accepted.tzinfo is None:
            return accepted.replace(tzinfo=VIETNAM)
        return accepted.astimezone(VIETNAM)
    except (ValueError, OverflowError) as error:
        message = _("Thời điểm tiếp nhận không hợp lệ: %r (dùng ISO 8601, ví dụ 2025-04-24T10:00) / invalid --accepted")
        raise CommandError(message % value, returncode=EXIT_BAD_INPUT) from error


def amount_parse(value: str) -> int:
    """Return the amount as an integer."""
    try:
        return int(value.strip())
    except ValueError:
        message = _("Thời hạn phải là số nguyên: %r / the amount must be an integer")
        raise CalendarError(message % value) from None


def unit_by_code(code: str) -> Unit | None:
    """Return the unit with `code`, None for an empty code; an unknown code raises CalendarError."""
    if not code:
        return None
    unit = Unit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise CalendarError(_("Mã đơn vị không tồn tại: %r / unknown unit code") % code)
    return unit
