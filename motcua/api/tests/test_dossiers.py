"""`/api/v1/dossiers`: a dossier's whole life through the API, and 401/403/404/409/422 in the error envelope."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.accounts.tokens import api_token_create
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import accepted_dossier, agency_setup

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db

APPLICANT = {
    "kind": "person",
    "name": "Nguyễn Thị Lan",
    "id_number": "031190001234",
    "phone": "0912 345 678",
    "email": "lan.nguyen@example.vn",
    "address": "Thôn Đông, xã Vĩnh Bảo, thành phố Hải Phòng",
}


@pytest.fixture
def setup(published_calendar):
    """Return agency_setup() plus an officer of another commune."""
    setup = agency_setup()
    elsewhere = UnitFactory(code="000.00.51.H31", name="Ủy ban nhân dân xã Khác", parent=setup["province"])
    setup["stranger"] = MembershipFactory(unit=elsewhere, role=Role.RECEPTION_OFFICER).user
    return setup


@pytest.fixture
def call(client, setup):
    """Return `call(who, method, path, body=None)` sending `who`'s bearer token (who is a key of `setup`)."""
    tokens: dict[str, str] = {}

    def call(who: str, method: str, path: str, body: dict | None = None):
        if who not in tokens:
            tokens[who] = api_token_create(user=setup[who], name=f"thử {who}")[1]
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        if method == "get":
            return client.get(f"/api/v1{path}", body or {}, headers=headers)
        payload = json.dumps(body) if body is not None else ""
        return client.post(f"/api/v1{path}", payload, content_type="application/json", headers=headers)

    return call


def creation(setup, **changes) -> dict:
    return {
        "procedure": setup["version"].procedure.code,
        "receiving_unit": setup["center"].code,
        "channel": "online",
        "applicant": APPLICANT,
        "components": [{"name": "Đơn đề nghị cấp giấy phép xây dựng", "form": "electronic"}],
        "subject": "Xây nhà ở riêng lẻ 3 tầng",
        **changes,
    }


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


def test_a_dossier_lives_from_submission_to_delivery_through_the_api(setup, call):
    # given an online submission on Monday 3/3/2025 09:00
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False) as clock:
        created = ok(call("reception", "post", "/dossiers", creation(setup)), 201)
        code = created["code"]
        # when it goes through every stage
        accepted = ok(call("reception", "post", f"/dossiers/{code}/accept"))
        ok(call("reception", "post", f"/dossiers/{code}/transfer"))
        assigned = ok(call("head", "post", f"/dossiers/{code}/assign", {"assignee": setup["officer"].username}))
        clock.move_to("2025-03-04 09:00 +07:00")
        paused = ok(call("officer", "post", f"/dossiers/{code}/request-supplement", {"missing": ["Bản vẽ mặt bằng"]}))
        clock.move_to("2025-03-05 09:00 +07:00")
        resumed = ok(call("reception", "post", f"/dossiers/{code}/receive-supplement", {"components": []}))
        ok(call("officer", "post", f"/dossiers/{code}/forward", {"note": "Đủ điều kiện"}))
        apology = {
            "cause": "workload",
            "reason": "Khối lượng hồ sơ tăng đột biến",
            "responsible_unit": setup["commune"].code,
            "new_appointment_at": "2025-03-25T16:00:00",
            "responsible_step": 2,
        }
        ok(call("head", "post", f"/dossiers/{code}/draft-apology", apology))
        approved = ok(call("head", "post", f"/dossiers/{code}/approve-apology"))
        decided = ok(call("head", "post", f"/dossiers/{code}/decide", {"outcome": "approved", "summary": "Cấp phép"}))
        delivered = ok(call("reception", "post", f"/dossiers/{code}/deliver", {"method": "counter"}))
        detail = ok(call("reception", "get", f"/dossiers/{code}"))
    # then each answer is the dossier's detail in its new state
    assert (created["state"], created["portal_status"], created["channel"]) == ("submitted", 1, 2)
    assert code == "000.10.50.H31-250303-0001"
    assert accepted["appointment_at"] == "2025-03-17T09:00:00+07:00"
    assert assigned["current_step"]["assignee_username"] == setup["officer"].username
    assert (paused["state"], paused["pauses"][0]["ended_at"]) == ("supplement_requested", None)
    assert resumed["state"] == "in_process"
    assert resumed["current_appointment_at"] > accepted["current_appointment_at"]
    assert approved["apology"]["approved_by"] == str(setup["head"])
    assert approved["current_appointment_at"] == "2025-03-25T16:00:00+07:00"
    assert approved["appointment_at"] == resumed["appointment_at"]  # an apology never moves the original
    assert (decided["state"], decided["portal_status"], decided["outcome"]) == ("done", 9, "approved")
    assert (delivered["state"], delivered["portal_status"], delivered["return_method"]) == ("delivered", 10, "counter")
    # and the detail carries the whole timeline, steps, pause and apology, times with their offset
    assert [event["type"] for event in detail["timeline"]] == [
        "submitted",
        "accepted",
        "transferred",
        "assigned",
        "supplement_requested",
        "supplement_received",
        "forwarded",
        "apology_drafted",
        "apology_approved",
        "decided",
        "delivered",
    ]
    first = detail["timeline"][0]
    assert first["at"] == "2025-03-03T09:00:00+07:00"
    assert (first["from_state"], first["to_state"], first["data"]) == ("", "submitted", {"channel": 2})
    assert detail["timeline"][1]["actor_name"] == str(setup["reception"])
    assert [step["order"] for step in detail["steps"]] == [1, 2, 3]
    assert detail["pauses"][0]["ended_at"] == "2025-03-05T09:00:00+07:00"
    assert detail["apology"]["responsible_step"] == 2
    assert detail["applicant_phone"] == "0912345678"  # in full in the detail
    assert detail["applicant_id_number"] == "031190001234"
    assert detail["components"][0]["form"] == "electronic"


