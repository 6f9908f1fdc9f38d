"""Back-office statistics pages: the period report with its dossier lists and downloads, and the late
dossiers by responsible unit and cause.

Every figure is read from `reports.selectors.period_report` and every list from
`period_report_dossiers` (DESIGN.md rule 6): the pages only lay them out. A figure's link carries the
as-of instant T of its page, so the list behind it is the one that was counted, even for a window that
is still running. Units are chosen among the user's visible units; another unit is refused (403).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from motcua.accounts.models import Unit
from motcua.accounts.selectors import visible_unit_ids
from motcua.catalog.models import Field, Level
from motcua.catalog.selectors import procedure_versions_of
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Channel
from motcua.dossiers.views.access import AuthenticatedRequest, forbidden, working_unit
from motcua.reports.counters import counters_fill_state
from motcua.reports.definitions import Measure
from motcua.reports.exports import (
    COLUMNS,
    GROUP_HEADINGS,
    Column,
    figure_value,
    period_report_pdf,
    period_report_xlsx,
    period_text,
)
from motcua.reports.forms import (
    DERIVED,
    MEASURE_LABELS,
    TOTAL_ONLY,
    DrilldownForm,
    LatenessDrilldownForm,
    PeriodChoiceForm,
    ReportForm,
    period_defaults,
)
from motcua.reports.lateness import LatenessReport, late_dossiers_by_cause
from motcua.reports.periods import ClosedReport, closed_live_differences, closed_report
from motcua.reports.selectors import Figures, PeriodReport, ReportError, period_report
from motcua.reports.selectors import period_report_dossiers as dossiers_behind
from motcua.reports.views.closed import difference_lines, history_url

DrillForm = TypeVar("DrillForm", DrilldownForm, LatenessDrilldownForm)

PAGE_SIZE = 25
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RATE_MEASURES = {
    "online_rate": (Measure.RECEIVED_ONLINE, "received"),
    "on_time_rate": (Measure.HANDLED_ON_TIME, "handled"),
}
# The total's figures that the official table leaves out, listed under it.
DETAIL_MEASURES = (
    Measure.HANDLED,
    Measure.HANDLED_ON_TIME,
    Measure.RESOLVED_PORTAL_ON_TIME,
    Measure.RESOLVED_AWAITING_SUPPLEMENT,
    Measure.RESOLVED_LATE_WITHIN_EXTENDED,
    Measure.ABOUT_TO_BE_LATE,
    Measure.NOT_COLLECTED,
    Measure.APOLOGIES,
    Measure.STOPPED,
    Measure.WITHDRAWN,
)
NOT_YOURS = gettext_lazy("Đơn vị này không thuộc phạm vi bạn được xem số liệu / not one of your units")
NO_UNITS = gettext_lazy("Bạn chưa thuộc đơn vị nào nên chưa xem được số liệu / you belong to no unit yet")


# --- units --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Units:
    """The units the user may report on (by code) and the unit a page opens with."""

    choices: list[Unit]
    default: Unit | None


def user_units(request: AuthenticatedRequest) -> Units:
    """Return the user's visible units; the default is the top one above the working unit."""
    ids = visible_unit_ids(request.user)
    units = list(Unit.objects.filter(id__in=ids).order_by("code"))
    by_id = {unit.pk: unit for unit in units}
    current = working_unit(request)
    top = by_id.get(current.pk) if current is not None else None
    while top is not None and top.parent_id in by_id:
        top = by_id[top.parent_id]
    roots = [unit for unit in units if unit.parent_id not in by_id]
    return Units(choices=units, default=top or (roots[0] if roots else None))


def unit_chosen(request: AuthenticatedRequest, units: Units, code: str | None) -> Unit | HttpResponse:
    """Return the unit of `code` (the default when empty); 404 for an unknown code, 403 outside the user's units."""
    if not code:
        return units.default or forbidden(request, str(NO_UNITS))
    for unit in units.choices:
        if unit.code == code:
            return unit
    if not Unit.objects.filter(code=code).exists():
        raise Http404(_("Mã đơn vị không tồn tại / unknown unit code"))
    return forbidden(request, str(NOT_YOURS))


def _bound(query: QueryDict, defaults: Mapping[str, Any]) -> dict[str, Any]:
    """Return the form data: what the query gives, the defaults for what it leaves out."""
    data = {key: value for key, value in defaults.items()}
    data.update({key: query[key] for key in query if query[key] != "" or key not in defaults})
    return data


