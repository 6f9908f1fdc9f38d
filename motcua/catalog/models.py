"""The procedure catalog (DOMAIN.md §3): procedures, effective-dated versions and their parts."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role, Unit
from motcua.workdays.arith import TimeUnit
from motcua.workdays.explain import limit_label


class Level(models.TextChoices):
    CENTRAL = "central", _("Cấp trung ương")
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class TimeUnitChoice(models.TextChoices):
    SAME_DAY = TimeUnit.SAME_DAY.value, _("Trong ngày")
    HOURS = TimeUnit.HOURS.value, _("Giờ làm việc")
    WORKING_DAYS = TimeUnit.WORKING_DAYS.value, _("Ngày làm việc")
    DAYS = TimeUnit.DAYS.value, _("Ngày")
    MONTHS = TimeUnit.MONTHS.value, _("Tháng")


class ClockRule(models.TextChoices):
    PAUSE = "pause", _("Tạm dừng khi yêu cầu bổ sung")
    RESTART = "restart", _("Tính lại từ đầu khi nhận đủ bổ sung")


class OnlineLevel(models.TextChoices):
    NONE = "none", _("Không trực tuyến")
    PARTIAL = "partial", _("Trực tuyến một phần")
    FULL = "full", _("Trực tuyến toàn trình")


class Postal(models.TextChoices):
    NONE = "none", _("Không qua bưu chính")
    SUBMIT = "submit", _("Nộp qua bưu chính")
    RETURN = "return", _("Trả kết quả qua bưu chính")
    BOTH = "both", _("Nộp và nhận qua bưu chính")


class Subjects(models.TextChoices):
    CITIZEN = "citizen", _("Công dân")
    ORGANISATION = "organisation", _("Tổ chức")
    BOTH = "both", _("Công dân, tổ chức")


class Field(models.Model):
    """A field (lĩnh vực) of procedures, as the national database names it."""

    name = models.CharField(_("tên lĩnh vực"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """Identity of an administrative procedure (thủ tục hành chính) by its code (CAT-1).

    `code` is the national code (mã TTHC, e.g. 1.004227) where one exists, else a local code.
    """

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(models.Model):
    """A procedure as in force from `valid_from` to `valid_to` (both inclusive; empty = open).

    Versions of one procedure never overlap: a database constraint (exclusion on PostgreSQL,
    trigger on SQLite) and `catalog.services` both enforce it.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    name = models.TextField(_("tên thủ tục"))
    search_text = models.TextField(editable=False, default="")  # accent-free name, code and field
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="versions")
    level = models.CharField(_("cấp thực hiện"), max_length=10, choices=Level.choices)
    subjects = models.CharField(_("đối tượng"), max_length=14, choices=Subjects.choices, default=Subjects.BOTH)
    competent_unit = models.ForeignKey(
        Unit, verbose_name=_("cơ quan giải quyết"), on_delete=models.PROTECT, related_name="procedure_versions"
    )
    coordinating_units = models.ManyToManyField(
        Unit, verbose_name=_("cơ quan phối hợp"), blank=True, related_name="coordinated_procedure_versions"
    )
    agency_text = models.TextField(_("cơ quan thực hiện (như công bố)"), blank=True)
    time_limit_amount = models.PositiveIntegerField(_("thời hạn giải quyết"), null=True, blank=True)
    time_limit_unit = models.CharField(_("đơn vị thời hạn"), max_length=14, choices=TimeUnitChoice.choices)
    time_limit_text = models.TextField(_("thời hạn (như công bố)"), blank=True)
    committed_amount = models.PositiveIntegerField(_("thời hạn cam kết"), null=True, blank=True)
    committed_unit = models.CharField(
        _("đơn vị thời hạn cam kết"), max_length=14, choices=TimeUnitChoice.choices, blank=True
    )
    clock_rule = models.CharField(
        _("khi yêu cầu bổ sung"), max_length=8, choices=ClockRule.choices, default=ClockRule.PAUSE
    )
    clock_runs_awaiting_payment = models.BooleanField(_("tính thời gian khi chờ nghĩa vụ tài chính"), default=True)
    online_level = models.CharField(_("mức độ dịch vụ công trực tuyến"), max_length=8, choices=OnlineLevel.choices)
    handled_at_counter = models.BooleanField(_("giải quyết tại chỗ"), default=False)
    is_inter_agency = models.BooleanField(_("liên thông"), default=False)
    postal = models.CharField(_("bưu chính công ích"), max_length=8, choices=Postal.choices, default=Postal.BOTH)
    result_type = models.CharField(_("kết quả"), max_length=255, blank=True)
    electronic_result = models.BooleanField(_("trả kết quả điện tử"), default=False)
    fee_text = models.TextField(_("phí, lệ phí (như công bố)"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    sample_dossier = models.FileField(
        _("hồ sơ mẫu (tệp)"), upload_to="catalog/samples/", blank=True, help_text=_("Hồ sơ mẫu đã điền sẵn.")
    )
    sample_dossier_url = models.URLField(
        _("hồ sơ mẫu (đường dẫn)"), blank=True, help_text=_("Ví dụ video hướng dẫn hoặc hồ sơ mẫu trên Cổng DVCQG.")
    )
    source = models.TextField(_("nguồn"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure__code", "valid_from"]
        indexes = [models.Index(fields=["level"]), models.Index(fields=["online_level"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="procedureversion_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(time_limit_unit=TimeUnit.SAME_DAY.value) | Q(time_limit_amount__gte=1),
                name="procedureversion_amount_set",
            ),
            models.CheckConstraint(
                condition=Q(time_limit_unit__in=TimeUnitChoice.values), name="procedureversion_unit_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} — {self.name}"

    @property
    def time_limit_display(self) -> str:
        return limit_label(unit=self.time_limit_unit, amount=self.time_limit_amount or 0)


class ComponentForm(models.TextChoices):
    ORIGINAL = "original", _("Bản chính")
    COPY = "copy", _("Bản sao")
    CERTIFIED_COPY = "certified_copy", _("Bản sao chứng thực")
    ELECTRONIC = "electronic", _("Bản điện tử")


class DocumentComponent(models.Model):
    """A required document (thành phần hồ sơ) of a procedure version."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="components")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.TextField(_("tên giấy tờ"))
    form = models.CharField(
        _("hình thức"), max_length=16, choices=ComponentForm.choices, default=ComponentForm.ORIGINAL
    )
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    template = models.FileField(_("mẫu đơn, tờ khai"), upload_to="catalog/templates/", blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="component_order_unique")]

    def __str__(self) -> str:
        return self.name


class FeeKind(models.TextChoices):
    FEE = "fee", _("Phí")
    CHARGE = "charge", _("Lệ phí")
    OTHER = "other", _("Khác")


class FeeItem(models.Model):
    """A fee or charge of a procedure version, collected at a given moment (FEE-1)."""

    class Moment(models.TextChoices):
        ACCEPTANCE = "acceptance", _("Khi tiếp nhận")
        SUPPLEMENT = "supplement", _("Khi bổ sung")
        RESULT = "result", _("Khi trả kết quả")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    kind = models.CharField(_("loại"), max_length=8, choices=FeeKind.choices, default=FeeKind.CHARGE)
    name = models.CharField(_("tên"), max_length=255)
    amount = models.DecimalField(_("mức thu (đồng)"), max_digits=14, decimal_places=0, null=True, blank=True)
    collected_at = models.CharField(
        _("thời điểm thu"), max_length=12, choices=Moment.choices, default=Moment.ACCEPTANCE
    )

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="fee_not_negative")
        ]

    def __str__(self) -> str:
        return self.name


class QuotaUnit(models.TextChoices):
    HOURS = TimeUnit.HOURS.value, _("Giờ làm việc")
    WORKING_DAYS = TimeUnit.WORKING_DAYS.value, _("Ngày làm việc")


class ProcessStep(models.Model):
    """A step of the internal process (quy trình nội bộ) with its time quota (CAT-5, CAT-6)."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("bước"))
    name = models.CharField(_("nội dung"), max_length=255)
    role = models.CharField(_("vai trò"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị thực hiện"), null=True, blank=True, on_delete=models.PROTECT)
    quota_amount = models.DecimalField(_("thời gian"), max_digits=6, decimal_places=2)
    quota_unit = models.CharField(_("đơn vị"), max_length=14, choices=QuotaUnit.choices, default=QuotaUnit.WORKING_DAYS)
    can_request_supplement = models.BooleanField(_("được yêu cầu bổ sung"), default=False)
    requires_signature = models.BooleanField(_("cần ký duyệt"), default=False)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="step_order_unique"),
            models.CheckConstraint(condition=Q(quota_amount__gt=0), name="step_quota_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"