def test_a_postal_submission_may_name_another_reception_point(setup, call):
    # when
    body = creation(setup, channel="postal", reception_point=setup["province"].code)
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False):
        created = ok(call("reception", "post", "/dossiers", body), 201)
    # then
    assert created["channel"] == 3
    assert created["reception_point"]["code"] == setup["province"].code
    assert created["receiving_unit"]["code"] == setup["center"].code


def test_creating_in_a_unit_outside_the_callers_units_is_403(setup, call):
    # when an officer of another commune submits to the center
    response = call("stranger", "post", "/dossiers", creation(setup))
    # then
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("changes", "code", "text"),
    [
        ({"procedure": "9.999999"}, "unknown_procedure", "Mã thủ tục không tồn tại / unknown procedure code"),
        ({"receiving_unit": "999.99.99.X99"}, "unknown_unit", "Mã đơn vị không tồn tại / unknown unit code"),
        ({"reception_point": "999.99.99.X99"}, "unknown_unit", "Mã đơn vị không tồn tại"),
        ({"applicant": {**APPLICANT, "id_number": "123"}}, "invalid", "12 chữ số"),
        ({"applicant": {"kind": "person"}}, "invalid_request", "applicant.name"),
        ({"channel": "counter"}, "invalid_request", "channel"),
        ({"components": [{"name": "Đơn", "quantity": 0}]}, "invalid_request", "components.0.quantity"),
    ],
)
def test_invalid_creation_is_422_with_a_clear_message(setup, call, changes, code, text):
    # when
    response = call("reception", "post", "/dossiers", creation(setup, **changes))
    # then
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert text in response.json()["error"]["message"]
    assert not Dossier.objects.exists()


def test_an_action_in_the_wrong_state_is_409_and_changes_nothing(setup, call):
    # given an accepted dossier
    dossier = accepted_dossier(setup)
    # when it is accepted again, or delivered before any decision
    again = call("reception", "post", f"/dossiers/{dossier.code}/accept", {"components": []})
    early = call("reception", "post", f"/dossiers/{dossier.code}/deliver", {"method": "counter"})
    # then
    assert (again.status_code, early.status_code) == (409, 409)
    assert again.json()["error"]["code"] == "wrong_state"
    assert "Được tiếp nhận" in again.json()["error"]["message"]
    assert DossierEvent.objects.filter(dossier=dossier).count() == 2


