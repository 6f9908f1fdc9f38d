"""Back-office statistics pages (report, drill-down lists, downloads, lateness) and dashboards."""

from motcua.reports.views.dashboards import index766_panel, overview, procedure_dashboard, unit_dashboard
from motcua.reports.views.periods import (
    period_close,
    period_detail,
    period_list,
    period_restate,
    period_snapshot_json,
)
from motcua.reports.views.report import lateness, lateness_dossiers, report, report_dossiers, report_pdf, report_xlsx

__all__ = [
    "index766_panel",
    "lateness",
    "lateness_dossiers",
    "overview",
    "period_close",
    "period_detail",
    "period_list",
    "period_restate",
    "period_snapshot_json",
    "procedure_dashboard",
    "report",
    "report_dossiers",
    "report_pdf",
    "report_xlsx",
    "unit_dashboard",
]
