"""Vietnamese login page and throttling of failed logins (django-axes: 5 failures lock the account)."""

import pytest
from django.conf import settings
from django.urls import reverse

from motcua.accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-thu-nghiem"  # the factory's password


def log_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_in_vietnamese(client):
    # when
    response = client.get(reverse("login"), headers={"Accept-Language": "vi"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Đăng nhập hệ thống một cửa" in html
    assert "Tên đăng nhập" in html
    assert "Mật khẩu" in html


def test_right_password_logs_in_and_goes_home(client):
    # given
    user = MembershipFactory().user
    # when
    response = log_in(client, user.username, PASSWORD)
    # then
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_shows_a_vietnamese_error(client):
    # given
    user = UserFactory()
    # when
    response = log_in(client, user.username, "sai-mat-khau")
    # then
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_out_even_the_right_password(client):
    # given
    user = UserFactory()
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(5):
        log_in(client, user.username, "sai-mat-khau")
    # when
    response = log_in(client, user.username, PASSWORD)
    # then
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock_out(client):
    # given
    user = UserFactory()
    for _ in range(4):
        log_in(client, user.username, "sai-mat-khau")
    # when
    response = log_in(client, user.username, PASSWORD)
    # then
    assert response.status_code == 302


def test_a_successful_login_resets_the_failure_count(client):
    # given: four failures, a success, then four more failures
    user = UserFactory()
    for _ in range(4):
        log_in(client, user.username, "sai-mat-khau")
    assert log_in(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        log_in(client, user.username, "sai-mat-khau")
    # when
    response = log_in(client, user.username, PASSWORD)
    # then: eight failures in all, but never five in a row
    assert response.status_code == 302


def test_lockout_of_one_user_does_not_lock_another(client):
    # given
    victim, other = UserFactory(), UserFactory()
    for _ in range(5):
        log_in(client, victim.username, "sai-mat-khau")
    # when
    response = log_in(client, other.username, PASSWORD)
    # then
    assert response.status_code == 302


def test_logout_needs_post_and_returns_to_the_login_page(client):
    # given
    client.force_login(UserFactory())
    # when
    response = client.post(reverse("logout"))
    # then
    assert response.status_code == 302
    assert response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302