def test_a_user_of_another_unit_is_refused_the_dossier_and_its_actions(setup, call):
    # given
    dossier = accepted_dossier(setup)
    # when
    detail = call("stranger", "get", f"/dossiers/{dossier.code}")
    action = call("stranger", "post", f"/dossiers/{dossier.code}/transfer")
    listed = call("stranger", "get", "/dossiers")
    # then
    assert (detail.status_code, action.status_code) == (403, 403)
    assert action.json()["error"]["code"] == "forbidden"
    assert "Nguyễn Thị Lan" not in detail.content.decode()
    assert ok(listed)["count"] == 0
    assert Dossier.objects.get().state == "accepted"


def test_a_service_refusal_of_the_user_is_403(setup, call):
    # given a transferred dossier
    dossier = accepted_dossier(setup)
    ok(call("reception", "post", f"/dossiers/{dossier.code}/transfer"))
    # when a processing officer (not a head) tries to assign
    response = call("officer", "post", f"/dossiers/{dossier.code}/assign", {"assignee": setup["officer"].username})
    # then
    assert response.status_code == 403
    assert "lãnh đạo" in response.json()["error"]["message"]


@pytest.mark.parametrize(("method", "path"), [("get", ""), ("post", "/transfer"), ("post", "/approve-apology")])
def test_an_unknown_code_is_404(setup, call, method, path):
    # when
    response = call("reception", method, f"/dossiers/000.10.50.H31-250303-9999{path}")
    # then
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "not_found",
        "message": "Mã hồ sơ không tồn tại / unknown dossier code",
    }


@pytest.mark.parametrize(
    ("action", "body", "code"),
    [
        ("request-completion", {"missing": []}, "invalid_request"),
        ("refuse", {}, "invalid_request"),
        ("assign", {"assignee": "nobody"}, "unknown_user"),
        ("consult", {"unit": "999.99.99.X99", "note": "Xin ý kiến", "quota_days": 3}, "unknown_unit"),
        ("request-payment", {"amount": "-5"}, "invalid_request"),
        ("decide", {"outcome": "maybe", "summary": "x"}, "invalid_request"),
        ("deliver", {"method": "pigeon"}, "invalid_request"),
    ],
)
def test_invalid_action_input_is_422(setup, call, action, body, code):
    # given
    dossier = accepted_dossier(setup)
    # when
    response = call("reception", "post", f"/dossiers/{dossier.code}/{action}", body)
    # then
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    assert DossierEvent.objects.filter(dossier=dossier).count() == 2


def test_a_domain_refusal_of_the_input_is_422(setup, call):
    # given a transferred dossier
    dossier = accepted_dossier(setup)
    ok(call("reception", "post", f"/dossiers/{dossier.code}/transfer"))
    # when the apology's new date is not after the current appointment
    body = {
        "cause": "other",
        "reason": "Chậm",
        "responsible_unit": setup["commune"].code,
        "new_appointment_at": "2025-03-10T09:00:00+07:00",
    }
    response = call("head", "post", f"/dossiers/{dossier.code}/draft-apology", body)
    # then
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert "Ngày hẹn mới phải sau" in response.json()["error"]["message"]


