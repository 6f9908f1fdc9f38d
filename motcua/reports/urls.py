from django.urls import path

from motcua.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report, name="report"),
    path("ho-so/", views.report_dossiers, name="dossiers"),
    path("bao-cao.xlsx", views.report_xlsx, name="xlsx"),
    path("bao-cao.pdf", views.report_pdf, name="pdf"),
    path("tong-quan/", views.overview, name="overview"),
    path("tong-quan/chi-so-766/", views.index766_panel, name="index766"),
    path("don-vi/<str:code>/", views.unit_dashboard, name="unit_dashboard"),
    path("thu-tuc/<str:code>/", views.procedure_dashboard, name="procedure_dashboard"),
    path("tre-han/", views.lateness, name="lateness"),
    path("tre-han/ho-so/", views.lateness_dossiers, name="lateness_dossiers"),
    path("khoa-so/", views.period_list, name="periods"),
    path("khoa-so/khoa/", views.period_close, name="period_close"),
    path("khoa-so/dieu-chinh/", views.period_restate, name="period_restate"),
    path("khoa-so/phien-ban/<int:pk>.json", views.period_snapshot_json, name="period_snapshot_json"),
    path("khoa-so/<str:code>/<str:kind>/<str:start>/", views.period_detail, name="period_history"),
]
