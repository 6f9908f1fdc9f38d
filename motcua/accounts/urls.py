from django.contrib.auth import views as auth_views
from django.urls import path

from motcua.accounts import views

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("chon-don-vi/", views.switch_unit, name="switch_unit"),
    path("don-vi/", views.unit_list, name="units"),
    path("don-vi/<str:code>/", views.unit_detail, name="unit_detail"),
]
