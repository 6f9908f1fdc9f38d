"""Top-level URL map: back office, accounts, catalog, the public portal, admin and the API."""

from django.contrib import admin
from django.urls import include, path

from motcua.accounts import views as account_views
from motcua.api.urls import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path("tai-khoan/", include("motcua.accounts.urls")),
    path("thu-tuc/", include("motcua.catalog.urls")),
    path("ho-so/", include("motcua.dossiers.urls")),
    path("thong-ke/", include("motcua.reports.urls")),
    path("dich-vu-cong/", include("motcua.portal.urls")),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
