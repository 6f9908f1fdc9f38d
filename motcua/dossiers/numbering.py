"""Dossier codes (CODE-1 … CODE-3) behind a pluggable generator.

The default follows Circular 01/2018/TT-VPCP art. 19: `<agency identifier>-YYMMDD-XXXX`, a daily
sequence per receiving unit. The sequence row is locked in the caller's transaction, so numbers
are unique and gap-free: a rolled-back acceptance gives its number back.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils.module_loading import import_string

from motcua.accounts.models import Unit
from motcua.dossiers.models import DossierCodeSequence


class CodeGenerator(Protocol):
    def __call__(self, *, unit: Unit, day: date) -> str: ...


def next_sequence_value(*, unit: Unit, day: date) -> int:
    """Return the next number of `unit`'s daily sequence; call inside the transaction that uses it.

    The row stays locked until that transaction ends, so take the number as late as possible.
    """
    value = _increment(unit=unit, day=day)
    if value is None:
        try:
            with transaction.atomic():
                DossierCodeSequence.objects.create(unit=unit, day=day, last_value=1)
            return 1
        except IntegrityError:  # another transaction created the row first; its update lock now orders us
            value = _increment(unit=unit, day=day)
    if value is None:
        raise RuntimeError(f"the code sequence of unit {unit.pk} on {day} vanished")  # nothing deletes these rows
    return value


def _increment(*, unit: Unit, day: date) -> int | None:
    """Add one to the day's sequence and return it in one statement (None when the row does not exist)."""
    # UPDATE … RETURNING (PostgreSQL, SQLite ≥ 3.35): the ORM's update() would need a second query to read the value.
    # Names of the model's own table and columns, quoted; only the values are parameters.
    table, value, unit_id, day_column = map(
        connection.ops.quote_name, [DossierCodeSequence._meta.db_table, "last_value", "unit_id", "day"]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {value} = {value} + 1 "  # noqa: S608
            f"WHERE {unit_id} = %s AND {day_column} = %s RETURNING {value}",
            [unit.pk, connection.ops.adapt_datefield_value(day)],
        )
        rows = cursor.fetchall()  # to the end, so SQLite finishes the statement before anything else runs
    return int(rows[0][0]) if rows else None


def circular_01_2018(*, unit: Unit, day: date) -> str:
    """Return `<unit code>-YYMMDD-XXXX` (art. 19); beyond 9999 a day the number simply grows."""
    return f"{unit.code}-{day:%y%m%d}-{next_sequence_value(unit=unit, day=day):04d}"


def dossier_code_next(*, unit: Unit, day: date) -> str:
    """Return the next dossier code from the configured generator (settings.DOSSIER_CODE_GENERATOR)."""
    generator: CodeGenerator = import_string(settings.DOSSIER_CODE_GENERATOR)
    return generator(unit=unit, day=day)
