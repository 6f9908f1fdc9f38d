from django.urls import path

from motcua.dossiers import views
from motcua.dossiers.views import ratings

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
    path("danh-gia-khong-hai-long/", ratings.follow_ups, name="rating_follow_ups"),
    path("danh-gia-khong-hai-long/<int:follow_up_id>/", ratings.follow_up_record, name="rating_follow_up_record"),
    path("<str:code>/", views.dossier_detail, name="detail"),
    path("<str:code>/thao-tac/<str:action>/", views.dossier_action, name="action"),
    path("<str:code>/giay-to/<str:kind>.pdf", views.dossier_document, name="document"),
    path("<str:code>/tep/<int:file_id>/", views.dossier_file, name="file"),
]
