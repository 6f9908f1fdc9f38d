"""The public status lookup (issue 5): a dossier found by its code and a phone on file, or by the secret
printed as the receipt's QR code, behind a rate limit shared by every process.

One answer for "no such code" and "wrong phone" (no oracle). Failed look-ups are counted per client in
the shared cache (settings.CACHES: the database table or Redis, never process memory) in fixed windows
of LOOKUP_WINDOW_MINUTES; from the LOOKUP_FAILURE_LIMIT-th failure on, every look-up from that client is
refused until the window ends, even a right one. Each failure takes the first free numbered slot with the
cache's atomic `add`, so concurrent failures cannot share a count on any backend.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.rules import normalise_phone
from motcua.dossiers.states import Outcome, ReturnMethod, State
from motcua.lib.personal_data import phone_mask

SECRET_LENGTH = 43  # secrets.token_urlsafe(32)
LOOKUP_RELATED = ("procedure_version__procedure", "receiving_unit", "competent_agency", "apology", "rating")


class LookupRefused(Exception):
    """The look-up failed (unknown code, wrong phone or secret): the same message for every cause."""

    status = 404
    code = "not_found"
    message = (
        "Không tìm thấy hồ sơ với thông tin đã nhập. Kiểm tra lại mã hồ sơ và số điện thoại đã đăng ký / "
        "no dossier matches what was entered: check the dossier code and the registered phone number"
    )


class LookupThrottled(LookupRefused):
    """Too many failed look-ups from this client in the current window (429)."""

    status = 429
    code = "too_many_requests"
    message = (
        "Bạn đã tra cứu sai quá nhiều lần. Vui lòng thử lại sau ít phút / "
        "too many failed look-ups from this connection: try again in a few minutes"
    )


@dataclass(frozen=True)
class Limit:
    """The failures allowed per window, and the window in seconds."""

    failures: int
    seconds: int

    @classmethod
    def configured(cls) -> Limit:
        failures = int(getattr(settings, "LOOKUP_FAILURE_LIMIT", 10))
        minutes = int(getattr(settings, "LOOKUP_WINDOW_MINUTES", 15))
        return cls(max(failures, 1), max(minutes, 1) * 60)


def _client_key(client: str, limit: Limit) -> str:
    window = int(time.time()) // limit.seconds
    digest = hashlib.sha256(client.encode()).hexdigest()[:32]  # no raw address in the cache
    return f"lookup-failures:{digest}:{window}"


def lookup_throttled(client: str) -> bool:
    """Return whether `client` used up its failed look-ups in the current window."""
    limit = Limit.configured()
    return cache.get(f"{_client_key(client, limit)}:{limit.failures}") is not None


def lookup_failure_record(client: str) -> None:
    """Count one failed look-up of `client` in the current window (atomic on every cache backend)."""
    limit = Limit.configured()
    key = _client_key(client, limit)
    slots = [f"{key}:{n}" for n in range(1, limit.failures + 1)]
    taken = cache.get_many(slots)
    for slot in slots:
        if slot not in taken and cache.add(slot, 1, timeout=limit.seconds):
            return


def phone_matches(dossier: Dossier, phone: str) -> bool:
    """Return whether `phone` is the applicant's or the submitter's phone on file (normalised)."""
    typed = normalise_phone(phone or "")
    if not typed:
        return False
    on_file = [normalise_phone(p) for p in (dossier.applicant_phone, dossier.submitter_phone) if p]
    return any(hmac.compare_digest(typed.encode(), known.encode()) for known in on_file)


def lookup_client(request: HttpRequest) -> str:
    """Return who is looking up, for the rate limit: the client address as login throttling sees it."""
    return get_client_ip_address(request) or "unknown"


def dossier_for_status(code: str) -> Dossier | None:
    """Return dossier `code` with what its status page shows, for a visitor who already proved it is theirs."""
    return Dossier.objects.select_related(*LOOKUP_RELATED).filter(code=code).first()


def _found(dossier: Dossier | None, client: str) -> Dossier:
    if dossier is None:
        lookup_failure_record(client)
        raise LookupRefused(LookupRefused.message)
    return dossier


def dossier_lookup(*, client: str, code: str = "", phone: str = "", secret: str = "") -> Dossier:
    """Return the dossier with `code` whose phone on file is `phone`, or whose lookup secret is `secret`.

    Raise LookupThrottled while `client` is over its limit, else LookupRefused on any mismatch.
    """
    if lookup_throttled(client):
        raise LookupThrottled(LookupThrottled.message)
    rows = Dossier.objects.select_related(*LOOKUP_RELATED)
    if secret:
        secret = secret.strip()
        dossier = rows.filter(lookup_secret=secret).first() if len(secret) == SECRET_LENGTH else None
        return _found(dossier, client)
    code = (code or "").strip()
    # codes are printed in capitals (…H56-250512-0007); someone may type them in lower case
    dossier = rows.filter(code__in={code, code.upper()}).first() if code and len(code) <= 64 else None
    return _found(dossier if dossier is not None and phone_matches(dossier, phone) else None, client)


# --- what the applicant sees --------------------------------------------------------------------

# The state in plain words, and what the applicant should do next.
STATE_WORDS: dict[str, tuple[Promise, Promise]] = {
    State.SUBMITTED: (_("Đã gửi hồ sơ, đang chờ cán bộ kiểm tra"), _("Cán bộ sẽ kiểm tra và báo kết quả tiếp nhận.")),
    State.RETURNED_FOR_COMPLETION: (
        _("Hồ sơ cần hoàn thiện trước khi được tiếp nhận"),
        _("Ông/bà bổ sung các giấy tờ dưới đây rồi nộp lại."),
    ),
    State.REFUSED_AT_RECEPTION: (_("Hồ sơ không được tiếp nhận"), _("Lý do được ghi trong lịch sử bên dưới.")),
    State.ACCEPTED: (_("Hồ sơ đã được tiếp nhận"), _("Hồ sơ sẽ được chuyển đến cơ quan giải quyết.")),
    State.IN_PROCESS: (_("Hồ sơ đang được giải quyết"), _("Ông/bà chưa cần làm gì thêm.")),
    State.SUPPLEMENT_REQUESTED: (
        _("Cần bổ sung giấy tờ"),
        _("Ông/bà mang hoặc gửi các giấy tờ dưới đây; thời gian chờ bổ sung không tính vào thời hạn giải quyết."),
    ),
    State.AWAITING_PAYMENT: (_("Chờ nộp phí, lệ phí"), _("Ông/bà nộp phí, lệ phí để hồ sơ được tiếp tục giải quyết.")),
    State.WITHDRAWAL_REQUESTED: (_("Đã nhận yêu cầu rút hồ sơ"), _("Cơ quan giải quyết sẽ dừng giải quyết hồ sơ.")),
    State.STOPPED: (_("Hồ sơ đã dừng giải quyết"), _("Lý do được ghi trong lịch sử bên dưới.")),
    State.DONE: (_("Đã có kết quả, chờ nhận"), _("Ông/bà đến nhận kết quả theo hình thức đã đăng ký.")),
    State.DELIVERED: (_("Đã trả kết quả"), _("Cảm ơn ông/bà. Mời ông/bà đánh giá mức độ hài lòng.")),
}

# Events in plain words; internal ones (an apology being drafted) are not shown.
EVENT_WORDS: dict[str, Promise] = {
    "submitted": _("Nộp hồ sơ"),
    "accepted": _("Hồ sơ được tiếp nhận, có giấy hẹn trả kết quả"),
    "completion_requested": _("Cán bộ hướng dẫn hoàn thiện hồ sơ"),
    "resubmitted": _("Nộp lại hồ sơ đã hoàn thiện"),
    "refused": _("Hồ sơ không được tiếp nhận"),
    "transferred": _("Chuyển hồ sơ đến cơ quan giải quyết"),
    "assigned": _("Cán bộ chuyên môn nhận xử lý hồ sơ"),
    "forwarded": _("Hồ sơ chuyển sang bước xử lý tiếp theo"),
    "returned_to_step": _("Hồ sơ được xem xét lại"),
    "consultation_requested": _("Lấy ý kiến cơ quan phối hợp"),
    "consultation_replied": _("Cơ quan phối hợp đã có ý kiến"),
    "supplement_requested": _("Yêu cầu bổ sung giấy tờ"),
    "supplement_received": _("Đã nhận giấy tờ bổ sung, tiếp tục giải quyết"),
    "payment_requested": _("Yêu cầu nộp phí, lệ phí"),
    "payment_recorded": _("Đã nộp phí, lệ phí"),
    "apology_approved": _("Cơ quan giải quyết xin lỗi và hẹn lại ngày trả kết quả"),
    "withdrawal_requested": _("Yêu cầu rút hồ sơ"),
    "stopped": _("Dừng giải quyết hồ sơ"),
    "decided": _("Đã có kết quả giải quyết"),
    "delivered": _("Đã trả kết quả"),
    "imported": _("Hồ sơ chuyển từ hệ thống cũ"),
    "rating_recorded": _("Ông/bà đánh giá mức độ hài lòng"),
    "rating_replaced": _("Ông/bà thay đổi đánh giá"),
    "rating_follow_up_closed": _("Cơ quan giải quyết đã xử lý ý kiến của ông/bà"),
}
HIDDEN_EVENTS = frozenset({"apology_drafted"})
SHOWN_DETAILS = ("reasons", "reason", "missing", "summary")  # event data the applicant needs to read


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the public history: when, what in plain words, and details for the applicant."""

    at: datetime
    text: str | Promise
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentRequest:
    """A request to complete or supplement the dossier: what to bring, and whether it is still open."""

    at: datetime
    items: tuple[str, ...]
    note: str
    is_open: bool
    before_acceptance: bool


