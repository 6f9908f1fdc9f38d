"""The dossier page: summary, masking, appointment explanation, timeline, slip, actions by role and state, documents."""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import APPLICANT, accepted_dossier, agency_setup
from motcua.lib.personal_data import phone_mask

pytestmark = pytest.mark.django_db
DAY_AFTER = "2025-03-04 09:00 +07:00"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


@pytest.fixture
def dossier(setup):
    return accepted_dossier(setup)


def in_process(setup, dossier):
    """Transfer the dossier and assign its processing step to the officer, on the day after acceptance."""
    with time_machine.travel(DAY_AFTER, tick=False):
        services.dossier_transfer(code=dossier.code, actor=setup["head"])
        services.dossier_assign(code=dossier.code, actor=setup["head"], assignee=setup["officer"])
    return Dossier.objects.get(pk=dossier.pk)


def page(client, user, dossier):
    client.force_login(user)
    return client.get(reverse("dossiers:detail", args=[dossier.code]))


def act(client, user, dossier, action, data=None, at=DAY_AFTER, **extra):
    client.force_login(user)
    prefixed = {f"{action}-{key}": value for key, value in (data or {}).items()}
    with time_machine.travel(at, tick=False):
        return client.post(reverse("dossiers:action", args=[dossier.code, action]), prefixed, **extra)


def offered(response) -> list[str]:
    return [entry["action"].name for entry in response.context["actions"]]


def test_the_page_shows_the_summary_appointment_explanation_and_timeline(client, setup, dossier):
    # when
    response = page(client, setup["reception"], dossier)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert dossier.code in html and "Nguyễn Thị Lan" in html
    assert "Được tiếp nhận" in html and "mã trạng thái trên Cổng: 2" in html
    assert "17/03/2025" in html  # 10 working days after Monday 3/3/2025
    for line in dossier.appointment_explanation:
        assert line in html
    assert [item["label"] for item in response.context["events"]] == ["Nộp hồ sơ", "Tiếp nhận hồ sơ"]
    assert "Đơn đề nghị cấp giấy phép xây dựng" in html  # received component
    assert "Tiếp nhận hồ sơ" in html  # the first row of the control slip


def test_reception_officers_see_the_applicants_id_and_phone(client, setup, dossier):
    # when
    html = page(client, setup["reception"], dossier).content.decode()
    # then
    assert APPLICANT.phone in html and APPLICANT.id_number in html


def test_users_of_the_units_without_a_dossier_role_see_them_masked(client, setup, dossier):
    # given a clerk of the commune
    clerk = MembershipFactory(unit=setup["commune"], role=Role.CLERK).user
    # when
    html = page(client, clerk, dossier).content.decode()
    # then
    assert APPLICANT.phone not in html and APPLICANT.id_number not in html
    assert phone_mask(APPLICANT.phone) in html


def test_actions_follow_the_state_and_the_roles(client, setup, dossier):
    # when / then: an accepted dossier can be transferred by reception or a head, not by the officer
    assert "transfer" in offered(page(client, setup["reception"], dossier))
    assert "transfer" in offered(page(client, setup["head"], dossier))
    assert "transfer" not in offered(page(client, setup["officer"], dossier))
    # when the dossier is in process
    dossier = in_process(setup, dossier)
    # then
    officer = offered(page(client, setup["officer"], dossier))
    head = offered(page(client, setup["head"], dossier))
    reception = offered(page(client, setup["reception"], dossier))
    assert {"forward", "request_supplement", "decide", "draft_apology"} <= set(officer)
    assert "assign" not in officer and "approve_apology" not in officer
    assert {"assign", "stop", "forward"} <= set(head)
    assert "deliver" not in reception and "forward" not in reception


def test_transfer_moves_the_dossier_into_processing(client, setup, dossier):
    # when
    response = act(client, setup["reception"], dossier, "transfer")
    # then
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS
    assert dossier.current_step.name == "Thẩm định hồ sơ"


