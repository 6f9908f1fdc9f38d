"""Dossier codes (Circular 01/2018 art. 19): format, daily sequence per unit, no gaps, no duplicates under load."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection, connections, transaction

from motcua.accounts.tests.factories import UnitFactory
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierCodeSequence
from motcua.dossiers.numbering import circular_01_2018, dossier_code_next, next_sequence_value
from motcua.dossiers.tests.factories import APPLICANT, agency_setup

# A working Monday inside office hours: the appointment computation needs a published calendar year.
WORKING_DAY = "2025-05-12 09:00 +07:00"


def fixed_code(*, unit, day):
    """Return a code from a stand-in generator (for the pluggable-generator test)."""
    return f"G09.20-{day:%Y%m%d}-{next_sequence_value(unit=unit, day=day):07d}"


def sequence_numbers(codes):
    """Return the daily sequence numbers (the last part) of `codes`, sorted."""
    return sorted(int(code.rsplit("-", 1)[1]) for code in codes)


def receive_one(setup, *, components=()):
    """Receive and accept one dossier at the counter, as the reception desk does."""
    return services.dossier_receive_at_counter(
        version=setup["version"],
        receiving_unit=setup["center"],
        reception_point=setup["center"],
        applicant=APPLICANT,
        components=components,
        actor=setup["reception"],
    )


@pytest.mark.django_db
class TestCircular012018:
    def test_code_is_unit_code_date_and_four_digits(self):
        # given a unit with a national identifier
        unit = UnitFactory(code="000.00.13.H56")
        # when the first code of 12/05/2025 is issued
        code = circular_01_2018(unit=unit, day=date(2025, 5, 12))
        # then it has the art. 19 layout <identifier>-YYMMDD-XXXX
        assert code == "000.00.13.H56-250512-0001"

    def test_sequence_is_daily_and_per_unit(self):
        # given two units
        first, second = UnitFactory(), UnitFactory()
        day = date(2025, 5, 12)
        # when codes are issued alternately on the same day
        codes = [circular_01_2018(unit=unit, day=day) for unit in (first, second, first, first, second)]
        # then each unit counts on its own
        assert [code[-4:] for code in codes] == ["0001", "0001", "0002", "0003", "0002"]
        assert DossierCodeSequence.objects.get(unit=first, day=day).last_value == 3

    def test_a_new_day_restarts_at_one(self):
        # given three codes issued on Monday
        unit = UnitFactory(code="000.00.13.H56")
        for _ in range(3):
            circular_01_2018(unit=unit, day=date(2025, 5, 12))
        # when the first code of Tuesday is issued
        code = circular_01_2018(unit=unit, day=date(2025, 5, 13))
        # then its sequence starts again at 0001 and Monday's sequence is untouched
        assert code == "000.00.13.H56-250513-0001"
        assert DossierCodeSequence.objects.get(unit=unit, day=date(2025, 5, 12)).last_value == 3

    def test_a_rolled_back_transaction_gives_its_number_back(self):
        # given one code already issued today
        unit = UnitFactory(code="000.00.13.H56")
        day = date(2025, 5, 12)
        circular_01_2018(unit=unit, day=day)
        # when a transaction takes the next number and then fails
        with pytest.raises(RuntimeError), transaction.atomic():
            assert circular_01_2018(unit=unit, day=day).endswith("-0002")
            raise RuntimeError("acceptance failed after the code was issued")
        # then the next code reuses that number: no gap in the ledger
        assert circular_01_2018(unit=unit, day=day).endswith("-0002")

    def test_a_rolled_back_first_number_of_the_day_is_given_back(self):
        # given no code issued today (the sequence row does not exist yet)
        unit = UnitFactory(code="000.00.13.H56")
        day = date(2025, 5, 12)
        # when the transaction that created the day's row fails
        with pytest.raises(RuntimeError), transaction.atomic():
            circular_01_2018(unit=unit, day=day)
            raise RuntimeError("failed")
        # then the day still starts at 0001
        assert not DossierCodeSequence.objects.filter(unit=unit, day=day).exists()
        assert circular_01_2018(unit=unit, day=day).endswith("-0001")

    def test_beyond_9999_the_number_grows(self):
        # given 9,999 codes issued today
        unit = UnitFactory(code="000.00.13.H56")
        DossierCodeSequence.objects.create(unit=unit, day=date(2025, 5, 12), last_value=9999)
        # when one more is issued, then it is not truncated or wrapped
        assert circular_01_2018(unit=unit, day=date(2025, 5, 12)) == "000.00.13.H56-250512-10000"

    def test_the_generator_is_pluggable(self, settings):
        # given another system's generator configured (CODE-3)
        settings.DOSSIER_CODE_GENERATOR = f"{__name__}.fixed_code"
        unit = UnitFactory()
        # when a code is asked for, then the configured generator issues it
        assert dossier_code_next(unit=unit, day=date(2026, 6, 9)) == "G09.20-20260609-0000001"


@pytest.mark.django_db
def test_a_failed_reception_gives_its_code_back(published_calendar):
    # given an agency that has received one dossier today
    setup = agency_setup()
    with time_machine.travel(WORKING_DAY, tick=False):
        first = receive_one(setup)
        # when a reception fails after its code was issued (an invalid component is refused)
        with pytest.raises(services.DossierError):
            receive_one(setup, components=[services.Component(name="Đơn", quantity=0)])
        # then the next dossier gets the number the failed one had taken
        second = receive_one(setup)
    assert sequence_numbers([first.code, second.code]) == [1, 2]


def _accept_concurrently(setup, clients: int) -> tuple[list[str], list[BaseException]]:
    """Receive `clients` dossiers at once, one thread and one database connection each."""
    start = threading.Barrier(clients)
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client() -> None:
        try:
            start.wait(timeout=30)
            code = receive_one(setup).code
            with lock:
                codes.append(code)
        except BaseException as error:  # collected and asserted on by the test's thread
            with lock:
                errors.append(error)
        finally:
            connections.close_all()  # this thread's connection; otherwise the test database cannot be dropped

    threads = [threading.Thread(target=client) for _ in range(clients)]
    with time_machine.travel(WORKING_DAY, tick=False):  # time-machine patches the clock for every thread
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    return codes, errors


def _assert_unique_and_gap_free(setup, codes: list[str], errors: list[BaseException], clients: int) -> None:
    assert errors == []
    assert len(codes) == clients
    assert len(set(codes)) == clients
    assert all(code.startswith("000.10.50.H31-250512-") for code in codes)
    assert sequence_numbers(codes) == list(range(1, clients + 1))
    assert Dossier.objects.filter(receiving_unit=setup["center"], state="accepted").count() == clients
    assert DossierCodeSequence.objects.get(unit=setup["center"], day=date(2025, 5, 12)).last_value == clients


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_get_unique_gap_free_codes_on_postgresql(published_calendar):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for row locks under real concurrency; set DATABASE_URL=postgres://…")
    # given one receiving unit and 40 reception clients, each with its own connection
    setup = agency_setup()
    clients = 40
    # when they all accept a dossier at the same moment
    codes, errors = _accept_concurrently(setup, clients)
    # then every acceptance succeeded with a distinct code numbered 1..40
    _assert_unique_and_gap_free(setup, codes, errors, clients)


@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_get_unique_gap_free_codes_on_sqlite(published_calendar):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite variant; PostgreSQL runs the 40-client test")
    if connection.is_in_memory_db():
        # Threads share an in-memory database through SQLite's shared cache, whose table locks fail at
        # once ("database table is locked") instead of waiting for the busy timeout as file locks do.
        pytest.skip(
            "the SQLite test database is in memory (shared cache), where SQLite's busy timeout does not apply; "
            "it runs when DATABASES['default']['TEST']['NAME'] is a file"
        )
    # given one receiving unit and 16 clients; IMMEDIATE transactions serialise the writers
    setup = agency_setup()
    clients = 8
    # when they all accept a dossier at the same moment
    codes, errors = _accept_concurrently(setup, clients)
    # then every acceptance succeeded with a distinct code numbered 1..16
    _assert_unique_and_gap_free(setup, codes, errors, clients)
