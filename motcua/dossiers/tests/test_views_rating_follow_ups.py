"""The follow-ups of dissatisfied ratings in the back office: visible to the unit's heads, recorded by them."""

import pytest
import time_machine

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.dossiers import services
from motcua.dossiers.models import RatingFollowUp
from motcua.dossiers.tests.factories import APPLICANT, agency_setup, done_dossier

pytestmark = pytest.mark.django_db
LIST = "/ho-so/danh-gia-khong-hai-long/"


@pytest.fixture
def follow_up(published_calendar):
    setup = agency_setup()
    dossier = done_dossier(setup)
    with time_machine.travel("2025-03-11 09:00 +07:00", tick=False):
        services.dossier_rate(code=dossier.code, phone=APPLICANT.phone, overall=1, comment="Phải chờ quá lâu")
    return setup, RatingFollowUp.objects.get()


def test_the_head_sees_the_open_follow_up_with_the_applicants_contact(client, follow_up):
    setup, item = follow_up
    client.force_login(setup["head"])
    html = client.get(LIST).content.decode()
    assert item.rating.dossier.code in html
    assert "Phải chờ quá lâu" in html and "Rất không hài lòng" in html
    assert APPLICANT.phone in html  # the head calls the applicant back (RATE-5)


def test_the_head_records_the_outcome_and_the_item_moves_to_closed(client, follow_up):
    setup, item = follow_up
    client.force_login(setup["head"])
    response = client.post(f"{LIST}{item.pk}/", {"outcome": "Đã gọi điện xin lỗi bà Lan"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.closed_at is not None and item.outcome == "Đã gọi điện xin lỗi bà Lan"
    assert item.rating.dossier.code not in client.get(LIST).content.decode()
    assert "Đã gọi điện xin lỗi bà Lan" in client.get(LIST, {"state": "closed"}).content.decode()


def test_an_empty_outcome_is_refused(client, follow_up):
    setup, item = follow_up
    client.force_login(setup["head"])
    client.post(f"{LIST}{item.pk}/", {"outcome": "  "})
    item.refresh_from_db()
    assert item.closed_at is None


def test_a_head_of_another_unit_sees_nothing_and_cannot_record(client, follow_up):
    _setup, item = follow_up
    other = MembershipFactory(unit=UnitFactory(name="Ủy ban nhân dân xã Khác"), role=Role.AGENCY_HEAD).user
    client.force_login(other)
    assert item.rating.dossier.code not in client.get(LIST).content.decode()
    assert client.post(f"{LIST}{item.pk}/", {"outcome": "Đã xử lý"}).status_code == 403
    item.refresh_from_db()
    assert item.closed_at is None


def test_an_officer_without_a_head_role_is_refused(client, follow_up):
    setup, _item = follow_up
    client.force_login(setup["officer"])
    assert client.get(LIST).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, follow_up):
    assert client.get(LIST).status_code == 302


def test_the_dossier_page_names_the_rating_events(client, follow_up):
    setup, item = follow_up
    client.force_login(setup["head"])
    html = client.get(f"/ho-so/{item.rating.dossier.code}/").content.decode()
    assert "Người dân đánh giá mức độ hài lòng" in html
    assert ">rating_recorded<" not in html  # the label, not the event code, is shown
