"""Access control of every dossier page: anonymous users log in first, other units are refused, actions need roles."""

import pytest
from django.urls import reverse

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import accepted_dossier, agency_setup
from motcua.dossiers.views.actions import ACTIONS

pytestmark = pytest.mark.django_db

PAGES = ["list", "reception", "procedure_picker", "my_queue", "unit_queue", "return_desk", "ledger", "ledger_xlsx"]


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


@pytest.fixture
def dossier(setup):
    return accepted_dossier(setup)


@pytest.fixture
def commune_b_officer():
    """Return an officer holding every role in commune B, a unit unrelated to the dossier's."""
    commune_b = UnitFactory(name="Ủy ban nhân dân xã B")
    user = MembershipFactory(unit=commune_b, role=Role.RECEPTION_OFFICER).user
    for role in (Role.PROCESSING_OFFICER, Role.DIVISION_HEAD, Role.AGENCY_HEAD):
        MembershipFactory(user=user, unit=commune_b, role=role)
    return user


def dossier_urls(code):
    return [
        ("get", reverse("dossiers:detail", args=[code])),
        ("get", reverse("dossiers:document", args=[code, "receipt"])),
        *(("post", reverse("dossiers:action", args=[code, name])) for name in ACTIONS),
    ]


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_users_are_sent_to_the_login_page(client, name):
    # when
    response = client.get(reverse(f"dossiers:{name}"))
    # then
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_anonymous_users_are_sent_to_the_login_page_from_a_dossier(client, dossier):
    # when / then
    for method, url in dossier_urls(dossier.code):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_an_officer_of_another_commune_is_refused_every_dossier_page_and_action(client, dossier, commune_b_officer):
    # given
    client.force_login(commune_b_officer)
    events = dossier.events.count()
    # when / then
    for method, url in dossier_urls(dossier.code):
        response = getattr(client, method)(url)
        assert response.status_code == 403, url
        assert "không thuộc đơn vị của bạn" in response.content.decode(), url
    assert Dossier.objects.get(pk=dossier.pk).events.count() == events


def test_an_officer_of_another_commune_sees_none_of_its_dossiers_in_the_lists(client, dossier, commune_b_officer):
    # given
    client.force_login(commune_b_officer)
    # when / then
    for name in ("list", "my_queue", "unit_queue", "return_desk", "reception", "ledger"):
        html = client.get(reverse(f"dossiers:{name}")).content.decode()
        assert dossier.code not in html, name


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_an_action_is_refused_to_a_member_of_the_units_without_its_role(client, setup, dossier, name):
    # given a clerk of the commune: sees the dossier, holds no dossier role
    clerk = MembershipFactory(unit=setup["commune"], role=Role.CLERK).user
    client.force_login(clerk)
    # when
    response = client.post(reverse("dossiers:action", args=[dossier.code, name]))
    # then
    assert response.status_code == 403
    assert "vai trò" in response.content.decode()


def test_actions_require_post(client, setup, dossier):
    # given
    client.force_login(setup["reception"])
    # when
    response = client.get(reverse("dossiers:action", args=[dossier.code, "transfer"]))
    # then
    assert response.status_code == 405
