"""The reception desk (bộ phận một cửa): find the procedure, enter the applicant, tick the components, decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts.models import Role, Unit, User
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import procedure_search, procedure_version_detail
from motcua.dossiers import selectors, services
from motcua.dossiers.forms import ReceptionForm
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Channel
from motcua.dossiers.views.access import AuthenticatedRequest, forbidden, working_unit

PICKER_SIZE = 20
NOT_RECEPTION = gettext_lazy(
    "Hãy chọn (ở ô “Đơn vị làm việc”) một đơn vị mà bạn là cán bộ một cửa / not a reception officer here"
)


def _register(form: ReceptionForm, unit: Unit, actor: User) -> tuple[Dossier, str]:
    """Run the services the chosen outcome needs; return the dossier and the message to show."""
    common = {
        "version": form.version,
        "receiving_unit": unit,
        "reception_point": unit,
        "applicant": form.applicant(),
        "subject": form.cleaned_data["subject"],
    }
    outcome = {
        ReceptionForm.RECEIVE: services.DeskOutcome.ACCEPT,
        ReceptionForm.COMPLETION: services.DeskOutcome.COMPLETION,
        ReceptionForm.REFUSE: services.DeskOutcome.REFUSE,
    }[form.outcome()]
    note = form.cleaned_data["note"]
    dossier = services.dossier_register_at_desk(
        **common,
        outcome=outcome,
        channel=Channel(form.cleaned_data["channel"]),
        components=form.components(),
        actor=actor,
        missing=form.missing() or [line for line in note.splitlines() if line.strip()],
        note=note,
        reasons=form.reason_lines(),
    )
    done = {
        services.DeskOutcome.ACCEPT: _("Đã tiếp nhận hồ sơ %(code)s."),
        services.DeskOutcome.COMPLETION: _("Đã lập phiếu yêu cầu hoàn thiện hồ sơ %(code)s."),
        services.DeskOutcome.REFUSE: _("Đã lập phiếu từ chối tiếp nhận hồ sơ %(code)s."),
    }[outcome]
    return dossier, done % {"code": dossier.code}


def _version(request: AuthenticatedRequest) -> ProcedureVersion | None:
    code = request.GET.get("thu_tuc", "").strip()
    return procedure_version_detail(code) if code else None


@login_required
@require_http_methods(["GET", "POST"])
def reception_desk(request: AuthenticatedRequest) -> HttpResponse:
    """Show the reception desk; on POST register the dossier and accept, refuse or ask for completion."""
    unit = working_unit(request, Role.RECEPTION_OFFICER)
    if unit is None:
        return forbidden(request, str(NOT_RECEPTION))
    version = _version(request)
    if request.GET.get("thu_tuc") and version is None:
        messages.error(request, _("Thủ tục không tồn tại hoặc hết hiệu lực / no procedure in force with this code"))
    form = ReceptionForm(request.POST or None, version=version) if version else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            dossier, message = _register(form, unit, request.user)
        except services.DossierError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, message)
            return redirect("dossiers:detail", code=dossier.code)
    pending = Paginator(selectors.reception_pending(user=request.user, unit=unit), 25).get_page(request.GET.get("page"))
    context = {"unit": unit, "version": version, "form": form, "pending": pending, "query": "", **_picker(request)}
    status = 422 if form is not None and form.is_bound and form.errors else 200
    return render(request, "dossiers/reception_desk.html", context, status=status)


def _picker(request: AuthenticatedRequest) -> dict[str, object]:
    query = request.GET.get("q", "").strip()
    return {"q": query, "versions": list(procedure_search(query=query)[:PICKER_SIZE]) if query else []}


@login_required
@require_GET
def procedure_picker(request: AuthenticatedRequest) -> HttpResponse:
    """Return the procedures in force matching the typed words (accents optional), for htmx."""
    return render(request, "dossiers/_procedure_picker.html", _picker(request))
