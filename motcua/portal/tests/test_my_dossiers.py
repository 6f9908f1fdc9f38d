"""The citizen's own dossiers: only those whose applicant matches the verified phone, e-mail or ID number."""

import pytest
import time_machine
from django.test import Client

from motcua.dossiers import services
from motcua.dossiers.rules import Applicant
from motcua.dossiers.tests.factories import APPLICANT
from motcua.portal.tests.citizen_helpers import OTHER_PHONE, PHONE, identify_as

pytestmark = pytest.mark.django_db
MINE = "/dich-vu-cong/ho-so-cua-toi/"


@pytest.fixture
def two_applicants(setup):
    """Return Lan's dossier (phone 0912345678) and Hùng's (another phone, no e-mail)."""
    hung = Applicant(
        kind="person",
        name="Trần Văn Hùng",
        id_number="031085004321",
        phone=OTHER_PHONE,
        address="Thôn Tây, xã Vĩnh Bảo, thành phố Hải Phòng",
    )
    dossiers = []
    for applicant in (APPLICANT, hung):
        with time_machine.travel("2025-03-03 09:00 +07:00", tick=False):
            dossiers.append(
                services.dossier_receive_at_counter(
                    version=setup["version"],
                    receiving_unit=setup["center"],
                    reception_point=setup["center"],
                    applicant=applicant,
                    components=[services.Component(name="Đơn đề nghị cấp giấy phép xây dựng")],
                    actor=setup["reception"],
                )
            )
    return dossiers


def test_an_anonymous_visitor_is_sent_to_identification(client):
    response = client.get(MINE)
    assert response.status_code == 302
    assert response["Location"] == "/dich-vu-cong/xac-thuc/?next=%2Fdich-vu-cong%2Fho-so-cua-toi%2F"


def test_an_applicant_sees_their_dossier_and_never_another_applicants(client, two_applicants):
    lan, hung = two_applicants
    # given Lan identified by her phone
    identify_as(client, phone=PHONE)
    page = client.get(MINE).content.decode()
    # then her dossier is listed and Hùng's is not
    assert lan.code in page and hung.code not in page
    # and Hùng, identified by his phone, sees only his
    other = Client()
    identify_as(other, phone=OTHER_PHONE)
    page = other.get(MINE).content.decode()
    assert hung.code in page and lan.code not in page


def test_an_e_mail_identity_matches_the_applicants_e_mail_whatever_its_case(client, two_applicants):
    lan, hung = two_applicants
    identify_as(client, email="LAN.NGUYEN@example.vn", method="email")
    page = client.get(MINE).content.decode()
    assert lan.code in page and hung.code not in page  # Hùng has no e-mail: an empty one matches nothing


def test_an_id_number_identity_matches_the_applicants_id_number(client, two_applicants):
    lan, hung = two_applicants
    identify_as(client, id_number="031085004321", method="oidc")
    page = client.get(MINE).content.decode()
    assert hung.code in page and lan.code not in page


def test_an_identity_matching_nothing_sees_an_empty_list(client, two_applicants):
    identify_as(client, phone="0900000000")
    page = client.get(MINE).content.decode()
    assert "Chưa có hồ sơ nào" in page
    assert all(d.code not in page for d in two_applicants)


def test_the_list_takes_a_fixed_number_of_queries(client, setup, django_assert_max_num_queries):
    # given 25 dossiers of the applicant (two pages)
    for number in range(25):
        with time_machine.travel("2025-03-03 08:00 +07:00", tick=False):
            services.dossier_submit(
                version=setup["version"],
                receiving_unit=setup["center"],
                reception_point=setup["center"],
                channel=2,
                applicant=APPLICANT,
                subject=f"Hồ sơ số {number}",
            )
    identify_as(client, phone=PHONE)
    # when the first page is read, then the queries do not grow with the rows
    with django_assert_max_num_queries(4):
        page = client.get(MINE).content.decode()
    assert page.count('data-code="') == 20 and "Trang 1/2" in page
