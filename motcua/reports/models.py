"""Models of the reports app.

Sections: closed periods (period snapshots); statistics counters. Other sections may follow, each under
its own heading.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Unit

# --- closed periods (kỳ báo cáo đã khóa sổ; issue 4 item 3, DOMAIN.md V-3, ST-18) ----------------------------


class PeriodKind(models.TextChoices):
    """The periods that can be closed."""

    MONTH = "month", _("Tháng")
    QUARTER = "quarter", _("Quý")


class PeriodScheme(models.TextChoices):
    """How the period is cut (reports.windows.Scheme): Decree 09/2019 windows or calendar periods."""

    DECREE_09 = "decree_09", _("Nghị định 09/2019 (từ ngày 15 đến ngày 14)")
    CALENDAR = "calendar", _("Dương lịch")


class PeriodSnapshot(models.Model):
    """One version of a closed period's report (ảnh chụp số liệu kỳ đã khóa sổ): 1 closes, 2+ restate.

    Rows are never updated or deleted (database triggers refuse it, migration 0002); a correction is a
    new version with its reason and its differences to the previous one. `content` is the report as
    JSON text, kept as text so the bytes served are the bytes stored, and `content_hash` is the
    SHA-256 of its canonical form (keys sorted, compact separators, UTF-8).
    """

    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="period_snapshots")
    kind = models.CharField(_("loại kỳ"), max_length=10, choices=PeriodKind.choices)
    scheme = models.CharField(_("cách chia kỳ"), max_length=12, choices=PeriodScheme.choices)
    date_from = models.DateField(_("từ ngày"))
    date_to = models.DateField(_("đến ngày"))
    version = models.PositiveIntegerField(_("phiên bản"))
    content = models.TextField(_("số liệu (JSON)"))
    content_hash = models.CharField(_("mã băm SHA-256"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người khóa sổ hoặc điều chỉnh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("thời điểm khóa sổ hoặc điều chỉnh"))
    reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    differences = models.JSONField(_("chênh lệch so với phiên bản trước"), default=list, blank=True)

    class Meta:
        verbose_name = _("kỳ báo cáo đã khóa sổ")
        verbose_name_plural = _("kỳ báo cáo đã khóa sổ")
        ordering = ["unit", "kind", "date_from", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "date_from", "version"], name="periodsnapshot_unique_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="periodsnapshot_version_positive"),
            models.CheckConstraint(condition=Q(date_to__gte=F("date_from")), name="periodsnapshot_dates"),
            models.CheckConstraint(condition=Q(kind__in=PeriodKind.values), name="periodsnapshot_kind_known"),
            models.CheckConstraint(condition=Q(scheme__in=PeriodScheme.values), name="periodsnapshot_scheme_known"),
            # A restatement always says why (the audit record); the closing itself needs no reason.
            models.CheckConstraint(condition=Q(version=1) | ~Q(reason=""), name="periodsnapshot_restatement_reason"),
        ]
        indexes = [models.Index(fields=["unit", "date_from", "date_to"], name="periodsnapshot_window")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.kind} {self.date_from:%d/%m/%Y}–{self.date_to:%d/%m/%Y} v{self.version}"


# --- statistics counters (bộ đếm thống kê; issue 4 item 8, ADR 0005) ---------------------------------------------
#
# Written only by `reports.counters` (the `fill_counters` command); read by `reports.counted`.


class Grain(models.TextChoices):
    """The length of a counter bucket's period."""

    DAY = "d", _("Ngày")
    MONTH = "m", _("Tháng")
    YEAR = "y", _("Năm")


# Flow columns count what happened in the bucket's period (a dossier's event falls on one local day);
# stock columns (`…_change`) hold the period's net change of a stock, so the stock at the end of a day
# is the sum of its changes up to that day. `ended_otherwise_portal_on_time` and the processing-time
# sums are not report figures themselves: handled_on_time and the mean are built from them.
FLOW_COLUMNS = (
    "received",
    "received_online",
    "received_counter",
    "received_postal",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_portal_on_time",
    "resolved_awaiting_supplement",
    "resolved_late_within_extended",
    "refused",
    "ended_otherwise",
    "ended_otherwise_portal_on_time",
    "stopped",
    "withdrawn",
    "apologies",
    "minutes_sum",
    "minutes_count",
)
STOCK_COLUMNS = ("pending_change", "pending_in_time_change", "pending_overdue_change", "not_collected_change")
COUNTER_COLUMNS = FLOW_COLUMNS + STOCK_COLUMNS


