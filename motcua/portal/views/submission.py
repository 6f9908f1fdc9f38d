"""Online submission (nộp hồ sơ trực tuyến): applicant, files per component, declaration, then the intake queue."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import procedure_version_detail
from motcua.dossiers import services
from motcua.dossiers.selectors import dossier_files, procedure_online_reception_unit
from motcua.dossiers.services.online import NotOfferedOnline, dossier_submit_online, procedure_check_online
from motcua.portal.citizen import CitizenIdentity, CitizenRequest, citizen_required, identify_url, identity_of
from motcua.portal.citizen_forms import SubmissionForm
from motcua.portal.uploads import upload_limit_install, upload_refusal


def _version(code: str) -> ProcedureVersion:
    version = procedure_version_detail(code)
    if version is None:
        raise Http404(_("Không có thủ tục %(code)s đang có hiệu lực / no such procedure in force") % {"code": code})
    return version


def _render_form(
    request: HttpRequest, version: ProcedureVersion, form: SubmissionForm, *, status: int = 200, refusal: str = ""
) -> HttpResponse:
    context = {"version": version, "form": form, "unit": procedure_online_reception_unit(version), "refusal": refusal}
    return render(request, "portal/submit_form.html", context, status=status)


@csrf_exempt  # the upload limit must be in place before CSRF reads the body; checked in _submit below
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, code: str) -> HttpResponse:
    """Show the online submission form of procedure `code`, or refuse clearly if it is not offered online."""
    version = _version(code)
    try:
        procedure_check_online(version)
    except NotOfferedOnline as not_online:
        context = {"version": version, "message": not_online.message}
        return render(request, "portal/submit_refused.html", context, status=409)
    identity = identity_of(request)
    if identity is None:
        return redirect(identify_url(request.get_full_path()))
    if request.method == "POST":
        # An oversized body is refused here, before CSRF reads it; the refusal changes nothing.
        refusal = upload_refusal(request, upload_limit_install(request))
        if refusal:
            form = SubmissionForm(version=version, identity=identity)
            return _render_form(request, version, form, status=413, refusal=refusal)
    return _submit(request, version, identity)


@csrf_protect
def _submit(request: HttpRequest, version: ProcedureVersion, identity: CitizenIdentity) -> HttpResponse:
    if request.method != "POST":
        return _render_form(request, version, SubmissionForm(version=version, identity=identity))
    form = SubmissionForm(request.POST, request.FILES, version=version, identity=identity)
    if not form.is_valid():
        return _render_form(request, version, form, status=422)
    try:
        dossier = dossier_submit_online(
            version=version, applicant=form.applicant(), uploads=form.uploads(), subject=form.cleaned_data["subject"]
        )
    except services.DossierError as error:
        form.add_error(None, error.message)
        return _render_form(request, version, form, status=error.status)
    return redirect("portal:submit_done", dossier=dossier.code)


@citizen_required
@require_GET
def submit_done(request: CitizenRequest, dossier: str) -> HttpResponse:
    """Show the submitted dossier's code, its files and what happens next."""
    found = request.citizen.dossiers().filter(code=dossier).first()
    if found is None:
        raise Http404(
            _("Không có hồ sơ %(code)s trong các hồ sơ của bạn / no such dossier of yours") % {"code": dossier}
        )
    return render(request, "portal/submit_done.html", {"dossier": found, "files": dossier_files(found)})
