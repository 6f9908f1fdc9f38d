"""The interface is Vietnamese unless the user chooses English."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_vietnamese(client):
    # given a browser that prefers English and no explicit choice
    # when it opens the login page
    response = client.get("/tai-khoan/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # then the page is Vietnamese
    assert response.headers["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()


def test_the_language_switcher_choice_is_kept(client):
    # given a user who chose English with the switcher
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/tai-khoan/dang-nhap/"})
    assert response.status_code == 302
    # when the next page is requested
    response = client.get("/tai-khoan/dang-nhap/")
    # then it is served in English
    assert response.headers["Content-Language"] == "en"


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get("/tai-khoan/dang-nhap/").headers["Content-Language"] == "vi"
