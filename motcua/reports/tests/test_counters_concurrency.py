"""Fills running at the same time as each other and as transitions count every dossier once (PostgreSQL:
row locks with SKIP LOCKED; SQLite runs one writer at a time and is not exercised here)."""

import threading
from collections import Counter, defaultdict
from datetime import date

import pytest
import time_machine
from django.db import connection, connections

from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import agency_setup, in_process_dossier
from motcua.reports.counters import counters_fill, periods_of
from motcua.reports.models import COUNTER_COLUMNS, CounterBucket, DossierTally
from motcua.reports.selectors import period_report
from motcua.reports.tests.test_counters import comparable

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only"),
]


def buckets_from_tallies() -> dict:
    """Return what the buckets must hold if they are exactly the sum of the stored tallies."""
    expected: defaultdict[tuple, Counter] = defaultdict(Counter)
    for tally in DossierTally.objects.all():
        for day, columns in tally.days.items():
            for grain, period in periods_of(date.fromisoformat(day)):
                expected[(grain, period, tally.unit_id, tally.procedure_version_id, tally.channel)].update(columns)
    return {key: {c: v for c, v in row.items() if v} for key, row in expected.items() if any(row.values())}


def stored_buckets() -> dict:
    keys = ("grain", "period", "unit_id", "procedure_version_id", "channel")
    stored = {}
    for row in CounterBucket.objects.values(*keys, *COUNTER_COLUMNS):
        columns = {c: row[c] for c in COUNTER_COLUMNS if row[c]}
        if columns:
            stored[tuple(row[k] for k in keys)] = columns
    return stored


def in_thread(target, errors):
    def run():
        try:
            target()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    return threading.Thread(target=run)


def test_concurrent_fills_and_transitions_count_every_dossier_once(published_calendar):
    # given 24 dossiers in process, waiting to be counted
    setup = agency_setup()
    dossiers = [in_process_dossier(setup) for _n in range(24)]
    errors: list[Exception] = []

    def decide_some():
        with time_machine.travel("2025-03-12 10:00 +07:00", tick=False):
            for dossier in dossiers[::3]:
                services.dossier_decide(code=dossier.code, actor=setup["head"], outcome="approved", summary="Cấp")

    def fill():
        with time_machine.travel("2025-03-12 10:00 +07:00", tick=False):
            counters_fill(batch=2)

    # when two fills run while some dossiers are decided
    threads = [in_thread(fill, errors), in_thread(decide_some, errors), in_thread(fill, errors)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with time_machine.travel("2025-03-12 11:00 +07:00", tick=False):
        counters_fill()
    # then every dossier is counted once: the buckets are exactly the sum of one tally per dossier
    assert DossierTally.objects.count() == len(dossiers)
    assert not Dossier.objects.filter(counted=False).exists()
    assert stored_buckets() == buckets_from_tallies()
    # and the report from the counters is the raw recount
    with time_machine.travel("2025-03-12 11:00 +07:00", tick=False):
        window = {"unit": setup["province"], "date_from": date(2025, 3, 1), "date_to": date(2025, 3, 11)}
        assert comparable(period_report(**window)) == comparable(period_report(**window, source="raw"))
        assert period_report(**window).total.received == len(dossiers)