def test_assign_gives_the_open_step_to_a_member_of_its_unit(client, setup, dossier):
    # given
    with time_machine.travel(DAY_AFTER, tick=False):
        services.dossier_transfer(code=dossier.code, actor=setup["head"])
    # when
    response = act(client, setup["head"], dossier, "assign", {"assignee": setup["officer"].pk})
    # then
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.current_step.assignee == setup["officer"]


def test_an_action_of_another_role_is_refused_and_changes_nothing(client, setup, dossier):
    # given
    dossier = in_process(setup, dossier)
    # when the processing officer tries to assign
    response = act(client, setup["officer"], dossier, "assign", {"assignee": setup["officer"].pk})
    # then
    assert response.status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).events.filter(type="assigned").count() == 1


def test_a_wrong_state_is_reported_and_changes_nothing(client, setup, dossier):
    # given a dossier already transferred, and a page opened before that
    dossier = in_process(setup, dossier)
    count = dossier.events.count()
    # when the reception officer posts the stale transfer form
    response = act(client, setup["reception"], dossier, "transfer")
    # then
    assert response.status_code == 302
    follow = client.get(response.url).content.decode()
    assert "Không thể chuyển hồ sơ đến cơ quan giải quyết" in follow
    assert Dossier.objects.get(pk=dossier.pk).events.count() == count


def test_invalid_input_is_shown_on_the_page_with_the_form_open(client, setup, dossier):
    # given
    dossier = in_process(setup, dossier)
    # when the officer requests a supplement without saying what is missing
    response = act(client, setup["officer"], dossier, "request_supplement", {"missing": ""})
    # then
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="action-request_supplement" open' in html
    assert Dossier.objects.get(pk=dossier.pk).state == State.IN_PROCESS


def test_a_service_error_message_is_shown_on_the_page(client, setup, dossier):
    # given
    dossier = in_process(setup, dossier)
    # when the new appointment of an apology is not later than the current one
    data = {
        "cause": "workload",
        "reason": "Nhiều hồ sơ",
        "responsible_unit": setup["commune"].pk,
        "new_appointment_at": "2025-03-10T09:00",
    }
    response = act(client, setup["head"], dossier, "draft_apology", data)
    # then
    assert response.status_code == 422
    assert "Ngày hẹn mới phải sau ngày hẹn hiện tại" in response.content.decode()


def test_supplement_request_and_receipt_pause_and_resume(client, setup, dossier):
    # given
    dossier = in_process(setup, dossier)
    before = dossier.current_appointment_at
    # when
    act(client, setup["officer"], dossier, "request_supplement", {"missing": "Bản vẽ mặt bằng\nSổ đỏ"})
    # then
    dossier.refresh_from_db()
    assert dossier.state == State.SUPPLEMENT_REQUESTED
    assert "completion_request" in [
        kind for kind, _title in page(client, setup["reception"], dossier).context["documents"]
    ]
    # when
    act(
        client,
        setup["reception"],
        dossier,
        "receive_supplement",
        {"components": "Bản vẽ mặt bằng"},
        at="2025-03-06 09:00 +07:00",
    )
    # then
    dossier.refresh_from_db()
    assert dossier.state == State.IN_PROCESS
    assert dossier.current_appointment_at > before  # two working days paused
    assert dossier.components.filter(is_supplement=True).count() == 1


def test_apology_drafted_then_approved_by_the_agency_head_moves_the_current_appointment(client, setup, dossier):
    # given
    dossier = in_process(setup, dossier)
    data = {
        "cause": "verification",
        "reason": "Cần kiểm tra thực địa",
        "responsible_unit": setup["commune"].pk,
        "new_appointment_at": "2025-03-24T09:00",
    }
    # when
    act(client, setup["officer"], dossier, "draft_apology", data)
    assert "approve_apology" not in offered(page(client, setup["officer"], dossier))
    response = act(client, setup["head"], dossier, "approve_apology")
    # then
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.current_appointment_at.isoformat() == "2025-03-24T02:00:00+00:00"
    assert dossier.appointment_at.isoformat() == "2025-03-17T02:00:00+00:00"
    html = page(client, setup["reception"], dossier).content.decode()
    assert "Ngày hẹn trả hiện tại" in html and "Cần kiểm tra thực địa" in html