# --- links ------------------------------------------------------------------------------------


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment, timezone.get_default_timezone()).isoformat()


def report_query(report: PeriodReport, **extra: str) -> dict[str, str]:
    """Return the query naming a report exactly: unit, dates, as-of instant (and grouping)."""
    query = {
        "unit": report.unit_code,
        "from": report.window.date_from.isoformat(),
        "to": report.window.date_to.isoformat(),
        "as_of": _iso(report.window.end),
    }
    if report.group_by:
        query["group_by"] = report.group_by
    return {**query, **extra}


def figure_link(report: PeriodReport, measure: str, group: str | None = None) -> str:
    """Return the address of the dossiers behind one figure of `report` (of one group, if given)."""
    query = report_query(report, measure=measure)
    if group is not None:
        query["group"] = group
    elif "group_by" in query:
        del query["group_by"]
    return f"{reverse('reports:dossiers')}?{urlencode(query)}"


# --- the report table -------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A figure of the report table with the link to its dossiers."""

    value: int | float | None
    href: str = ""
    rate: bool = False
    title: str = ""
    gap: bool = False


def _cell(report: PeriodReport, figures: Figures, column: Column, group: str | None) -> Cell:
    value = figure_value(figures, column.key)
    if column.key in RATE_MEASURES:
        measure, whole = RATE_MEASURES[column.key]
        part = getattr(figures, measure.value)
        title = _("%(part)s trên %(whole)s hồ sơ") % {"part": part, "whole": getattr(figures, whole)}
        return Cell(value, figure_link(report, measure, group), rate=True, title=title)
    if column.key == "reconciliation_gap":
        return Cell(value, gap=value != 0)
    return Cell(value, figure_link(report, column.key, group))


def report_bands(columns: Iterable[Column]) -> list[tuple[str | Promise, list[Column]]]:
    """Return the heading bands: consecutive columns under one band; a column without one stands alone."""
    bands: list[tuple[str | Promise, list[Column]]] = []
    for band, grouped in groupby(columns, key=lambda column: column.band):
        members = list(grouped)
        bands += [(band, members)] if band else [("", [column]) for column in members]
    return bands


def report_lines(report: PeriodReport) -> list[dict[str, Any]]:
    """Return the lines of the table: one per group (linked to its dashboard when there is one), then the total."""
    lines = [
        {
            "number": number,
            "label": row.label,
            "href": _group_dashboard(report, row.key),
            "cells": [_cell(report, row.figures, column, row.key) for column in COLUMNS],
        }
        for number, row in enumerate(report.rows, start=1)
    ]
    total = [_cell(report, report.total, column, None) for column in COLUMNS]
    return [*lines, {"number": "", "label": _("Tổng cộng"), "cells": total, "total": True}]


def _group_dashboard(report: PeriodReport, key: str) -> str:
    if report.group_by == "unit" and key != report.unit_code:
        return reverse("reports:unit_dashboard", args=[key])
    if report.group_by == "procedure":
        return f"{reverse('reports:procedure_dashboard', args=[key])}?{urlencode({'unit': report.unit_code})}"
    return ""


def reconciliation(report: PeriodReport) -> dict[str, Any]:
    """Return every check of ST-19 with its gap: the equation, the splits, and the groups against the total."""
    total = report.total
    splits = [
        (_("Tiếp nhận = trực tuyến + trực tiếp + bưu chính"), total.received_split_gap),
        (_("Đã giải quyết = trước hạn + đúng hạn + quá hạn"), total.resolved_split_gap),
        (_("Đang giải quyết = trong hạn + quá hạn"), total.pending_split_gap),
    ]
    counts = [column for column in COLUMNS if column.key not in RATE_MEASURES and column.key != "reconciliation_gap"]
    row_gaps = []
    if report.rows:
        for column in counts:
            added = sum(figure_value(row.figures, column.key) or 0 for row in report.rows)
            shown = figure_value(total, column.key) or 0
            if added != shown:
                row_gaps.append({"heading": column.heading, "band": column.band, "sum": added, "total": shown})
    gapped = [row for row in report.rows if row.figures.reconciliation_gap]
    return {"total": total, "splits": splits, "row_gaps": row_gaps, "gapped_rows": gapped}


