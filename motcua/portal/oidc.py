"""Citizen login through an OpenID Connect provider — VNeID, once the agreement with C06 gives its
endpoints and client credentials — with mozilla-django-oidc doing the protocol.

The library runs the authorization-code flow (state, nonce, PKCE), the token request and the
signature check of the ID token; here its backend maps the provider's claims to a `CitizenIdentity`
in the session. It is deliberately not in AUTHENTICATION_BACKENDS: a citizen login never creates,
finds or logs in a Django user, so it can never open the back office.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone
from jwt import PyJWTError
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView
from requests import RequestException

from motcua.dossiers.rules import normalise_phone
from motcua.portal.citizen import CitizenIdentity, Method

LOGGER = logging.getLogger(__name__)
ASYMMETRIC_PREFIXES = ("RS", "ES", "PS")


def oidc_enabled() -> bool:
    """Return whether the OpenID Connect login is configured (client id, endpoints and a way to check signatures)."""
    needed: list[object] = [
        settings.OIDC_RP_CLIENT_ID,
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        settings.OIDC_OP_TOKEN_ENDPOINT,
        settings.OIDC_OP_USER_ENDPOINT,
    ]
    if str(settings.OIDC_RP_SIGN_ALGO).startswith(ASYMMETRIC_PREFIXES):
        needed.append(settings.OIDC_OP_JWKS_ENDPOINT or settings.OIDC_RP_IDP_SIGN_KEY)
    else:
        needed.append(settings.OIDC_RP_CLIENT_SECRET)
    return all(needed)


class CitizenLoginStart(OIDCAuthenticationRequestView):
    """Send the citizen to the provider's login page (state, nonce and PKCE kept in the session)."""


def _claim(claims: dict[str, Any], name: str, verified_flag: str = "") -> str:
    """Return a claim as text; a claim the provider marks as unverified counts as absent."""
    if not name or claims.get(verified_flag) is False:
        return ""
    value = claims.get(name)
    return str(value).strip() if value is not None else ""


def identity_from_claims(claims: dict[str, Any], *, at: Any) -> CitizenIdentity:
    """Return the citizen identity the provider's claims vouch for; SuspiciousOperation without an ID number."""
    id_number = _claim(claims, settings.OIDC_CLAIM_ID_NUMBER)
    if not id_number:
        raise SuspiciousOperation(f"the provider sent no {settings.OIDC_CLAIM_ID_NUMBER!r} claim")
    phone = normalise_phone(_claim(claims, settings.OIDC_CLAIM_PHONE, "phone_number_verified"))
    email = _claim(claims, settings.OIDC_CLAIM_EMAIL, "email_verified").lower()
    return CitizenIdentity(
        method=Method.OIDC,
        verified_at=at,
        phone=phone,
        email=email,
        id_number=id_number,
        name=_claim(claims, settings.OIDC_CLAIM_NAME),
    )


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    """The library's backend with its user handling replaced: claims become a CitizenIdentity, never a User."""

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(_claim(claims, settings.OIDC_CLAIM_ID_NUMBER))

    def store_tokens(self, access_token: str, id_token: str) -> None:
        """Keep no tokens: the portal never calls the provider on the citizen's behalf afterwards."""

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """Return the identity from the ID token and the userinfo claims, after checking audience and issuer."""
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("the ID token is not meant for this client")
        if settings.OIDC_OP_ISSUER and payload.get("iss") != settings.OIDC_OP_ISSUER:
            raise SuspiciousOperation("the ID token comes from another issuer")
        claims = {**payload, **self.get_userinfo(access_token, id_token, payload)}
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("the userinfo subject differs from the ID token's")
        if not self.verify_claims(claims):
            raise SuspiciousOperation("claims verification failed")
        return identity_from_claims(claims, at=timezone.now())


def oidc_identity(request: Any, *, nonce: str | None, code_verifier: str | None) -> CitizenIdentity | None:
    """Exchange the callback's code for the citizen's identity; None (logged) when the provider or the token fails."""
    try:
        identity = CitizenOIDCBackend().authenticate(request, nonce=nonce, code_verifier=code_verifier)
    except (SuspiciousOperation, RequestException, PyJWTError, ValueError, KeyError) as error:
        LOGGER.warning("OpenID Connect login failed: %s", error)
        return None
    return identity if isinstance(identity, CitizenIdentity) else None
