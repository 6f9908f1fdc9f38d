"""Rating from the status page after a look-up: after the result only, replaceable, inert comments."""

import pytest

from motcua.dossiers.models import Rating, RatingFollowUp
from motcua.portal.tests.conftest import look_up

pytestmark = pytest.mark.django_db


def rate_path(dossier) -> str:
    return f"/dich-vu-cong/tra-cuu/ho-so/{dossier.code}/danh-gia/"


def test_the_applicant_rates_a_decided_dossier_after_looking_it_up(client, done):
    # given the applicant looked the dossier up
    look_up(client, done.code)
    status = client.get(f"/dich-vu-cong/tra-cuu/ho-so/{done.code}/").content.decode()
    assert "Đánh giá việc giải quyết hồ sơ" in status
    form = client.get(rate_path(done))
    assert form.status_code == 200 and "Rất không hài lòng" in form.content.decode()
    # when they send five levels, one criterion and a comment
    response = client.post(
        rate_path(done), {"overall": "5", "c_officials": "4", "c_access": "", "comment": "Nhanh, đúng hẹn"}
    )
    # then the rating is stored from the portal, and the status page shows it on the three-level scale
    assert response.status_code == 302
    rating = Rating.objects.get(dossier=done)
    assert (rating.overall, rating.answers, rating.channel) == (5, {"officials": 4}, "portal")
    page = client.get(response.url).content.decode()
    assert "Cảm ơn ông/bà đã đánh giá" in page and "Rất hài lòng" in page


def test_a_new_rating_replaces_the_old_one(client, done):
    look_up(client, done.code)
    client.post(rate_path(done), {"overall": "2", "comment": "Chậm"})
    # when
    form = client.get(rate_path(done)).content.decode()
    client.post(rate_path(done), {"overall": "4"})
    # then the form said it would replace, and one rating remains, at its second revision
    assert "Đánh giá mới sẽ thay cho đánh giá trước" in form
    rating = Rating.objects.get(dossier=done)
    assert (rating.overall, rating.revision) == (4, 2)


def test_no_rating_before_the_result(client, processing):
    look_up(client, processing.code)
    assert (
        "Đánh giá việc giải quyết" not in client.get(f"/dich-vu-cong/tra-cuu/ho-so/{processing.code}/").content.decode()
    )
    response = client.post(rate_path(processing), {"overall": "5"})
    assert response.status_code == 302
    assert not Rating.objects.exists()


def test_a_visitor_who_did_not_look_the_dossier_up_cannot_rate_it(client, done):
    assert client.get(rate_path(done)).status_code == 404
    assert client.post(rate_path(done), {"overall": "1"}).status_code == 404
    assert not Rating.objects.exists()


def test_a_missing_overall_answer_is_a_clear_400(client, done):
    look_up(client, done.code)
    response = client.post(rate_path(done), {"comment": "Không chọn mức"})
    assert response.status_code == 400
    assert response.context["form"].errors["overall"]
    assert 'aria-invalid="true"' in response.content.decode() or 'class="error"' in response.content.decode()
    assert not Rating.objects.exists()


def test_script_in_the_comment_is_inert_on_the_portal_and_in_the_back_office(client, done, setup):
    # given a dissatisfied rating whose comment carries a script
    look_up(client, done.code)
    attack = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
    client.post(rate_path(done), {"overall": "1", "comment": attack})
    assert RatingFollowUp.objects.count() == 1
    # when the applicant sees the rating form again, and the commune's head opens the follow-ups
    portal = client.get(rate_path(done)).content.decode()
    client.force_login(setup["head"])
    office = client.get("/ho-so/danh-gia-khong-hai-long/").content.decode()
    # then both pages show it as text
    for html in (portal, office):
        assert attack not in html
        assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html
