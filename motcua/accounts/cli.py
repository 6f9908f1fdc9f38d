"""What the stable command-line contracts share (DESIGN.md "Stable contracts"): bad input ends as
exactly one line on stderr with exit status 2, never a usage dump or a traceback."""

from __future__ import annotations

import sys
from argparse import ArgumentTypeError
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, handle_default_options
from django.db import connections
from django.utils.translation import gettext as _

from motcua.accounts.models import Unit
from motcua.workdays.arith import VIETNAM

EXIT_BAD_INPUT = 2


def positive_int(text: str) -> int:
    """Return `text` as a whole number of at least 1, or let argparse report it (exit status 2)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise ArgumentTypeError(_("“%(text)s” phải là số nguyên từ 1 trở lên / must be at least 1") % {"text": text})
    return value


def bad_input(message: str) -> CommandError:
    """Return the error that ends a contract command with one line on stderr and exit status 2."""
    return CommandError(message, returncode=EXIT_BAD_INPUT)


class ContractCommand(BaseCommand):
    """A management command that scripts call: one-line errors, exit status 2 on bad input."""

    # Its output must not depend on unrelated system checks.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # Parse errors raise CommandError instead of printing the usage, so they end as one line.
        parser.called_from_command_line = False
        return parser

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


def unit_by_code(code: str) -> Unit:
    """Return the unit with `code`, or raise the bad-input error."""
    unit = Unit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise bad_input(_("Mã đơn vị không tồn tại: %r / unknown unit code") % code)
    return unit


def instant_parse(value: str, option: str) -> datetime:
    """Return an ISO 8601 instant; a value without an offset is read as Vietnam time."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except (ValueError, OverflowError):
        raise bad_input(
            _("%(option)s: thời điểm không hợp lệ %(value)r, dùng ISO 8601 (ví dụ 2025-04-24T10:00) / invalid instant")
            % {"option": option, "value": value}
        ) from None
    return moment.replace(tzinfo=VIETNAM) if moment.tzinfo is None else moment.astimezone(VIETNAM)
