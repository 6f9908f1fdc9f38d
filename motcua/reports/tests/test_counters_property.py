"""Random histories built through the real services, filled at random moments (sometimes partly): the report
read from the statistics counters is the raw recount, for any window, instant and grouping (ADR 0005)."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.accounts.models import Role, UnitKind
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Channel
from motcua.dossiers.tests.factories import APPLICANT, agency_setup
from motcua.dossiers.tests.test_properties import ACTIONS, PROGRESS
from motcua.reports.counters import counters_fill
from motcua.reports.definitions import local_date
from motcua.reports.selectors import GROUP_BY, period_report
from motcua.reports.tests.test_counters import comparable
from motcua.reports.tests.test_counters_concurrency import buckets_from_tallies, stored_buckets
from motcua.workdays.arith import VIETNAM

pytestmark = pytest.mark.django_db
START = datetime(2025, 3, 3, 8, 0, tzinfo=VIETNAM)  # Mon 3/3/2025


@pytest.fixture
def setup(published_calendar):
    setup = agency_setup()
    setup["department"] = UnitFactory(
        code="000.00.12.H31", name="Sở Xây dựng thành phố Hải Phòng", kind=UnitKind.DEPARTMENT, parent=setup["province"]
    )
    setup["second_officer"] = MembershipFactory(unit=setup["commune"], role=Role.PROCESSING_OFFICER).user
    return setup


def _receive(setup, rng):
    """Receive a dossier at the counter, or online (then accepted or refused), at the center or the commune."""
    unit = rng.choice([setup["center"], setup["commune"]])
    common = {"version": setup["version"], "receiving_unit": unit, "reception_point": unit, "applicant": APPLICANT}
    if rng.random() < 0.5:
        return services.dossier_receive_at_counter(**common, components=[], actor=setup["reception"])
    submitted = services.dossier_submit(**common, channel=rng.choice([Channel.ONLINE, Channel.POSTAL]), components=[])
    if rng.random() < 0.2:
        reasons = ["Không thuộc thẩm quyền giải quyết"]
        return services.dossier_refuse(code=submitted.code, actor=setup["reception"], reasons=reasons)
    return services.dossier_accept(code=submitted.code, actor=setup["reception"])


def _act(setup, dossier, rng):
    """Apply one drawn action to the dossier; a refused action changes nothing and is ignored."""
    choices = PROGRESS.get(dossier.state)
    if choices is None:
        return
    try:
        ACTIONS[rng.choice(choices * 3 + sorted(ACTIONS))](setup, dossier)
    except services.DossierError:
        return
    dossier.refresh_from_db()


def _instants(dossiers):
    """Return the instants the dossiers' figures turn on: acceptance, appointment, end, delivery."""
    rows = Dossier.objects.filter(pk__in=[d.pk for d in dossiers])
    fields = ("accepted_at", "appointment_at", "processing_ended_at", "delivered_at", "apology__approved_at")
    return sorted({moment for row in rows.values_list(*fields) for moment in row if moment is not None})


def _windows(rng, now, dossiers):
    """Draw windows of local days read at the end of a day, at now, or just around a dossier's instant."""
    first = local_date(START)
    instants = [moment for moment in _instants(dossiers) if moment <= now] or [now]
    drawn = []
    for _n in range(4):
        moment = rng.choice(instants) + rng.choice([-timedelta(microseconds=1), timedelta(0), -OFFSET, OFFSET])
        moment = min(max(moment, START), now)
        date_from = first + timedelta(days=rng.randint(0, (local_date(moment) - first).days))
        date_to = local_date(moment) + timedelta(days=rng.choice([0, 0, 1, 10]))
        as_of = rng.choice([moment, moment, None, datetime.combine(local_date(moment), time.max, tzinfo=VIETNAM)])
        drawn.append((date_from, date_to, as_of if as_of is None or as_of <= now else None))
    return drawn


OFFSET = timedelta(minutes=30)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(count=st.integers(2, 4), length=st.integers(6, 24), rng=st.randoms(use_true_random=False))
def test_the_counters_report_is_the_raw_recount_after_any_history_and_any_fill(setup, count, length, rng):
    with transaction.atomic():  # each example starts from the same database
        # given dossiers received and moved at random moments, the counters filled now and then, in part
        with time_machine.travel(START, tick=False) as clock:
            dossiers = []
            for _round in range(length):
                clock.shift(timedelta(minutes=rng.randint(0, 2 * 24 * 60)))
                if len(dossiers) < count and (not dossiers or rng.random() < 0.4):
                    dossiers.append(_receive(setup, rng))
                else:
                    _act(setup, rng.choice(dossiers), rng)
                if rng.random() < 0.3:
                    counters_fill(batch=rng.randint(1, 3), limit=rng.choice([None, 1, 2]))
            now = datetime.now(tz=VIETNAM)
            # when windows are read from the counters and from the raw rows
            for date_from, date_to, as_of in _windows(rng, now, dossiers):
                group_by = rng.choice([None, *GROUP_BY])
                window = {"date_from": date_from, "date_to": date_to, "as_of": as_of, "group_by": group_by}
                counted = period_report(unit=setup["province"], **window)
                raw = period_report(unit=setup["province"], **window, source="raw")
                # then they agree on every figure of every row (the median exists in the raw report only)
                assert counted.source == "counters"
                assert comparable(counted) == comparable(raw), window
            # and the buckets hold exactly the sum of the tallies, one per dossier counted
            assert stored_buckets() == buckets_from_tallies()
        transaction.set_rollback(True)
