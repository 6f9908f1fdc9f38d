"""Closing periods (khóa sổ kỳ báo cáo): the months and quarters of a unit with their state, the close and
restate buttons, each period's history of versions, and a version's stored JSON.

Reading needs the unit among the user's (403 otherwise); closing and restating also need the agency-head
or PAR-officer role over it (`reports.snapshots`). The report page serves a closed period's snapshot.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts.models import Unit
from motcua.accounts.selectors import visible_unit_ids
from motcua.dossiers.views.access import AuthenticatedRequest, forbidden
from motcua.reports import snapshots
from motcua.reports.forms import PeriodCloseForm, PeriodListForm, PeriodRestateForm
from motcua.reports.models import PeriodSnapshot
from motcua.reports.periods import (
    Period,
    PeriodInvalid,
    PeriodState,
    period_history,
    period_of,
    period_states,
    snapshot_verify,
)
from motcua.reports.views.closed import difference_lines, history_url
from motcua.reports.views.report import NOT_YOURS, unit_chosen, user_units
from motcua.reports.windows import scheme_default

STATES = {
    "running": gettext_lazy("Chưa kết thúc"),
    "open": gettext_lazy("Chưa khóa sổ"),
    "closed": gettext_lazy("Đã khóa sổ"),
    "restated": gettext_lazy("Đã điều chỉnh"),
}


def list_url(unit: Unit, period: Period | None = None) -> str:
    """Return the closing page of `unit`, at the year and scheme of `period` when given."""
    query = {"unit": unit.code}
    if period is not None:
        query.update(year=str(period.year), scheme=period.scheme)
    return f"{reverse('reports:periods')}?{urlencode(query)}"


def report_url(unit: Unit, period: Period) -> str:
    """Return the report page asking for exactly this period (served from its snapshot once closed)."""
    query = {"unit": unit.code, "period": "dates", "from": f"{period.date_from}", "to": f"{period.date_to}"}
    return f"{reverse('reports:report')}?{urlencode(query)}"


def _line(unit: Unit, item: PeriodState) -> dict[str, Any]:
    latest = item.latest
    return {
        "period": item.period,
        "state": item.state,
        "state_label": STATES[item.state],
        "latest": latest,
        "report_href": report_url(unit, item.period),
        "history_href": history_url(latest) if latest else "",
        "close_form": PeriodCloseForm(
            initial={"unit": unit.code, "kind": item.period.kind, "start": item.period.date_from}
        ),
    }


@login_required
@require_GET
def period_list(request: AuthenticatedRequest) -> HttpResponse:
    """List the months and quarters of a year for a unit: open, closed or restated, with the buttons allowed."""
    units = user_units(request)
    defaults: dict[str, Any] = {"year": timezone.localdate().year, "scheme": scheme_default().value}
    if units.default is not None:
        defaults["unit"] = units.default.code
    form = PeriodListForm({**defaults, **{k: v for k, v in request.GET.items() if v}}, units=units.choices)
    unit = unit_chosen(request, units, form.data.get("unit"))
    if isinstance(unit, HttpResponse):
        return unit
    context: dict[str, Any] = {"form": form, "unit": unit, "may_close": snapshots.user_may_close(request.user, unit)}
    if form.is_valid():
        wanted = form.cleaned_data
        states = period_states(unit=unit, year=wanted["year"], scheme=wanted["scheme"], today=timezone.localdate())
        context["lines"] = [_line(unit, item) for item in states]
    return render(request, "reports/periods.html", context)


def _posted(request: AuthenticatedRequest, form_class: type[PeriodCloseForm]) -> tuple[Any, Unit] | HttpResponse:
    """Return the bound form and its unit, or the refusal (403 outside the user's units, 404 unknown unit)."""
    code = request.POST.get("unit", "").strip()
    if not code:  # a button always names its unit: none is not "the default unit"
        raise Http404(_("Mã đơn vị không tồn tại / unknown unit code"))
    unit = unit_chosen(request, user_units(request), code)
    return unit if isinstance(unit, HttpResponse) else (form_class(request.POST), unit)


def _back(unit: Unit, form: PeriodCloseForm) -> str:
    try:
        return list_url(unit, period_of(form.cleaned_data["kind"], form.cleaned_data["start"]))
    except (KeyError, PeriodInvalid):
        return list_url(unit)


def _run(request: AuthenticatedRequest, form_class: type[PeriodCloseForm], action: str) -> HttpResponse:
    """Validate a close or restate form, run the service as the user and go back to the closing page."""
    posted = _posted(request, form_class)
    if isinstance(posted, HttpResponse):
        return posted
    form, unit = posted
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_back(unit, form))
    cleaned = form.cleaned_data
    wanted = {"unit": unit, "kind": cleaned["kind"], "start": cleaned["start"], "user": request.user}
    try:
        if action == "close":
            snapshot = snapshots.period_close(**wanted)
        else:
            snapshot = snapshots.period_restate(**wanted, reason=cleaned["reason"])
    except snapshots.PeriodNotAllowed as refusal:
        return forbidden(request, refusal.message)
    except snapshots.PeriodError as error:
        messages.error(request, error.message)
        return redirect(_back(unit, form))
    done = (
        _("Đã khóa sổ %(period)s (phiên bản %(version)s).")
        if action == "close"
        else _("Đã điều chỉnh số liệu %(period)s (phiên bản %(version)s).")
    )
    label = period_of(snapshot.kind, snapshot.date_from).label
    messages.success(request, done % {"period": label, "version": snapshot.version})
    return redirect(_back(unit, form))


