"""`POST /api/v1/lookup`: a dossier's status by code and phone, or by the receipt's QR secret (no login).

The same look-up, rate limit and answers as the portal's page (`dossiers.lookup`): one 404 for an
unknown code and a wrong phone, 429 once the client has used up its failed look-ups, 422 for a body
that names neither a secret nor a code with a phone.
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from motcua.api.errors import ApiError
from motcua.api.schemas import ErrorOut
from motcua.api.schemas_lookup import LookupIn, LookupOut
from motcua.dossiers.lookup import LookupRefused, PublicStatus, dossier_lookup, dossier_public_status, lookup_client
from motcua.dossiers.models import Dossier
from motcua.dossiers.rating_scale import THREE_LEVEL_LABELS, three_level_of

router = Router(tags=["lookup"])


def _apology(dossier: Dossier, status: PublicStatus) -> dict[str, Any] | None:
    if not status.apology_approved:
        return None
    apology = dossier.apology
    return {
        "reason": apology.reason,
        "original_appointment_at": apology.original_appointment_at,
        "new_appointment_at": apology.new_appointment_at,
    }


def _rating(dossier: Dossier) -> dict[str, Any] | None:
    rating = getattr(dossier, "rating", None)
    if rating is None:
        return None
    label = str(THREE_LEVEL_LABELS[three_level_of(rating.overall)])
    return {"level": rating.overall, "label": label, "rated_at": rating.rated_at}


def lookup_out(status: PublicStatus) -> dict[str, Any]:
    """Return the public status of a dossier as the API's response body."""
    d = status.dossier
    ended = d.state in ("done", "delivered")
    return {
        "code": d.code,
        "procedure": {"code": d.procedure_version.procedure.code, "name": d.procedure_version.name},
        "state": d.state,
        "portal_status": d.portal_status,
        "state_label": str(status.headline),
        "next_step": str(status.next_step),
        "receiving_unit": {"code": d.receiving_unit.code, "name": d.receiving_unit.name},
        "competent_agency": {"code": d.competent_agency.code, "name": d.competent_agency.name},
        "applicant_phone_masked": status.phone_masked,
        "submitted_at": d.submitted_at,
        "accepted_at": d.accepted_at,
        "appointment_at": d.current_appointment_at,
        "original_appointment_at": d.appointment_at,
        "delivered_at": d.delivered_at,
        "timeline": [{"at": e.at, "text": str(e.text), "details": list(e.details)} for e in status.timeline],
        "requests": [{**vars(r), "items": list(r.items)} for r in status.requests],
        "apology": _apology(d, status),
        "result": {"summary": d.result_summary, "electronic_available": status.result_downloadable} if ended else None,
        "can_rate": status.can_rate,
        "rating": _rating(d),
    }


@router.post(
    "/lookup",
    response={200: LookupOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    summary="Tra cứu hồ sơ / look a dossier up",
)
def lookup(request: HttpRequest, body: LookupIn) -> dict[str, Any]:
    """Return a dossier's status by code and phone on file, or by its QR secret; rate-limited per client."""
    if not body.secret.strip() and not (body.code.strip() and body.phone.strip()):
        raise ApiError(
            422,
            "invalid_request",
            _("Cần mã hồ sơ và số điện thoại, hoặc mã bí mật / give a dossier code and phone, or a secret"),
        )
    try:
        dossier = dossier_lookup(client=lookup_client(request), code=body.code, phone=body.phone, secret=body.secret)
    except LookupRefused as error:
        raise ApiError(error.status, error.code, error.message) from None
    return lookup_out(dossier_public_status(dossier))
