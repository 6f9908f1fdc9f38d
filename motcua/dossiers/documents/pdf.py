"""Print a dossier's one-stop documents (DOMAIN.md §5.2, §5.5, §5.8, §5.9) as HTML and PDF.

Each document is a Django template under `templates/dossiers/forms/`, rendered with the national
header, the form of the set in force on the document's date (see `forms`), and a QR code to the
public lookup. Applicant input reaches the templates as plain strings, so autoescaping covers it.
The wording of the forms lives in the templates and is not translated: these are legal documents
in Vietnamese (Circulars 01/2018 and 03/2025), whatever language the officer's screen uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from motcua.accounts.models import Unit
from motcua.accounts.selectors import unit_ancestors
from motcua.catalog.models import ComponentForm, TimeUnitChoice
from motcua.dossiers.documents.forms import PLAIN_NOTICE, FormKind, FormNotInSet, FormSpec, form_for
from motcua.dossiers.documents.ledger import SETS_PER_DOSSIER, LedgerRow, ledger_day, ledger_position
from motcua.dossiers.documents.qr import lookup_url, qr_data_uri
from motcua.dossiers.models import Apology, Dossier, DossierEvent, DossierStep
from motcua.dossiers.services.core import DossierError
from motcua.dossiers.states import ReturnMethod

NUMBER_BLANK = "………"


class DocumentUnavailable(DossierError):
    """The dossier has not reached the point where this document exists (409)."""

    status = 409
    code = "document_unavailable"


@dataclass
class _Parts:
    """What a document builder decides: the document's time, the issuing unit and the form's content."""

    at: datetime
    issuer: Unit
    context: dict[str, Any] = field(default_factory=dict)
    draft: bool = False


def render_form_pdf(*, dossier: Dossier, kind: str, base_url: str | None = None) -> bytes:
    """Return the PDF of the dossier's document of `kind` (a FormKind value other than ledger)."""
    html = render_form_html(dossier=dossier, kind=kind)
    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher(base_url)).write_pdf()


def render_form_html(*, dossier: Dossier, kind: str) -> str:
    """Return the print HTML of the dossier's document of `kind`."""
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise DossierError(f"Không in được văn bản loại “{kind}” cho hồ sơ / no printable document {kind!r}")
    with translation.override("vi"):
        parts = builder(dossier)
        form = _form_of(kind, parts.at)
        context = {**_header(dossier, form, parts), **parts.context}
        return render_to_string(form.template, context)


def render_ledger_html(rows: Sequence[LedgerRow], *, title: str, unit_name: str = "", day: date | None = None) -> str:
    """Return the print HTML of the ledger (A4 landscape); `title` is the line under the form title."""
    form = form_for(FormKind.LEDGER, ledger_day(rows, day))
    context = {"form": form, "page_size": form.page_size, "rows": rows, "unit_name": unit_name, "subtitle": title}
    with translation.override("vi"):
        return render_to_string(form.template, {**context, "title": str(form.title)})


def render_ledger_pdf(
    rows: Sequence[LedgerRow], *, title: str, unit_name: str = "", day: date | None = None, base_url: str | None = None
) -> bytes:
    """Return the ledger as a PDF to print and bind (sổ theo dõi hồ sơ, Form 06 of 2018 / 07 of 2025)."""
    html = render_ledger_html(rows, title=title, unit_name=unit_name, day=day)
    return HTML(string=html, base_url=base_url, url_fetcher=_fetcher(base_url)).write_pdf()


def _fetcher(base_url: str | None) -> URLFetcher:
    # The templates embed everything (styles, QR as a data URI): nothing is fetched unless the caller gives
    # a base URL for its own assets, and then only over that URL's scheme (no redirects elsewhere).
    protocols = {"data"}
    if base_url and (match := re.match(r"^([a-z][a-z0-9+.-]*):", base_url)):
        protocols.add(match[1])
    return URLFetcher(allowed_protocols=protocols, allow_redirects=False)


def _form_of(kind: str, at: datetime) -> FormSpec:
    try:
        return form_for(kind, timezone.localdate(at))
    except FormNotInSet:
        if kind == FormKind.STOP_NOTICE:  # before Decree 118 a stop is announced by a plain written notice
            return PLAIN_NOTICE
        raise


def _header(dossier: Dossier, form: FormSpec, parts: _Parts) -> dict[str, Any]:
    issuer = parts.issuer
    url = lookup_url(dossier.lookup_secret)
    return {
        "form": form,
        "title": str(form.title),
        "page_size": form.page_size,
        "issuer_name": issuer.name,
        "issuer_parent": issuer.parent.name if issuer.parent else "",
        "issuer_phone": issuer.phone,
        "number": NUMBER_BLANK,
        "place": place_name(issuer),
        "date_words": date_words(parts.at),
        "dossier": dossier,
        "procedure": dossier.procedure_version.name,
        "lookup_url": url,
        "qr": qr_data_uri(url),
        "draft": parts.draft,
    }


