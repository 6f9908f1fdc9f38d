"""Status lookup, the dossier's public status page, its documents and the rating (no login).

A visitor proves a dossier is theirs once, by code and phone or by the receipt's QR secret; the code
is then remembered for 30 minutes (so a shared kiosk forgets it) in a signed, HTTP-only cookie, and the
status, apology letter, electronic result and rating pages check that proof. The cookie, not the
session, holds it: a lookup writes nothing to the database, and the QR address shows the status page
at once (one request).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.dossiers.lookup import (
    LookupRefused,
    LookupThrottled,
    dossier_for_status,
    dossier_lookup,
    dossier_public_status,
    lookup_client,
    result_downloadable,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.rating_scale import THREE_LEVEL_LABELS, three_level_of
from motcua.dossiers.services import DossierError, WrongState
from motcua.dossiers.services.rating import RATED_STATES, dossier_rate
from motcua.portal.forms import LookupForm, RatingForm
from motcua.portal.views.downloads import attachment

PROOF_COOKIE = "motcua_tra_cuu"  # the codes this browser proved, signed; read only by these views
PROOF_SALT = "motcua.portal.lookup"
PROOF_SEPARATOR = "|"  # a character cookies carry unquoted, never in a dossier code
REMEMBERED = 10  # dossiers one browser may hold
PROOF_SECONDS = 30 * 60


def _proven_codes(request: HttpRequest) -> list[str]:
    """Return the codes this browser proved in the last 30 minutes (none if the cookie is forged or old)."""
    value = request.get_signed_cookie(PROOF_COOKIE, default="", salt=PROOF_SALT, max_age=PROOF_SECONDS) or ""
    return [code for code in value.split(PROOF_SEPARATOR) if code]


def _remember(request: HttpRequest, response: HttpResponse, dossier: Dossier) -> HttpResponse:
    """Add `dossier` to the codes this browser proved, on `response`; return it."""
    codes = [code for code in _proven_codes(request) if code != dossier.code]
    response.set_signed_cookie(
        PROOF_COOKIE,
        PROOF_SEPARATOR.join([*codes[-(REMEMBERED - 1) :], dossier.code]),
        salt=PROOF_SALT,
        max_age=PROOF_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def _proven(request: HttpRequest, code: str) -> Dossier:
    """Return dossier `code` if this browser looked it up; otherwise 404, the same for any code."""
    dossier = dossier_for_status(code) if code in _proven_codes(request) else None
    if dossier is None:
        raise Http404(_("Vui lòng tra cứu hồ sơ trước / look the dossier up first"))
    return dossier


def _refused(request: HttpRequest, form: LookupForm, error: LookupRefused, *, status: int = 200) -> HttpResponse:
    status = 429 if isinstance(error, LookupThrottled) else status
    return render(request, "portal/lookup.html", {"form": form, "refusal": error.message}, status=status)


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    """Show the lookup form; on a matching code and phone, open the dossier's status page."""
    form = LookupForm(request.POST if request.method == "POST" else None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "portal/lookup.html", {"form": form}, status=200 if request.method == "GET" else 400)
    try:
        dossier = dossier_lookup(
            client=lookup_client(request), code=form.cleaned_data["code"], phone=form.cleaned_data["phone"]
        )
    except LookupRefused as error:
        return _refused(request, form, error)
    return _remember(request, redirect("portal:status", code=dossier.code), dossier)


@require_GET
def lookup_by_secret(request: HttpRequest, secret: str) -> HttpResponse:
    """Show the status page of the dossier whose receipt QR code holds `secret`, and remember it."""
    try:
        dossier = dossier_lookup(client=lookup_client(request), secret=secret)
    except LookupRefused as error:
        return _refused(request, LookupForm(), error, status=404)
    return _remember(request, _status_page(request, dossier), dossier)


@require_POST
def forget(request: HttpRequest) -> HttpResponse:
    """Forget the dossiers this browser looked up (for a shared computer)."""
    messages.success(request, _("Đã thoát khỏi hồ sơ. Thông tin không còn hiển thị trên máy này."))
    response = redirect("portal:lookup")
    response.delete_cookie(PROOF_COOKIE, samesite="Lax")
    return response


@require_GET
def status(request: HttpRequest, code: str) -> HttpResponse:
    """Show the dossier's state, history, appointment, requests, apology, result and rating in plain words."""
    return _status_page(request, _proven(request, code))


def _status_page(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    view = dossier_public_status(dossier)
    rating = getattr(dossier, "rating", None)
    context = {
        "view": view,
        "dossier": dossier,
        "rating": rating,
        "rating_label": THREE_LEVEL_LABELS[three_level_of(rating.overall)] if rating else "",
    }
    return render(request, "portal/status.html", context)


@require_GET
def result_file(request: HttpRequest, code: str) -> HttpResponseBase:
    """Download the electronic result once it has been handed over electronically."""
    dossier = _proven(request, code)
    if not result_downloadable(dossier):
        raise Http404(_("Chưa có kết quả điện tử / no electronic result yet"))
    return attachment(dossier.result_file, download_name=f"{dossier.code}-ket-qua")


@require_GET
def apology_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """Return the approved apology and new appointment letter as a PDF."""
    from motcua.dossiers.documents.pdf import render_form_pdf  # WeasyPrint loads only when a PDF is asked for

    dossier = _proven(request, code)
    apology = getattr(dossier, "apology", None)
    if apology is None or apology.approved_at is None:
        raise Http404(_("Hồ sơ chưa có văn bản xin lỗi / no apology letter"))
    response = HttpResponse(render_form_pdf(dossier=dossier, kind="apology"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dossier.code}-xin-loi.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """Rate the handling of a dossier with a result; a second rating replaces the first (RATE-1)."""
    dossier = _proven(request, code)
    if dossier.state not in RATED_STATES:
        messages.error(request, _("Hồ sơ chưa có kết quả nên chưa đánh giá được."))
        return redirect("portal:status", code=dossier.code)
    rating = getattr(dossier, "rating", None)
    initial = {"overall": rating.overall, "comment": rating.comment} if rating else None
    if initial and rating:
        initial |= {f"c_{key}": value for key, value in rating.answers.items()}
    form = RatingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dossier_rate(
                code=dossier.code,
                secret=dossier.lookup_secret,
                overall=form.cleaned_data["overall"],
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
            )
        except WrongState:
            messages.error(request, _("Hồ sơ chưa có kết quả nên chưa đánh giá được."))
            return redirect("portal:status", code=dossier.code)
        except DossierError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Cảm ơn ông/bà đã đánh giá. Ý kiến đã được ghi nhận."))
            return redirect("portal:status", code=dossier.code)
    status_code = 400 if request.method == "POST" else 200
    return render(request, "portal/rate.html", {"dossier": dossier, "form": form, "rating": rating}, status=status_code)