def test_decide_stores_a_pdf_result_and_the_return_desk_delivers(client, setup, dossier):
    # given
    dossier = in_process(setup, dossier)
    upload = SimpleUploadedFile("ket-qua.pdf", PDF, content_type="application/pdf")
    # when
    response = act(
        client,
        setup["officer"],
        dossier,
        "decide",
        {"outcome": "approved", "summary": "Cấp giấy phép", "result_code": "15/GPXD", "result_file": upload},
    )
    # then
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == State.DONE and dossier.result_file.name.endswith(".pdf")
    # when
    act(client, setup["reception"], dossier, "deliver", {"method": "electronic"}, at="2025-03-07 09:00 +07:00")
    # then
    dossier.refresh_from_db()
    assert dossier.state == State.DELIVERED
    assert "Đã trả kết quả" in page(client, setup["reception"], dossier).content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ket-qua.docx", PDF, "Chỉ nhận tệp PDF"),
        ("ket-qua.pdf", b"MZ\x90\x00 not a pdf", "Chỉ nhận tệp PDF"),
    ],
)
def test_decide_refuses_a_result_file_that_is_not_a_pdf(client, setup, dossier, name, content, message):
    # given
    dossier = in_process(setup, dossier)
    upload = SimpleUploadedFile(name, content)
    # when
    data = {"outcome": "approved", "summary": "Cấp giấy phép", "result_file": upload}
    response = act(client, setup["officer"], dossier, "decide", data)
    # then
    assert response.status_code == 422
    assert message in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == State.IN_PROCESS


def test_decide_refuses_a_result_file_over_the_size_limit(client, setup, dossier, monkeypatch):
    # given
    monkeypatch.setattr("motcua.dossiers.forms.RESULT_MAX_BYTES", 10)
    dossier = in_process(setup, dossier)
    upload = SimpleUploadedFile("ket-qua.pdf", PDF)
    # when
    data = {"outcome": "approved", "summary": "Cấp giấy phép", "result_file": upload}
    response = act(client, setup["officer"], dossier, "decide", data)
    # then
    assert response.status_code == 422
    assert Dossier.objects.get(pk=dossier.pk).state == State.IN_PROCESS


def test_an_unknown_action_is_not_found(client, setup, dossier):
    # when
    response = act(client, setup["reception"], dossier, "erase")
    # then
    assert response.status_code == 404


def test_an_unknown_dossier_is_not_found(client, setup):
    # when
    client.force_login(setup["reception"])
    response = client.get(reverse("dossiers:detail", args=["000.00.00.H99-250101-0001"]))
    # then
    assert response.status_code == 404


def test_the_receipt_is_served_as_an_inline_pdf(client, setup, dossier):
    # when
    client.force_login(setup["reception"])
    response = client.get(reverse("dossiers:document", args=[dossier.code, "receipt"]))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{dossier.code}-receipt.pdf"'
    assert response.content.startswith(b"%PDF")


def test_a_document_the_dossier_has_not_reached_is_reported(client, setup, dossier):
    # when
    client.force_login(setup["reception"])
    response = client.get(reverse("dossiers:document", args=[dossier.code, "stop_notice"]), follow=True)
    # then
    assert response.redirect_chain[-1][0] == reverse("dossiers:detail", args=[dossier.code])
    assert "chưa có" in response.content.decode()


def test_an_unknown_document_kind_is_not_found(client, setup, dossier):
    # when
    client.force_login(setup["reception"])
    response = client.get(reverse("dossiers:document", args=[dossier.code, "ledger"]))
    # then
    assert response.status_code == 404


def test_the_page_lists_documents_from_the_history(client, setup, dossier):
    # when
    response = page(client, setup["reception"], dossier)
    # then
    assert [kind for kind, _title in response.context["documents"]] == ["receipt", "control_slip"]


def test_a_link_can_open_one_action_panel(client, setup, dossier):
    # when
    client.force_login(setup["reception"])
    response = client.get(reverse("dossiers:detail", args=[dossier.code]), {"thao_tac": "transfer"})
    # then
    assert [entry["action"].name for entry in response.context["actions"] if entry["open"]] == ["transfer"]
    assert 'id="action-transfer" open' in response.content.decode()
