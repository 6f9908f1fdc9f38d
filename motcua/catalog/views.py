"""Back-office catalog pages: browse and search procedures, see one procedure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.catalog.forms import ProcedureFilterForm
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.rules import HOURS_PER_WORKING_DAY, limit_in_hours, quota_in_hours, steps_total_error
from motcua.catalog.selectors import procedure_search_filtered, procedure_version_detail, procedure_versions_of

PAGE_SIZE = 25


@login_required
@require_GET
def procedure_list(request: HttpRequest) -> HttpResponse:
    """Show the procedures in force, searched without accents and filtered; only the results for htmx."""
    form = ProcedureFilterForm(request.GET)
    form.is_valid()  # invalid filters are reported on the form and ignored
    wanted = form.cleaned_data
    versions = procedure_search_filtered(wanted)
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    partial = request.htmx and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    template = "catalog/_procedure_results.html" if partial else "catalog/procedure_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _steps_summary(version: ProcedureVersion) -> dict[str, Any]:
    """Return the total of the step quotas against the time limit, in working hours and days."""
    steps = list(version.steps.all())
    total = sum((quota_in_hours(s.quota_amount, s.quota_unit) for s in steps), Decimal(0))
    bound = limit_in_hours(version.time_limit_amount, version.time_limit_unit)
    return {
        "steps": steps,
        "total_hours": total,
        "total_days": total / HOURS_PER_WORKING_DAY,
        "limit_hours": bound,
        "error": steps_total_error(
            version.time_limit_amount, version.time_limit_unit, [(s.quota_amount, s.quota_unit) for s in steps]
        ),
    }


@login_required
@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Show the version of a procedure in force today (else its latest one) with every part."""
    versions = sorted(procedure_versions_of(code), key=lambda v: v.valid_from or date.min)
    if not versions:
        raise Http404(_("Mã thủ tục không tồn tại / unknown procedure code"))
    version = procedure_version_detail(code)
    in_force = version is not None
    if version is None:  # none in force today: show the latest one, flagged as such
        latest = versions[-1]
        version = procedure_version_detail(code, latest.valid_from or latest.valid_to)
    if version is None:
        raise Http404(_("Mã thủ tục không tồn tại / unknown procedure code"))
    return render(
        request,
        "catalog/procedure_detail.html",
        {
            "version": version,
            "in_force": in_force,
            "versions": versions,
            "components": version.components.all(),
            "fees": version.fees.all(),
            "summary": _steps_summary(version),
        },
    )