def report_details(report: PeriodReport) -> list[dict[str, Any]]:
    """Return the total's figures that the official table leaves out, each linked to its dossiers."""
    total = report.total
    return [
        {"label": MEASURE_LABELS[m], "value": getattr(total, m.value), "href": figure_link(report, m)}
        for m in DETAIL_MEASURES
    ]


# --- the report page and its downloads -----------------------------------------------------------


def _report_request(request: AuthenticatedRequest) -> HttpResponse | tuple[dict[str, Any], PeriodReport | None]:
    """Return the refusal, or the form context and the report it asks for (None when the form or window is bad)."""
    units = user_units(request)
    defaults = {**period_defaults(timezone.localdate()), "group_by": "unit"}
    if units.default is not None:
        defaults["unit"] = units.default.code
    form = ReportForm(_bound(request.GET, defaults), units=units.choices)
    unit = unit_chosen(request, units, form.data.get("unit"))
    if isinstance(unit, HttpResponse):
        return unit
    context: dict[str, Any] = {"form": form, "unit": unit}
    if not form.is_valid():
        return context, None
    date_from, date_to = form.window()
    asked = {"unit": unit, "date_from": date_from, "date_to": date_to, "as_of": form.cleaned_data["as_of"]}
    try:
        # A closed period is served from its latest snapshot (issue 4 item 3); ?live=1 recomputes it too.
        context["closed"] = closed = closed_report(**asked, group_by=form.grouping())
        live: PeriodReport | None = None
        if closed is None:
            live = period_report(**asked, group_by=form.grouping(), source=_source_asked(request))
        elif request.GET.get("live"):  # compared figure by figure with the snapshot, so read from the raw rows too
            live = period_report(**asked, group_by=form.grouping(), source="raw")
    except ReportError as error:
        form.add_error(None, str(error))
        return context, None
    if closed is None:
        return context, live
    if live is not None:
        context["live_differences"] = closed_live_differences(closed, live)
    return context, closed.report(form.grouping())


def _downloads(report: PeriodReport) -> dict[str, str]:
    # The same window, grouping and T as the page, so the files hold the figures on screen.
    query = urlencode(report_query(report, period="dates", group_by=report.group_by or TOTAL_ONLY))
    return {"xlsx": f"{reverse('reports:xlsx')}?{query}", "pdf": f"{reverse('reports:pdf')}?{query}"}


@login_required
@require_GET
def report(request: AuthenticatedRequest) -> HttpResponse:
    """Show the period report of a unit and its sub-tree in the officials' layout, every figure linked."""
    asked = _report_request(request)
    if isinstance(asked, HttpResponse):
        return asked
    context, result = asked
    if result is not None:
        context.update(
            report=result,
            period=period_text(result),
            bands=report_bands(COLUMNS),
            group_heading=GROUP_HEADINGS[result.group_by],
            lines=report_lines(result),
            checks=reconciliation(result),
            details=report_details(result),
            downloads=_downloads(result),
        )
        if context.get("closed"):
            context.update(_closed_context(request, context["closed"], context.get("live_differences")))
        elif result.source == "counters":
            context.update(_counters_context(request))
    return render(request, "reports/report.html", context)


def _source_asked(request: AuthenticatedRequest) -> str | None:
    """Return the source asked by ?source= ("raw" reads every dossier; anything else: the counters)."""
    return "raw" if request.GET.get("source") == "raw" else None


def _counters_context(request: AuthenticatedRequest) -> dict[str, Any]:
    """Return when the counters were last filled, how many dossiers wait, and the link to the raw recount."""
    query = request.GET.copy()
    query["source"] = "raw"
    return {"fill": counters_fill_state(), "raw_href": f"{reverse('reports:report')}?{query.urlencode()}"}


