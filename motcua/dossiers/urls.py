from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"
urlpatterns = [
    path("", views.dossier_search, name="list"),
    path("tiep-nhan/", views.reception_desk, name="reception"),
    path("tiep-nhan/thu-tuc/", views.procedure_picker, name="procedure_picker"),
    path("cua-toi/", views.my_queue, name="my_queue"),
    path("don-vi/", views.unit_queue, name="unit_queue"),
    path("tra-ket-qua/", views.return_desk, name="return_desk"),
    path("so-theo-doi/", views.ledger, name="ledger"),
    path("so-theo-doi.xlsx", views.ledger_download, name="ledger_xlsx"),
    path("<str:code>/", views.dossier_detail, name="detail"),
    path("<str:code>/thao-tac/<str:action>/", views.dossier_action, name="action"),
    path("<str:code>/giay-to/<str:kind>.pdf", views.dossier_document, name="document"),
]
