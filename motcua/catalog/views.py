"""Back-office catalog pages: browse and search procedures, see one procedure."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

@login_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError  # written by the pages work


@login_required
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    raise NotImplementedError
