"""`/api/v1/reports/periods`: list, one version, close and restate; `/reports/period` on a closed period."""

import json

import pytest
import time_machine

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.accounts.tokens import api_token_create
from motcua.dossiers.tests.factories import agency_setup
from motcua.reports.models import PeriodSnapshot
from motcua.reports.periods import snapshot_data
from motcua.reports.tests.closing import (
    CLOSED_AT,
    LATER,
    MARCH_WINDOW,
    close_march,
    par_officer,
    receive_d10_supplement,
)
from motcua.reports.tests.scenario import build

pytestmark = pytest.mark.django_db

PROVINCE = "000.00.00.H31"
MARCH = {"unit": PROVINCE, "kind": "month", "start": "2025-03-01"}


@pytest.fixture
def history(published_calendar):
    setup = agency_setup()
    return setup, build(setup)


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_token_create(user=user, name='Khóa sổ')[1]}"}


@pytest.fixture
def officer(history):
    setup, _codes = history
    return bearer(par_officer(setup))


@pytest.fixture
def outsider(history):
    other = UnitFactory(code="000.00.00.H26", name="Ủy ban nhân dân tỉnh Phú Thọ")
    return bearer(MembershipFactory(unit=other, role=Role.PAR_OFFICER).user)


def get(client, path, headers, params=None, at=LATER):
    with time_machine.travel(at, tick=False):
        return client.get(f"/api/v1{path}", params or {}, headers=headers)


def post(client, path, headers, body, at=CLOSED_AT):
    with time_machine.travel(at, tick=False):
        return client.post(f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=headers)


# --- closing and restating ----------------------------------------------------------------------


def test_close_stores_version_1_and_answers_it(client, history, officer):
    # when
    response = post(client, "/reports/periods/close", officer, MARCH)
    # then
    assert response.status_code == 201
    body = response.json()
    snapshot = PeriodSnapshot.objects.get()
    assert (body["id"], body["version"], body["label"], body["scheme"]) == (snapshot.pk, 1, "Tháng 03/2025", "calendar")
    assert (body["date_from"], body["date_to"]) == ("2025-03-01", "2025-03-31")
    assert body["content"] == snapshot_data(snapshot)
    assert body["content_hash"] == snapshot.content_hash and body["verified"] is True
    assert [v["version"] for v in body["versions"]] == [1]


def test_close_refusals_have_their_status_and_envelope(client, history, officer):
    setup, _codes = history
    close_march(setup)
    cases = [
        (MARCH, 409, "wrong_state"),  # already closed
        ({**MARCH, "start": "2025-04-01"}, 409, "wrong_state"),  # not over on 10/4
        ({**MARCH, "start": "2025-03-02"}, 422, "invalid"),  # not the first day of a period
        ({**MARCH, "kind": "year"}, 422, "invalid_request"),
        ({**MARCH, "unit": "000.99.99.H99"}, 404, "not_found"),
    ]
    for body, status, code in cases:
        response = post(client, "/reports/periods/close", officer, body)
        assert (response.status_code, response.json()["error"]["code"]) == (status, code), body
        assert " / " in response.json()["error"]["message"] or code == "invalid_request"
    assert PeriodSnapshot.objects.count() == 1


def test_a_user_of_another_unit_cannot_close_or_restate(client, history, outsider):
    for path, body in (("/reports/periods/close", MARCH), ("/reports/periods/restate", {**MARCH, "reason": "Sửa"})):
        response = post(client, path, outsider, body)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert not PeriodSnapshot.objects.exists()


def test_a_user_of_the_unit_without_the_role_cannot_close(client, history):
    setup, _codes = history
    response = post(
        client, "/reports/periods/close", bearer(setup["officer"]), {**MARCH, "unit": setup["commune"].code}
    )
    assert response.status_code == 403
    assert "only an agency head or a PAR officer" in response.json()["error"]["message"]
    assert not PeriodSnapshot.objects.exists()


def test_restate_stores_the_next_version_with_its_differences(client, history, officer):
    setup, codes = history
    close_march(setup)
    receive_d10_supplement(setup, codes)
    # when
    response = post(
        client, "/reports/periods/restate", officer, {**MARCH, "reason": "Nhận bổ sung ngày 11/4"}, at=LATER
    )
    # then
    assert response.status_code == 201
    body = response.json()
    assert (body["version"], body["reason"]) == (2, "Nhận bổ sung ngày 11/4")
    total = {d["measure"]: (d["before"], d["after"]) for d in body["differences"] if d["grouping"] is None}
    assert total["resolved_awaiting_supplement"] == (1, 0)
    assert [v["version"] for v in body["versions"]] == [1, 2]


def test_restate_refuses_no_change_and_a_blank_reason(client, history, officer):
    setup, _codes = history
    close_march(setup)
    unchanged = post(client, "/reports/periods/restate", officer, {**MARCH, "reason": "Rà soát"}, at=LATER)
    blank = post(client, "/reports/periods/restate", officer, {**MARCH, "reason": "   "}, at=LATER)
    missing = post(client, "/reports/periods/restate", officer, MARCH, at=LATER)
    assert (unchanged.status_code, unchanged.json()["error"]["code"]) == (409, "wrong_state")
    assert "nothing to restate" in unchanged.json()["error"]["message"]
    assert (blank.status_code, missing.status_code) == (422, 422)
    assert PeriodSnapshot.objects.count() == 1


# --- reading ------------------------------------------------------------------------------------


def test_the_list_shows_each_closed_period_at_its_latest_version(client, history, officer):
    setup, codes = history
    close_march(setup)
    receive_d10_supplement(setup, codes)
    post(client, "/reports/periods/restate", officer, {**MARCH, "reason": "Nhận bổ sung"}, at=LATER)
    post(client, "/reports/periods/close", officer, {**MARCH, "start": "2025-02-01"}, at=LATER)
    # when
    response = get(client, "/reports/periods", officer, {"unit": PROVINCE})
    # then
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["date_from"], i["version"]) for i in items] == [("2025-03-01", 2), ("2025-02-01", 1)]
    assert items[0]["created_by"] == items[1]["created_by"]


def test_one_version_is_read_by_its_id(client, history, officer):
    setup, _codes = history
    snapshot = close_march(setup)
    body = get(client, f"/reports/periods/{snapshot.pk}", officer).json()
    assert (body["id"], body["verified"], body["content"]) == (snapshot.pk, True, snapshot_data(snapshot))
    assert get(client, "/reports/periods/999999", officer).status_code == 404


def test_a_user_of_another_unit_cannot_read_closed_periods(client, history, outsider):
    setup, _codes = history
    snapshot = close_march(setup)
    assert get(client, "/reports/periods", outsider, {"unit": PROVINCE}).status_code == 403
    assert get(client, f"/reports/periods/{snapshot.pk}", outsider).status_code == 403


def test_the_period_report_of_a_closed_period_is_the_snapshot_and_live_adds_the_recomputation(client, history, officer):
    # given March closed, then corrected
    setup, codes = history
    snapshot = close_march(setup)
    receive_d10_supplement(setup, codes)
    window = {"unit": PROVINCE, "from": MARCH_WINDOW[0], "to": MARCH_WINDOW[1]}
    # when
    closed = get(client, "/reports/period", officer, window).json()
    live = get(client, "/reports/period", officer, {**window, "live": "1"}).json()
    # then the frozen figures come back, marked, and live=1 adds today's recomputation beside them
    assert closed == {**snapshot_data(snapshot)["report"], "closed": True, "snapshot_version": 1}
    assert {k: v for k, v in live.items() if k != "live"} == closed
    assert live["live"]["resolved"] == closed["resolved"] - 1
