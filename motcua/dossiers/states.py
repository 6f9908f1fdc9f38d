"""The dossier state machine of DOMAIN.md §5.4: states, portal codes and allowed transitions.

Pure data: services check `can_transition` before changing anything; nothing here touches the
database.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    """State of a dossier (trạng thái hồ sơ)."""

    SUBMITTED = "submitted", _("Mới đăng ký")
    RETURNED_FOR_COMPLETION = "returned_for_completion", _("Yêu cầu hoàn thiện trước tiếp nhận")
    REFUSED_AT_RECEPTION = "refused_at_reception", _("Không được tiếp nhận")
    ACCEPTED = "accepted", _("Được tiếp nhận")
    IN_PROCESS = "in_process", _("Đang xử lý")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung giấy tờ")
    AWAITING_PAYMENT = "awaiting_payment", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWAL_REQUESTED = "withdrawal_requested", _("Công dân yêu cầu rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")
    DONE = "done", _("Đã xử lý xong")
    DELIVERED = "delivered", _("Đã trả kết quả")


# Portal TrangThaiHoSo (DOMAIN.md §5.4); a reception-stage completion request keeps code 1 [GK].
PORTAL_STATUS: dict[str, int] = {
    State.SUBMITTED: 1,
    State.RETURNED_FOR_COMPLETION: 1,
    State.ACCEPTED: 2,
    State.REFUSED_AT_RECEPTION: 3,
    State.IN_PROCESS: 4,
    State.SUPPLEMENT_REQUESTED: 5,
    State.AWAITING_PAYMENT: 6,
    State.WITHDRAWAL_REQUESTED: 7,
    State.STOPPED: 8,
    State.DONE: 9,
    State.DELIVERED: 10,
}
STATE_BY_PORTAL_STATUS: dict[int, str] = {
    1: State.SUBMITTED,
    2: State.ACCEPTED,
    3: State.REFUSED_AT_RECEPTION,
    4: State.IN_PROCESS,
    5: State.SUPPLEMENT_REQUESTED,
    6: State.AWAITING_PAYMENT,
    7: State.WITHDRAWAL_REQUESTED,
    8: State.STOPPED,
    9: State.DONE,
    10: State.DELIVERED,
}

# States in which the dossier is open (the clock has started and no end state is reached).
OPEN_STATES = frozenset(
    {State.ACCEPTED, State.IN_PROCESS, State.SUPPLEMENT_REQUESTED, State.AWAITING_PAYMENT, State.WITHDRAWAL_REQUESTED}
)
RECEPTION_STATES = frozenset({State.SUBMITTED, State.RETURNED_FOR_COMPLETION})
END_STATES = frozenset({State.REFUSED_AT_RECEPTION, State.STOPPED, State.DONE, State.DELIVERED})


class Channel(models.IntegerChoices):
    """How the dossier was submitted (KenhThucHien)."""

    COUNTER = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Bưu chính công ích")


class ReturnMethod(models.TextChoices):
    COUNTER = "counter", _("Tại Bộ phận Một cửa")
    POST = "post", _("Qua bưu chính công ích")
    ELECTRONIC = "electronic", _("Kết quả điện tử")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Giải quyết (cấp kết quả)")
    REFUSED = "refused", _("Từ chối giải quyết (văn bản nêu rõ lý do)")


class ApplicantKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    ORGANISATION = "organisation", _("Tổ chức")
