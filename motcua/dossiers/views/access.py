"""What every dossier page shares: the logged-in request, the working unit, refusals and safe redirects."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from motcua.accounts.context_processors import current_unit
from motcua.accounts.models import Membership, Unit, User


class AuthenticatedRequest(HttpRequest):
    """A request that passed `login_required`: its user is a real `User`."""

    user: User


def working_unit(request: AuthenticatedRequest, role: str | None = None) -> Unit | None:
    """Return the unit shown in the unit switcher, if the user holds `role` there (any role if None)."""
    unit = current_unit(request).get("current_unit")
    if unit is None or role is None:
        return unit
    held = Membership.objects.filter(user=request.user, unit=unit, role=role, is_active=True).exists()
    return unit if held else None


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    """Render the refusal page with status 403."""
    return render(request, "dossiers/forbidden.html", {"message": message}, status=403)


def next_url(request: HttpRequest, default: str) -> str:
    """Return the POSTed `next` address when it stays on this site, else `default`."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return wanted if wanted and safe else default
