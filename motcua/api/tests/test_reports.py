"""`/api/v1/reports/...`: the CLI's JSON, the dossiers behind a figure, the 766 index; 401/403/404/422."""

import io
import json

import pytest
import time_machine
from django.core.management import call_command

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory
from motcua.accounts.tokens import api_token_create
from motcua.dossiers.tests.factories import agency_setup
from motcua.reports.index766 import index766
from motcua.reports.tests.scenario import AFTER, DATE_FROM, DATE_TO, EXPECTED, EXPECTED_FROM_COUNTERS, build

pytestmark = pytest.mark.django_db

PROVINCE = "000.00.00.H31"
WINDOW = {"unit": PROVINCE, "from": "2025-03-10", "to": "2025-03-31"}
CONTRACT_KEYS = {
    "carried_in",
    "received",
    "received_online",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_in_time",
    "pending_overdue",
    "refused",
    "ended_otherwise",
    "online_rate",
    "on_time_rate",
    "reconciliation_gap",
}
ENDPOINTS = [
    ("/reports/period", {}),
    ("/reports/period/dossiers", {"measure": "resolved"}),
    ("/reports/index766", {}),
    ("/reports/index766/items", {"indicator": "2.1"}),
]


@pytest.fixture
def history(published_calendar):
    setup = agency_setup()
    return setup, build(setup)


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token_create(user=user, name='Báo cáo')[1]}"}


@pytest.fixture
def leader(history):
    """Return the headers of a leader of the province, who sees every unit of the scenario."""
    setup, _codes = history
    return bearer(MembershipFactory(unit=setup["province"], role=Role.AGENCY_HEAD).user)


@pytest.fixture
def get(client, leader):
    """Return a GET helper reading at AFTER (after the window) with the leader's token by default."""

    def call(path: str, params: dict | None = None, headers: dict | None = None):
        with time_machine.travel(AFTER, tick=False):
            return client.get(
                f"/api/v1{path}", {**WINDOW, **(params or {})}, headers=leader if headers is None else headers
            )

    return call


def cli(*extra):
    out = io.StringIO()
    with time_machine.travel(AFTER, tick=False):
        call_command("report", "--unit", PROVINCE, "--from", "2025-03-10", "--to", "2025-03-31", *extra, stdout=out)
    return json.loads(out.getvalue())


# --- /reports/period ---------------------------------------------------------------------------------


def test_period_answers_exactly_what_the_cli_prints(get):
    # when the same report is asked of the API and of `manage.py report --format json`
    response = get("/reports/period")
    # then the JSON is the same, key for key and value for value, and has the contract's keys
    assert response.status_code == 200
    body = response.json()
    assert body == cli("--format", "json")
    assert set(body) >= CONTRACT_KEYS
    assert {key: body[key] for key in EXPECTED} == EXPECTED_FROM_COUNTERS


def test_period_grouped_by_unit_matches_the_cli(get, history):
    setup, _codes = history
    # when
    body = get("/reports/period", {"group_by": "unit"}).json()
    # then
    assert body == cli("--format", "json", "--group-by", "unit")
    assert [row["key"] for row in body["rows"]] == [setup["commune"].code, setup["center"].code]


def test_period_reads_an_as_of_without_offset_in_vietnam_time(get):
    # when the report is read in the middle of the window
    body = get("/reports/period", {"as_of": "2025-03-20T12:00:00"}).json()
    # then T is that instant in Vietnam time, and later dossiers are not counted yet
    assert body["as_of"] == "2025-03-20T12:00:00+07:00"
    assert body["received"] < EXPECTED["received"]


# --- /reports/period/dossiers ----------------------------------------------------------------------


def test_period_dossiers_lists_the_codes_behind_a_figure(get, history):
    # given the scenario, where d3 is the one late dossier
    _setup, codes = history
    # when
    body = get("/reports/period/dossiers", {"measure": "resolved_late"}).json()
    # then
    assert body == {"items": [codes["d3"]], "count": 1}


def test_period_dossiers_are_paginated(get):
    # when the 8 received dossiers are read 3 by 3
    first = get("/reports/period/dossiers", {"measure": "received", "page_size": 3}).json()
    last = get("/reports/period/dossiers", {"measure": "received", "page_size": 3, "page": 3}).json()
    # then
    assert first["count"] == last["count"] == EXPECTED["received"]
    assert len(first["items"]) == 3 and len(last["items"]) == 2
    assert first["items"] == sorted(first["items"])


def test_period_dossiers_of_one_row(get, history):
    setup, codes = history
    # when the received dossiers of the commune's row are asked for
    body = get(
        "/reports/period/dossiers", {"measure": "received", "group_by": "unit", "group": setup["commune"].code}
    ).json()
    # then only d5 (received by the commune) is listed
    assert body["items"] == [codes["d5"]]