@dataclass(frozen=True)
class PublicStatus:
    """What the status page and the lookup API show about one dossier, without officers' names."""

    dossier: Dossier
    headline: str | Promise
    next_step: str | Promise
    timeline: tuple[TimelineEntry, ...]
    requests: tuple[DocumentRequest, ...]
    apology_approved: bool
    result_downloadable: bool
    can_rate: bool
    phone_masked: str


def _details(event: DossierEvent) -> tuple[str, ...]:
    found: list[str] = []
    for key in SHOWN_DETAILS:
        value = event.data.get(key) if isinstance(event.data, dict) else None
        if isinstance(value, list):
            found.extend(str(item) for item in value if item)
        elif value and event.type in ("decided", "stopped", "refused", "withdrawal_requested"):
            found.append(str(value))
    return tuple(found)


def _requests(events: list[DossierEvent], state: str) -> tuple[DocumentRequest, ...]:
    asked = [e for e in events if e.type in ("completion_requested", "supplement_requested")]
    waiting = state in (State.RETURNED_FOR_COMPLETION, State.SUPPLEMENT_REQUESTED)
    return tuple(
        DocumentRequest(
            at=event.at,
            items=tuple(str(item) for item in event.data.get("missing", [])),
            note=str(event.data.get("note", "")),
            is_open=waiting and event is asked[-1],
            before_acceptance=event.type == "completion_requested",
        )
        for event in asked
    )


