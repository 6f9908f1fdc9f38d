"""`manage.py send_notifications [--limit N] [--loop --interval S]`: deliver the outbox.

Run it from cron or a systemd timer, or keep it running with `--loop`. Several copies may run at
once: each claims its own messages.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.dossiers.notifications import SendReport, notification_backends, outbox_given_up, outbox_send_due


class Command(BaseCommand):
    help = "Gửi các thông báo đến hạn trong hộp thư đi / send the due outbox messages"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=100, help="Số thông báo tối đa mỗi lượt / messages per run (100)"
        )
        parser.add_argument("--loop", action="store_true", help="Chạy liên tục / keep running")
        parser.add_argument(
            "--interval", type=float, default=30.0, help="Số giây nghỉ giữa hai lượt / seconds between runs (30)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1 or options["interval"] <= 0:
            raise CommandError(_("--limit và --interval phải dương / --limit and --interval must be positive"))
        backends = notification_backends()
        while True:
            report = outbox_send_due(limit=options["limit"], backends=backends)
            self._print(report)
            if not options["loop"]:
                break
            if report.claimed < options["limit"]:  # the queue is drained: wait before polling again
                try:
                    time.sleep(options["interval"])
                except KeyboardInterrupt:
                    break

    def _print(self, report: SendReport) -> None:
        for message in report.given_up:
            self.stderr.write(
                _("Bỏ cuộc sau %(n)d lần thử: thông báo #%(id)d (%(channel)s) của hồ sơ %(code)s — %(error)s")
                % {
                    "n": message.attempts,
                    "id": message.pk,
                    "channel": message.channel,
                    "code": message.dossier.code,
                    "error": message.last_error,
                }
                + " / gave up"
            )
        self.stdout.write(
            _(
                "Đã gửi %(sent)d, lỗi sẽ thử lại %(retry)d, bỏ cuộc %(given_up)d, trả lại %(released)d; "
                "tổng số thông báo đã bỏ cuộc: %(dead)d / sent, to retry, given up, released; given up in total"
            )
            % {
                "sent": report.sent,
                "retry": report.failed - len(report.given_up),
                "given_up": len(report.given_up),
                "released": report.released,
                "dead": outbox_given_up().count(),
            }
        )
