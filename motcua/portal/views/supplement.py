"""Online supplement (bổ sung hồ sơ trực tuyến): upload what an open supplement or completion request asks for."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import OPEN_REQUEST_EVENTS, OpenRequest, dossier_open_request
from motcua.dossiers.services.online import dossier_supplement_online
from motcua.portal.citizen import CitizenIdentity, CitizenRequest, citizen_required
from motcua.portal.citizen_forms import DOSSIER_CODE_PATTERN, SupplementForm
from motcua.portal.uploads import upload_limit_install, upload_refusal


@citizen_required
@require_GET
def supplement_start(request: CitizenRequest) -> HttpResponse:
    """List the citizen's dossiers waiting for documents; a typed code opens its supplement page."""
    code = request.GET.get("ma", "").strip()
    if code and DOSSIER_CODE_PATTERN.match(code):
        return redirect("portal:supplement", code=code)
    waiting = request.citizen.dossiers().filter(state__in=list(OPEN_REQUEST_EVENTS))
    return render(request, "portal/supplement_start.html", {"dossiers": waiting, "identity": request.citizen})


def _own_dossier(identity: CitizenIdentity, code: str) -> Dossier:
    dossier = identity.dossiers().select_related("procedure_version").filter(code=code).first()
    if dossier is None:  # unknown and someone else's look the same: nothing to learn by guessing codes
        raise Http404(_("Không có hồ sơ %(code)s trong các hồ sơ của bạn / no such dossier of yours") % {"code": code})
    return dossier


def _render(
    request: HttpRequest,
    dossier: Dossier,
    open_request: OpenRequest,
    form: SupplementForm,
    *,
    status: int = 200,
    refusal: str = "",
) -> HttpResponse:
    context = {"dossier": dossier, "request_info": open_request, "form": form, "refusal": refusal}
    return render(request, "portal/supplement_form.html", context, status=status)


@csrf_exempt  # the upload limit must be in place before CSRF reads the body; checked in _supplement below
@citizen_required
@require_http_methods(["GET", "POST"])
def supplement(request: CitizenRequest, code: str) -> HttpResponse:
    """Show the open request of the citizen's dossier `code` and take the files it asks for."""
    dossier = _own_dossier(request.citizen, code)
    open_request = dossier_open_request(dossier)
    if open_request is None:
        return render(
            request,
            "portal/supplement_none.html",
            {"dossier": dossier},
            status=409 if request.method == "POST" else 200,
        )
    if request.method == "POST":
        refusal = upload_refusal(request, upload_limit_install(request))
        if refusal:
            form = SupplementForm(request=open_request, version=dossier.procedure_version)
            return _render(request, dossier, open_request, form, status=413, refusal=refusal)
    return _supplement(request, dossier, open_request)


@csrf_protect
def _supplement(request: HttpRequest, dossier: Dossier, open_request: OpenRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(
            request, dossier, open_request, SupplementForm(request=open_request, version=dossier.procedure_version)
        )
    form = SupplementForm(request.POST, request.FILES, request=open_request, version=dossier.procedure_version)
    if not form.is_valid():
        return _render(request, dossier, open_request, form, status=422)
    try:
        dossier_supplement_online(code=dossier.code, uploads=form.uploads())
    except services.DossierError as error:
        form.add_error(None, error.message)
        return _render(request, dossier, open_request, form, status=error.status)
    if open_request.type == "supplement_requested":
        done = _("Đã nộp bổ sung hồ sơ %(code)s; hồ sơ được giải quyết tiếp và thời hạn tính tiếp theo quy định.")
    else:
        done = _("Đã nộp hồ sơ %(code)s đã hoàn thiện; Bộ phận Một cửa sẽ kiểm tra và tiếp nhận.")
    messages.success(request, done % {"code": dossier.code})
    return redirect("portal:my_dossiers")
