"""`manage.py fill_counters [--batch N] [--limit N] [--rebuild]`: bring the statistics counters up to date.

Run it from cron every minute (docs/operator-guide.md). It counts the dossiers changed since their
last count, `--batch` per transaction; several copies may run at once, and a run with nothing to do
changes nothing. `--rebuild` empties the counters and counts every dossier again (after a change of
the working calendar for past days, or when `manage.py recount` shows a difference). Reports stay
exact meanwhile: they correct the counters for the dossiers still waiting (ADR 0005).
"""

from __future__ import annotations

from time import perf_counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from motcua.accounts.cli import positive_int
from motcua.reports.counters import BATCH, REBUILD_BATCH, FillResult, counters_fill, counters_rebuild

PROGRESS_SECONDS = 10.0  # at most one progress line this often


class Command(BaseCommand):
    help = "Tổng hợp số liệu thống kê vào bộ đếm / fill the statistics counters"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch",
            type=positive_int,
            help=f"Số hồ sơ mỗi giao dịch (mặc định {BATCH}, {REBUILD_BATCH} khi tính lại) / dossiers per transaction",
        )
        parser.add_argument("--limit", type=positive_int, help="Tối đa số hồ sơ lượt này / at most this many dossiers")
        parser.add_argument(
            "--rebuild", action="store_true", help="Xóa và tính lại toàn bộ bộ đếm / recompute every counter"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._started = self._printed = perf_counter()
        if options["rebuild"]:
            result = counters_rebuild(batch=options["batch"] or REBUILD_BATCH, progress=self._progress)
        else:
            batch = options["batch"] or BATCH
            result = counters_fill(batch=batch, limit=options["limit"], progress=self._progress)
        self._print(result)

    def _progress(self, counted: int) -> None:
        if perf_counter() - self._printed >= PROGRESS_SECONDS:
            self._printed = perf_counter()
            seconds = self._printed - self._started
            self.stdout.write(_("… %(n)d hồ sơ sau %(s).0f giây / dossiers so far") % {"n": counted, "s": seconds})

    def _print(self, result: FillResult) -> None:
        done = _("Đã tính lại toàn bộ bộ đếm. / rebuilt. ") if result.rebuilt else ""
        self.stdout.write(
            done
            + _(
                "Đã tổng hợp %(counted)d hồ sơ (%(buckets)d dòng bộ đếm thay đổi) trong %(seconds).2f giây; "
                "còn %(waiting)d hồ sơ chờ tổng hợp / dossiers counted, counter rows changed, seconds, still waiting"
            )
            % {
                "counted": result.counted,
                "buckets": result.buckets,
                "seconds": result.seconds,
                "waiting": result.waiting,
            }
        )