@login_required
@require_POST
def period_close(request: AuthenticatedRequest) -> HttpResponse:
    """Close a period that is over (version 1 of its snapshot)."""
    return _run(request, PeriodCloseForm, "close")


@login_required
@require_POST
def period_restate(request: AuthenticatedRequest) -> HttpResponse:
    """Restate a closed period with a reason (version n + 1 with the differences)."""
    return _run(request, PeriodRestateForm, "restate")


@login_required
@require_GET
def period_detail(request: AuthenticatedRequest, code: str, kind: str, start: str) -> HttpResponse:
    """Show every version of a closed period: who, when, why, its hash and the figures each restatement changed."""
    unit = unit_chosen(request, user_units(request), code)
    if isinstance(unit, HttpResponse):
        return unit
    try:
        period = period_of(kind, date.fromisoformat(start))
    except (ValueError, PeriodInvalid):
        raise Http404(_("Không có kỳ báo cáo này / no such period")) from None
    versions = [
        {
            "snapshot": snapshot,
            "verified": snapshot_verify(snapshot),
            "differences": difference_lines(snapshot.differences),
            "json_href": reverse("reports:period_snapshot_json", args=[snapshot.pk]),
        }
        for snapshot in period_history(unit=unit, kind=period.kind, date_from=period.date_from)
    ]
    context = {
        "unit": unit,
        "period": period,
        "versions": versions,
        "may_close": snapshots.user_may_close(request.user, unit),
        "restate_form": PeriodRestateForm(initial={"unit": unit.code, "kind": period.kind, "start": period.date_from}),
        "report_href": report_url(unit, period),
        "back": list_url(unit, period),
    }
    return render(request, "reports/period_history.html", context)


@login_required
@require_GET
def period_snapshot_json(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Return one version's content exactly as stored (its SHA-256 is on the history page)."""
    snapshot = get_object_or_404(PeriodSnapshot.objects.select_related("unit"), pk=pk)
    if snapshot.unit_id not in visible_unit_ids(request.user):
        return forbidden(request, str(NOT_YOURS))
    response = HttpResponse(snapshot.content.encode(), content_type="application/json; charset=utf-8")
    name = f"khoa-so-{snapshot.unit.code}-{snapshot.kind}-{snapshot.date_from:%Y%m%d}-v{snapshot.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
