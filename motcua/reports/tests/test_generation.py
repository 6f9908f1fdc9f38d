"""Synthetic history (`generate_dossiers`): realistic mix, the services' appointments, codes, chains, pending ends."""

import itertools
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum

from motcua.accounts.models import Unit, UnitKind
from motcua.accounts.selectors import unit_calendar
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import services
from motcua.dossiers.models import Apology, Dossier, DossierCodeSequence, DossierEvent, DossierStep, PauseInterval
from motcua.dossiers.services.core import iso
from motcua.dossiers.services.deadlines import appointment_after_pause, lead_time_limit, step_due
from motcua.dossiers.services.steps import step_data
from motcua.dossiers.states import OPEN_STATES, Channel, State
from motcua.dossiers.tests.factories import APPLICANT
from motcua.reports.generation import (
    GenerationMix,
    dossiers_generate,
    dossiers_generated_delete,
    generator_user,
    step_due_fast,
)
from motcua.reports.generation.replay import _iso, _step_data, _StepRow
from motcua.reports.models import CounterBucket, DossierTally
from motcua.workdays.arith import Calendar

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db

DEFAULT_COUNT, DEFAULT_YEAR = 300, 2025
RICH_COUNT, RICH_YEAR = 200, 2026
RICH_NOW = datetime(2026, 3, 16, 10, 0, tzinfo=VN)  # a Monday after Tết 2026
# Rare paths made common, so that a small sample goes through every one of them.
RICH = GenerationMix(refused=0.05, stopped=0.1, supplement=0.3, late=0.3, apology=0.6, uncollected=0.1)
SNAPSHOT_FIELDS = (
    "code", "procedure_version_id", "receiving_unit_id", "competent_agency_id", "channel", "applicant_name",
    "applicant_phone", "applicant_id_number", "state", "submitted_at", "accepted_at", "appointment_at",
    "current_appointment_at", "processing_ended_at", "delivered_at", "outcome", "supplement_count",
)  # fmt: skip


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """Load the demo city once, generate 300 dossiers of 2025 and a rich sample of 2026 until RICH_NOW.

    Everything happens in one transaction rolled back after the module, so other tests never see it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO(), stderr=StringIO())
        with time_machine.travel(datetime(2026, 2, 1, tzinfo=VN)):
            default = dossiers_generate(count=DEFAULT_COUNT, year=DEFAULT_YEAR, seed=11)
        with time_machine.travel(RICH_NOW):
            rich = dossiers_generate(count=RICH_COUNT, year=RICH_YEAR, seed=12, mix=RICH)
        yield {"default": default, "rich": rich}
        transaction.set_rollback(True)


def of_year(year):
    start = datetime(year, 1, 1, tzinfo=VN)
    return Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=start.replace(year=year + 1))


def local_day(moment):
    return moment.astimezone(VN).date()


# --- volume, marks and mix ---------------------------------------------------------------------


def test_generates_the_requested_count_marked_as_generated(generated):
    # given the default run of 300 dossiers in 2025
    dossiers = of_year(DEFAULT_YEAR)
    # then there are exactly 300, none created by a user, each opening its history with the generated flag
    assert generated["default"].dossiers == dossiers.count() == DEFAULT_COUNT
    assert not dossiers.filter(created_by__isnull=False).exists()
    first = DossierEvent.objects.filter(dossier__in=dossiers, seq=1)
    assert first.count() == DEFAULT_COUNT
    assert all(event.type == "submitted" and event.data["generated"] is True for event in first)


def test_receiving_units_are_service_centers_and_reception_points_open_that_day(generated):
    # given the 2025 run / then every dossier was received at a center or reception point open that day
    dossiers = of_year(DEFAULT_YEAR).select_related("receiving_unit")
    kinds = {dossier.receiving_unit.kind for dossier in dossiers}
    assert kinds <= {UnitKind.SERVICE_CENTER, UnitKind.RECEPTION_POINT}
    # the demo centers open on 1/7/2025 (after the reform): nothing is received before
    assert all(local_day(d.submitted_at) >= d.receiving_unit.valid_from for d in dossiers)


def test_channel_mix_is_roughly_45_50_5_and_online_only_where_offered(generated):
    # given the default mix / then about 45% online, 50% at the counter, 5% by post; online only where offered
    dossiers = list(of_year(DEFAULT_YEAR).select_related("procedure_version"))
    channels = Counter(dossier.channel for dossier in dossiers)
    assert abs(channels[Channel.ONLINE] / len(dossiers) - 0.45) < 0.05
    assert abs(channels[Channel.COUNTER] / len(dossiers) - 0.50) < 0.05
    assert 0 < channels[Channel.POSTAL] / len(dossiers) < 0.1
    online = [d for d in dossiers if d.channel == Channel.ONLINE]
    assert all(d.procedure_version.online_level != "none" for d in online)


def test_frequent_fields_dominate_and_the_competent_agency_comes_from_the_version(generated):
    # given the procedure weights / then hộ tịch, chứng thực and đất đai make most of the volume
    dossiers = list(of_year(DEFAULT_YEAR).select_related("procedure_version__field"))
    fields = Counter(d.procedure_version.field.name for d in dossiers)
    frequent = fields["Hộ tịch"] + fields["Chứng thực"] + fields["Đất đai"]
    assert frequent / len(dossiers) > 0.4
    assert all(d.competent_agency_id == d.procedure_version.competent_unit_id for d in dossiers)


def test_acceptances_fall_on_working_days_in_office_hours(generated):
    # given the accepted dossiers / then each was accepted on a working day of its unit, in office hours
    accepted = of_year(DEFAULT_YEAR).filter(accepted_at__isnull=False).select_related("receiving_unit")
    for dossier in accepted:
        calendar = unit_calendar(dossier.receiving_unit, on=local_day(dossier.accepted_at))
        assert calendar.is_working_instant(dossier.accepted_at), dossier.code


def test_outcomes_are_mostly_delivered_with_a_few_percent_late(generated):
    # given the default mix
    dossiers = list(of_year(DEFAULT_YEAR))
    states = Counter(dossier.state for dossier in dossiers)
    resolved = [d for d in dossiers if d.state in (State.DONE, State.DELIVERED)]
    late = [d for d in resolved if local_day(d.processing_ended_at) > local_day(d.appointment_at)]
    early = [d for d in resolved if local_day(d.processing_ended_at) < local_day(d.appointment_at)]
    # then most are delivered, a few percent late (ST-2), many early, about 1% refused and 1% stopped
    assert states[State.DELIVERED] / len(dossiers) > 0.7
    assert 0 < len(late) / len(resolved) < 0.1
    assert len(early) / len(resolved) > 0.4
    assert states[State.REFUSED_AT_RECEPTION] / len(dossiers) < 0.04
    assert states[State.STOPPED] / len(dossiers) < 0.04


# --- appointments, exactly as the services compute them -------------------------------------


def test_every_accepted_dossier_has_an_appointment_not_before_acceptance(generated):
    # given both runs / then no appointment precedes its acceptance and re-appointments only move it later
    accepted = Dossier.objects.filter(accepted_at__isnull=False)
    assert accepted.count() > 400
    for dossier in accepted:
        assert dossier.appointment_at >= dossier.accepted_at, dossier.code
        assert dossier.current_appointment_at >= dossier.appointment_at


def test_appointment_equals_the_units_calendar_appointment(generated):
    # given a sample of accepted dossiers that never paused
    sample = Dossier.objects.filter(accepted_at__isnull=False, supplement_count=0).select_related("receiving_unit")
    for dossier in sample.order_by("?")[:80]:
        # when the appointment is computed as dossier_accept does
        calendar = unit_calendar(dossier.receiving_unit, on=local_day(dossier.accepted_at))
        amount = dossier.time_limit_amount or 0
        expected = calendar.appointment(dossier.accepted_at, amount, dossier.time_limit_unit).at
        # then it is the stored one
        assert dossier.appointment_at == expected, dossier.code


def test_a_supplement_moves_the_appointment_as_dossier_receive_supplement_does(generated):
    # given the dossiers whose supplement pause has ended (the rich sample has many)
    pauses = PauseInterval.objects.filter(ended_at__isnull=False, dossier__supplement_count=1)
    pauses = pauses.exclude(dossier__state__in=[State.STOPPED, State.WITHDRAWAL_REQUESTED])
    assert pauses.count() >= 5
    for pause in pauses.select_related("dossier__receiving_unit"):
        dossier = pause.dossier
        original = DossierEvent.objects.get(dossier=dossier, type="accepted").data["appointment_at"]
        dossier.appointment_at = datetime.fromisoformat(original)
        calendar = unit_calendar(dossier.receiving_unit, on=local_day(pause.ended_at))
        # when the services' rule is applied to the original appointment
        moved = appointment_after_pause(
            dossier=dossier, calendar=calendar, paused_at=pause.started_at, resumed_at=pause.ended_at, restart=False
        )
        # then it is the stored appointment
        assert Dossier.objects.get(pk=dossier.pk).appointment_at == moved, dossier.code


def test_apologies_are_approved_before_the_lead_time_and_keep_the_original_appointment(generated):
    # given the approved apologies of the rich run
    apologies = Apology.objects.filter(approved_at__isnull=False).select_related("dossier__receiving_unit")
    assert apologies.count() >= 2
    for apology in apologies:
        dossier = apology.dossier
        calendar = unit_calendar(dossier.receiving_unit, on=local_day(apology.approved_at))
        limit = lead_time_limit(calendar, apology.original_appointment_at, settings.DOSSIER_APOLOGY_LEAD_WORKING_DAYS)
        assert apology.drafted_at <= apology.approved_at <= limit
        assert apology.original_appointment_at == dossier.appointment_at  # ST-11: never overwritten
        assert dossier.current_appointment_at == apology.new_appointment_at > dossier.appointment_at
        types = list(dossier.events.values_list("type", flat=True))
        assert types.index("apology_drafted") < types.index("apology_approved")


def test_an_apology_not_yet_approved_does_not_move_the_appointment(generated):
    # given apologies drafted before 16/3/2026 and approved later (not replayed) / then nothing moved
    for apology in Apology.objects.filter(approved_at__isnull=True).select_related("dossier"):
        assert apology.dossier.current_appointment_at == apology.dossier.appointment_at
        assert apology.drafted_at <= RICH_NOW


# --- codes -------------------------------------------------------------------------------------


def numbers_by_unit_day():
    numbers = defaultdict(list)
    for code, unit_id in Dossier.objects.values_list("code", "receiving_unit_id"):
        unit_code, day, number = code.rsplit("-", 2)
        numbers[unit_id, datetime.strptime(day, "%y%m%d").date()].append(int(number))
        assert Unit.objects.get(pk=unit_id).code == unit_code
    return numbers


def test_codes_are_unique_gap_free_and_match_the_sequences(generated):
    # given both runs / then each unit's daily numbers run 1..n and its sequence row says n
    numbers = numbers_by_unit_day()
    sequences = {(row.unit_id, row.day): row.last_value for row in DossierCodeSequence.objects.all()}
    assert sum(len(values) for values in numbers.values()) == DEFAULT_COUNT + RICH_COUNT
    for key, values in numbers.items():
        assert sorted(values) == list(range(1, len(values) + 1)), key
        assert sequences[key] == len(values), key


def test_codes_follow_submission_order_within_a_unit_and_day(generated):
    # given both runs / then a later submission never has a smaller number the same day
    for unit_id in Dossier.objects.values_list("receiving_unit_id", flat=True).distinct():
        codes = list(Dossier.objects.filter(receiving_unit_id=unit_id).order_by("submitted_at", "id"))
        by_day = defaultdict(list)
        for dossier in codes:
            by_day[local_day(dossier.submitted_at)].append(int(dossier.code.rsplit("-", 1)[1]))
        assert all(values == sorted(values) for values in by_day.values())


def test_a_real_acceptance_continues_the_generated_sequence(generated):
    # given the unit and day with the most generated dossiers
    numbers = numbers_by_unit_day()
    (unit_id, day), values = max(numbers.items(), key=lambda item: (len(item[1]), item[0][1]))
    unit = Unit.objects.get(pk=unit_id)
    version = ProcedureVersion.objects.filter(time_limit_unit="working_days").first()
    # when an officer receives a dossier at the counter that day
    with time_machine.travel(datetime.combine(day, datetime.min.time(), tzinfo=VN) + timedelta(hours=16, minutes=50)):
        dossier = services.dossier_receive_at_counter(
            version=version, receiving_unit=unit, reception_point=unit, applicant=APPLICANT, components=[],
            actor=generator_user(),
        )  # fmt: skip
    # then its code takes the next number, no collision
    assert dossier.code == f"{unit.code}-{day:%y%m%d}-{len(values) + 1:04d}"


# --- history -----------------------------------------------------------------------------------


def test_verify_events_reports_every_generated_chain_intact(generated):
    # given both runs / when verify_events checks every chain / then all 500 are intact
    out = StringIO()
    call_command("verify_events", stdout=out, stderr=StringIO())
    assert f"Đã kiểm tra {DEFAULT_COUNT + RICH_COUNT} hồ sơ" in out.getvalue()
    assert "toàn vẹn" in out.getvalue()


def test_events_run_forward_in_time_and_end_in_the_dossiers_state(generated):
    # given every history / then its events are in time order, chained state to state, ending in the state
    for dossier in Dossier.objects.prefetch_related("events"):
        events = sorted(dossier.events.all(), key=lambda event: event.seq)
        assert [event.at for event in events] == sorted(event.at for event in events), dossier.code
        assert events[-1].to_state == dossier.state
        assert all(a.to_state == b.from_state for a, b in itertools.pairwise(events))


def test_pending_dossiers_have_one_open_step_and_closed_ones_none(generated):
    # given every dossier / then one open step (its current step) while processing, none otherwise
    for dossier in Dossier.objects.prefetch_related("steps"):
        open_steps = [step for step in dossier.steps.all() if step.finished_at is None]
        if dossier.state in OPEN_STATES - {State.ACCEPTED}:
            assert len(open_steps) == 1, dossier.code
            assert dossier.current_step_id == open_steps[0].pk
        else:
            assert open_steps == [] and dossier.current_step_id is None, dossier.code


def test_steps_follow_the_internal_process_with_the_services_due_times(generated):
    # given a sample of processing steps not moved by a pause / then they copy the process and step_due
    steps = DossierStep.objects.filter(order__gt=1).select_related("unit", "dossier__procedure_version")
    for step in steps.order_by("?")[:150]:
        template = step.dossier.procedure_version.steps.get(order=step.order)
        assert (step.name, step.unit_id) == (template.name, template.unit_id)
        paused = PauseInterval.objects.filter(step_id=step.pk).exists()
        if not paused and template.quota_amount <= 50:
            calendar = unit_calendar(step.unit, on=local_day(step.started_at))
            due = step_due(
                calendar=calendar, start=step.started_at, amount=step.quota_amount, quota_unit="working_days"
            )
            assert step.due_at == due or step.quota_unit != "working_days"


def test_refused_dossiers_were_never_accepted(generated):
    # given the dossiers refused at reception / then no acceptance, appointment or step, two events
    refused = Dossier.objects.filter(state=State.REFUSED_AT_RECEPTION)
    assert refused.exists()
    for dossier in refused:
        assert dossier.accepted_at is None and dossier.appointment_at is None
        assert not dossier.steps.exists()
        assert list(dossier.events.values_list("type", flat=True)) == ["submitted", "refused"]


def test_the_history_stops_at_now_and_what_is_under_way_stays_pending(generated):
    # given the 2026 run made on 16/3/2026
    rich = of_year(RICH_YEAR)
    # then nothing happens after that instant, nothing is submitted after the day before, and some are pending
    assert not DossierEvent.objects.filter(dossier__in=rich, at__gt=RICH_NOW).exists()
    assert not rich.filter(submitted_at__gte=datetime(2026, 3, 16, tzinfo=VN)).exists()
    states = Counter(rich.values_list("state", flat=True))
    assert states[State.IN_PROCESS] > 5
    assert states[State.SUPPLEMENT_REQUESTED] + states[State.STOPPED] + states[State.WITHDRAWAL_REQUESTED] > 0


def test_the_last_weeks_of_a_past_year_stay_pending(generated):
    # given the 2025 run, whose history ends with the year
    year_end = datetime(2026, 1, 1, tzinfo=VN)
    december = of_year(DEFAULT_YEAR).filter(accepted_at__gte=datetime(2025, 12, 15, tzinfo=VN))
    # then nothing happens after 31/12 and what was accepted in the last weeks is mostly still open
    assert not DossierEvent.objects.filter(dossier__in=of_year(DEFAULT_YEAR), at__gte=year_end).exists()
    assert december.filter(state__in=OPEN_STATES).count() > december.count() / 3


# --- determinism and replacement -------------------------------------------------------------


def snapshot(dossiers):
    rows = list(dossiers.order_by("code").values_list(*SNAPSHOT_FIELDS))
    events = list(
        DossierEvent.objects.filter(dossier__in=dossiers).order_by("dossier__code", "seq").values_list("type", "hash")
    )
    return rows, events


def test_the_same_seed_gives_the_same_dossiers(generated):
    # given Cát Hải's generated dossiers of 2025 replaced by a seeded run
    cat_hai = "000.10.52.H31"
    runs, deleted = [], []
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=VN)):
        for _run in range(2):
            # when the year is replaced again with the same seed
            deleted.append(dossiers_generated_delete(year=DEFAULT_YEAR, unit_code=cat_hai))
            dossiers_generate(count=40, year=DEFAULT_YEAR, unit_code=cat_hai, seed=5)
            runs.append(snapshot(of_year(DEFAULT_YEAR).filter(receiving_unit__code=cat_hai)))
    # then codes, dates, applicants, states and event hashes are the same; the first run was deleted first
    assert deleted[1] == len(runs[0][0]) == 40
    assert runs[0] == runs[1]


def test_replacing_a_year_never_deletes_a_real_dossier(generated):
    # given a real dossier received after the generated ones of a day
    numbers = numbers_by_unit_day()
    (unit_id, day), values = next((key, v) for key, v in numbers.items() if key[1].year == DEFAULT_YEAR)
    unit = Unit.objects.get(pk=unit_id)
    with time_machine.travel(datetime.combine(day, datetime.min.time(), tzinfo=VN) + timedelta(hours=16, minutes=55)):
        real = services.dossier_receive_at_counter(
            version=ProcedureVersion.objects.first(), receiving_unit=unit, reception_point=unit, applicant=APPLICANT,
            components=[], actor=generator_user(),
        )  # fmt: skip
    # when the generated dossiers of the year are deleted
    deleted = dossiers_generated_delete(year=DEFAULT_YEAR)
    # then the real one stays with its history, and its number stays issued
    assert deleted == DEFAULT_COUNT
    assert list(of_year(DEFAULT_YEAR)) == [real]
    assert real.events.count() == 2
    assert DossierCodeSequence.objects.get(unit=unit, day=day).last_value == len(values) + 1
    assert not DossierCodeSequence.objects.filter(day__year=DEFAULT_YEAR).exclude(unit=unit, day=day).exists()


def test_replacing_a_counted_year_takes_it_out_of_the_counters(generated):
    # given the generated year counted into the statistics counters
    call_command("fill_counters", stdout=StringIO())
    assert CounterBucket.objects.filter(grain="y", period__year=DEFAULT_YEAR).aggregate(n=Sum("received"))["n"] > 0
    # when the generated dossiers of the year are deleted
    deleted = dossiers_generated_delete(year=DEFAULT_YEAR)
    # then nothing of them stays counted: only the dossiers that remain keep a tally
    assert deleted == DEFAULT_COUNT
    assert set(DossierTally.objects.values_list("dossier_id", flat=True)) <= set(
        Dossier.objects.values_list("id", flat=True)
    )
    year = CounterBucket.objects.filter(grain="y", period__year=DEFAULT_YEAR)
    assert year.aggregate(n=Sum("received"))["n"] in (0, None)


# --- the command -------------------------------------------------------------------------------


def test_the_command_adds_dossiers_and_prints_the_rate(generated):
    # given the 2025 run / when the command adds 30 in batches of 7 / then 330 remain and the rate is printed
    out = StringIO()
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=VN)):
        call_command("generate_dossiers", "--count", "30", "--year", "2025", "--seed", "3", "--batch", "7", stdout=out)
    assert of_year(DEFAULT_YEAR).count() == DEFAULT_COUNT + 30
    assert "Đã sinh 30 hồ sơ" in out.getvalue() and "hồ sơ/giây" in out.getvalue()


def test_the_command_replaces_a_year_of_one_unit(generated):
    # given Cát Hải's generated dossiers of 2025
    cat_hai = of_year(DEFAULT_YEAR).filter(receiving_unit__code="000.10.52.H31")
    before = cat_hai.count()
    out = StringIO()
    # when its year is replaced by 20 new ones
    with time_machine.travel(datetime(2026, 2, 1, tzinfo=VN)):
        call_command(
            "generate_dossiers", "--count", "20", "--year", "2025", "--unit", "000.10.52.H31", "--replace-year",
            stdout=out,
        )  # fmt: skip
    # then only those 20 are left there, the other units keep theirs, and the deletion is reported
    assert (before > 0, cat_hai.count()) == (True, 20)
    assert of_year(DEFAULT_YEAR).count() == DEFAULT_COUNT - before + 20
    assert f"Đã xóa {before} hồ sơ mô phỏng của năm 2025" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["--year", "2031"], "2031"),
        (["--year", "2025", "--unit", "KHONG-CO"], "KHONG-CO"),
        (["--year", "2025", "--until", "hôm qua"], "--until"),
    ],
)
def test_bad_input_exits_2_with_a_vietnamese_and_english_message(generated, args, mentions):
    # given a future year, an unknown unit or a bad --until / then exit status 2 and a two-language message
    with pytest.raises(CommandError) as raised:
        call_command("generate_dossiers", "--count", "5", *args, stdout=StringIO())
    assert raised.value.returncode == 2
    assert mentions in str(raised.value) and " / " in str(raised.value)


# --- the fast paths equal the services' functions ------------------------------------------


def test_step_due_fast_equals_step_due():
    # given a calendar with Tết 2025 off and random starts and quotas
    tet = {date(2025, 1, 27) + timedelta(days=n): "Tết" for n in range(6)}
    calendar = Calendar(first_year=2024, last_year=2026, days_off=tet)
    rng = random.Random(7)
    for _ in range(3000):
        start = datetime(2025, 1, 1, tzinfo=VN) + timedelta(minutes=rng.randrange(360 * 24 * 60))
        amount = Decimal(rng.choice(["0.25", "0.5", "1", "1.5", "4", "23", "50"]))
        unit = rng.choice(["hours", "working_days"])
        # when / then
        expected = step_due(calendar=calendar, start=start, amount=amount, quota_unit=unit)
        assert step_due_fast(calendar=calendar, start=start, amount=amount, quota_unit=unit) == expected


def test_iso_and_step_data_equal_the_services(generated):
    # given a step and an instant with microseconds / then the local fast paths give the services' values
    unit = Unit.objects.get(code="000.02.50.H31")
    due = datetime(2025, 8, 4, 3, 30, 0, 123, tzinfo=ZoneInfo("UTC"))
    started = due - timedelta(days=1)
    row = _StepRow(unit, 3, "Thẩm định", "processing_officer", Decimal(2), "working_days", started, due)
    model = DossierStep(unit=unit, order=3, name="Thẩm định", role="processing_officer", due_at=due)
    assert _iso(due) == iso(due)
    assert _step_data(row) == step_data(model)
