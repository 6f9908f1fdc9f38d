"""The OpenAPI schema and the docs page of /api/v1/."""

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_every_endpoint(client):
    # when
    response = client.get("/api/v1/openapi.json")
    # then
    assert response.status_code == 200
    schema = response.json()
    assert set(schema["paths"]) >= {
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/procedures",
        "/api/v1/procedures/{code}",
        "/api/v1/fields",
    }
    assert schema["components"]["securitySchemes"]["ApiTokenAuth"] == {"type": "http", "scheme": "bearer"}
    parameters = {p["name"] for p in schema["paths"]["/api/v1/procedures"]["get"]["parameters"]}
    assert parameters >= {"q", "field", "unit", "level", "online_level", "on", "page"}


def test_docs_page_loads(client):
    # when
    response = client.get("/api/v1/docs")
    # then
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_docs_page_uses_same_origin_assets_only(client):
    # when
    html = client.get("/api/v1/docs").content.decode()
    # then: the Content-Security-Policy allows scripts and styles from 'self' only
    assert "cdn.jsdelivr.net" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/units/000.00.13.H56/members"])
def test_an_unknown_api_path_is_404_in_the_error_envelope(client, path):
    # when
    response = client.get(path)
    # then
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_the_catch_all_is_not_in_the_schema(client):
    assert client.get("/api/v1/openapi.json").json()["paths"].keys().isdisjoint({"/api/v1/{path}"})
