"""API authentication: bearer tokens for integrations, the Django session for logged-in browsers."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from motcua.accounts.models import User
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
