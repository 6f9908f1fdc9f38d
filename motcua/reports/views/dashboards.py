"""Dashboards: the province overview, unit and procedure dashboards and the Decision 766 panel (Chart.js
fed with JSON, so the strict CSP holds)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.accounts.models import Unit
from motcua.catalog.selectors import procedure_versions_of
from motcua.dossiers.views.access import AuthenticatedRequest
from motcua.reports.definitions import Measure
from motcua.reports.exports import (
    period_text,
)
from motcua.reports.forms import (
    MEASURE_LABELS,
    DashboardForm,
)
from motcua.reports.index766 import GROUPS, Index766, index766
from motcua.reports.selectors import Figures, PeriodReport, ReportError, figures_from, period_report
from motcua.reports.views.report import (
    RATE_MEASURES,
    Units,
    _bound,
    _period_words,
    _report_back_query,
    figure_link,
    report_query,
    unit_chosen,
    user_units,
)
from motcua.reports.windows import Scheme, Span, window


@dataclass(frozen=True)
class Chart:
    """One chart: what dashboards.js hands to Chart.js, and the same figures as a table for everyone else."""

    id: str
    title: str
    spec: dict[str, Any]
    headings: list[str]
    rows: list[dict[str, Any]]  # {"label", "href", "values"}

    @property
    def data_id(self) -> str:
        return f"chart-{self.id}-data"

    @property
    def spec_json(self) -> str:
        """Return the spec as JSON for a data attribute: htmx drops every <script> of a fragment it swaps in."""
        return json.dumps(self.spec, cls=DjangoJSONEncoder, ensure_ascii=False)

    @property
    def table(self) -> list[dict[str, Any]]:
        """Return the rows with their values written as the reader's language writes numbers."""
        return [{**row, "values": [shown(value) for value in row["values"]]} for row in self.rows]


