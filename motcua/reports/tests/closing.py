"""What the closed-period tests share: the scenario's March closed by a PAR officer, then corrected in April."""

from datetime import date, datetime

import time_machine

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory
from motcua.dossiers import services
from motcua.reports import snapshots
from motcua.workdays.arith import VIETNAM

MARCH = {"kind": "month", "start": date(2025, 3, 1)}  # the calendar month 1/3 – 31/3/2025 of the scenario
MARCH_WINDOW = ("2025-03-01", "2025-03-31")
CLOSED_AT = datetime(2025, 4, 10, 9, 0, tzinfo=VIETNAM)
CORRECTED_AT = datetime(2025, 4, 11, 9, 0, tzinfo=VIETNAM)
LATER = datetime(2025, 4, 12, 9, 0, tzinfo=VIETNAM)


def par_officer(setup):
    """Return a PAR officer (cán bộ CCHC) of the province, who may close its periods."""
    return MembershipFactory(unit=setup["province"], role=Role.PAR_OFFICER, user__full_name="Nguyễn Thị Hương").user


def close_march(setup, user=None):
    """Close the province's March 2025 at CLOSED_AT and return the snapshot."""
    with time_machine.travel(CLOSED_AT, tick=False):
        return snapshots.period_close(unit=setup["province"], **MARCH, user=user or par_officer(setup))


def receive_d10_supplement(setup, codes):
    """Correct March after it was closed: d10's supplement arrives, so it was still pending at 31/3, not resolved."""
    with time_machine.travel(CORRECTED_AT, tick=False):
        services.dossier_receive_supplement(
            code=codes["d10"],
            actor=setup["reception"],
            components=[services.Component(name="Bản vẽ thiết kế xây dựng")],
        )