def _closed_context(
    request: AuthenticatedRequest, closed: ClosedReport, differences: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """Return the mark of a closed period, its history link and the link to (or result of) the live recomputation."""
    query = request.GET.copy()
    query["live"] = "1"
    return {
        "closed_notice": closed.notice,
        "closed_history": history_url(closed.snapshot),
        "live_href": f"{reverse('reports:report')}?{query.urlencode()}",
        "live_lines": difference_lines(differences) if differences is not None else None,
    }


def _download(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    asked = _report_request(request)
    if isinstance(asked, HttpResponse):
        return asked
    context, result = asked
    if result is None:
        context["message"] = _("Không lập được báo cáo với các lựa chọn này / invalid report request")
        return render(request, "reports/report.html", context, status=400)
    with translation.override("vi"):  # the mark of a closed period is part of an official document
        note = context["closed"].notice if context.get("closed") else ""
    if kind == "xlsx":
        response = HttpResponse(period_report_xlsx(result, note=note), content_type=XLSX)
    else:
        response = HttpResponse(
            period_report_pdf(result, unit=context["unit"], note=note), content_type="application/pdf"
        )
    name = f"bao-cao-{result.unit_code}-{result.window.date_from:%Y%m%d}-{result.window.date_to:%Y%m%d}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def report_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    """Return the period report as .xlsx (one row per child unit unless another grouping is chosen)."""
    return _download(request, "xlsx")


@login_required
@require_GET
def report_pdf(request: AuthenticatedRequest) -> HttpResponse:
    """Return the period report as PDF (one row per child unit unless another grouping is chosen)."""
    return _download(request, "pdf")


# --- the dossiers behind a figure -----------------------------------------------------------------


def group_label(group_by: str | None, key: str | None) -> str:
    """Return the name of one group of a report: a unit, field, procedure, channel or level."""
    if not group_by or key is None:
        return ""
    if group_by == "unit":
        return Unit.objects.filter(code=key).values_list("name", flat=True).first() or key
    if group_by == "field":
        name = Field.objects.filter(pk=int(key)).values_list("name", flat=True).first() if key.isdigit() else None
        return name or key
    if group_by == "procedure":
        version = procedure_versions_of(key).last()
        return f"{key} — {version.name}" if version else key
    if group_by == "channel" and key.isdigit() and int(key) in Channel.values:
        return str(Channel(int(key)).label)
    return str(Level(key).label) if group_by == "level" and key in Level.values else key


def dossier_page(request: AuthenticatedRequest, codes: list[str]) -> tuple[Any, list[Dossier]]:
    """Return the page of `codes` asked for and its dossiers, in the order of `codes`."""
    page = Paginator(codes, PAGE_SIZE).get_page(request.GET.get("page"))
    found = Dossier.objects.filter(code__in=list(page.object_list)).select_related(
        "procedure_version__procedure", "receiving_unit"
    )
    by_code = {dossier.code: dossier for dossier in found}
    return page, [by_code[code] for code in page.object_list if code in by_code]


def _drilldown(request: AuthenticatedRequest, form_class: type[DrillForm]) -> tuple[DrillForm, Unit] | HttpResponse:
    """Return the valid drill-down form and the chosen unit, or the page refusing them (403, or 400)."""
    units = user_units(request)
    form = form_class(request.GET, units=units.choices)
    unit = unit_chosen(request, units, request.GET.get("unit") or None)
    if isinstance(unit, HttpResponse):
        return unit
    if not form.is_valid():
        return _refused_list(request, form, unit)
    return form, unit


def _refused_list(request: AuthenticatedRequest, form: forms.Form, unit: Unit) -> HttpResponse:
    return render(request, "reports/dossier_list.html", {"form": form, "unit": unit}, status=400)


def _query_without_page(request: AuthenticatedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@require_GET
def report_dossiers(request: AuthenticatedRequest) -> HttpResponse:
    """List the dossiers behind one figure of the period report (25 a page), each linked to its page."""
    chosen = _drilldown(request, DrilldownForm)
    if isinstance(chosen, HttpResponse):
        return chosen
    form, unit = chosen
    wanted = form.cleaned_data
    asked = {"unit": unit, "date_from": wanted["from"], "date_to": wanted["to"], "as_of": wanted["as_of"]}
    group_by, group = wanted["group_by"] or None, wanted["group"] or None
    try:
        codes = sorted(
            code
            for measure in DERIVED.get(wanted["measure"]) or (Measure(wanted["measure"]),)
            for code in dossiers_behind(**asked, measure=measure, group_by=group_by, group=group)
        )
    except ReportError as error:
        form.add_error(None, str(error))
        return _refused_list(request, form, unit)
    page, dossiers = dossier_page(request, codes)
    context = {
        "form": form,
        "unit": unit,
        "title": MEASURE_LABELS[wanted["measure"]],
        "group": group_label(group_by, group),
        "period": _period_words(wanted["from"], wanted["to"], wanted["as_of"]),
        "page": page,
        "dossiers": dossiers,
        "count": len(codes),
        "query": _query_without_page(request),
        "back": f"{reverse('reports:report')}?{_report_back_query(request.GET)}",
    }
    return render(request, "reports/dossier_list.html", context)


def _report_back_query(query: QueryDict) -> str:
    keep = {"unit": query.get("unit", ""), "period": "dates", "from": query.get("from", ""), "to": query.get("to", "")}
    keep.update({key: str(query.get(key)) for key in ("as_of", "group_by") if query.get(key)})
    return urlencode(keep)


def _period_words(date_from: date, date_to: date, as_of: datetime | None) -> str:
    words = _("Từ ngày %(start)s đến ngày %(end)s") % {"start": f"{date_from:%d/%m/%Y}", "end": f"{date_to:%d/%m/%Y}"}
    if as_of is None:
        return words
    local = timezone.localtime(as_of, timezone.get_default_timezone())
    return _("%(period)s, số liệu tính đến %(time)s") % {"period": words, "time": f"{local:%H:%M %d/%m/%Y}"}


# --- late dossiers by responsible unit and cause --------------------------------------------------


@login_required
@require_GET
def lateness(request: AuthenticatedRequest) -> HttpResponse:
    """Show the dossiers resolved late or overdue in a window, by responsible unit and cause."""
    units = user_units(request)
    defaults = period_defaults(timezone.localdate())
    if units.default is not None:
        defaults["unit"] = units.default.code
    form = PeriodChoiceForm(_bound(request.GET, defaults), units=units.choices)
    unit = unit_chosen(request, units, form.data.get("unit"))
    if isinstance(unit, HttpResponse):
        return unit
    context: dict[str, Any] = {"form": form, "unit": unit}
    if form.is_valid():
        date_from, date_to = form.window()
        try:
            result = late_dossiers_by_cause(
                unit=unit, date_from=date_from, date_to=date_to, as_of=form.cleaned_data["as_of"]
            )
        except ReportError as error:
            form.add_error(None, str(error))
        else:
            context.update(_lateness_context(result))
    return render(request, "reports/lateness.html", context)


def _lateness_context(result: LatenessReport) -> dict[str, Any]:
    query = {
        "unit": result.unit_code,
        "from": result.window.date_from.isoformat(),
        "to": result.window.date_to.isoformat(),
        "as_of": _iso(result.window.end),
    }
    base = reverse("reports:lateness_dossiers")
    units = [
        {
            "unit": unit,
            "lines": [
                {"line": line, "href": f"{base}?{urlencode({**query, 'responsible': unit.code, 'cause': line.cause})}"}
                for line in unit.lines
            ],
        }
        for unit in result.units
    ]
    figures = reverse("reports:dossiers")
    return {
        "result": result,
        "units": units,
        "period": _period_words(result.window.date_from, result.window.date_to, result.window.end),
        "late_href": f"{figures}?{urlencode({**query, 'measure': Measure.RESOLVED_LATE})}",
        "overdue_href": f"{figures}?{urlencode({**query, 'measure': Measure.PENDING_OVERDUE})}",
    }


@login_required
@require_GET
def lateness_dossiers(request: AuthenticatedRequest) -> HttpResponse:
    """List the late dossiers of one responsible unit and cause (25 a page)."""
    chosen = _drilldown(request, LatenessDrilldownForm)
    if isinstance(chosen, HttpResponse):
        return chosen
    form, unit = chosen
    wanted = form.cleaned_data
    try:
        result = late_dossiers_by_cause(
            unit=unit, date_from=wanted["from"], date_to=wanted["to"], as_of=wanted["as_of"]
        )
    except ReportError as error:
        form.add_error(None, str(error))
        return _refused_list(request, form, unit)
    codes = result.line_codes(responsible=wanted["responsible"], cause=wanted["cause"])
    if codes is None:
        raise Http404(_("Không có dòng này trong báo cáo / no such line"))
    responsible = next(u for u in result.units if u.code == wanted["responsible"])
    line = next(line for line in responsible.lines if line.cause == wanted["cause"])
    page, dossiers = dossier_page(request, list(codes))
    context = {
        "form": form,
        "unit": unit,
        "title": _("Hồ sơ trễ hạn: %(cause)s") % {"cause": line.cause_label},
        "group": responsible.name,
        "period": _period_words(wanted["from"], wanted["to"], result.window.end),
        "page": page,
        "dossiers": dossiers,
        "count": len(codes),
        "query": _query_without_page(request),
        "back": f"{reverse('reports:lateness')}?{_report_back_query(request.GET)}",
    }
    return render(request, "reports/dossier_list.html", context)


# --- dashboards ---------------------------------------------------------------------------------
