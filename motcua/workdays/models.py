"""Calendar reference data: published years, day overrides and office hours (DOMAIN.md §4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CalendarYear(models.Model):
    """A year whose schedule an administrator has confirmed (CAL-6: no computation without it)."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    published_at = models.DateTimeField(_("công bố lúc"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người công bố"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("năm lịch đã công bố")
        verbose_name_plural = _("các năm lịch đã công bố")
        ordering = ["year"]
        constraints = [models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="calendaryear_sane")]

    def __str__(self) -> str:
        return str(self.year)


class DayKind(models.TextChoices):
    """Kind of a calendar override (CAL-4)."""

    HOLIDAY = "holiday", _("Ngày lễ")
    SWAPPED_DAY_OFF = "swapped_day_off", _("Ngày nghỉ hoán đổi")
    COMPENSATORY_DAY_OFF = "compensatory_day_off", _("Ngày nghỉ bù")
    LOCAL_DAY_OFF = "local_day_off", _("Ngày nghỉ của địa phương")
    MAKEUP_WORKING_DAY = "makeup_working_day", _("Ngày làm bù")
    WORKING_DAY = "working_day", _("Ngày làm việc (bỏ ngày nghỉ của thư viện)")


DAY_OFF_KINDS = {DayKind.HOLIDAY, DayKind.SWAPPED_DAY_OFF, DayKind.COMPENSATORY_DAY_OFF, DayKind.LOCAL_DAY_OFF}


class CalendarDay(models.Model):
    """A dated override of the national holidays: extra day off, make-up working day, cancellation.

    `scope_code` is empty for the whole country, otherwise the code of the unit (and its
    sub-tree) it applies to. Inactive entries are pending decisions with no effect (CAL-2).
    """

    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=24, choices=DayKind.choices)
    name = models.CharField(_("tên"), max_length=200)
    scope_code = models.CharField(_("phạm vi (mã đơn vị, để trống = toàn quốc)"), max_length=40, blank=True)
    legal_ref = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    active = models.BooleanField(_("có hiệu lực"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ngày điều chỉnh lịch")
        verbose_name_plural = _("các ngày điều chỉnh lịch")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "scope_code"], name="calendarday_one_per_date_scope"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"


class OfficeHours(models.Model):
    """Office periods of a unit from `valid_from` on (CAL-7); empty scope = default for all units."""

    scope_code = models.CharField(_("phạm vi (mã đơn vị, để trống = mặc định)"), max_length=40, blank=True)
    valid_from = models.DateField(_("áp dụng từ ngày"))
    morning_start = models.TimeField(_("sáng bắt đầu"))
    morning_end = models.TimeField(_("sáng kết thúc"))
    afternoon_start = models.TimeField(_("chiều bắt đầu"))
    afternoon_end = models.TimeField(_("chiều kết thúc"))

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["scope_code", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["scope_code", "valid_from"], name="officehours_one_per_scope_date"),
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="officehours_ordered",
            ),
        ]

    def __str__(self) -> str:
        scope = self.scope_code or _("mặc định")
        morning = f"{self.morning_start:%H:%M}–{self.morning_end:%H:%M}"
        return f"{scope}: {morning}, {self.afternoon_start:%H:%M}–{self.afternoon_end:%H:%M}"
