"""OpenID Connect login (VNeID-ready) against a mocked provider: the library's token and userinfo calls are
patched, the ID token is really signed and really checked. A login maps to a citizen identity, never a user."""

import json
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from motcua.accounts.models import User
from motcua.portal.citizen import SESSION_KEY

pytestmark = pytest.mark.django_db
CLIENT_ID = "motcua-haiphong"
ISSUER = "https://op.example.test"
START = "/dich-vu-cong/xac-thuc/dinh-danh-dien-tu/"
CALLBACK = "/dich-vu-cong/xac-thuc/dinh-danh-dien-tu/callback/"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def provider(settings, monkeypatch):
    """Configure the login and answer the library's HTTP calls as the provider would."""
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "bi-mat-thu-nghiem"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{ISSUER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/jwks"
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_CLAIM_ID_NUMBER = "citizen_id"
    state = {"claims": {}, "id_token": {}, "calls": []}

    def post(url, data=None, **kwargs):
        state["calls"].append(("token", data))
        token = jwt.encode(
            {"iss": ISSUER, "aud": CLIENT_ID, "sub": "vneid-001", "exp": int(time.time()) + 300, **state["id_token"]},
            KEY,
            algorithm="RS256",
            headers={"kid": "k1"},
        )
        return Response({"id_token": token, "access_token": "access-1", "token_type": "Bearer"})

    def get(url, headers=None, **kwargs):
        if url.endswith("/jwks"):
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
            return Response({"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]})
        state["calls"].append(("userinfo", headers))
        return Response({"sub": "vneid-001", **state["claims"]})

    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", post)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", get)
    return state


class Response:
    """Just enough of requests.Response for the library."""

    def __init__(self, body, status_code=200):
        self.body, self.status_code, self.url = body, status_code, "https://op.example.test"
        self.headers = {"content-type": "application/json"}
        self.text = json.dumps(body)

    def json(self):
        return self.body

    def raise_for_status(self):
        return None


def begin(client, next_path="/dich-vu-cong/ho-so-cua-toi/"):
    """Follow the start of the login; return the parameters sent to the provider."""
    response = client.get(START, {"next": next_path})
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{ISSUER}/authorize"
    return {key: values[0] for key, values in parse_qs(location.query).items()}


def finish(client, params, provider, **claims):
    provider["claims"] = {"citizen_id": "031190001234", "name": "Nguyễn Thị Lan", **claims}
    provider["id_token"].setdefault("nonce", params["nonce"])
    return client.get(CALLBACK, {"code": "auth-code-1", "state": params["state"]})


def test_without_settings_the_login_is_off(client):
    assert client.get(START).status_code == 404
    assert client.get(CALLBACK, {"code": "x", "state": "y"}).status_code == 404
    assert "dinh-danh-dien-tu" not in client.get("/dich-vu-cong/xac-thuc/").content.decode()


def test_the_login_starts_with_state_nonce_and_pkce(client, provider):
    assert "dinh-danh-dien-tu" in client.get("/dich-vu-cong/xac-thuc/").content.decode()
    params = begin(client)
    assert params["client_id"] == CLIENT_ID and params["response_type"] == "code" and params["scope"] == "openid"
    assert params["state"] and params["nonce"] and params["code_challenge_method"] == "S256"
    assert params["redirect_uri"] == f"http://testserver{CALLBACK}"


def test_a_login_becomes_a_citizen_identity_and_never_a_user(client, provider):
    users = User.objects.count()
    params = begin(client)
    # when the provider sends the citizen back with a code
    response = finish(client, params, provider, phone_number="+84912345678", email="Lan@Example.vn")
    # then the session holds the identity the claims vouch for, and they land where they were going
    assert response.status_code == 302 and response["Location"] == "/dich-vu-cong/ho-so-cua-toi/"
    identity = client.session[SESSION_KEY]
    assert (identity["method"], identity["id_number"], identity["phone"], identity["email"]) == (
        "oidc",
        "031190001234",
        "0912345678",
        "lan@example.vn",
    )
    # and no back-office user exists or is logged in: the back office still asks for a login
    assert User.objects.count() == users
    assert "_auth_user_id" not in client.session
    assert client.get("/ho-so/")["Location"].startswith("/tai-khoan/dang-nhap/")
    # the code was exchanged with the client's credentials and the PKCE verifier
    token_call = provider["calls"][0][1]
    assert token_call["client_id"] == CLIENT_ID and token_call["code"] == "auth-code-1" and token_call["code_verifier"]


def test_an_unverified_e_mail_claim_is_not_trusted(client, provider):
    params = begin(client)
    finish(client, params, provider, email="someone@example.vn", email_verified=False)
    assert client.session[SESSION_KEY]["email"] == ""


def test_a_callback_with_an_unknown_state_is_refused(client, provider):
    begin(client)
    response = client.get(CALLBACK, {"code": "auth-code-1", "state": "forged"})
    assert response.status_code == 302 and response["Location"] == "/dich-vu-cong/xac-thuc/"
    assert SESSION_KEY not in client.session
    assert provider["calls"] == []  # no code was exchanged


def test_a_state_is_used_only_once(client, provider):
    params = begin(client)
    finish(client, params, provider)
    client.post("/dich-vu-cong/xac-thuc/thoat/")
    replay = client.get(CALLBACK, {"code": "auth-code-1", "state": params["state"]})
    assert replay["Location"] == "/dich-vu-cong/xac-thuc/"
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    "id_token",
    [{"aud": "another-client"}, {"iss": "https://evil.example"}, {"nonce": "not-the-one-sent"}],
    ids=["audience", "issuer", "nonce"],
)
def test_an_id_token_for_another_client_issuer_or_nonce_is_refused(client, provider, id_token):
    provider["id_token"].update(id_token)
    params = begin(client)
    response = finish(client, params, provider)
    assert response["Location"] == "/dich-vu-cong/xac-thuc/"
    assert SESSION_KEY not in client.session


def test_a_token_signed_by_another_key_is_refused(client, provider, monkeypatch):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    original = jwt.encode
    monkeypatch.setattr(jwt, "encode", lambda payload, key, **kw: original(payload, other, **kw))
    params = begin(client)
    assert finish(client, params, provider)["Location"] == "/dich-vu-cong/xac-thuc/"
    assert SESSION_KEY not in client.session


def test_claims_without_the_id_number_are_refused(client, provider):
    params = begin(client)
    provider["id_token"]["nonce"] = params["nonce"]
    provider["claims"] = {"name": "Không có số định danh"}
    client.get(CALLBACK, {"code": "auth-code-1", "state": params["state"]})
    assert SESSION_KEY not in client.session


def test_an_error_from_the_provider_is_shown_as_a_failed_login(client, provider):
    params = begin(client)
    response = client.get(CALLBACK, {"error": "access_denied", "state": params["state"]})
    assert response["Location"] == "/dich-vu-cong/xac-thuc/"
    assert "Không đăng nhập được bằng VNeID" in client.get(response["Location"]).content.decode()