def place_name(unit: Unit) -> str:
    """Return the place written before the date: the province of the unit's root ("Hải Phòng")."""
    ancestors = unit_ancestors(unit)
    root = ancestors[-1] if ancestors else unit
    name = re.sub(r"^\s*(?:(?:Ủy|Uỷ) ban nhân dân|UBND)\s+", "", root.name, flags=re.IGNORECASE)
    return re.sub(r"^(?:thành phố|tỉnh|TP\.?)\s+", "", name, flags=re.IGNORECASE).strip()


def date_words(at: datetime) -> str:
    """Return "ngày 03 tháng 3 năm 2025": days below 10 and months 1–2 get a leading zero (Decree 30/2020)."""
    local = timezone.localtime(at)
    month = f"{local.month:02d}" if local.month <= 2 else str(local.month)
    return f"ngày {local.day:02d} tháng {month} năm {local.year}"


def time_words(at: datetime | None) -> str:
    """Return "09 giờ 00 phút, ngày 03 tháng 3 năm 2025", or an empty string."""
    if at is None:
        return ""
    local = timezone.localtime(at)
    return f"{local:%H} giờ {local:%M} phút, {date_words(local)}"


def _last_event(dossier: Dossier, *types: str) -> DossierEvent | None:
    return DossierEvent.objects.filter(dossier=dossier, type__in=types).order_by("-seq").first()


def _require_event(dossier: Dossier, *types: str) -> DossierEvent:
    event = _last_event(dossier, *types)
    if event is None:
        raise DocumentUnavailable(
            f"Hồ sơ {dossier.code} chưa có sự kiện {' / '.join(types)} nên chưa có văn bản này / "
            f"no {'/'.join(types)} event, so no such document"
        )
    return event


def _applicant(dossier: Dossier) -> dict[str, Any]:
    return {
        "applicant_name": dossier.applicant_name,
        "applicant_address": dossier.applicant_address,
        "applicant_phone": dossier.applicant_phone,
        "applicant_email": dossier.applicant_email,
        "submitter_name": dossier.submitter_name or dossier.applicant_name,
        "submitter_phone": dossier.submitter_phone,
        "received_words": time_words(dossier.accepted_at),
        "appointment_words": time_words(dossier.appointment_at),
    }


def _time_limit_text(amount: int | None, unit: str) -> str:
    if unit == TimeUnitChoice.SAME_DAY:
        return str(TimeUnitChoice.SAME_DAY.label)
    if not amount or unit not in TimeUnitChoice.values:
        return ""
    return f"{amount} {str(TimeUnitChoice(unit).label).lower()}"


def _receipt(dossier: Dossier) -> _Parts:
    if dossier.accepted_at is None:
        raise DocumentUnavailable(f"Hồ sơ {dossier.code} chưa được tiếp nhận / the dossier has not been accepted")
    version = dossier.procedure_version
    published = version.time_limit_text.strip() or _time_limit_text(version.time_limit_amount, version.time_limit_unit)
    applied = _time_limit_text(dossier.time_limit_amount, dossier.time_limit_unit)
    accepted = _last_event(dossier, "accepted")
    position = ledger_position(dossier=dossier)
    # Everything handed in up to acceptance, completions before it included; later supplements are not receipted here.
    components = dossier.components.filter(received_at__lte=dossier.accepted_at).order_by("id")
    return _Parts(
        at=dossier.accepted_at,
        issuer=dossier.reception_point,
        context={
            **_applicant(dossier),
            "copies": ["Liên 1: Lưu kèm Phiếu kiểm soát quá trình giải quyết hồ sơ", "Liên 2: Giao người nộp hồ sơ"],
            "components": [
                {"name": c.name, "form": ComponentForm(c.form).label, "quantity": c.quantity} for c in components
            ],
            "sets": SETS_PER_DOSSIER,
            "time_limit": published,
            "committed_time_limit": applied if applied and applied != published else "",
            "return_method": dossier.return_method or ReturnMethod.COUNTER,
            "reception_point": dossier.reception_point,
            "number": f"{position[1]}/{position[0]}" if position else NUMBER_BLANK,
            "book": position[0] if position else "",
            "serial": position[1] if position else "",
            "receiver_name": accepted.actor_name if accepted else "",
        },
    )