def shown(value: object) -> str:
    """Return a table value as text: numbers grouped in the active language, "—" when there is none."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    places = 2 if isinstance(value, float) else None
    return formats.number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


def chart_spec(
    kind: str, labels: Sequence[str], series: Sequence[tuple[str, str | Sequence[str], Sequence[Any]]], **options: Any
) -> dict[str, Any]:
    """Return the JSON of a chart: type, labels, datasets (label, tone, data) and drawing options."""
    datasets = [
        {"label": str(label), "tone": tone if isinstance(tone, str) else list(tone), "data": list(data)}
        for label, tone, data in series
    ]
    return {"type": kind, "labels": [str(label) for label in labels], "datasets": datasets, **options}


def _scoped(report: PeriodReport, procedure: str | None) -> Figures:
    """Return the report's total, or one procedure's row of a report grouped by procedure (zeros if absent)."""
    if procedure is None:
        return report.total
    row = next((row for row in report.rows if row.key == procedure), None)
    return row.figures if row is not None else figures_from({})


def monthly_figures(*, unit: Unit, year: int, as_of: datetime, procedure: str | None) -> list[Figures | None]:
    """Return the figures of each month of `year` in the default scheme read at `as_of`; None for months to come."""
    found: list[Figures | None] = []
    for number in range(1, 13):
        date_from, date_to = window(Span.MONTH, year, number)
        if date_from > timezone.localdate(as_of):
            found.append(None)
            continue
        month = period_report(
            unit=unit, date_from=date_from, date_to=date_to, as_of=as_of, group_by="procedure" if procedure else None
        )
        found.append(_scoped(month, procedure))
    return found


def trend_chart(year: int, months: list[Figures | None]) -> Chart:
    """Return the monthly trend of received, resolved and resolved-late dossiers."""
    labels = [f"{number}/{year}" for number in range(1, 13)]
    keys = [
        ("received", "primary", MEASURE_LABELS[Measure.RECEIVED]),
        ("resolved", "success", MEASURE_LABELS[Measure.RESOLVED]),
        ("resolved_late", "danger", MEASURE_LABELS[Measure.RESOLVED_LATE]),
    ]
    series = [(str(label), tone, [getattr(m, key) if m else None for m in months]) for key, tone, label in keys]
    rows = [
        {
            "label": _("Tháng %(label)s") % {"label": label},
            "href": "",
            "values": [m and getattr(m, k) for k, _t, _l in keys],
        }
        for label, m in zip(labels, months, strict=True)
    ]
    return Chart(
        id="trend",
        title=_("Hồ sơ tiếp nhận, đã giải quyết và giải quyết quá hạn theo tháng"),
        spec=chart_spec("line", labels, series),
        headings=[_("Tháng"), *(str(label) for _k, _t, label in keys)],
        rows=rows,
    )


def ranking_chart(report: PeriodReport) -> Chart:
    """Return the on-time rate of each child unit, best first (units without a denominator last, in the table)."""
    unrated = [row for row in report.rows if row.figures.on_time_rate is None]
    rated = sorted((row for row in report.rows if row not in unrated), key=lambda row: -(row.figures.on_time_rate or 0))
    labels = [row.label for row in rated]
    series = [(_("Tỷ lệ đúng hạn (%)"), "success", [row.figures.on_time_rate for row in rated])]
    return Chart(
        id="ranking",
        title=_("Tỷ lệ hồ sơ xử lý đúng hạn theo đơn vị, xếp hạng"),
        spec=chart_spec("bar", labels, series, horizontal=True, percent=True),
        headings=[_("Đơn vị"), _("Tỷ lệ đúng hạn (%)"), str(MEASURE_LABELS[Measure.HANDLED_ON_TIME]), _("Cần xử lý")],
        rows=[_unit_row(report, row, ["on_time_rate", "handled_on_time", "handled"]) for row in [*rated, *unrated]],
    )


def overdue_chart(report: PeriodReport) -> Chart:
    """Return the dossiers pending overdue at T of each child unit, most first."""
    ordered = sorted(report.rows, key=lambda row: (-row.figures.pending_overdue, row.label))
    series = [(str(MEASURE_LABELS[Measure.PENDING_OVERDUE]), "danger", [r.figures.pending_overdue for r in ordered])]
    return Chart(
        id="overdue",
        title=_("Hồ sơ đang giải quyết quá hạn theo đơn vị"),
        spec=chart_spec("bar", [row.label for row in ordered], series, horizontal=True),
        headings=[_("Đơn vị"), _("Quá hạn"), _("Đang giải quyết")],
        rows=[_unit_row(report, row, ["pending_overdue", "pending"]) for row in ordered],
    )


def _unit_row(report: PeriodReport, row: Any, keys: list[str]) -> dict[str, Any]:
    href = reverse("reports:unit_dashboard", args=[row.key]) if row.key != report.unit_code else ""
    return {"label": row.label, "href": href, "values": [getattr(row.figures, key) for key in keys]}


def share_chart(report: PeriodReport, figures: Figures, group: str | None, *, shares: str) -> Chart:
    """Return a doughnut of the received dossiers by channel, or of the resolved ones by timeliness."""
    if shares == "channel":
        keys = [Measure.RECEIVED_ONLINE, Measure.RECEIVED_COUNTER, Measure.RECEIVED_POSTAL]
        tones, title = ["primary", "success", "warning"], _("Tỷ lệ hồ sơ tiếp nhận trực tuyến")
    else:
        keys = [Measure.RESOLVED_EARLY, Measure.RESOLVED_ON_TIME, Measure.RESOLVED_LATE]
        tones, title = ["success", "primary", "danger"], _("Hồ sơ đã giải quyết: trước hạn, đúng hạn, quá hạn")
    labels = [str(MEASURE_LABELS[key]) for key in keys]
    values = [getattr(figures, key.value) for key in keys]
    return Chart(
        id=shares,
        title=title,
        spec=chart_spec("doughnut", labels, [(title, tones, values)]),
        headings=[_("Loại"), _("Số hồ sơ")],
        rows=[
            {"label": label, "href": figure_link(report, key, group), "values": [value]}
            for label, key, value in zip(labels, keys, values, strict=True)
        ],
    )


KPI_MEASURES = (Measure.RECEIVED, Measure.RESOLVED, Measure.RESOLVED_LATE, Measure.PENDING, Measure.PENDING_OVERDUE)


def kpis(report: PeriodReport, figures: Figures, group: str | None) -> list[dict[str, Any]]:
    """Return the headline figures of a dashboard, each linked to its dossiers; the two rates link to numerators."""
    cards = [
        {"label": MEASURE_LABELS[m], "value": getattr(figures, m.value), "href": figure_link(report, m, group)}
        for m in KPI_MEASURES
    ]
    for key, label in (("on_time_rate", _("Tỷ lệ đúng hạn")), ("online_rate", _("Tỷ lệ trực tuyến"))):
        measure, _whole = RATE_MEASURES[key]
        cards.append(
            {"label": label, "value": getattr(figures, key), "href": figure_link(report, measure, group), "rate": True}
        )
    return cards


def dashboard_context(*, unit: Unit, year: int, procedure: str | None = None) -> dict[str, Any]:
    """Return the figures and charts of a unit's (or one procedure's) dashboard for `year` in the default scheme."""
    as_of = timezone.now()
    date_from, date_to = window(Span.YEAR, year)
    if date_from > timezone.localdate():
        return {"charts": [], "window": (date_from, date_to)}
    yearly = period_report(
        unit=unit, date_from=date_from, date_to=date_to, as_of=as_of, group_by="procedure" if procedure else "unit"
    )
    figures = _scoped(yearly, procedure)
    back = _report_back_query(QueryDict(urlencode(report_query(yearly))))
    charts = [trend_chart(year, monthly_figures(unit=unit, year=year, as_of=as_of, procedure=procedure))]
    if procedure is None and len(yearly.rows) > 1:
        charts += [ranking_chart(yearly), overdue_chart(yearly)]
    charts += [
        share_chart(yearly, figures, procedure, shares="channel"),
        share_chart(yearly, figures, procedure, shares="timeliness"),
    ]
    return {
        "charts": charts,
        "kpis": kpis(yearly, figures, procedure),
        "report": yearly,
        "period": period_text(yearly),
        "window": (date_from, date_to),
        "report_href": f"{reverse('reports:report')}?{back}",
        "lateness_href": f"{reverse('reports:lateness')}?{back}",
    }


def _dashboard_form(request: AuthenticatedRequest, units: Units, unit_code: str | None) -> DashboardForm:
    defaults: dict[str, Any] = {"year": timezone.localdate().year}
    if unit_code or units.default:
        defaults["unit"] = unit_code or (units.default.code if units.default else "")
    data = _bound(request.GET, defaults)
    if unit_code:
        data["unit"] = unit_code  # the address names the unit
    return DashboardForm(data, units=units.choices)


def _render_dashboard(request: AuthenticatedRequest, form: DashboardForm, unit: Unit, **context: Any) -> HttpResponse:
    if form.is_valid():
        context.update(dashboard_context(unit=unit, year=form.cleaned_data["year"], procedure=context.get("procedure")))
        context["index766_href"] = _index766_href(unit, form.cleaned_data["year"], context.get("procedure"))
    return render(request, "reports/dashboard.html", {"form": form, "unit": unit, **context})


@login_required
@require_GET
def overview(request: AuthenticatedRequest) -> HttpResponse:
    """Show the overview dashboard of a unit chosen among the user's (the top one by default: the province)."""
    units = user_units(request)
    form = _dashboard_form(request, units, None)
    unit = unit_chosen(request, units, form.data.get("unit"))
    if isinstance(unit, HttpResponse):
        return unit
    title = _("Tổng quan tình hình giải quyết thủ tục hành chính")
    return _render_dashboard(request, form, unit, title=title, choose_unit=True, kind="overview")


