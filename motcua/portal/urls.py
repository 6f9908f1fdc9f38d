"""Public portal (cổng dịch vụ công): pages for citizens and businesses, no login needed to read."""

from django.urls import path

from motcua.portal.views import identity, lookup, performance, search, submission, supplement

app_name = "portal"

urlpatterns: list = [
    path("", search.home, name="home"),
    path("thu-tuc/", search.search, name="search"),
    path("thu-tuc/<str:code>/", search.procedure, name="procedure"),
    path("thu-tuc/<str:code>/mau/<int:component_id>/", search.component_template, name="component_template"),
    path("thu-tuc/<str:code>/ho-so-mau/", search.sample_dossier, name="sample_dossier"),
    path("tra-cuu/", lookup.lookup, name="lookup"),
    path("tra-cuu/thoat/", lookup.forget, name="forget"),
    path("tra-cuu/ho-so/<str:code>/", lookup.status, name="status"),
    path("tra-cuu/ho-so/<str:code>/ket-qua/", lookup.result_file, name="result_file"),
    path("tra-cuu/ho-so/<str:code>/xin-loi.pdf", lookup.apology_pdf, name="apology_pdf"),
    path("tra-cuu/ho-so/<str:code>/danh-gia/", lookup.rate, name="rate"),
    path("tra-cuu/<str:secret>/", lookup.lookup_by_secret, name="lookup_secret"),
    path("danh-gia/", performance.province, name="performance"),
    path("danh-gia/<str:code>/", performance.agency, name="performance_unit"),
]

# --- identification, online submission, online supplement, the citizen's own dossiers ------------
urlpatterns += [
    path("xac-thuc/", identity.identify, name="identify"),
    path("xac-thuc/nhap-ma/", identity.identify_code, name="identify_code"),
    path("xac-thuc/thoat/", identity.identify_logout, name="identify_logout"),
    path("xac-thuc/dinh-danh-dien-tu/", identity.oidc_start, name="oidc_start"),
    path("xac-thuc/dinh-danh-dien-tu/callback/", identity.oidc_callback, name="oidc_callback"),
    path("ho-so-cua-toi/", identity.my_dossiers, name="my_dossiers"),
    path("nop-ho-so/<str:code>/", submission.submit, name="submit"),
    path("da-nop/<str:dossier>/", submission.submit_done, name="submit_done"),
    path("bo-sung/", supplement.supplement_start, name="supplement_start"),
    path("bo-sung/<str:code>/", supplement.supplement, name="supplement"),
]