def _completion_request(dossier: Dossier) -> _Parts:
    event = _require_event(dossier, "completion_requested", "supplement_requested")
    missing = event.data.get("missing") or []
    return _Parts(
        at=event.at,
        issuer=dossier.reception_point,
        context={
            **_applicant(dossier),
            "during_processing": event.type == "supplement_requested",
            "missing": [str(item) for item in missing] if isinstance(missing, list) else [str(missing)],
            "note": str(event.data.get("note") or ""),
            "officer_name": event.actor_name,
        },
    )


def _refusal(dossier: Dossier) -> _Parts:
    event = _require_event(dossier, "refused")
    reasons = event.data.get("reasons") or event.data.get("reason") or []
    return _Parts(
        at=event.at,
        issuer=dossier.reception_point,
        context={
            **_applicant(dossier),
            "reasons": [str(item) for item in reasons] if isinstance(reasons, list) else [str(reasons)],
            "officer_name": event.actor_name,
        },
    )


def _apology(dossier: Dossier) -> _Parts:
    try:
        apology = Apology.objects.select_related("responsible_unit__parent", "responsible_step", "approved_by").get(
            dossier=dossier
        )
    except Apology.DoesNotExist:
        raise DocumentUnavailable(f"Hồ sơ {dossier.code} chưa có văn bản xin lỗi / no apology drafted") from None
    step = apology.responsible_step
    return _Parts(
        at=apology.approved_at or apology.drafted_at,
        issuer=apology.responsible_unit,
        draft=apology.approved_at is None,
        context={
            **_applicant(dossier),
            "received_date_words": date_words(dossier.accepted_at) if dossier.accepted_at else "",
            "original_words": time_words(apology.original_appointment_at),
            "new_words": time_words(apology.new_appointment_at),
            "cause": apology.get_cause_display(),
            "reason": apology.reason,
            "responsible_step": f"{step.name} ({step.unit})" if step else "",
            "reception_point": dossier.reception_point,
            "signer_name": str(apology.approved_by) if apology.approved_by else "",
        },
    )


def _control_slip(dossier: Dossier) -> _Parts:
    if dossier.accepted_at is None:
        raise DocumentUnavailable(f"Hồ sơ {dossier.code} chưa được tiếp nhận / the dossier has not been accepted")
    steps = DossierStep.objects.filter(dossier=dossier).select_related("unit", "assignee").order_by("started_at", "id")
    position = ledger_position(dossier=dossier)
    return _Parts(
        at=dossier.accepted_at,
        issuer=dossier.reception_point,
        context={
            "competent_agency": dossier.competent_agency,
            "coordinating": [unit.name for unit in dossier.procedure_version.coordinating_units.all()],
            "book": position[0] if position else "",
            "serial": position[1] if position else "",
            "steps": [_slip_row(step) for step in steps],
        },
    )


def _slip_row(step: DossierStep) -> dict[str, Any]:
    return {
        "unit": step.unit.name,
        "name": step.name,
        "received_words": _slip_time(step.started_at),
        "handed_words": _slip_time(step.finished_at),
        "due_words": _slip_time(step.due_at),
        "assignee": str(step.assignee) if step.assignee else "",
        "result": step_result(step),
        "note": step.note,
        "is_consultation": step.is_consultation,
    }


def _slip_time(at: datetime | None) -> str:
    if at is None:
        return ""
    local = timezone.localtime(at)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def step_result(step: DossierStep) -> str:
    """Return the control slip's verdict on a finished step: Trước hạn, Đúng hạn or Quá hạn (empty if open).

    Late means finished after the due instant; early means finished on a calendar day before the due
    day (ST-2 read per step), so the three-way split and the portal's timestamp rule (ST-3) agree.
    """
    if step.finished_at is None:
        return ""
    if step.finished_at > step.due_at:
        return "Quá hạn"
    if timezone.localdate(step.finished_at) < timezone.localdate(step.due_at):
        return "Trước hạn"
    return "Đúng hạn"


def _stop_notice(dossier: Dossier) -> _Parts:
    event = _require_event(dossier, "stopped")
    return _Parts(
        at=event.at,
        issuer=dossier.competent_agency,
        context={
            **_applicant(dossier),
            "stopped_words": time_words(event.at),
            "reason": str(event.data.get("reason") or ""),
            "withdrawn": event.from_state == "withdrawal_requested",
            "reception_point": dossier.reception_point,
            "signer_name": event.actor_name,
        },
    )


_BUILDERS: dict[str, Callable[[Dossier], _Parts]] = {
    FormKind.RECEIPT: _receipt,
    FormKind.COMPLETION_REQUEST: _completion_request,
    FormKind.REFUSAL: _refusal,
    FormKind.APOLOGY: _apology,
    FormKind.CONTROL_SLIP: _control_slip,
    FormKind.STOP_NOTICE: _stop_notice,
}
