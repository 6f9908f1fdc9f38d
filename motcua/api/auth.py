"""API authentication: bearer tokens for integrations, the Django session for logged-in browsers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, django_auth

from motcua.accounts.models import Unit, User
from motcua.accounts.selectors import user_can_see_unit
from motcua.accounts.tokens import api_token_verify


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` checked against the stored digests of accounts.ApiToken."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_verify(raw=token)
        if user is not None:
            # Services and access helpers read request.user; make it the token's owner.
            request.user = user
        return user


API_AUTH = [ApiTokenAuth(), django_auth]


def request_user(request: HttpRequest) -> User:
    """Return the user the request was authenticated as."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def visible_unit(request: HttpRequest, code: str) -> Unit:
    """Return the unit `code` if the caller may see it: 404 when unknown, 403 outside the caller's units."""
    unit = Unit.objects.filter(code=code.strip()).first()
    if unit is None:
        raise Http404(_("Mã đơn vị không tồn tại / unknown unit code"))
    if not user_can_see_unit(request_user(request), unit):
        raise PermissionDenied(_("Đơn vị nằm ngoài phạm vi của bạn / the unit is outside your units"))
    return unit
