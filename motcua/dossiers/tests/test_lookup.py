"""The public lookup's rules: phone matching and a failure count every process shares."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache, caches

from motcua.dossiers import lookup
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_shared_cache_is_never_process_memory():
    # DESIGN.md: no per-process state; the counts live in the database table or Redis
    backend = django_settings.CACHES["default"]["BACKEND"]
    assert backend in {"django.core.cache.backends.db.DatabaseCache", "django.core.cache.backends.redis.RedisCache"}


def test_failures_counted_by_one_process_are_seen_by_another(settings, monkeypatch):
    # given a limit of 3, and a second cache connection standing for another server process
    settings.LOOKUP_FAILURE_LIMIT = 3
    other_process = caches.create_connection("default")
    # when this process records 3 failures of one client
    for _ in range(3):
        lookup.lookup_failure_record("203.0.113.9")
    # then the other process refuses that client, and only that one
    monkeypatch.setattr(lookup, "cache", other_process)
    assert lookup.lookup_throttled("203.0.113.9")
    assert not lookup.lookup_throttled("203.0.113.10")


def test_each_failure_takes_its_own_slot_until_the_limit(settings):
    settings.LOOKUP_FAILURE_LIMIT = 4
    for expected in (False, False, False, True):
        lookup.lookup_failure_record("198.51.100.1")
        assert lookup.lookup_throttled("198.51.100.1") is expected
    lookup.lookup_failure_record("198.51.100.1")  # a failure past the limit changes nothing
    assert lookup.lookup_throttled("198.51.100.1")


@pytest.mark.parametrize(
    ("typed", "matches"),
    [
        ("0912345678", True),
        ("0912 345 678", True),
        ("0912.345.678", True),
        ("+84912345678", True),
        ("0988777666", True),  # the submitter's phone
        ("0912345679", False),
        ("", False),
        ("091234567８", False),  # a full-width digit, typed on a phone keyboard
        ("số điện thoại", False),
    ],
)
def test_a_phone_matches_the_applicants_or_the_submitters(typed, matches):
    dossier = Dossier(applicant_phone="0912345678", submitter_phone="0988 777 666")
    assert lookup.phone_matches(dossier, typed) is matches
