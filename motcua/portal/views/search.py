"""Portal home, procedure search and the public procedure page with its downloads (no login)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.accounts.models import Role, Unit
from motcua.catalog.models import OnlineLevel, ProcedureVersion
from motcua.catalog.selectors import procedure_count_by_level, procedure_search_filtered, procedure_version_detail
from motcua.portal.forms import LookupForm, SearchForm
from motcua.portal.views.downloads import attachment

PAGE_SIZE = 20
# Everyday searches offered on the home page; each finds its procedures through catalog.synonyms.
POPULAR_SEARCHES = ("sổ đỏ", "khai sinh", "kết hôn", "xây nhà", "hộ kinh doanh", "chứng thực", "lý lịch tư pháp")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Show the portal's start page: search box, everyday searches, status lookup and performance links."""
    context = {
        "form": SearchForm(),
        "lookup_form": LookupForm(),
        "popular": POPULAR_SEARCHES,
        "counts": procedure_count_by_level(),
    }
    return render(request, "portal/home.html", context)


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Show the procedures in force matching the words (accents and everyday words forgiven) and filters."""
    form = SearchForm(request.GET)
    form.is_valid()  # an unknown filter value is reported on the form and ignored
    wanted = form.cleaned_data
    versions = procedure_search_filtered(wanted)
    page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/search.html", {"form": form, "page": page, "query": query.urlencode()})


def _version(code: str) -> ProcedureVersion:
    version = procedure_version_detail(code)
    if version is None:
        raise Http404(_("Không có thủ tục %(code)s đang có hiệu lực / no such procedure in force") % {"code": code})
    return version


def _reception_units(version: ProcedureVersion) -> list[Unit]:
    """Return where the dossier is handed in: the units of the reception steps, else the competent unit."""
    units: list[Unit] = []
    for step in version.steps.all():
        if step.role == Role.RECEPTION_OFFICER and step.unit is not None and step.unit not in units:
            units.append(step.unit)
    return units or [version.competent_unit]


def submit_url(code: str) -> str | None:
    """Return the online submission page of procedure `code`, or None while that page does not exist."""
    try:
        return reverse("portal:submit", args=[code])
    except NoReverseMatch:
        return None


@require_GET
def procedure(request: HttpRequest, code: str) -> HttpResponse:
    """Show a procedure in force: components and templates, fees, time limit, where to submit, legal basis."""
    version = _version(code)
    online = version.online_level != OnlineLevel.NONE
    context = {
        "version": version,
        "components": version.components.all(),
        "fees": version.fees.all(),
        "reception_units": _reception_units(version),
        "submit_url": submit_url(version.procedure.code) if online else None,
    }
    return render(request, "portal/procedure.html", context)


@require_GET
def component_template(request: HttpRequest, code: str, component_id: int) -> HttpResponseBase:
    """Download the template (mẫu đơn, tờ khai) of one component of a procedure in force."""
    version = _version(code)
    component = next((c for c in version.components.all() if c.pk == component_id), None)
    if component is None:
        raise Http404(_("Không có mẫu này / no such template"))
    return attachment(component.template, download_name=f"{version.procedure.code}-mau-{component.order}")


@require_GET
def sample_dossier(request: HttpRequest, code: str) -> HttpResponseBase:
    """Download the sample filled dossier (hồ sơ mẫu) of a procedure in force."""
    version = _version(code)
    return attachment(version.sample_dossier, download_name=f"{version.procedure.code}-ho-so-mau")
