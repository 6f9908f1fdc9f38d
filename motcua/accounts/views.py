"""Back-office home, the unit switcher, and the pages of the units a user may see."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from motcua.accounts.context_processors import SESSION_KEY
from motcua.accounts.models import Membership, Role, Unit, User
from motcua.accounts.selectors import active_memberships, units_visible_to, user_has_role, visible_unit_ids
from motcua.catalog.selectors import procedure_count_by_level
from motcua.lib.personal_data import phone_mask


class AuthenticatedRequest(HttpRequest):
    """A request that passed `login_required`: its user is a real `User`."""

    user: User


def home(request: AuthenticatedRequest) -> HttpResponse:
    """Show the back-office start page: the user's roles and what the catalog holds.

    Anonymous visitors are citizens: they go to the public portal, which links to the officers' login.
    """
    if not request.user.is_authenticated:
        return redirect("portal:home")
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
def switch_unit(request: AuthenticatedRequest) -> HttpResponse:
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
    safe = url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(next_url if safe else "/")


@dataclass
class UnitNode:
    """A unit and the units below it, for the tree page."""

    unit: Unit
    children: list[UnitNode] = field(default_factory=list)


def _unit_tree(units: list[Unit]) -> list[UnitNode]:
    """Return the units as a forest: a unit whose parent is not in `units` is a root."""
    nodes = {unit.pk: UnitNode(unit) for unit in units}
    roots: list[UnitNode] = []
    for unit in units:
        parent = nodes.get(unit.parent_id) if unit.parent_id is not None else None
        (parent.children if parent else roots).append(nodes[unit.pk])
    return roots


@login_required
@require_GET
def unit_list(request: AuthenticatedRequest) -> HttpResponse:
    """Show the tree of the units the user may see."""
    units = list(units_visible_to(request.user).order_by("code"))
    return render(request, "accounts/unit_list.html", {"tree": _unit_tree(units), "unit_count": len(units)})


@login_required
@require_GET
def unit_detail(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Show one unit: kind, parent, children, validity, succession and members with their roles."""
    unit = Unit.objects.select_related("parent").filter(code=code).first()
    if unit is None:
        raise Http404(_("Mã đơn vị không tồn tại / unknown unit code"))
    visible = visible_unit_ids(request.user)
    if unit.pk not in visible:
        return render(request, "accounts/unit_forbidden.html", {"code": code}, status=403)
    show_phones = user_has_role(request.user, [Role.ADMIN], unit)
    members = [
        {"membership": m, "phone": m.user.phone if show_phones else phone_mask(m.user.phone)}
        for m in unit.memberships.filter(is_active=True).select_related("user").order_by("user__full_name", "role")
    ]
    return render(
        request,
        "accounts/unit_detail.html",
        {
            "unit": unit,
            "visible": visible,
            "children": unit.children.order_by("code"),
            "successors": unit.successions.select_related("successor").order_by("effective_date"),
            "predecessors": unit.predecessions.select_related("predecessor").order_by("effective_date"),
            "members": members,
            "show_phones": show_phones,
        },
    )
