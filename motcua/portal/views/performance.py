"""Public performance pages: the province and each agency, by calendar month, quarter or year (no login)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.accounts.models import Unit
from motcua.portal.forms import PeriodForm
from motcua.reports.index766 import BAND_LABELS, GROUPS
from motcua.reports.public import performance_roots, performance_unit, unit_performance
from motcua.reports.selectors import ReportError
from motcua.reports.windows import Span


def _period_words(span: str, year: int, number: int) -> str:
    if span == Span.MONTH:
        return _("Tháng %(n)s/%(y)s") % {"n": number, "y": year}
    if span == Span.QUARTER:
        return _("Quý %(n)s/%(y)s") % {"n": number, "y": year}
    return _("Năm %(y)s") % {"y": year}


def _context(request: HttpRequest, unit: Unit) -> tuple[dict[str, Any], int]:
    form = PeriodForm(request.GET or None, initial={"span": Span.YEAR.value, "year": timezone.localdate().year})
    span, year, number, first, last = form.period()
    context: dict[str, Any] = {"unit": unit, "form": form, "period": _period_words(span, year, number)}
    try:
        data = unit_performance(unit=unit, date_from=first, date_to=last)
    except ReportError as error:
        context["error"] = str(error)
        return context, 400
    groups = {group.code: group.name for group in GROUPS}
    context |= {
        "data": data,
        "as_of": datetime.fromisoformat(data["as_of"]),
        "band": BAND_LABELS.get(data["index"]["band"], data["index"]["band"]),
        "groups": [{**g, "name": groups[g["code"]]} for g in data["index"]["groups"]],
        "query": request.GET.urlencode(),
    }
    return context, 200


@require_GET
def province(request: HttpRequest) -> HttpResponse:
    """Show the province's figures and each agency's; with several top units, the first (others are linked)."""
    roots = performance_roots()
    if not roots:
        return render(request, "portal/performance.html", {"roots": []})
    context, status = _context(request, roots[0])
    context["roots"] = roots
    return render(request, "portal/performance.html", context, status=status)


@require_GET
def agency(request: HttpRequest, code: str) -> HttpResponse:
    """Show one agency's figures (its sub-tree) and those of the units below it."""
    unit = performance_unit(code)
    if unit is None:
        raise Http404(_("Không có đơn vị %(code)s / no such unit") % {"code": code})
    context, status = _context(request, unit)
    return render(request, "portal/performance.html", context, status=status)