def test_reception_refusal_and_completion_request(setup, call):
    # given two online submissions
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False):
        first = ok(call("reception", "post", "/dossiers", creation(setup)), 201)["code"]
        second = ok(call("reception", "post", "/dossiers", creation(setup)), 201)["code"]
        # when one is returned for completion and resubmitted, the other refused
        returned = ok(call("reception", "post", f"/dossiers/{first}/request-completion", {"missing": ["Sổ đỏ"]}))
        resubmitted = ok(call("reception", "post", f"/dossiers/{first}/resubmit", {"components": [{"name": "Sổ đỏ"}]}))
        refused = ok(call("reception", "post", f"/dossiers/{second}/refuse", {"reasons": ["Không thuộc thẩm quyền"]}))
    # then
    assert (returned["state"], returned["portal_status"]) == ("returned_for_completion", 1)
    assert resubmitted["state"] == "submitted"
    assert [c["name"] for c in resubmitted["components"]][-1] == "Sổ đỏ"
    assert (refused["state"], refused["portal_status"]) == ("refused_at_reception", 3)


def test_payment_withdrawal_and_stop(setup, call):
    # given a dossier in process
    dossier = accepted_dossier(setup)
    code = dossier.code
    ok(call("reception", "post", f"/dossiers/{code}/transfer"))
    # when payment is requested and recorded, then the applicant withdraws and processing stops
    awaiting = ok(call("officer", "post", f"/dossiers/{code}/request-payment", {"amount": "150000"}))
    paid = ok(call("reception", "post", f"/dossiers/{code}/record-payment", {"reference": "BL-0001"}))
    withdrawing = ok(call("reception", "post", f"/dossiers/{code}/request-withdrawal", {"reason": "Không xây nữa"}))
    stopped = ok(call("head", "post", f"/dossiers/{code}/stop", {"reason": "Công dân rút hồ sơ"}))
    # then
    assert (awaiting["state"], awaiting["portal_status"]) == ("awaiting_payment", 6)
    assert paid["state"] == "in_process"
    assert (withdrawing["state"], withdrawing["portal_status"]) == ("withdrawal_requested", 7)
    assert (stopped["state"], stopped["portal_status"]) == ("stopped", 8)
    assert stopped["processing_ended_at"] is not None


def test_consultation_and_return_to_an_earlier_step(setup, call):
    # given a dossier at step 3 (approval)
    dossier = accepted_dossier(setup)
    code = dossier.code
    ok(call("reception", "post", f"/dossiers/{code}/transfer"))
    ok(call("head", "post", f"/dossiers/{code}/assign", {"assignee": setup["officer"].username}))
    ok(call("officer", "post", f"/dossiers/{code}/forward"))
    # when the head sends it back to appraisal, which consults the province and gets a reply
    returned = ok(call("head", "post", f"/dossiers/{code}/return-step", {"to_order": 2, "note": "Thiếu thẩm định"}))
    consult = {"unit": setup["province"].code, "note": "Xin ý kiến quy hoạch", "quota_days": 3}
    consulting = ok(call("officer", "post", f"/dossiers/{code}/consult", consult))
    replied = ok(call("head", "post", f"/dossiers/{code}/consult-reply", {"note": "Phù hợp quy hoạch"}))
    # then
    assert returned["current_step"]["order"] == 2
    assert returned["current_step"]["assignee_username"] == setup["officer"].username
    assert consulting["current_step"]["is_consultation"] is True
    assert consulting["current_step"]["unit"]["code"] == setup["province"].code
    assert replied["current_step"]["is_consultation"] is False
    assert [e["type"] for e in replied["timeline"]][-3:] == [
        "returned_to_step",
        "consultation_requested",
        "consultation_replied",
    ]


