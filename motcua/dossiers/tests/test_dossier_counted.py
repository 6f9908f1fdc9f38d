"""Every transition marks the dossier for the next statistics counters fill (`counted`, ADR 0005), in the
transition's own transaction and at the cost of at most one UPDATE of its own row."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import accepted_dossier, agency_setup, in_process_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def counted(dossier) -> bool:
    return Dossier.objects.values_list("counted", flat=True).get(pk=dossier.pk)


def test_a_new_dossier_waits_to_be_counted(setup):
    assert counted(accepted_dossier(setup)) is False


def test_a_transition_of_a_counted_dossier_marks_it_not_counted(setup):
    # given a dossier in process that the counters hold
    dossier = in_process_dossier(setup)
    Dossier.objects.filter(pk=dossier.pk).update(counted=True)
    # when it is decided
    with time_machine.travel("2025-03-10 10:00 +07:00", tick=False):
        services.dossier_decide(code=dossier.code, actor=setup["head"], outcome="approved", summary="Cấp giấy phép")
    # then it waits for the next fill
    assert counted(dossier) is False


@pytest.mark.parametrize("already_waiting", [True, False])
def test_marking_costs_one_update_only_when_the_dossier_was_counted(setup, already_waiting):
    # given a dossier in process, not yet assigned, counted or already waiting
    dossier = in_process_dossier(setup, assign=False)
    Dossier.objects.filter(pk=dossier.pk).update(counted=not already_waiting)
    # when an officer is assigned (a transition that changes no figure)
    with (
        time_machine.travel("2025-03-04 10:00 +07:00", tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        services.dossier_assign(code=dossier.code, actor=setup["head"], assignee=setup["officer"])
    # then the flag is cleared by one UPDATE naming only it, and none when it was already clear
    marks = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and '"counted"' in q["sql"]]
    assert len(marks) == (0 if already_waiting else 1)
    assert counted(dossier) is False


def test_a_refused_transition_leaves_the_dossier_counted(setup):
    # given a counted dossier in process
    dossier = in_process_dossier(setup)
    Dossier.objects.filter(pk=dossier.pk).update(counted=True)
    # when a transition is refused (it cannot be delivered before it is decided)
    with pytest.raises(services.DossierError):
        services.dossier_deliver(code=dossier.code, actor=setup["reception"], method="counter")
    # then nothing changed: the counters still hold it as it is
    assert counted(dossier) is True
