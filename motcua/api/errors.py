"""Uniform API errors: every failure is `{"error": {"code": ..., "message": ...}}` with a meaningful status."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import AuthenticationError, HttpError, ValidationError

from motcua.dossiers.services import DossierError

STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "invalid_request",
    429: "too_many_requests",
}


class ApiError(HttpError):
    """An error with its own machine-readable code, raised by handlers (e.g. 422 unknown_unit)."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(status_code, message)
        self.code = code


def error_response(
    api: NinjaAPI, request: HttpRequest, *, status: int, code: str, message: str, details: list[Any] | None = None
) -> HttpResponse:
    """Return the error envelope as a JSON response."""
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = details
    return api.create_response(request, {"error": body}, status=status)


def _validation_details(exc: ValidationError) -> list[dict[str, str]]:
    details = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ())]
        details.append(
            {
                "location": location[0] if location else "",
                "field": ".".join(location[1:]),
                "message": error.get("msg", ""),
            }
        )
    return details


def register_error_handlers(api: NinjaAPI) -> None:
    """Replace Ninja's default error bodies with the project's error envelope."""
    # `exc: Any` because Ninja types a handler's argument as "the exception or its class".

    def on_validation_error(request: HttpRequest, exc: Any) -> HttpResponse:
        details = _validation_details(exc)
        fields = ", ".join(sorted({d["field"] for d in details if d["field"]}))
        message = _("Tham số không hợp lệ / invalid parameters") + (f": {fields}" if fields else "")
        return error_response(api, request, status=422, code="invalid_request", message=message, details=details)

    def on_authentication_error(request: HttpRequest, exc: Any) -> HttpResponse:
        message = _("Cần đăng nhập hoặc mã truy cập hợp lệ / authentication required: missing or invalid token")
        response = error_response(api, request, status=401, code="unauthenticated", message=message)
        response["WWW-Authenticate"] = 'Bearer realm="motcua"'
        return response

    def on_http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        code = getattr(exc, "code", None) or STATUS_CODES.get(exc.status_code, "error")
        return error_response(api, request, status=exc.status_code, code=code, message=str(exc))

    def on_not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc) or _("Không tìm thấy / not found")
        return error_response(api, request, status=404, code="not_found", message=message)

    def on_permission_denied(request: HttpRequest, exc: Any) -> HttpResponse:
        message = str(exc) or _("Bạn không có quyền truy cập / access denied")
        return error_response(api, request, status=403, code="forbidden", message=message)

    def on_dossier_error(request: HttpRequest, exc: Any) -> HttpResponse:
        # WrongState → 409 wrong_state, NotAllowed → 403 forbidden, any other DossierError → 422 invalid.
        return error_response(api, request, status=exc.status, code=exc.code, message=exc.message)

    api.add_exception_handler(ValidationError, on_validation_error)
    api.add_exception_handler(AuthenticationError, on_authentication_error)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(DossierError, on_dossier_error)


# Registered last: any other path under /api/v1/ answers in the error envelope rather than Django's HTML page.
unknown_path_router = Router()


@unknown_path_router.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:path}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, path: str) -> HttpResponse:
    """Answer 404 for a path the API does not have."""
    raise Http404(_("Đường dẫn API không tồn tại / unknown API path"))
