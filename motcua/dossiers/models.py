"""Dossiers (hồ sơ) and everything recorded about them: steps, pauses, re-appointments,
received components, the hash-chained event history, the outbox and the code sequences.

Only `dossiers.services` writes these rows (DESIGN.md rules 1–2); admin shows them read-only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Role, Unit
from motcua.catalog.models import (
    ClockRule,
    ComponentForm,
    DocumentComponent,
    ProcedureVersion,
    QuotaUnit,
    TimeUnitChoice,
)
from motcua.dossiers.states import PORTAL_STATUS, ApplicantKind, Channel, Outcome, ReturnMethod, State


class Dossier(models.Model):
    """An administrative-procedure dossier from submission to the returned result (DOMAIN.md §5).

    The procedure version and its time limit, unit and clock rule are frozen at acceptance
    (V-2, CAT-8). `appointment_at` is the original appointment and is never overwritten by an
    apology (ST-11); `current_appointment_at` follows re-appointments and supplements.
    """

    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    procedure_version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    reception_point = models.ForeignKey(
        Unit, verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="dossiers_received_here"
    )
    receiving_unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị tiếp nhận"), on_delete=models.PROTECT, related_name="dossiers_received"
    )
    competent_agency = models.ForeignKey(
        Unit, verbose_name=_("cơ quan giải quyết"), on_delete=models.PROTECT, related_name="dossiers_competent"
    )
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices)

    applicant_kind = models.CharField(_("loại chủ hồ sơ"), max_length=12, choices=ApplicantKind.choices)
    applicant_name = models.CharField(_("chủ hồ sơ"), max_length=255)
    applicant_id_number = models.CharField(_("số định danh / mã số"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    submitter_name = models.CharField(_("người nộp"), max_length=255, blank=True)
    submitter_id_number = models.CharField(_("số định danh người nộp"), max_length=20, blank=True)
    submitter_phone = models.CharField(_("điện thoại người nộp"), max_length=20, blank=True)
    subject = models.TextField(_("nội dung yêu cầu"), blank=True)

    state = models.CharField(_("trạng thái"), max_length=24, choices=State.choices, default=State.SUBMITTED)
    submitted_at = models.DateTimeField(_("ngày nộp"))
    accepted_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    time_limit_amount = models.PositiveIntegerField(_("thời hạn giải quyết"), null=True, blank=True)
    time_limit_unit = models.CharField(_("đơn vị thời hạn"), max_length=14, choices=TimeUnitChoice.choices, blank=True)
    clock_rule = models.CharField(_("khi bổ sung"), max_length=8, choices=ClockRule.choices, blank=True)
    clock_runs_awaiting_payment = models.BooleanField(default=True)
    appointment_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    current_appointment_at = models.DateTimeField(_("ngày hẹn trả hiện tại"), null=True, blank=True, db_index=True)
    appointment_explanation = models.JSONField(_("giải thích ngày hẹn"), default=list, blank=True)
    processing_ended_at = models.DateTimeField(_("ngày kết thúc xử lý"), null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    completion_requested = models.BooleanField(_("đã hướng dẫn hoàn thiện"), default=False)
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)

    current_step = models.OneToOneField(
        "DossierStep",
        verbose_name=_("bước hiện tại"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(_("kết quả giải quyết"), max_length=10, choices=Outcome.choices, blank=True)
    result_summary = models.TextField(_("nội dung kết quả / lý do từ chối"), blank=True)
    result_code = models.CharField(_("số, ký hiệu kết quả"), max_length=100, blank=True)
    result_file = models.FileField(_("tệp kết quả điện tử"), upload_to="dossiers/results/%Y/%m/", blank=True)
    return_method = models.CharField(
        _("hình thức trả kết quả"), max_length=10, choices=ReturnMethod.choices, blank=True
    )
    lookup_secret = models.CharField(max_length=43, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Whether the statistics counters hold this dossier as it is now: every transition clears it
    # (services.core.record_entries), `manage.py fill_counters` sets it (reports.counters, ADR 0005).
    counted = models.BooleanField(_("đã tổng hợp vào bộ đếm"), default=False)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["receiving_unit", "state"]),
            models.Index(fields=["competent_agency", "state"]),
            models.Index(fields=["state", "current_appointment_at"]),
            models.Index(fields=["accepted_at"]),
            # The dossiers due in a range, with all that tells whether each was pending then and where it
            # counts, so that "about to be late" is counted from the index alone (reports.counted).
            models.Index(
                fields=[
                    "appointment_at",
                    "accepted_at",
                    "processing_ended_at",
                    "state",
                    "supplement_count",
                    "receiving_unit",
                    "channel",
                    "procedure_version",
                    "id",
                ],
                name="dossier_appointment_covering",
            ),
            models.Index(fields=["id"], condition=Q(counted=False), name="dossier_not_counted"),
            models.Index(fields=["delivered_at"], condition=Q(delivered_at__isnull=False), name="dossier_delivered_at"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="dossier_channel_known"),
            models.CheckConstraint(condition=Q(state__in=State.values), name="dossier_state_known"),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(accepted_at__gte=F("submitted_at")),
                name="dossier_accepted_after_submitted",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(appointment_at__isnull=False),
                name="dossier_accepted_has_appointment",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def portal_status(self) -> int:
        return PORTAL_STATUS[self.state]


class DossierStep(models.Model):
    """One step of the dossier's internal process, with its quota and due time (STEP-2)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("bước"))
    name = models.CharField(_("nội dung"), max_length=255)
    role = models.CharField(_("vai trò"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="dossier_steps")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier_steps",
    )
    quota_amount = models.DecimalField(_("thời gian"), max_digits=6, decimal_places=2)
    quota_unit = models.CharField(_("đơn vị"), max_length=14, choices=QuotaUnit.choices)
    started_at = models.DateTimeField(_("bắt đầu"))
    due_at = models.DateTimeField(_("hạn bước"), db_index=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    finish_kind = models.CharField(_("cách kết thúc"), max_length=16, blank=True)  # forwarded, returned, ended
    note = models.TextField(_("ghi chú"), blank=True)
    is_consultation = models.BooleanField(_("lấy ý kiến liên thông"), default=False)

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("các bước xử lý hồ sơ")
        ordering = ["dossier", "started_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(finished_at__isnull=True), name="dossierstep_one_open_per_dossier"
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=F("started_at")),
                name="dossierstep_finished_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier.code} — {self.order}. {self.name}"


class PauseKind(models.TextChoices):
    SUPPLEMENT = "supplement", _("Chờ bổ sung hồ sơ")
    PAYMENT = "payment", _("Chờ thực hiện nghĩa vụ tài chính")


class PauseInterval(models.Model):
    """An interval during which the clock stops (SUP-3, FEE-2); open while `ended_at` is empty."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(_("loại"), max_length=12, choices=PauseKind.choices)
    started_at = models.DateTimeField(_("bắt đầu"))
    ended_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    reason = models.TextField(_("lý do, nội dung yêu cầu"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    step = models.ForeignKey(DossierStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    counts_clock = models.BooleanField(_("vẫn tính thời gian"), default=False)

    class Meta:
        verbose_name = _("thời gian tạm dừng")
        verbose_name_plural = _("thời gian tạm dừng")
        ordering = ["dossier", "started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"], condition=Q(ended_at__isnull=True), name="pause_one_open_per_dossier"
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")), name="pause_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%d/%m/%Y %H:%M}"


class ApologyCause(models.TextChoices):
    """Cause category of a late dossier (APO-5)."""

    WORKLOAD = "workload", _("Khối lượng hồ sơ lớn, thiếu nhân lực")
    VERIFICATION = "verification", _("Cần xác minh, kiểm tra thực địa")
    CONSULTATION = "consultation", _("Chờ ý kiến cơ quan phối hợp")
    STAFF_ERROR = "staff_error", _("Sai sót của cán bộ, công chức")
    SYSTEM = "system", _("Sự cố hệ thống, hạ tầng")
    OTHER = "other", _("Nguyên nhân khác")


class Apology(models.Model):
    """The apology letter with its re-appointment (DOMAIN.md §5.9): once per dossier, approved by an agency head."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="apology")
    cause = models.CharField(_("nhóm nguyên nhân"), max_length=16, choices=ApologyCause.choices)
    reason = models.TextField(_("lý do chậm trễ"))
    responsible_step = models.ForeignKey(
        DossierStep, verbose_name=_("bước gây chậm"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responsible_unit = models.ForeignKey(Unit, verbose_name=_("đơn vị chịu trách nhiệm"), on_delete=models.PROTECT)
    original_appointment_at = models.DateTimeField(_("ngày hẹn cũ"))
    new_appointment_at = models.DateTimeField(_("ngày hẹn mới"))
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(_("ngày soạn"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("ngày duyệt"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu xin lỗi và hẹn lại")
        verbose_name_plural = _("phiếu xin lỗi và hẹn lại")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_appointment_at__gt=F("original_appointment_at")), name="apology_moves_later"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.original_appointment_at:%d/%m/%Y} → {self.new_appointment_at:%d/%m/%Y}"


class ReceivedComponent(models.Model):
    """A document received with the dossier, ticked at reception or uploaded online."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    component = models.ForeignKey(DocumentComponent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.TextField(_("tên giấy tờ"))
    form = models.CharField(_("hình thức"), max_length=16, choices=ComponentForm.choices)
    quantity = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    file = models.FileField(_("tệp số hóa"), upload_to="dossiers/components/%Y/%m/", blank=True)
    received_at = models.DateTimeField(_("nhận lúc"))
    is_supplement = models.BooleanField(_("nộp bổ sung"), default=False)

    class Meta:
        verbose_name = _("giấy tờ đã nhận")
        verbose_name_plural = _("giấy tờ đã nhận")
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.name


class DossierEvent(models.Model):
    """An append-only, hash-chained record of something that happened to a dossier (SM-1).

    `hash` = SHA-256 of the predecessor's hash and this event's canonical content; see
    `dossiers.events`. Rows are never updated or deleted; corrections are new events.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField(_("số thứ tự"))
    type = models.CharField(_("loại sự kiện"), max_length=40)
    at = models.DateTimeField(_("thời điểm"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="dossier_events"
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=255, blank=True)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24, blank=True)
    data = models.JSONField(default=dict, blank=True)  # old/new values, document, note
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("lịch sử hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="event_seq_unique_per_dossier")]
        # The statistics read the withdrawal request of each withdrawn dossier (reports.selectors.facts_stream)
        indexes = [
            models.Index(
                fields=["dossier", "seq", "at"],
                condition=Q(type="withdrawal_requested"),
                name="event_withdrawal_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.type}"


class OutboxMessage(models.Model):
    """A citizen notification written in the transaction of its event and sent later (outbox)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        SMS = "sms", _("Tin nhắn SMS")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="outbox")
    event = models.ForeignKey(DossierEvent, on_delete=models.PROTECT, related_name="outbox")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=255)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo chờ gửi")
        verbose_name_plural = _("thông báo chờ gửi")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "channel"], name="outbox_one_per_event_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject}"


class DossierCodeSequence(models.Model):
    """The last number issued for a receiving unit on a day (Circular 01/2018 art. 19 daily sequence)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="codesequence_unit_day_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}: {self.last_value}"


class RatingLevel(models.IntegerChoices):
    """The five-level answer to a rating question (RATE-2)."""

    VERY_SATISFIED = 5, _("Rất hài lòng")
    SATISFIED = 4, _("Hài lòng")
    NEUTRAL = 3, _("Bình thường")
    DISSATISFIED = 2, _("Không hài lòng")
    VERY_DISSATISFIED = 1, _("Rất không hài lòng")


class RatingChannel(models.TextChoices):
    """Where the rating was given (RATE-4)."""

    PORTAL = "portal", _("Cổng dịch vụ công")
    KIOSK = "kiosk", _("Thiết bị đánh giá tại quầy")
    API = "api", _("Ứng dụng kết nối (API)")


class Rating(models.Model):
    """The applicant's rating (đánh giá mức độ hài lòng) of a dossier's handling (DOMAIN.md §5.13).

    One per dossier; a later change replaces the answers, bumps `revision` and appends a
    `rating_replaced` event with the old and new values to the dossier's hash chain (RATE-1).
    `answers` maps optional criterion codes (dossiers.rating.CRITERIA) to a RatingLevel.
    """

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    overall = models.PositiveSmallIntegerField(_("mức độ hài lòng chung"), choices=RatingLevel.choices)
    answers = models.JSONField(_("đánh giá theo tiêu chí"), default=dict, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True)
    channel = models.CharField(_("kênh đánh giá"), max_length=8, choices=RatingChannel.choices)
    first_rated_at = models.DateTimeField(_("đánh giá lần đầu"))
    rated_at = models.DateTimeField(_("đánh giá lúc"), db_index=True)
    revision = models.PositiveSmallIntegerField(_("lần đánh giá"), default=1)

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")
        ordering = ["-rated_at"]
        constraints = [
            models.CheckConstraint(condition=Q(overall__gte=1) & Q(overall__lte=5), name="rating_overall_in_scale"),
            models.CheckConstraint(condition=Q(rated_at__gte=F("first_rated_at")), name="rating_rated_after_first"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.get_overall_display()}"


class RatingFollowUp(models.Model):
    """A follow-up item a dissatisfied rating opens for the head of the competent agency (RATE-5)."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="follow_ups")
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="rating_follow_ups")
    revision = models.PositiveSmallIntegerField(_("lần đánh giá"))
    opened_at = models.DateTimeField(_("mở lúc"), db_index=True)
    outcome = models.TextField(_("kết quả xử lý"), blank=True)
    closed_at = models.DateTimeField(_("ghi nhận lúc"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("việc xử lý đánh giá không hài lòng")
        verbose_name_plural = _("việc xử lý đánh giá không hài lòng")
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["unit", "closed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["rating"], condition=Q(closed_at__isnull=True), name="followup_one_open_per_rating"
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("opened_at")),
                name="followup_closed_after_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating_id} @ {self.opened_at:%d/%m/%Y}"


class FileKind(models.TextChoices):
    """Kinds of uploaded file accepted, recognised from the content and never from the name."""

    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"


class DossierFile(models.Model):
    """An electronic document (tệp đính kèm) uploaded for a received component, kept outside the web root.

    `storage_name` is generated and relative to settings.UPLOAD_ROOT; the client's file name is only
    shown. Files are served by views that check access to the dossier, never by the web server.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    received = models.ForeignKey(
        ReceivedComponent, verbose_name=_("giấy tờ"), on_delete=models.CASCADE, related_name="files"
    )
    original_name = models.CharField(_("tên tệp khi nộp"), max_length=255)
    storage_name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(_("loại tệp"), max_length=8, choices=FileKind.choices)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("tải lên lúc"))

    class Meta:
        verbose_name = _("tệp đính kèm hồ sơ")
        verbose_name_plural = _("tệp đính kèm hồ sơ")
        ordering = ["dossier", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="dossierfile_not_empty"),
            models.CheckConstraint(condition=Q(kind__in=FileKind.values), name="dossierfile_kind_known"),
        ]

    def __str__(self) -> str:
        return self.original_name


class OneTimeCode(models.Model):
    """A one-time code (mã xác thực) sent to a citizen's phone or e-mail: stored hashed, expiring, few tries.

    The rows are also the send counters per contact and per client, so every process sees the limits.
    A code is closed when it is verified, replaced by a newer one or out of attempts.
    """

    contact = models.CharField(max_length=254)
    channel = models.CharField(max_length=8, choices=OutboxMessage.Channel.choices)
    code_hash = models.CharField(max_length=64)
    salt = models.CharField(max_length=32)
    client_key = models.CharField(max_length=64)  # keyed hash of the client's address, not the address
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    verified = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("mã xác thực")
        verbose_name_plural = _("mã xác thực")
        indexes = [
            models.Index(fields=["contact", "created_at"]),
            models.Index(fields=["client_key", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.created_at:%d/%m/%Y %H:%M}"
