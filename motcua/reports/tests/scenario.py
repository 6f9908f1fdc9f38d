"""A small history built through the services, with the figures its period report must show.

The procedure has a 10-working-day limit; acceptances at 09:00 give these appointments (A):
3/3 → 17/3, 10/3 → 24/3, 11/3 → 25/3, 12/3 → 26/3, 13/3 → 27/3, 17/3 → 31/3, 18/3 → 1/4, 28/3 → 14/4.
The window is 10/3/2025 – 31/3/2025, read at its end.
"""

from datetime import date, datetime

import time_machine

from motcua.accounts.tests.factories import UnitFactory
from motcua.dossiers import services
from motcua.dossiers.states import Channel
from motcua.dossiers.tests.factories import APPLICANT
from motcua.workdays.arith import VIETNAM

DATE_FROM, DATE_TO = date(2025, 3, 10), date(2025, 3, 31)
AFTER = datetime(2025, 4, 10, 9, 0, tzinfo=VIETNAM)  # "now" when the report is read
COMPONENTS = [services.Component(name="Đơn đề nghị cấp giấy phép xây dựng")]

# What the window's report shows (DOMAIN.md §6; the comments name the dossiers below).
EXPECTED = {
    "carried_in": 2,  # d1, d4
    "received": 8,  # d2, d3, d5, d6, d8, d9, d10, d11
    "received_online": 1,  # d8
    "received_counter": 6,
    "received_postal": 1,  # d9
    "resolved": 5,  # d1, d2, d3, d8, d10
    "resolved_early": 3,  # d1, d8, d10 (at its supplement request)
    "resolved_on_time": 1,  # d2, decided at the very instant of its appointment
    "resolved_late": 1,  # d3, apology-extended, decided before the new date
    "resolved_portal_on_time": 4,
    "resolved_awaiting_supplement": 1,  # d10
    "resolved_late_within_extended": 1,  # d3
    "pending": 3,  # d4, d5, d11
    "pending_in_time": 2,  # d5, d11
    "pending_overdue": 1,  # d4
    "about_to_be_late": 1,  # d11: due Tue 1/4 09:00, 1.5 office hours after T
    "refused": 1,  # d7
    "ended_otherwise": 2,  # d6, d9
    "stopped": 1,  # d6
    "withdrawn": 1,  # d9 (withdrawn 14/3, stopped 17/3)
    "apologies": 1,  # d3
    "not_collected": 3,  # d1, d2, d3 (d8 was handed over, d0 before the window)
    "handled": 10,
    "handled_on_time": 8,  # resolved portal-on-time 4 + d6 + d9 + pending in time 2
    "online_rate": 12.5,
    "on_time_rate": 80.0,
    "resolved_on_time_rate": 80.0,
    # net office hours of d1 57, d2 80, d3 97, d8 48 (8 office hours a day)
    "avg_processing_hours": 70.5,
    "median_processing_hours": 68.5,
    "avg_processing_days": 8.81,
    "median_processing_days": 8.56,
    "reconciliation_gap": 0,
    "received_split_gap": 0,
    "resolved_split_gap": 0,
    "pending_split_gap": 0,
}
# The same report read from the statistics counters (the default source): the mean processing time
# is kept there, the median is not (ADR 0005); `source="raw"` gives EXPECTED itself.
EXPECTED_FROM_COUNTERS = {**EXPECTED, "median_processing_hours": None, "median_processing_days": None}


def at(day, hour, minute=0):
    return time_machine.travel(datetime(2025, 3, day, hour, minute, tzinfo=VIETNAM), tick=False)


def receive(setup, day, hour=9, *, unit=None):
    """Return a dossier received and accepted at the counter of `unit` (the service center) on `day` of 3/2025."""
    unit = unit or setup["center"]
    with at(day, hour):
        return services.dossier_receive_at_counter(
            version=setup["version"],
            receiving_unit=unit,
            reception_point=unit,
            applicant=APPLICANT,
            components=COMPONENTS,
            actor=setup["reception"],
        )


def submit(setup, day, channel, hour=8):
    with at(day, hour):
        return services.dossier_submit(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            channel=channel,
            applicant=APPLICANT,
            components=COMPONENTS,
        )


