"""The reception desk: procedure search, the three outcomes, validation, the waiting online dossiers."""

import pytest
import time_machine
from django.urls import reverse

from motcua.accounts.context_processors import SESSION_KEY
from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.catalog.models import ComponentForm, DocumentComponent
from motcua.catalog.tests.factories import ProcedureVersionFactory
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Channel, State
from motcua.dossiers.tests.factories import APPLICANT, agency_setup

pytestmark = pytest.mark.django_db
URL = reverse("dossiers:reception")
MONDAY = "2025-03-03 09:00 +07:00"


@pytest.fixture
def setup(published_calendar):
    setup = agency_setup()
    version = setup["version"]
    for order, name, mandatory in [(1, "Đơn đề nghị cấp giấy phép xây dựng", True), (2, "Bản vẽ thiết kế", True)]:
        DocumentComponent.objects.create(version=version, order=order, name=name, mandatory=mandatory)
    DocumentComponent.objects.create(version=version, order=3, name="Ảnh chụp hiện trạng", mandatory=False)
    return setup


@pytest.fixture
def desk(client, setup):
    client.force_login(setup["reception"])
    return client


def form_data(setup, action="receive", tick=(1, 2), **extra):
    data = {
        "kind": "person",
        "name": APPLICANT.name,
        "id_number": APPLICANT.id_number,
        "phone": APPLICANT.phone,
        "email": APPLICANT.email,
        "address": APPLICANT.address,
        "channel": Channel.COUNTER.value,
        "subject": "Xây nhà ở riêng lẻ 3 tầng",
        "action": action,
    }
    for component in setup["version"].components.all():
        data[f"c{component.pk}_form"] = ComponentForm.ORIGINAL
        data[f"c{component.pk}_qty"] = 1
        if component.order in tick:
            data[f"c{component.pk}"] = "on"
    return {**data, **extra}


def post(client, setup, data):
    with time_machine.travel(MONDAY, tick=False):
        return client.post(f"{URL}?thu_tuc={setup['version'].procedure.code}", data)


def test_the_desk_requires_login(client):
    # when
    response = client.get(URL)
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_desk_refuses_a_user_who_is_not_a_reception_officer_of_the_working_unit(client, setup):
    # given
    client.force_login(setup["officer"])
    # when
    response = client.get(URL)
    # then
    assert response.status_code == 403
    assert "cán bộ một cửa" in response.content.decode()


def test_the_desk_uses_the_unit_chosen_in_the_switcher(client, setup):
    # given a reception officer of two units who switched to the second
    other = UnitFactory(name="Trung tâm Phục vụ hành chính công xã Khác")
    MembershipFactory(user=setup["reception"], unit=other, role=Role.PROCESSING_OFFICER)
    client.force_login(setup["reception"])
    session = client.session
    session[SESSION_KEY] = other.pk
    session.save()
    # when / then: not a reception officer there
    assert client.get(URL).status_code == 403


def test_procedure_picker_finds_procedures_in_force_without_accents(desk, setup):
    # given
    ProcedureVersionFactory(name="Thủ tục đăng ký khai sinh")
    ProcedureVersionFactory(name="Cấp giấy phép xây dựng cũ", valid_to="2020-01-01")
    # when
    html = desk.get(reverse("dossiers:procedure_picker"), {"q": "giay phep xay dung"}).content.decode()
    # then
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in html
    assert f"?thu_tuc={setup['version'].procedure.code}" in html
    assert "khai sinh" not in html
    assert "xây dựng cũ" not in html


def test_choosing_a_procedure_shows_its_components_as_checkboxes(desk, setup):
    # when
    html = desk.get(URL, {"thu_tuc": setup["version"].procedure.code}).content.decode()
    # then
    assert "Bản vẽ thiết kế" in html
    assert html.count('type="checkbox"') == 3
    assert "Tiếp nhận" in html and "Yêu cầu hoàn thiện" in html and "Từ chối tiếp nhận" in html


def test_receive_at_the_counter_accepts_and_shows_the_receipt_link(desk, setup):
    # when
    response = post(desk, setup, form_data(setup))
    # then
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("dossiers:detail", args=[dossier.code])
    assert (dossier.state, dossier.channel, dossier.receiving_unit) == (
        State.ACCEPTED,
        Channel.COUNTER,
        setup["center"],
    )
    assert [c.name for c in dossier.components.order_by("id")] == [
        "Đơn đề nghị cấp giấy phép xây dựng",
        "Bản vẽ thiết kế",
    ]
    page = desk.get(response.url).content.decode()
    assert "In giấy tiếp nhận" in page
    assert reverse("dossiers:document", args=[dossier.code, "receipt"]) in page


