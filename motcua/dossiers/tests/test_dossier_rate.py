"""Ratings of a dossier's handling (DOMAIN.md §5.13): once per dossier, after the result, verified,
replaced with history in the hash chain, and a follow-up for the head when dissatisfied (RATE-1 … RATE-5)."""

import pytest
import time_machine
from django.db import IntegrityError, transaction

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.dossiers import services
from motcua.dossiers.events import event_chain_errors
from motcua.dossiers.models import Rating, RatingChannel, RatingFollowUp
from motcua.dossiers.tests.factories import APPLICANT, agency_setup, done_dossier, dossier_snapshot, in_process_dossier

pytestmark = pytest.mark.django_db
PHONE = APPLICANT.phone


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


@pytest.fixture
def done(setup):
    return done_dossier(setup)


def rate(code, level=4, *, at="2025-03-11 09:00 +07:00", **options):
    with time_machine.travel(at, tick=False):
        return services.dossier_rate(code=code, phone=options.pop("phone", PHONE), overall=level, **options)


def test_a_rating_after_the_result_is_recorded_once_with_its_channel_and_event(done):
    # when the applicant rates the decided dossier
    rating = rate(
        done.code, 5, answers={"officials": 5, "result": "4", "access": ""}, comment="Cán bộ hướng dẫn tận tình"
    )
    # then one rating holds the answers (blank criteria dropped), the comment and the channel
    assert (rating.overall, rating.revision, rating.channel) == (5, 1, RatingChannel.PORTAL)
    assert rating.answers == {"officials": 5, "result": 4}
    assert rating.comment == "Cán bộ hướng dẫn tận tình"
    # and the dossier's hash chain records it, unbroken, without an actor (the applicant has no account)
    event = done.events.order_by("-seq").first()
    assert event.type == "rating_recorded" and event.actor is None
    assert event.data["new"]["overall"] == 5
    assert event_chain_errors(done.code, done.events.order_by("seq")) == []


def test_a_second_rating_replaces_the_first_and_the_chain_keeps_both(done):
    # given a first rating
    first = rate(done.code, 2, comment="Chờ lâu")
    # when the applicant changes their mind a day later
    second = rate(done.code, 4, at="2025-03-12 09:00 +07:00", comment="Đã được giải thích rõ")
    # then there is still one rating, replaced, with its first date kept
    assert Rating.objects.filter(dossier=done).count() == 1
    assert second.pk == first.pk and second.revision == 2
    assert second.first_rated_at < second.rated_at
    # and the history has the old and new values
    event = done.events.order_by("-seq").first()
    assert event.type == "rating_replaced"
    assert event.data["old"]["overall"] == 2 and event.data["old"]["comment"] == "Chờ lâu"
    assert event.data["new"]["overall"] == 4
    assert list(done.events.filter(type__startswith="rating_").values_list("type", flat=True)) == [
        "rating_recorded",
        "rating_replaced",
    ]


def test_the_database_allows_one_rating_per_dossier(done):
    rating = rate(done.code, 4)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            dossier=done, overall=3, channel="kiosk", first_rated_at=rating.rated_at, rated_at=rating.rated_at
        )


def test_no_rating_before_the_result(setup):
    # given a dossier still in process
    dossier = in_process_dossier(setup)
    before = dossier_snapshot(dossier)
    # when its applicant tries to rate it, then it is refused and nothing changes
    with pytest.raises(services.WrongState, match="đánh giá"):
        rate(dossier.code, 5)
    assert dossier_snapshot(dossier) == before
    assert not Rating.objects.exists()


@pytest.mark.parametrize("phone", ["0987654321", "", "091234567"])
def test_a_wrong_phone_is_refused_like_an_unknown_code(done, phone):
    with pytest.raises(services.UnknownDossier) as wrong_phone:
        rate(done.code, 5, phone=phone)
    with pytest.raises(services.UnknownDossier) as unknown:
        rate("000.10.50.H31-250303-9999", 5)
    assert wrong_phone.value.message == unknown.value.message
    assert not Rating.objects.exists()


def test_the_phone_may_be_typed_as_people_write_it_and_the_secret_works_too(done):
    assert rate(done.code, 4, phone="+84 912 345 678").overall == 4
    assert rate(done.code, 3, phone="", secret=done.lookup_secret).overall == 3
    with pytest.raises(services.UnknownDossier):
        rate(done.code, 3, phone="", secret="x" * 43)


@pytest.mark.parametrize(
    ("level", "answers", "channel", "message"),
    [
        (0, {}, "portal", "1 đến 5"),
        (6, {}, "portal", "1 đến 5"),
        ("rất tốt", {}, "portal", "1 đến 5"),
        (4, {"weather": 5}, "portal", "weather"),
        (4, {"officials": 9}, "portal", "officials"),
        (4, {}, "zalo", "zalo"),
    ],
)
def test_bad_answers_are_refused(done, level, answers, channel, message):
    with pytest.raises(services.DossierError, match=message):
        rate(done.code, level, answers=answers, channel=channel)
    assert not Rating.objects.exists()


def test_a_too_long_comment_is_refused(done):
    with pytest.raises(services.DossierError, match="2000"):
        rate(done.code, 4, comment="x" * 2001)


def test_a_dissatisfied_rating_opens_one_follow_up_for_the_competent_agency(done, setup):
    # when the applicant is dissatisfied, twice
    rate(done.code, 2)
    rate(done.code, 1, at="2025-03-12 09:00 +07:00")
    # then one follow-up is open, for the commune that handled the dossier
    follow_up = RatingFollowUp.objects.get()
    assert follow_up.unit == setup["commune"] and follow_up.closed_at is None and follow_up.revision == 1
    # and a satisfied rating opens none
    assert RatingFollowUp.objects.filter(rating__dossier__code=done.code).count() == 1


def test_a_satisfied_rating_opens_no_follow_up(done):
    rate(done.code, 3)
    assert not RatingFollowUp.objects.exists()


def test_the_head_of_the_unit_records_the_outcome_in_the_chain(done, setup):
    # given a follow-up
    rate(done.code, 1, comment="Phải đi lại ba lần")
    follow_up = RatingFollowUp.objects.get()
    # when the commune's head records what was done
    with time_machine.travel("2025-03-13 15:00 +07:00", tick=False):
        closed = services.rating_follow_up_record(
            follow_up_id=follow_up.pk, actor=setup["head"], outcome="Đã gọi điện xin lỗi, nhắc nhở bộ phận một cửa"
        )
    # then it is closed, and the dossier's history says who recorded it
    assert closed.closed_at is not None and closed.closed_by == setup["head"]
    event = done.events.order_by("-seq").first()
    assert event.type == "rating_follow_up_closed" and event.actor == setup["head"]
    assert event_chain_errors(done.code, done.events.order_by("seq")) == []
    # and it cannot be closed twice
    with pytest.raises(services.DossierError, match="đã được ghi nhận"):
        services.rating_follow_up_record(follow_up_id=follow_up.pk, actor=setup["head"], outcome="Lần hai")


def test_a_head_of_another_unit_or_an_officer_cannot_record_the_outcome(done, setup):
    rate(done.code, 1)
    follow_up = RatingFollowUp.objects.get()
    elsewhere = MembershipFactory(unit=UnitFactory(name="Ủy ban nhân dân xã Khác"), role=Role.AGENCY_HEAD).user
    for actor in (elsewhere, setup["officer"]):
        with pytest.raises(services.NotAllowed):
            services.rating_follow_up_record(follow_up_id=follow_up.pk, actor=actor, outcome="Đã xử lý")
    follow_up.refresh_from_db()
    assert follow_up.closed_at is None
