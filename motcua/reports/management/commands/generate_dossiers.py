"""`manage.py generate_dossiers --count N --year Y [--unit CODE] [--seed S] [--batch B] [--until T] [--replace-year]`.

Writes N synthetic dossiers submitted in year Y at the service centers and reception points under
the unit (default: the root province), with their whole history, for demos and benchmarks (see
`motcua.reports.generation`). Running it again adds more dossiers, whose codes continue each
unit's daily sequence; `--replace-year` first deletes the generated dossiers of that year (never a
real one). The same seed on the same database gives the same dossiers. Bad input exits with status 2.
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.cli import positive_int
from motcua.reports.generation import GenerationError, dossiers_generate, dossiers_generated_delete

EXIT_BAD_INPUT = 2
PROGRESS_SECONDS = 5.0  # at most one progress line this often


class Command(BaseCommand):
    help = "Sinh hàng loạt hồ sơ mô phỏng có đủ lịch sử (cho trình diễn và đo hiệu năng)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--count", type=positive_int, required=True, help="Số hồ sơ cần sinh")
        parser.add_argument("--year", type=int, required=True, help="Năm nộp hồ sơ")
        parser.add_argument("--unit", default=None, help="Mã đơn vị: sinh tại các nơi tiếp nhận thuộc đơn vị này")
        parser.add_argument("--seed", type=int, default=None, help="Hạt giống ngẫu nhiên: cùng hạt giống, cùng dữ liệu")
        parser.add_argument("--batch", type=positive_int, default=2000, help="Số hồ sơ mỗi lô, mỗi lô một giao dịch")
        parser.add_argument(
            "--until", default=None, help="Lịch sử dừng tại thời điểm này (mặc định: hết năm, hoặc bây giờ)"
        )
        parser.add_argument(
            "--replace-year", action="store_true", help="Xóa trước các hồ sơ mô phỏng đã sinh của năm này"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        until = self._until(options["until"])
        self._last_print = 0.0
        try:
            if options["replace_year"]:
                deleted = dossiers_generated_delete(year=options["year"], unit_code=options["unit"])
                self.stdout.write(_("Đã xóa %(n)d hồ sơ mô phỏng của năm %(year)d.") % {"n": deleted, **options})
            report = dossiers_generate(
                count=options["count"],
                year=options["year"],
                unit_code=options["unit"],
                seed=options["seed"],
                batch=options["batch"],
                until=until,
                progress=self._progress if options["verbosity"] else None,
            )
        except GenerationError as error:
            raise CommandError(str(error), returncode=EXIT_BAD_INPUT) from None
        states = ", ".join(f"{state} {number}" for state, number in sorted(report.states.items()))
        self.stdout.write(
            _(
                "Đã sinh %(dossiers)d hồ sơ, %(events)d sự kiện, %(steps)d bước trong %(seconds).1f giây: "
                "%(rate).0f hồ sơ/giây (hạt giống %(seed)d). Trạng thái: %(states)s"
            )
            % {**report.__dict__, "rate": report.rate, "states": states}
        )

    def _until(self, text: str | None) -> datetime | None:
        if text is None:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(
                _("Thời điểm --until không hợp lệ: %(text)s / invalid --until, use ISO 8601") % {"text": text},
                returncode=EXIT_BAD_INPUT,
            ) from None
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment

    def _progress(self, done: int, count: int, seconds: float) -> None:
        if seconds - self._last_print < PROGRESS_SECONDS and done < count:
            return
        self._last_print = seconds
        rate = done / seconds if seconds else 0.0
        self.stdout.write(
            _("%(done)d/%(count)d hồ sơ, %(rate).0f hồ sơ/giây") % {"done": done, "count": count, "rate": rate}
        )