# --- /reports/index766 -------------------------------------------------------------------------------


def test_index766_returns_groups_indicators_total_and_band(get, history):
    setup, _codes = history
    # when
    response = get("/reports/index766")
    # then the body is the index as the selector computes it
    assert response.status_code == 200
    body = response.json()
    with time_machine.travel(AFTER, tick=False):
        assert body == index766(unit=setup["province"], date_from=DATE_FROM, date_to=DATE_TO).as_dict()
    assert [group["max_points"] for group in body["groups"]] == [18, 20, 12, 10, 22, 18]
    indicator = {item["code"]: item for item in body["indicators"]}
    assert (indicator["2.1"]["numerator"], indicator["2.1"]["denominator"]) == (8, 10)
    assert indicator["2.1"]["points"] == 16.0
    # 5.4 reads the ratings (none here): 100 % − late rate, i.e. 2.1's on-time dossiers over those handled
    assert indicator["5.4"]["status"] == "ok"
    assert (indicator["5.4"]["numerator"], indicator["5.4"]["denominator"]) == (8, 10)
    assert body["band"]["code"] == "weak"
    assert body["total"] == sum(item["points"] for item in body["indicators"] if item["kind"] == "scored")


def test_index766_items_list_what_lies_behind_an_indicator(get, history):
    setup, codes = history
    # when the dossiers handled on time (2.1's numerator) and the procedures of 3.1 are asked for
    dossiers = get("/reports/index766/items", {"indicator": "2.1"}).json()
    procedures = get("/reports/index766/items", {"indicator": "3.1", "part": "denominator"}).json()
    # then
    assert dossiers["count"] == 8
    assert codes["d4"] not in dossiers["items"]  # overdue at T
    assert procedures == {"items": [setup["version"].procedure.code], "count": 1}


# --- access and errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "params"), ENDPOINTS)
def test_every_endpoint_needs_authentication(client, history, path, params):
    # when
    response = client.get(f"/api/v1{path}", {**WINDOW, **params})
    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(("path", "params"), ENDPOINTS)
def test_a_user_of_another_unit_is_refused(get, history, path, params):
    # given an officer of the commune, who cannot see the province
    setup, _codes = history
    # when they ask for the province's figures
    response = get(path, params, headers=bearer(setup["officer"]))
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_a_user_sees_the_figures_of_their_own_unit(get, history):
    setup, _codes = history
    # when the commune's officer asks for the commune's report
    response = get("/reports/period", {"unit": setup["commune"].code}, headers=bearer(setup["officer"]))
    # then
    assert response.status_code == 200
    assert response.json()["received"] == 1


@pytest.mark.parametrize(("path", "params"), ENDPOINTS)
def test_an_unknown_unit_is_404(get, path, params):
    # when
    response = get(path, {**params, "unit": "000.00.00.X00"})
    # then
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Mã đơn vị không tồn tại / unknown unit code"


@pytest.mark.parametrize(("path", "params"), ENDPOINTS)
@pytest.mark.parametrize(
    ("bad", "field"),
    [({"from": "2025-02-30"}, "from"), ({"to": "31/03/2025x"}, "to"), ({"as_of": "hôm qua"}, "as_of")],
)
def test_bad_dates_are_422(get, path, params, bad, field):
    # when
    response = get(path, {**params, **bad})
    # then
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
    assert field in response.json()["error"]["message"]


@pytest.mark.parametrize(("path", "params"), ENDPOINTS)
def test_a_window_ending_before_it_starts_is_422(get, path, params):
    # when
    response = get(path, {**params, "from": "2025-03-31", "to": "2025-03-10"})
    # then
    assert response.status_code == 422
    assert "the window ends before it starts" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/reports/period", {"group_by": "galaxy"}),
        ("/reports/period/dossiers", {"measure": "everything"}),
        ("/reports/period/dossiers", {"measure": "received", "group": "000.00.50.H31"}),
        ("/reports/index766/items", {"indicator": "9.9"}),
        ("/reports/index766/items", {"indicator": "2.1", "part": "both"}),
        ("/reports/index766", {"as_of": "2025-03-01T00:00:00+07:00"}),
    ],
)
def test_unknown_choices_are_422(get, path, params):
    # when
    response = get(path, params)
    # then
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_the_openapi_schema_lists_the_report_endpoints(client):
    # when
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    # then
    assert {f"/api/v1{path}" for path, _params in ENDPOINTS} <= set(paths)
    parameters = {p["name"] for p in paths["/api/v1/reports/period"]["get"]["parameters"]}
    assert parameters >= {"unit", "from", "to", "as_of", "group_by", "live"}