def result_downloadable(dossier: Dossier) -> bool:
    """Return whether the electronic result may be downloaded: handed over electronically, with a file."""
    return (
        dossier.state == State.DELIVERED
        and dossier.return_method == ReturnMethod.ELECTRONIC
        and bool(dossier.result_file)
    )


def dossier_public_status(dossier: Dossier) -> PublicStatus:
    """Return the dossier's state, history, requests and documents in plain words (one query for the events)."""
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
    timeline = tuple(
        TimelineEntry(at=e.at, text=EVENT_WORDS.get(e.type, _("Cập nhật hồ sơ")), details=_details(e))
        for e in events
        if e.type not in HIDDEN_EVENTS
    )
    headline, next_step = STATE_WORDS.get(dossier.state, (dossier.get_state_display(), ""))
    if dossier.state == State.DONE and dossier.outcome == Outcome.REFUSED:
        headline = _("Đã có văn bản trả lời, chờ nhận")
    apology = getattr(dossier, "apology", None)  # a missing reverse one-to-one raises an AttributeError
    return PublicStatus(
        dossier=dossier,
        headline=headline,
        next_step=next_step,
        timeline=timeline,
        requests=_requests(events, dossier.state),
        apology_approved=apology is not None and apology.approved_at is not None,
        result_downloadable=result_downloadable(dossier),
        can_rate=dossier.state in (State.DONE, State.DELIVERED),
        phone_masked=phone_mask(dossier.applicant_phone) if dossier.applicant_phone else "",
    )
