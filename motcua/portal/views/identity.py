"""Identification on the portal — a one-time code by SMS or e-mail, or the OpenID Connect (VNeID) login —
and the identified citizen's own dossiers."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.dossiers import services
from motcua.dossiers.models import OutboxMessage
from motcua.dossiers.selectors import OPEN_REQUEST_EVENTS
from motcua.lib.personal_data import phone_mask
from motcua.portal.citizen import (
    PENDING_KEY,
    CitizenIdentity,
    CitizenRequest,
    Method,
    citizen_required,
    identity_forget,
    identity_of,
    identity_remember,
    safe_next,
)
from motcua.portal.citizen_forms import CodeForm, IdentifyForm
from motcua.portal.oidc import CitizenLoginStart, oidc_enabled, oidc_identity

MY_DOSSIERS_PAGE = 20


def _next(request: HttpRequest) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"), reverse("portal:my_dossiers"))


def _identify_context(request: HttpRequest, form: IdentifyForm, next_url: str) -> dict[str, Any]:
    return {
        "form": form,
        "next": next_url,
        "identity": identity_of(request),
        "oidc": oidc_enabled(),
        "oidc_provider": _provider_name(),
    }


def _provider_name() -> str:
    return str(settings.OIDC_PROVIDER_NAME)


@require_http_methods(["GET", "POST"])
def identify(request: HttpRequest) -> HttpResponse:
    """Ask for a phone or e-mail and send a one-time code there (or offer the VNeID login)."""
    next_url = _next(request)
    form = IdentifyForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.contact_parse(form.cleaned_data["contact"])
            services.citizen_code_send(contact=contact, client=get_client_ip_address(request) or "")
        except services.CodeSendRefused as error:
            form.add_error(None, error.message)
            status = 429
        except services.DossierError as error:
            form.add_error("contact", error.message)
        else:
            code = form.cleaned_data["dossier_code"].strip()
            if code:
                next_url = reverse("portal:supplement", args=[code])
            request.session[PENDING_KEY] = {"channel": contact.channel, "address": contact.address, "next": next_url}
            return redirect("portal:identify_code")
    if form.is_bound and form.errors and status == 200:
        status = 422
    return render(request, "portal/identify.html", _identify_context(request, form, next_url), status=status)


def _pending(request: HttpRequest) -> dict[str, str] | None:
    pending = request.session.get(PENDING_KEY)
    return pending if isinstance(pending, dict) and {"channel", "address"} <= pending.keys() else None


@require_http_methods(["GET", "POST"])
def identify_code(request: HttpRequest) -> HttpResponse:
    """Check the one-time code; on success the session holds the verified identity."""
    pending = _pending(request)
    if pending is None:
        return redirect("portal:identify")
    contact = services.Contact(channel=pending["channel"], address=pending["address"])
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.citizen_code_verify(contact=contact, code=form.cleaned_data["code"])
        except services.CodeRefused as error:
            form.add_error("code", error.message)
            status = 422 if error.attempts_left else 429
        else:
            by_sms = contact.channel == OutboxMessage.Channel.SMS
            identity = CitizenIdentity(
                method=Method.PHONE if by_sms else Method.EMAIL,
                verified_at=timezone.now(),
                phone=contact.address if by_sms else "",
                email="" if by_sms else contact.address,
            )
            next_url = safe_next(request, pending.get("next"), reverse("portal:my_dossiers"))
            identity_remember(request, identity)
            messages.success(request, _("Đã xác thực. Bạn có thể nộp, bổ sung và theo dõi hồ sơ của mình."))
            return redirect(next_url)
    if form.is_bound and form.errors and status == 200:
        status = 422
    shown = phone_mask(contact.address) if contact.channel == OutboxMessage.Channel.SMS else contact.address
    context = {"form": form, "sent_to": shown, "by_sms": contact.channel == OutboxMessage.Channel.SMS}
    return render(request, "portal/identify_code.html", context, status=status)


@require_POST
def identify_logout(request: HttpRequest) -> HttpResponse:
    """Forget the citizen identity of this session."""
    identity_forget(request)
    messages.success(request, _("Đã thoát khỏi phiên xác thực."))
    return redirect("portal:identify")


@require_GET
def oidc_start(request: HttpRequest) -> HttpResponse:
    """Send the citizen to the OpenID Connect provider (404 when it is not configured)."""
    if not oidc_enabled():
        raise Http404(_("Đăng nhập bằng tài khoản định danh điện tử chưa được cấu hình / OpenID Connect is off"))
    return CitizenLoginStart.as_view()(request)


@require_GET
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """Receive the provider's answer: check state, nonce and token, then keep the identity in the session."""
    if not oidc_enabled():
        raise Http404(_("Đăng nhập bằng tài khoản định danh điện tử chưa được cấu hình / OpenID Connect is off"))
    states = request.session.get("oidc_states") or {}
    state = request.GET.get("state", "")
    entry = states.pop(state, None) if state else None  # used once, whatever happens next
    request.session["oidc_states"] = states
    identity = None
    if entry is not None and request.GET.get("code") and not request.GET.get("error"):
        identity = oidc_identity(request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier"))
    if identity is None:
        messages.error(
            request,
            _("Không đăng nhập được bằng %(provider)s; hãy thử lại hoặc xác thực bằng số điện thoại / login failed")
            % {"provider": _provider_name()},
        )
        return redirect("portal:identify")
    next_url = safe_next(request, request.session.pop("oidc_login_next", None), reverse("portal:my_dossiers"))
    identity_remember(request, identity)
    messages.success(request, _("Đã xác thực. Bạn có thể nộp, bổ sung và theo dõi hồ sơ của mình."))
    return redirect(next_url)


@citizen_required
@require_GET
def my_dossiers(request: CitizenRequest) -> HttpResponse:
    """List the dossiers whose applicant is the identified citizen, newest first."""
    page = Paginator(request.citizen.dossiers(), MY_DOSSIERS_PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "identity": request.citizen, "supplement_states": set(OPEN_REQUEST_EVENTS)}
    return render(request, "portal/my_dossiers.html", context)