def test_list_masks_personal_data_and_filters(setup, call):
    # given an accepted dossier and an online submission still waiting
    accepted = accepted_dossier(setup)
    with time_machine.travel("2025-03-04 09:00 +07:00", tick=False):
        ok(call("reception", "post", "/dossiers", creation(setup)), 201)
    # when
    everything = ok(call("reception", "get", "/dossiers"))
    only_accepted = ok(call("reception", "get", "/dossiers", {"state": "accepted"}))
    due = ok(call("reception", "get", "/dossiers", {"due_from": "2025-03-17", "due_to": "2025-03-17"}))
    by_procedure = ok(call("reception", "get", "/dossiers", {"procedure": setup["version"].procedure.code}))
    by_text = ok(call("reception", "get", "/dossiers", {"q": accepted.code}))
    # then
    assert everything["count"] == 2
    row = next(item for item in everything["items"] if item["code"] == accepted.code)
    assert row["applicant_phone"] == "09xx xxx 678"
    assert "001234" not in row["applicant_id_number"] and row["applicant_id_number"].endswith("234")
    assert "timeline" not in row
    assert row["appointment_at"] == "2025-03-17T09:00:00+07:00"
    assert row["procedure"]["code"] == setup["version"].procedure.code
    assert [item["code"] for item in only_accepted["items"]] == [accepted.code]
    assert [item["code"] for item in due["items"]] == [accepted.code]
    assert by_procedure["count"] == 2
    assert [item["code"] for item in by_text["items"]] == [accepted.code]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"state": "lost"}, "invalid_request"),
        ({"due_from": "2025-02-30"}, "invalid_request"),
        ({"due_from": "2025-03-10", "due_to": "2025-03-01"}, "invalid_request"),
        ({"unit": "999.99.99.X99"}, "unknown_unit"),
    ],
)
def test_list_rejects_invalid_filters_with_422(setup, call, params, code):
    # when
    response = call("reception", "get", "/dossiers", params)
    # then
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


def test_list_query_count_does_not_grow_with_the_page(setup, call, django_assert_max_num_queries):
    # given 30 dossiers
    for day in range(3, 8):
        for _ in range(6):
            accepted_dossier(setup, at=f"2025-03-0{day} 09:00 +07:00")
    call("reception", "get", "/dossiers")  # the token's first use writes last_used_at
    # when / then: token, memberships, unit tree, count, page
    with django_assert_max_num_queries(5):
        response = call("reception", "get", "/dossiers")
    assert response.json()["count"] == 30
    assert len(response.json()["items"]) == 25


def test_a_browser_session_may_act_too(setup, client):
    # given a logged-in reception officer
    dossier = accepted_dossier(setup)
    client.force_login(setup["reception"])
    # when
    response = client.post(f"/api/v1/dossiers/{dossier.code}/transfer")
    # then
    assert ok(response)["state"] == "in_process"


def test_without_credentials_it_is_401(setup, client):
    # when
    response = client.post("/api/v1/dossiers", "{}", content_type="application/json")
    # then
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_the_openapi_schema_lists_every_action(client):
    # when
    schema = client.get("/api/v1/openapi.json").json()
    # then
    actions = [
        "accept", "request-completion", "resubmit", "refuse", "transfer", "assign", "forward", "return-step",
        "consult", "consult-reply", "request-supplement", "receive-supplement", "request-payment",
        "record-payment", "draft-apology", "approve-apology", "request-withdrawal", "stop", "decide", "deliver",
    ]  # fmt: skip
    assert set(schema["paths"]) >= {"/api/v1/dossiers", "/api/v1/dossiers/{code}"}
    for action in actions:
        assert "post" in schema["paths"][f"/api/v1/dossiers/{{code}}/{action}"], action
    assert set(schema["paths"]["/api/v1/dossiers"]) == {"get", "post"}
    decide = schema["paths"]["/api/v1/dossiers/{code}/decide"]["post"]
    assert "out of scope" in decide["description"]
    assert set(decide["responses"]) >= {"200", "403", "404", "409", "422"}


def test_times_are_given_with_the_local_offset_on_every_database(setup, call):
    # given a dossier accepted at 09:00 Vietnam time (02:00 UTC)
    dossier = accepted_dossier(setup)
    # when
    detail = ok(call("reception", "get", f"/dossiers/{dossier.code}"))
    # then
    assert detail["accepted_at"] == "2025-03-03T09:00:00+07:00"
    assert datetime.fromisoformat(detail["accepted_at"]) == datetime(2025, 3, 3, 2, 0, tzinfo=ZoneInfo("UTC"))
    assert all(event["at"].endswith("+07:00") for event in detail["timeline"])
    assert detail["steps"][0]["due_at"].endswith("+07:00")