class CounterBucket(models.Model):
    """The counts of one counting unit, procedure version and channel over one day, month or year.

    Every dossier event is added to the day, the month and the year it falls in, so a report reads
    whole years and months where its window covers them and days only at its edges (ADR 0005).
    """

    grain = models.CharField(_("độ dài kỳ"), max_length=1, choices=Grain.choices)
    period = models.DateField(_("ngày đầu kỳ"))
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+", db_index=False)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    channel = models.PositiveSmallIntegerField(_("kênh nộp"))
    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    received_counter = models.IntegerField(default=0)
    received_postal = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolved_early = models.IntegerField(default=0)
    resolved_on_time = models.IntegerField(default=0)
    resolved_late = models.IntegerField(default=0)
    resolved_portal_on_time = models.IntegerField(default=0)
    resolved_awaiting_supplement = models.IntegerField(default=0)
    resolved_late_within_extended = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    ended_otherwise = models.IntegerField(default=0)
    ended_otherwise_portal_on_time = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    apologies = models.IntegerField(default=0)
    minutes_sum = models.BigIntegerField(default=0)  # net office minutes of the dossiers resolved with a result
    minutes_count = models.IntegerField(default=0)
    pending_change = models.IntegerField(default=0)
    pending_in_time_change = models.IntegerField(default=0)
    pending_overdue_change = models.IntegerField(default=0)
    not_collected_change = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm thống kê")
        verbose_name_plural = _("bộ đếm thống kê")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "period", "unit", "procedure_version", "channel"], name="counterbucket_key"
            ),
            models.CheckConstraint(condition=Q(grain__in=Grain.values), name="counterbucket_grain_known"),
        ]
        # A report reads the periods of the units in scope: one index range per unit (the key's order,
        # period before unit, would make PostgreSQL walk the whole period range once per listed unit).
        indexes = [models.Index(fields=["unit", "grain", "period"], name="counterbucket_unit_period")]

    def __str__(self) -> str:
        return f"{self.grain} {self.period:%d/%m/%Y} {self.unit_id}/{self.procedure_version_id}/{self.channel}"


class DossierTally(models.Model):
    """What the counters hold for one dossier, so that the next fill takes exactly that back out.

    `days` maps an ISO date to the columns added on that day ({"2025-03-10": {"received": 1, …}});
    the key (unit, procedure version, channel) is the one the additions were made under.
    """

    dossier = models.OneToOneField("dossiers.Dossier", primary_key=True, on_delete=models.PROTECT, related_name="tally")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    procedure_version = models.ForeignKey(
        "catalog.ProcedureVersion", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.PositiveSmallIntegerField()
    days = models.JSONField(default=dict)
    counted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("phần đóng góp của hồ sơ vào bộ đếm")
        verbose_name_plural = _("phần đóng góp của hồ sơ vào bộ đếm")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {len(self.days)}"


class CounterFill(models.Model):
    """The state of the counters' fill (trạng thái tổng hợp số liệu): one row, written by every run."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_run_at = models.DateTimeField(_("lần tổng hợp gần nhất"), null=True, blank=True)
    last_counted = models.PositiveIntegerField(_("số hồ sơ đã tổng hợp lần gần nhất"), default=0)
    last_seconds = models.FloatField(_("thời gian chạy (giây)"), default=0)
    rebuilt_at = models.DateTimeField(_("lần tính lại toàn bộ gần nhất"), null=True, blank=True)
    # +1 in every transaction that changes the buckets: a reader that sees the same value before and
    # after its reads knows that no change came in between (reports.counted).
    sequence = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("trạng thái tổng hợp số liệu")
        verbose_name_plural = _("trạng thái tổng hợp số liệu")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="counterfill_single_row")]

    def __str__(self) -> str:
        return f"{self.last_run_at}: {self.last_counted}"