def test_receive_by_post_registers_a_postal_dossier_and_accepts_it(desk, setup):
    # when
    post(desk, setup, form_data(setup, channel=Channel.POSTAL.value))
    # then
    dossier = Dossier.objects.get()
    assert (dossier.state, dossier.channel) == (State.ACCEPTED, Channel.POSTAL)


def test_request_completion_lists_the_unticked_mandatory_components(desk, setup):
    # when
    post(desk, setup, form_data(setup, action="completion", tick=(1,), note="Bản vẽ phải có chữ ký"))
    # then
    dossier = Dossier.objects.get()
    assert dossier.state == State.RETURNED_FOR_COMPLETION
    event = dossier.events.get(type="completion_requested")
    assert event.data["missing"] == ["Bản vẽ thiết kế"]


def test_refusal_needs_reasons_and_then_refuses(desk, setup):
    # when there are no reasons
    response = post(desk, setup, form_data(setup, action="refuse"))
    # then nothing is registered and the form says why
    assert response.status_code == 422
    assert "Cần nêu lý do từ chối" in response.content.decode()
    assert not Dossier.objects.exists()
    # when the reasons are given
    post(desk, setup, form_data(setup, action="refuse", reasons="Không thuộc thẩm quyền\nThiếu điều kiện"))
    # then
    dossier = Dossier.objects.get()
    assert dossier.state == State.REFUSED_AT_RECEPTION
    assert dossier.events.get(type="refused").data["reasons"] == ["Không thuộc thẩm quyền", "Thiếu điều kiện"]


def test_bad_applicant_details_are_reported_in_vietnamese_and_nothing_is_registered(desk, setup):
    # when
    response = post(desk, setup, form_data(setup, phone="12345", id_number="12"))
    # then
    html = response.content.decode()
    assert response.status_code == 422
    assert "Số điện thoại phải có 10 chữ số" in html
    assert "Số định danh cá nhân phải có 12 chữ số" in html
    assert not Dossier.objects.exists()


def test_receiving_without_any_component_ticked_is_refused(desk, setup):
    # when
    response = post(desk, setup, form_data(setup, tick=()))
    # then
    assert response.status_code == 422
    assert "Chưa đánh dấu giấy tờ nào" in response.content.decode()
    assert not Dossier.objects.exists()


def test_an_unknown_procedure_code_is_reported(desk):
    # when
    response = desk.get(URL, {"thu_tuc": "0.000000"}, follow=True)
    # then
    assert "Thủ tục không tồn tại hoặc hết hiệu lực" in response.content.decode()


def test_the_desk_lists_online_dossiers_waiting_for_reception(desk, setup):
    # given an online dossier of this unit and one of another unit
    online = services.dossier_submit(
        version=setup["version"],
        receiving_unit=setup["center"],
        reception_point=setup["center"],
        channel=Channel.ONLINE,
        applicant=APPLICANT,
    )
    elsewhere = UnitFactory()
    other = services.dossier_submit(
        version=setup["version"],
        receiving_unit=elsewhere,
        reception_point=elsewhere,
        channel=Channel.ONLINE,
        applicant=APPLICANT,
    )
    # when
    html = desk.get(URL).content.decode()
    # then
    assert online.code in html and other.code not in html
    assert reverse("dossiers:action", args=[online.code, "accept"]) in html


def test_accepting_a_waiting_online_dossier_from_the_list_returns_to_the_desk(desk, setup):
    # given
    with time_machine.travel("2025-03-02 20:00 +07:00", tick=False):
        online = services.dossier_submit(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            channel=Channel.ONLINE,
            applicant=APPLICANT,
        )
    # when
    with time_machine.travel(MONDAY, tick=False):
        response = desk.post(reverse("dossiers:action", args=[online.code, "accept"]), {"next": URL})
    # then
    assert response.status_code == 302 and response.url == URL
    online.refresh_from_db()
    assert online.state == State.ACCEPTED


def test_the_procedure_search_works_without_javascript(desk, setup):
    # when the search form is submitted as a plain GET
    html = desk.get(URL, {"q": "giay phep"}).content.decode()
    # then the results are in the page
    assert f"?thu_tuc={setup['version'].procedure.code}" in html
