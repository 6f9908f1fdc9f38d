"""Dossier codes (CODE-1 … CODE-3) behind a pluggable generator.

The default follows Circular 01/2018/TT-VPCP art. 19: `<agency identifier>-YYMMDD-XXXX`, a daily
sequence per receiving unit. The sequence row is locked in the caller's transaction, so numbers
are unique and gap-free: a rolled-back acceptance gives its number back.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.module_loading import import_string

from motcua.accounts.models import Unit
from motcua.dossiers.models import DossierCodeSequence


class CodeGenerator(Protocol):
    def __call__(self, *, unit: Unit, day: date) -> str: ...


def next_sequence_value(*, unit: Unit, day: date) -> int:
    """Return the next number of `unit`'s daily sequence; call inside the transaction that uses it."""
    updated = DossierCodeSequence.objects.filter(unit=unit, day=day).update(last_value=F("last_value") + 1)
    if not updated:
        try:
            with transaction.atomic():
                DossierCodeSequence.objects.create(unit=unit, day=day, last_value=1)
            return 1
        except IntegrityError:  # another transaction created the row first; its update lock now orders us
            DossierCodeSequence.objects.filter(unit=unit, day=day).update(last_value=F("last_value") + 1)
    return DossierCodeSequence.objects.get(unit=unit, day=day).last_value


def circular_01_2018(*, unit: Unit, day: date) -> str:
    """Return `<unit code>-YYMMDD-XXXX` (art. 19); beyond 9999 a day the number simply grows."""
    return f"{unit.code}-{day:%y%m%d}-{next_sequence_value(unit=unit, day=day):04d}"


def dossier_code_next(*, unit: Unit, day: date) -> str:
    """Return the next dossier code from the configured generator (settings.DOSSIER_CODE_GENERATOR)."""
    generator: CodeGenerator = import_string(settings.DOSSIER_CODE_GENERATOR)
    return generator(unit=unit, day=day)