def accept(setup, dossier, day, hour=9):
    with at(day, hour):
        return services.dossier_accept(code=dossier.code, actor=setup["reception"])


def transfer(setup, dossier, day, hour=10):
    with at(day, hour):
        return services.dossier_transfer(code=dossier.code, actor=setup["reception"])


def decide(setup, dossier, day, hour, minute=0):
    with at(day, hour, minute):
        return services.dossier_decide(
            code=dossier.code, actor=setup["head"], outcome="approved", summary="Cấp giấy phép xây dựng"
        )


def deliver(setup, dossier, day):
    with at(day, 15):
        return services.dossier_deliver(code=dossier.code, actor=setup["reception"], method="counter")


def _apologise(setup, dossier):
    with at(20, 9):
        services.dossier_draft_apology(
            code=dossier.code,
            actor=setup["officer"],
            cause="workload",
            reason="Hồ sơ cần xác minh thực địa",
            responsible_unit=setup["commune"],
            new_appointment_at=datetime(2025, 3, 28, 17, 0, tzinfo=VIETNAM),
        )
        services.dossier_approve_apology(code=dossier.code, actor=setup["head"])


def build(setup):
    """Build the history of the module docstring; return the dossiers by name."""
    d = {}
    d["d0"] = receive(setup, 3)  # decided and collected before the window: counted nowhere
    transfer(setup, d["d0"], 3)
    decide(setup, d["d0"], 5, 10)
    deliver(setup, d["d0"], 6)
    d["d1"] = receive(setup, 3)  # carried in, resolved early, not collected
    transfer(setup, d["d1"], 3)
    decide(setup, d["d1"], 12, 10)
    d["d4"] = receive(setup, 3, 10)  # carried in, still pending at T: overdue (A = 17/3 10:00)
    transfer(setup, d["d4"], 3, 11)
    d["d3"] = receive(setup, 10)  # apology to 28/3, decided 26/3: late, within the extended date
    transfer(setup, d["d3"], 10)
    _apologise(setup, d["d3"])
    decide(setup, d["d3"], 26, 10)
    d["d2"] = receive(setup, 11)  # decided exactly at its appointment 25/3 09:00: on time by both rules
    transfer(setup, d["d2"], 11)
    decide(setup, d["d2"], 25, 9)
    d["d6"] = receive(setup, 11, 10)  # stopped for lack of conditions
    transfer(setup, d["d6"], 11, 11)
    with at(12, 9):
        services.dossier_stop(code=d["d6"].code, actor=setup["head"], reason="Không đủ điều kiện giải quyết")
    d["d7"] = submit(setup, 11, Channel.ONLINE)  # refused at reception
    with at(11, 9):
        services.dossier_refuse(code=d["d7"].code, actor=setup["reception"], reasons=["Không thuộc thẩm quyền"])
    d["d8"] = accept(setup, submit(setup, 12, Channel.ONLINE), 12)  # online, resolved early, collected
    transfer(setup, d["d8"], 12)
    decide(setup, d["d8"], 20, 9)
    deliver(setup, d["d8"], 21)
    d["d9"] = accept(setup, submit(setup, 13, Channel.POSTAL), 13)  # by post, withdrawn, then stopped
    with at(14, 10):
        services.dossier_request_withdrawal(code=d["d9"].code, reason="Không còn nhu cầu")
    with at(17, 9):
        services.dossier_stop(code=d["d9"].code, actor=setup["head"], reason="Người nộp rút hồ sơ")
    d["d10"] = receive(setup, 17)  # one supplement request left unanswered: ends at the request (portal)
    transfer(setup, d["d10"], 17)
    with at(18, 9):
        services.dossier_request_supplement(code=d["d10"].code, actor=setup["officer"], missing=["Bản vẽ"])
    d["d11"] = receive(setup, 18)  # pending, due Tue 1/4 09:00: about to be late at T
    d["d5"] = receive(setup, 28, unit=setup["commune"])  # pending in time, received by the commune
    outsider = UnitFactory(code="000.00.00.H99", name="Ủy ban nhân dân tỉnh Khác")
    d["elsewhere"] = receive(setup, 12, unit=outsider)  # another province: out of scope
    return {name: dossier.code for name, dossier in d.items()}
