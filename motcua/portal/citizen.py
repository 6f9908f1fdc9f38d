"""The citizen's verified identity, kept in the session: who they are and when it was verified.

A citizen is identified by a one-time code sent to their phone or e-mail, or by an OpenID Connect
provider (VNeID). The identity is not a user account: it opens the submission, supplement and
"my dossiers" pages of the portal, and nothing of the back office. It expires after
settings.CITIZEN_SESSION_MINUTES.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossiers_of_citizen
from motcua.lib.personal_data import phone_mask

SESSION_KEY = "citizen_identity"
PENDING_KEY = "citizen_pending_code"


class Method:
    """How the identity was verified."""

    PHONE = "phone"
    EMAIL = "email"
    OIDC = "oidc"


@dataclass(frozen=True)
class CitizenIdentity:
    """A verified citizen: the contacts and ID number vouched for, and when."""

    method: str
    verified_at: datetime
    phone: str = ""
    email: str = ""
    id_number: str = ""
    name: str = ""

    @property
    def label(self) -> str:
        """Return the identity as shown on the pages (phone masked)."""
        if self.method == Method.PHONE:
            return phone_mask(self.phone)
        if self.method == Method.EMAIL:
            return self.email
        return self.name or phone_mask(self.id_number)

    def dossiers(self) -> QuerySet[Dossier]:
        """Return the dossiers whose applicant matches this identity."""
        return dossiers_of_citizen(phone=self.phone, email=self.email, id_number=self.id_number)

    def owns(self, dossier: Dossier) -> bool:
        """Return whether the dossier's applicant matches this identity."""
        return self.dossiers().filter(pk=dossier.pk).exists()


def identity_of(request: HttpRequest) -> CitizenIdentity | None:
    """Return the session's verified identity, or None (an expired one is forgotten)."""
    stored: dict[str, Any] | None = request.session.get(SESSION_KEY)
    if not stored:
        return None
    try:
        identity = CitizenIdentity(**{**stored, "verified_at": datetime.fromisoformat(stored["verified_at"])})
    except (TypeError, KeyError, ValueError):
        identity_forget(request)
        return None
    if timezone.now() - identity.verified_at > timedelta(minutes=settings.CITIZEN_SESSION_MINUTES):
        identity_forget(request)
        return None
    return identity


def identity_remember(request: HttpRequest, identity: CitizenIdentity) -> None:
    """Store a newly verified identity under a new session key (no session fixation)."""
    request.session.cycle_key()
    request.session.pop(PENDING_KEY, None)
    request.session[SESSION_KEY] = {**asdict(identity), "verified_at": identity.verified_at.isoformat()}


def identity_forget(request: HttpRequest) -> None:
    """Remove the citizen identity from the session."""
    request.session.pop(SESSION_KEY, None)
    request.session.pop(PENDING_KEY, None)


def safe_next(request: HttpRequest, wanted: str | None, default: str) -> str:
    """Return `wanted` when it is a path on this site, else `default`."""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default


def identify_url(next_path: str) -> str:
    """Return the identification page's address that comes back to `next_path`."""
    return f"{reverse('portal:identify')}?{urlencode({'next': next_path})}"


class CitizenRequest(HttpRequest):
    """A request that passed `citizen_required`: it carries the verified identity."""

    citizen: CitizenIdentity


View = TypeVar("View", bound=Callable[..., HttpResponse])


def citizen_required(view: View) -> View:
    """Send a visitor without a verified identity to the identification page, then back."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        identity = identity_of(request)
        if identity is None:
            return HttpResponseRedirect(identify_url(request.get_full_path()))
        request.citizen = identity  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
