"""The /api/v1/ Django Ninja application: routers per resource, token or session auth, uniform errors."""

from ninja import NinjaAPI

from motcua.api import dossiers as dossiers_api
from motcua.api import lookup as lookup_api
from motcua.api import periods as periods_api
from motcua.api import procedures, units
from motcua.api import reports as reports_api
from motcua.api.auth import API_AUTH
from motcua.api.errors import register_error_handlers, unknown_path_router

api = NinjaAPI(
    title="motcua API",
    version="1",
    description=(
        "API đọc đơn vị và danh mục thủ tục hành chính. Xác thực bằng `Authorization: Bearer <mã>` "
        "(tạo bằng `manage.py create_api_token`) hoặc phiên đăng nhập. Lỗi có dạng "
        '`{"error": {"code": ..., "message": ...}}`. / Read API for units and the procedure catalog.'
        " Hồ sơ: nộp, tra cứu, thao tác `POST /dossiers/{code}/<action>`. / Dossiers: submit, list, act."
    ),
    urls_namespace="api",
    auth=API_AUTH,
)
register_error_handlers(api)
api.add_router("", units.router)
api.add_router("", procedures.router)
api.add_router("", dossiers_api.router)
api.add_router("", reports_api.router)
api.add_router("", periods_api.router)
api.add_router("", lookup_api.router)
api.add_router("", unknown_path_router)  # last, so that it only catches what nothing else matched
