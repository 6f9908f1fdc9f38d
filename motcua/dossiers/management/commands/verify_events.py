"""`manage.py verify_events [--dossier CODE]`: check every dossier's hash-chained history.

Prints each problem naming its dossier and exits with status 1 when any chain is broken.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from motcua.dossiers.events import event_chain_errors
from motcua.dossiers.models import Dossier, DossierEvent

CHUNK = 500


def dossier_chain_problems(dossier: Dossier, events: list[DossierEvent]) -> list[str]:
    """Return the chain's breaks plus a missing history or a last event that disagrees with the state."""
    if not events:
        return [_("%(code)s: hồ sơ không có lịch sử / no events") % {"code": dossier.code}]
    problems = event_chain_errors(dossier.code, events)
    last = events[-1]
    # A chain cut at its end still links up; the state it ends in betrays the missing tail.
    if last.to_state and last.to_state != dossier.state:
        problems.append(
            _("%(code)s: lịch sử kết thúc ở trạng thái %(last)s nhưng hồ sơ ở trạng thái %(state)s / history truncated")
            % {"code": dossier.code, "last": last.to_state, "state": dossier.state}
        )
    return problems


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn của lịch sử hồ sơ / verify the hash chain of every dossier's history"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossier", default="", help="Chỉ kiểm tra một hồ sơ / only this dossier code")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["dossier"].strip()
        if code and not Dossier.objects.filter(code=code).exists():
            # Status 2 (bad input), so that 1 always means a broken chain.
            raise CommandError(_("Không có hồ sơ %(code)s / no such dossier") % {"code": code}, returncode=2)
        checked = events_seen = 0
        broken: list[str] = []
        for dossier in self._dossiers(code):
            events = list(dossier.events.all())
            checked, events_seen = checked + 1, events_seen + len(events)
            problems = dossier_chain_problems(dossier, events)
            for problem in problems:
                self.stderr.write(problem)
            if problems:
                broken.append(dossier.code)
        if broken:
            raise CommandError(
                _("Đã kiểm tra %(n)d hồ sơ, %(m)d sự kiện: %(k)d hồ sơ có lịch sử bị sửa: %(codes)s / chains broken")
                % {"n": checked, "m": events_seen, "k": len(broken), "codes": ", ".join(broken)},
                returncode=1,
            )
        self.stdout.write(_("Đã kiểm tra %(n)d hồ sơ, %(m)d sự kiện: toàn vẹn") % {"n": checked, "m": events_seen})

    def _dossiers(self, code: str) -> Iterator[Dossier]:
        dossiers = Dossier.objects.only("id", "code", "state").order_by("id")
        if code:
            dossiers = dossiers.filter(code=code)
        ordered = Prefetch("events", queryset=DossierEvent.objects.order_by("seq"))
        # iterator(chunk_size) prefetches per chunk: memory stays flat on millions of dossiers.
        return dossiers.prefetch_related(ordered).iterator(chunk_size=CHUNK)
