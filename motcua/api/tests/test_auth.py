"""API authentication: bearer tokens, the browser session, and 401 in the error envelope otherwise."""

import pytest

from motcua.accounts.models import ApiToken
from motcua.accounts.tokens import api_token_revoke

pytestmark = pytest.mark.django_db


def test_a_valid_bearer_token_is_accepted(api):
    # when
    response = api("/units")
    # then
    assert response.status_code == 200


def test_a_logged_in_browser_session_is_accepted(client, officer):
    # given
    client.force_login(officer)
    # when
    response = client.get("/api/v1/units")
    # then
    assert response.status_code == 200
    assert response.json()["count"] == 2


@pytest.mark.parametrize("header", [None, "Bearer mc_wrong", "Bearer ", "Basic dXNlcjpwYXNz", "mc_no_scheme"])
def test_missing_or_bad_credentials_are_401_in_the_error_envelope(client, province, header):
    # given
    headers = {"Authorization": header} if header is not None else {}
    # when
    response = client.get("/api/v1/procedures", headers=headers)
    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert " / " in response.json()["error"]["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(client, token):
    # given
    api_token_revoke(token=ApiToken.objects.get())
    # when
    response = client.get("/api/v1/units", headers={"Authorization": f"Bearer {token}"})
    # then
    assert response.status_code == 401


def test_a_request_records_when_the_token_was_last_used(api):
    # given
    assert ApiToken.objects.get().last_used_at is None
    # when
    api("/fields")
    # then
    assert ApiToken.objects.get().last_used_at is not None
