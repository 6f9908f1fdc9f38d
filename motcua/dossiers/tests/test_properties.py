"""Random sequences of actions keep the dossier's invariants (issue #3: one open step, events in order,
appointment moved only by the legal services, pauses exactly in the waiting states)."""

from datetime import timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.accounts.models import Role, UnitKind
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.dossiers import services
from motcua.dossiers.events import event_chain_errors
from motcua.dossiers.models import Dossier, DossierStep, PauseInterval
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import APPLICANT, agency_setup, dossier_snapshot

pytestmark = pytest.mark.django_db
START = "2025-03-03 09:00 +07:00"  # Mon 3/3/2025, DOMAIN.md §4.5 #7
WAITING = {State.SUPPLEMENT_REQUESTED, State.AWAITING_PAYMENT}
ENDED = {State.STOPPED, State.DONE, State.DELIVERED}
MOVES_APPOINTMENT = {"supplement_received", "payment_recorded"}


@pytest.fixture
def setup(published_calendar):
    setup = agency_setup()
    setup["department"] = UnitFactory(
        code="000.00.12.H31", name="Sở Xây dựng thành phố Hải Phòng", kind=UnitKind.DEPARTMENT, parent=setup["province"]
    )
    setup["second_officer"] = MembershipFactory(unit=setup["commune"], role=Role.PROCESSING_OFFICER).user
    return setup


def _draft_apology(s, d):
    services.dossier_draft_apology(
        code=d.code,
        actor=s["officer"],
        cause="workload",
        reason="Quá tải",
        responsible_unit=s["commune"],
        new_appointment_at=d.current_appointment_at + timedelta(days=5),
    )


ACTIONS = {
    "transfer": lambda s, d: services.dossier_transfer(code=d.code, actor=s["reception"]),
    "assign": lambda s, d: services.dossier_assign(code=d.code, actor=s["head"], assignee=s["officer"]),
    "reassign": lambda s, d: services.dossier_assign(code=d.code, actor=s["head"], assignee=s["second_officer"]),
    "forward": lambda s, d: services.dossier_forward(code=d.code, actor=s["officer"]),
    "return": lambda s, d: services.dossier_return_step(code=d.code, actor=s["head"], to_order=2, note="Làm lại"),
    "consult": lambda s, d: services.dossier_consult(
        code=d.code, actor=s["officer"], unit=s["department"], note="Xin ý kiến", quota_days=2
    ),
    "reply": lambda s, d: services.dossier_consult_reply(code=d.code, actor=s["officer"], note="Đồng ý"),
    "supplement": lambda s, d: services.dossier_request_supplement(code=d.code, actor=s["officer"], missing=["Bản vẽ"]),
    "supplied": lambda s, d: services.dossier_receive_supplement(code=d.code),
    "payment": lambda s, d: services.dossier_request_payment(code=d.code, actor=s["officer"], amount=100000),
    "paid": lambda s, d: services.dossier_record_payment(code=d.code, actor=None, reference="BL-1"),
    "draft_apology": _draft_apology,
    "approve_apology": lambda s, d: services.dossier_approve_apology(code=d.code, actor=s["head"]),
    "withdraw": lambda s, d: services.dossier_request_withdrawal(code=d.code, reason="Không còn nhu cầu"),
    "stop": lambda s, d: services.dossier_stop(code=d.code, actor=s["head"], reason="Dừng"),
    "decide": lambda s, d: services.dossier_decide(code=d.code, actor=s["head"], outcome="approved", summary="Cấp"),
    "deliver": lambda s, d: services.dossier_deliver(code=d.code, actor=s["reception"], method="counter"),
}
LIMITS = [(10, "working_days"), (16, "hours"), (15, "days"), (1, "months"), (None, "same_day")]
# Actions that make sense in each state, ending ones drawn less often; any action may still be drawn
# (about 1 in 3) to exercise the refusals.
PROGRESS = {
    State.ACCEPTED: ["transfer", "transfer", "transfer", "draft_apology", "approve_apology"],
    State.IN_PROCESS: [
        *["assign", "reassign", "forward", "return", "consult", "reply", "supplement", "payment"] * 2,
        *["draft_apology", "approve_apology", "decide"],
    ],
    State.SUPPLEMENT_REQUESTED: ["supplied", "supplied", "supplied", "assign", "withdraw"],
    State.AWAITING_PAYMENT: ["paid", "paid", "paid", "reassign", "draft_apology", "approve_apology", "stop"],
    State.WITHDRAWAL_REQUESTED: ["stop"],
    State.DONE: ["deliver"],
}


def assert_invariants(dossier: Dossier) -> None:
    open_steps = list(
        DossierStep.objects.filter(dossier=dossier, finished_at__isnull=True).values_list("id", flat=True)
    )
    assert len(open_steps) <= 1
    assert dossier.current_step_id == (open_steps[0] if open_steps else None)
    events = list(dossier.events.order_by("seq"))
    assert [event.seq for event in events] == list(range(1, len(events) + 1))
    assert event_chain_errors(dossier.code, events) == []
    assert dossier.current_appointment_at >= dossier.appointment_at
    open_pauses = PauseInterval.objects.filter(dossier=dossier, ended_at__isnull=True).count()
    assert open_pauses == (1 if dossier.state in WAITING else 0)
    assert (dossier.processing_ended_at is not None) == (dossier.state in ENDED)


def apply(setup, dossier: Dossier, name: str) -> None:
    """Apply one action; a refused one must change nothing, an applied one must keep the invariants."""
    before = dossier_snapshot(dossier)
    seen = before["events"]
    old_appointment = dossier.appointment_at
    try:
        ACTIONS[name](setup, dossier)
    except services.DossierError:
        assert dossier_snapshot(dossier) == before, name
        return
    dossier.refresh_from_db()
    assert_invariants(dossier)
    new_types = set(dossier.events.filter(seq__gt=seen).values_list("type", flat=True))
    assert new_types, name
    if dossier.appointment_at != old_appointment:
        assert new_types & MOVES_APPOINTMENT, (name, new_types)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    limit=st.sampled_from(LIMITS),
    clock_rule=st.sampled_from(["pause", "restart"]),
    clock_runs_awaiting_payment=st.booleans(),
    length=st.integers(10, 30),
    # A seeded generator picks actions and waits: Hypothesis's own draws favour the first choice, which
    # would repeat one action; the generator is reproducible from the failing example all the same.
    rng=st.randoms(use_true_random=False),
)
def test_random_action_sequences_keep_the_invariants(
    setup, limit, clock_rule, clock_runs_awaiting_payment, length, rng
):
    # given a dossier accepted under a procedure with a drawn limit, clock rule and payment setting
    version = setup["version"]
    version.time_limit_amount, version.time_limit_unit = limit
    version.clock_rule, version.clock_runs_awaiting_payment = clock_rule, clock_runs_awaiting_payment
    version.save()
    with time_machine.travel(START, tick=False) as clock:
        dossier = services.dossier_receive_at_counter(
            version=version,
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            applicant=APPLICANT,
            components=[],
            actor=setup["reception"],
        )
        assert_invariants(dossier)
        # when drawn actions are applied one after another while time moves on
        for _round in range(length):
            choices = PROGRESS.get(dossier.state)
            if choices is None:
                break  # stopped or delivered: nothing more can happen
            clock.shift(timedelta(minutes=rng.randint(0, 2 * 24 * 60)))
            name = rng.choice(choices * 3 + sorted(ACTIONS))
            # then every refused action changed nothing, and the invariants hold after every applied one
            apply(setup, dossier, name)
