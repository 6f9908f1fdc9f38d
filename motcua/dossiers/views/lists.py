"""Dossier lists: search of all visible dossiers, my queue, the unit queue, the return desk and the ledger."""

from __future__ import annotations

import tempfile
from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.accounts.models import Role
from motcua.accounts.selectors import unit_descendant_ids
from motcua.dossiers import selectors
from motcua.dossiers.forms import DeliverForm, DossierSearchForm, PeriodForm
from motcua.dossiers.states import OPEN_STATES
from motcua.dossiers.views.access import AuthenticatedRequest, forbidden, working_unit
from motcua.dossiers.views.labels import STATUS_LABELS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PAGE_SIZE = 25
HEAD_ROLES = (Role.DIVISION_HEAD, Role.AGENCY_HEAD)
LEDGER_ROLES = (Role.RECEPTION_OFFICER, Role.DIVISION_HEAD, Role.AGENCY_HEAD, Role.LEADER, Role.ADMIN)


def _query_without_page(request: AuthenticatedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _partial(request: AuthenticatedRequest) -> bool:
    return bool(request.htmx and not request.htmx.history_restore_request)  # type: ignore[attr-defined]


@login_required
@require_GET
def dossier_search(request: AuthenticatedRequest) -> HttpResponse:
    """Show every dossier the user may see, filtered by state, procedure, due range and text; 25 a page."""
    form = DossierSearchForm(request.GET)
    form.is_valid()  # invalid filters are reported on the form and ignored
    wanted = form.cleaned_data
    dossiers = selectors.dossier_list(
        user=request.user,
        state=wanted.get("state") or None,
        procedure_code=wanted.get("procedure") or None,
        due_from=wanted.get("due_from"),
        due_to=wanted.get("due_to"),
        query=wanted.get("q") or "",
    )
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    cache: dict[int, Any] = {}
    rows = [
        {"dossier": d, "status": selectors.dossier_due_status(d, now, cache) if d.state in OPEN_STATES else ""}
        for d in page.object_list
    ]
    context = {"form": form, "page": page, "rows": rows, "query": _query_without_page(request)}
    template = "dossiers/_search_results.html" if _partial(request) else "dossiers/dossier_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_GET
def my_queue(request: AuthenticatedRequest) -> HttpResponse:
    """Show the steps waiting for the user, soonest due first, with due-soon and overdue marked."""
    queue = selectors.my_queue(user=request.user)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dossiers/my_queue.html", {"page": page, "labels": STATUS_LABELS, "query": ""})


@login_required
@require_GET
def unit_queue(request: AuthenticatedRequest) -> HttpResponse:
    """Show a head the open dossiers of the working unit, unassigned first, with assignment forms."""
    unit = working_unit(request)
    if unit is None or not any(working_unit(request, role) for role in HEAD_ROLES):
        return forbidden(request, _("Trang này dành cho lãnh đạo đơn vị / for heads of the unit only"))
    queue = selectors.unit_queue(user=request.user, unit=unit)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    members_of: dict[int, list[Any]] = {}
    rows = []
    for item in page.object_list:
        step = item.step if item.step and item.step.finished_at is None else None
        if step is not None and step.unit_id not in members_of:
            members_of[step.unit_id] = list(selectors.unit_members(unit=step.unit))
        rows.append({"item": item, "members": members_of.get(step.unit_id, []) if step else None})
    context = {"page": page, "rows": rows, "unit": unit, "labels": STATUS_LABELS, "query": ""}
    return render(request, "dossiers/unit_queue.html", context)


@login_required
@require_GET
def return_desk(request: AuthenticatedRequest) -> HttpResponse:
    """Show the results waiting to be returned at the user's reception units, with the delivery form."""
    dossiers = selectors.return_desk(user=request.user)
    page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(d, DeliverForm(dossier=d, prefix="deliver", auto_id=f"id_{d.pk}_%s")) for d in page.object_list]
    return render(request, "dossiers/return_desk.html", {"page": page, "rows": rows, "query": ""})


def _ledger_cell(value: object) -> object:
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "H:i d/m/Y")
    return "" if value is None else value


def _ledger_context(request: AuthenticatedRequest, *, rows: bool = True) -> dict[str, Any] | None:
    unit = working_unit(request)
    if unit is None or not any(working_unit(request, role) for role in LEDGER_ROLES):
        return None
    from motcua.dossiers.documents.ledger import ledger_rows

    form = PeriodForm(request.GET)
    valid = form.is_valid()
    date_from, date_to = form.period() if valid else (timezone.localdate(), timezone.localdate())
    lines = ledger_rows(unit_ids=unit_descendant_ids([unit.pk]), date_from=date_from, date_to=date_to) if rows else []
    title = _("Từ ngày %(start)s đến ngày %(end)s") % {
        "start": date_from.strftime("%d/%m/%Y"),
        "end": date_to.strftime("%d/%m/%Y"),
    }
    return {"form": form, "unit": unit, "rows": lines, "title": title, "date_from": date_from, "date_to": date_to}


@login_required
@require_GET
def ledger(request: AuthenticatedRequest) -> HttpResponse:
    """Show the ledger (sổ theo dõi hồ sơ) of the working unit for a period."""
    from motcua.dossiers.documents.ledger import LEDGER_COLUMNS

    context = _ledger_context(request)
    if context is None:
        return forbidden(request, _("Bạn không có vai trò xem sổ theo dõi của đơn vị này / not allowed here"))
    keys = [key for key, _heading, _width in LEDGER_COLUMNS]
    context["headings"] = [heading for _key, heading, _width in LEDGER_COLUMNS]
    context["lines"] = [[_ledger_cell(getattr(row, key)) if key else "" for key in keys] for row in context["rows"]]
    context["query"] = request.GET.urlencode()
    return render(request, "dossiers/ledger.html", context)


@login_required
@require_GET
def ledger_download(request: AuthenticatedRequest) -> HttpResponse | FileResponse:
    """Return the ledger of the working unit for a period as an .xlsx workbook, streamed from a temporary file."""
    from motcua.dossiers.documents.ledger import ledger_lines, ledger_xlsx_write

    context = _ledger_context(request, rows=False)
    if context is None:
        return forbidden(request, _("Bạn không có vai trò xem sổ theo dõi của đơn vị này / not allowed here"))
    lines = ledger_lines(
        unit_ids=unit_descendant_ids([context["unit"].pk]), date_from=context["date_from"], date_to=context["date_to"]
    )
    # A year of a province is a million lines: never the whole file in memory. FileResponse closes it.
    spool = tempfile.TemporaryFile()  # noqa: SIM115
    ledger_xlsx_write(lines, spool, title=context["title"], unit_name=context["unit"].name, day=context["date_to"])
    spool.seek(0)
    name = f"so-theo-doi-{context['date_from']:%Y%m%d}-{context['date_to']:%Y%m%d}.xlsx"
    return FileResponse(spool, as_attachment=True, filename=name, content_type=XLSX_TYPE)
