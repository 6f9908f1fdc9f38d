"""Units (an effective-dated tree), users, memberships with roles, and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """Kind of unit (DOMAIN.md §2.2), as used by the import format."""

    PROVINCE = "province", _("UBND tỉnh, thành phố")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DIVISION = "division", _("Phòng, đơn vị trực thuộc")
    COMMUNE = "commune", _("UBND xã, phường, đặc khu")
    SERVICE_CENTER = "service_center", _("Trung tâm Phục vụ hành chính công")
    RECEPTION_POINT = "reception_point", _("Điểm tiếp nhận, chi nhánh")
    CENTRAL_BRANCH = "central_branch", _("Cơ quan ngành dọc")


class Unit(models.Model):
    """An organisation unit (đơn vị) with its national identifier code (ORG-6, ORG-12).

    Units are never renamed in place: a change creates a new unit and a `UnitSuccession` link.
    """

    code = models.CharField(_("mã định danh"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    kind = models.CharField(_("loại đơn vị"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    external_codes = models.JSONField(_("mã ở hệ thống khác"), default=dict, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    due_soon_hours = models.PositiveSmallIntegerField(
        _("ngưỡng sắp đến hạn (giờ làm việc)"),
        null=True,
        blank=True,
        help_text=_("Để trống: theo đơn vị cấp trên, hoặc mặc định của hệ thống (ST-5)."),
    )

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="unit_valid_range",
            ),
            models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="unit_kind_known"),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class SuccessionType(models.TextChoices):
    MERGE = "merge", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia, tách")
    RENAME = "rename", _("Đổi tên")
    TRANSFER = "transfer_of_function", _("Chuyển giao chức năng")


class UnitSuccession(models.Model):
    """Link from a unit that ended to the unit that took over (ORG-7)."""

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị cũ"), on_delete=models.PROTECT, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị kế thừa"), on_delete=models.PROTECT, related_name="predecessions"
    )
    type = models.CharField(_("hình thức"), max_length=24, choices=SuccessionType.choices)
    effective_date = models.DateField(_("ngày hiệu lực"))
    legal_ref = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair"),
            models.CheckConstraint(condition=~Q(predecessor=F("successor")), name="succession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class User(AbstractUser):
    """A person who logs in: officer, leader, administrator (rule 15: custom from the start)."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    RECEPTION_OFFICER = "reception_officer", _("Cán bộ một cửa")
    PROCESSING_OFFICER = "processing_officer", _("Chuyên viên thụ lý")
    DIVISION_HEAD = "division_head", _("Lãnh đạo phòng")
    AGENCY_HEAD = "agency_head", _("Lãnh đạo cơ quan")
    CLERK = "clerk", _("Văn thư")
    PAR_OFFICER = "par_officer", _("Cán bộ CCHC (Sở Nội vụ)")
    LEADER = "leader", _("Lãnh đạo UBND")
    ADMIN = "admin", _("Quản trị")


class Membership(models.Model):
    """A user's role in a unit; access to a unit extends to its whole sub-tree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=24, choices=Role.choices)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class ApiToken(models.Model):
    """A bearer token for an integration; only its SHA-256 digest is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("tiền tố"), max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    revoked = models.BooleanField(_("đã thu hồi"), default=False)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