@login_required
@require_GET
def unit_dashboard(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Show the dashboard of one unit and its sub-tree."""
    units = user_units(request)
    unit = unit_chosen(request, units, code)
    if isinstance(unit, HttpResponse):
        return unit
    form = _dashboard_form(request, units, code)
    return _render_dashboard(request, form, unit, title=unit.name, choose_unit=False, kind="unit")


@login_required
@require_GET
def procedure_dashboard(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Show the dashboard of one procedure's dossiers in a unit's sub-tree (`?unit=`, the top unit by default)."""
    version = procedure_versions_of(code).last()
    if version is None:
        raise Http404(_("Mã thủ tục không tồn tại / unknown procedure code"))
    units = user_units(request)
    form = _dashboard_form(request, units, None)
    unit = unit_chosen(request, units, form.data.get("unit"))
    if isinstance(unit, HttpResponse):
        return unit
    title = f"{code} — {version.name}"
    return _render_dashboard(request, form, unit, title=title, choose_unit=True, kind="procedure", procedure=code)


# --- Decision 766 scores by unit (a panel of the dashboards, loaded on its own) ----------------------


def _index766_href(unit: Unit, year: int, procedure: str | None) -> str:
    if procedure is not None:
        return ""  # the index scores units, not procedures
    return f"{reverse('reports:index766')}?{urlencode({'unit': unit.code, 'year': year})}"


def index766_chart(*, unit: Unit, year: int) -> tuple[Chart, Index766]:
    """Return the Decision 766 score of each child unit by group (best first) and the unit's own index."""
    date_from, date_to = window(Span.YEAR, year, scheme=Scheme.CALENDAR)  # the portal's calendar periods (ST-16)
    as_of = timezone.now()
    own = index766(unit=unit, date_from=date_from, date_to=date_to, as_of=as_of)
    children = [
        index766(unit=child, date_from=date_from, date_to=date_to, as_of=as_of)
        for child in Unit.objects.filter(parent=unit).order_by("code")
    ]
    scored = sorted(children or [own], key=lambda index: (-index.total, index.unit_code))
    series = [
        (str(group.name), f"group{number}", [round(float(index.group_points(group.code)), 2) for index in scored])
        for number, group in enumerate(GROUPS, start=1)
    ]
    rows = [
        {
            "label": index.unit_name,
            "href": reverse("reports:unit_dashboard", args=[index.unit_code]) if index.unit_code != unit.code else "",
            "values": [round(float(index.total), 2), str(index.band.label)]
            + [round(float(index.group_points(group.code)), 2) for group in GROUPS],
        }
        for index in scored
    ]
    chart = Chart(
        id="index766",
        title=_("Điểm Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766) theo đơn vị"),
        spec=chart_spec("bar", [index.unit_name for index in scored], series, horizontal=True, stacked=True),
        headings=[_("Đơn vị"), _("Tổng điểm"), _("Xếp loại"), *(str(group.name) for group in GROUPS)],
        rows=rows,
    )
    return chart, own


@login_required
@require_GET
def index766_panel(request: AuthenticatedRequest) -> HttpResponse:
    """Show the Decision 766 scores of a unit's children for a calendar year (a fragment for htmx, else a page)."""
    units = user_units(request)
    form = _dashboard_form(request, units, None)
    unit = unit_chosen(request, units, form.data.get("unit"))
    if isinstance(unit, HttpResponse):
        return unit
    context: dict[str, Any] = {"form": form, "unit": unit}
    if form.is_valid():
        try:
            chart, own = index766_chart(unit=unit, year=form.cleaned_data["year"])
        except ReportError as error:
            context["error"] = str(error)
        else:
            context.update(
                chart=chart, own=own, period=_period_words(own.window.date_from, own.window.date_to, own.window.end)
            )
    partial = bool(getattr(request, "htmx", False)) and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    return render(request, "reports/_index766.html" if partial else "reports/index766.html", context)
