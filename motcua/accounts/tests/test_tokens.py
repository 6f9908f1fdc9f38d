"""API tokens: stored as digests, refused when revoked or expired, last use recorded, created by command."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command

from motcua.accounts.models import ApiToken
from motcua.accounts.tests.factories import UserFactory
from motcua.accounts.tokens import api_token_create, api_token_digest, api_token_revoke, api_token_verify

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_create_stores_only_the_digest():
    # given
    user = UserFactory()
    # when
    token, raw = api_token_create(user=user, name="Cổng dịch vụ công")
    # then
    stored = ApiToken.objects.get()
    assert stored.digest == api_token_digest(raw) != raw
    assert raw not in {stored.digest, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix)
    assert token.expires_at is None


def test_verify_returns_the_owner_of_a_valid_token():
    # given
    user = UserFactory()
    _, raw = api_token_create(user=user, name="Tích hợp")
    # when / then
    assert api_token_verify(raw=raw) == user


@pytest.mark.parametrize("raw", ["", "mc_not-a-real-token"])
def test_verify_refuses_an_unknown_token(raw):
    # given
    api_token_create(user=UserFactory(), name="Tích hợp")
    # when / then
    assert api_token_verify(raw=raw) is None


def test_verify_refuses_a_revoked_token():
    # given
    token, raw = api_token_create(user=UserFactory(), name="Tích hợp")
    api_token_revoke(token=token)
    # when / then
    assert api_token_verify(raw=raw) is None


def test_verify_refuses_an_expired_token():
    # given
    with time_machine.travel(datetime(2025, 1, 1, 8, 0, tzinfo=HCM)):
        _, raw = api_token_create(user=UserFactory(), name="Tích hợp", days=30)
    # when / then
    with time_machine.travel(datetime(2025, 1, 30, 8, 0, tzinfo=HCM)):
        assert api_token_verify(raw=raw) is not None
    with time_machine.travel(datetime(2025, 2, 1, 8, 0, tzinfo=HCM)):
        assert api_token_verify(raw=raw) is None


def test_verify_refuses_the_token_of_an_inactive_user():
    # given
    user = UserFactory(is_active=False)
    _, raw = api_token_create(user=user, name="Tích hợp")
    # when / then
    assert api_token_verify(raw=raw) is None


def test_verify_records_the_last_use_at_most_once_a_minute():
    # given
    token, raw = api_token_create(user=UserFactory(), name="Tích hợp")
    start = datetime(2025, 3, 3, 9, 0, tzinfo=HCM)
    # when
    with time_machine.travel(start, tick=False):
        api_token_verify(raw=raw)
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        api_token_verify(raw=raw)
    # then
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(minutes=2), tick=False):
        api_token_verify(raw=raw)
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(minutes=2)


def test_create_refuses_a_non_positive_lifetime():
    with pytest.raises(ValueError, match="days must be positive"):
        api_token_create(user=UserFactory(), name="Tích hợp", days=0)


def test_command_prints_a_working_token_once():
    # given
    user = UserFactory(username="tichhop")
    out, err = StringIO(), StringIO()
    # when
    call_command("create_api_token", "tichhop", "--name", "Cổng DVC", "--days", "90", stdout=out, stderr=err)
    # then
    raw = out.getvalue().strip()
    assert api_token_verify(raw=raw) == user
    assert ApiToken.objects.get().name == "Cổng DVC"
    assert raw not in err.getvalue()


def test_command_rejects_an_unknown_user():
    with pytest.raises(CommandError, match="unknown user") as caught:
        call_command("create_api_token", "khongco", "--name", "x")
    assert caught.value.returncode == 2
