"""Back-office home, login and the unit switcher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.context_processors import SESSION_KEY
from motcua.accounts.models import Membership
from motcua.accounts.selectors import active_memberships, units_visible_to
from motcua.catalog.selectors import procedure_count_by_level


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Show the back-office start page: the user's roles and what the catalog holds."""
    units = units_visible_to(request.user)
    return render(
        request,
        "accounts/home.html",
        {
            "roles": active_memberships(request.user),
            "visible_unit_count": units.count(),
            "procedure_counts": procedure_count_by_level(),
        },
    )


@login_required
@require_POST
def switch_unit(request: HttpRequest) -> HttpResponse:
    """Remember which of the user's units the back office works for."""
    try:
        unit_id = int(request.POST.get("unit", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Đơn vị không hợp lệ."))
    if not Membership.objects.filter(user=request.user, unit_id=unit_id, is_active=True).exists():
        messages.error(request, _("Bạn không thuộc đơn vị này."))
        return redirect("home")
    request.session[SESSION_KEY] = unit_id
    next_url = request.POST.get("next") or "/"
    return redirect(next_url if next_url.startswith("/") and not next_url.startswith("//") else "/")
