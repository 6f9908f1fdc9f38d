"""The dossier page: summary, appointment and its explanation, timeline, control slip, actions, documents."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.dossiers import forms as dossier_forms
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, PauseInterval, ReceivedComponent
from motcua.dossiers.selectors import (
    DossierAccess,
    dossier_access,
    dossier_due_status,
    dossier_files,
    dossier_get_for_user,
    dossier_steps,
    dossier_timeline,
    due_status,
)
from motcua.dossiers.states import PORTAL_STATUS
from motcua.dossiers.views.access import AuthenticatedRequest, forbidden, next_url
from motcua.dossiers.views.actions import ACTION_LIST, ACTIONS, Action
from motcua.dossiers.views.labels import DOCUMENTS, EVENT_LABELS, documents_of, step_result
from motcua.lib.personal_data import phone_mask


def _dossier(request: AuthenticatedRequest, code: str) -> Dossier:
    try:
        return dossier_get_for_user(user=request.user, code=code)
    except Dossier.DoesNotExist:
        raise Http404(_("Mã hồ sơ không tồn tại / unknown dossier code")) from None


def _masked(dossier: Dossier, access: DossierAccess) -> dict[str, str]:
    if access.sees_personal_data:
        return {"id_number": dossier.applicant_id_number, "phone": dossier.applicant_phone}
    return {"id_number": phone_mask(dossier.applicant_id_number), "phone": phone_mask(dossier.applicant_phone)}


def _action_forms(
    dossier: Dossier,
    access: DossierAccess,
    bound: tuple[Action, dossier_forms.DossierActionForm] | None,
    opened: str = "",
) -> list[dict[str, Any]]:
    offered = []
    for action in ACTION_LIST:
        if not action.offered(dossier, access):
            continue
        is_bound = bound is not None and bound[0] is action
        form = bound[1] if bound and is_bound else action.form(dossier=dossier, prefix=action.name)
        offered.append({"action": action, "form": form, "open": is_bound or action.name == opened})
    return offered


def _render_detail(
    request: AuthenticatedRequest,
    dossier: Dossier,
    *,
    bound: tuple[Action, dossier_forms.DossierActionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    access = dossier_access(user=request.user, dossier=dossier)
    events: list[DossierEvent] = list(dossier_timeline(dossier))
    steps: list[DossierStep] = list(dossier_steps(dossier))
    cache: dict[int, Any] = {}
    context = {
        "dossier": dossier,
        "portal_status": PORTAL_STATUS[dossier.state],
        "access": access,
        "personal": _masked(dossier, access),
        "due_key": dossier_due_status(dossier, now, cache),
        "events": [{"event": e, "label": EVENT_LABELS.get(e.type, e.type)} for e in events],
        "steps": [
            {
                "step": s,
                "result": step_result(
                    s, due_status(s.due_at, now, unit=dossier.receiving_unit, cache=cache) if not s.finished_at else ""
                ),
            }
            for s in steps
        ],
        "components": ReceivedComponent.objects.filter(dossier=dossier).order_by("id"),
        "files": dossier_files(dossier),
        "pauses": PauseInterval.objects.filter(dossier=dossier).select_related("requested_by").order_by("started_at"),
        "apology": getattr(dossier, "apology", None),  # the reverse one-to-one raises an AttributeError
        "documents": [(kind, DOCUMENTS[kind]) for kind in documents_of(dossier, events)],
        "actions": _action_forms(dossier, access, bound, opened=request.GET.get("thao_tac", "")),
    }
    return render(request, "dossiers/dossier_detail.html", context, status=status)


@login_required
@require_GET
def dossier_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Show a dossier with everything known about it and the actions the user may take."""
    try:
        dossier = _dossier(request, code)
    except PermissionDenied as refusal:
        return forbidden(request, str(refusal))
    return _render_detail(request, dossier)


@login_required
@require_POST
def dossier_action(request: AuthenticatedRequest, code: str, action: str) -> HttpResponse:
    """Validate an action's form and run its service; errors are shown on the dossier page."""
    chosen = ACTIONS.get(action)
    if chosen is None:
        raise Http404(_("Thao tác không tồn tại / unknown action"))
    try:
        dossier = _dossier(request, code)
    except PermissionDenied as refusal:
        return forbidden(request, str(refusal))
    if not chosen.allowed(dossier_access(user=request.user, dossier=dossier)):
        return forbidden(request, _("Bạn không có vai trò để thực hiện thao tác này / your role does not allow this"))
    form = chosen.form(request.POST, request.FILES, dossier=dossier, prefix=chosen.name)
    if not form.is_valid():
        return _render_detail(request, dossier, bound=(chosen, form), status=422)
    try:
        chosen.perform(dossier, request.user, form)
    except services.NotAllowed as error:
        return forbidden(request, error.message)
    except services.WrongState as error:
        messages.error(request, error.message)
        return redirect("dossiers:detail", code=dossier.code)
    except services.DossierError as error:
        form.add_error(None, error.message)
        return _render_detail(request, dossier, bound=(chosen, form), status=422)
    messages.success(request, str(chosen.done))
    return redirect(next_url(request, reverse("dossiers:detail", args=[dossier.code])))


@login_required
@require_GET
def dossier_document(request: AuthenticatedRequest, code: str, kind: str) -> HttpResponse:
    """Return one of the dossier's official forms as a PDF shown in the browser."""
    from motcua.dossiers.documents.pdf import render_form_pdf  # WeasyPrint loads only when a PDF is asked for

    if kind not in DOCUMENTS:
        raise Http404(_("Loại giấy tờ không tồn tại / unknown document kind"))
    try:
        dossier = _dossier(request, code)
    except PermissionDenied as refusal:
        return forbidden(request, str(refusal))
    try:
        pdf = render_form_pdf(dossier=dossier, kind=kind)
    except (ValueError, services.DossierError) as error:
        messages.error(request, getattr(error, "message", str(error)))
        return redirect("dossiers:detail", code=dossier.code)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{dossier.code}-{kind}.pdf"'
    return response
