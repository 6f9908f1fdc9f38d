"""Late dossiers by responsible unit and cause: apologies, step overruns, consultations and the unattributed."""

from datetime import date, datetime

import pytest
import time_machine

from motcua.accounts.models import UnitKind
from motcua.accounts.tests.factories import UnitFactory
from motcua.dossiers import services
from motcua.dossiers.tests.factories import agency_setup, in_process_dossier
from motcua.reports.lateness import (
    CONSULTATION_OVERRUN,
    STEP_OVERRUN,
    UNATTRIBUTED,
    late_attributions,
    late_dossiers_by_cause,
)
from motcua.reports.selectors import period_report_dossiers
from motcua.reports.tests.scenario import AFTER, DATE_FROM, DATE_TO, build
from motcua.workdays.arith import VIETNAM

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


@pytest.fixture
def history(setup):
    codes = build(setup)
    return setup, codes, {code: name for name, code in codes.items()}


def lines_of(report, names):
    """Return {(unit code, cause, source): ([resolved late], [pending overdue])} with the scenario's names."""
    return {
        (unit.code, line.cause, line.source): (
            [names[c] for c in line.resolved_late],
            [names[c] for c in line.pending_overdue],
        )
        for unit in report.units
        for line in unit.lines
    }


def test_the_scenario_late_dossiers_stand_under_the_commune_by_apology_and_step_overrun(history):
    # given the scenario: d3 resolved late after an apology naming the commune (workload) while its
    # appraisal step at the commune ran from 10/3 to 26/3 (due 18/3); d4 pending overdue, its appraisal
    # step at the commune open since 3/3 (due 11/3)
    setup, _codes, names = history
    # when the late dossiers of 10/3–31/3/2025 are read after the window
    with time_machine.travel(AFTER, tick=False):
        report = late_dossiers_by_cause(unit=setup["province"], date_from=DATE_FROM, date_to=DATE_TO)
    # then the late dossiers are the report's resolved-late and pending-overdue ones
    assert ([names[c] for c in report.resolved_late], [names[c] for c in report.pending_overdue]) == (["d3"], ["d4"])
    with time_machine.travel(AFTER, tick=False):
        asked = {"unit": setup["province"], "date_from": DATE_FROM, "date_to": DATE_TO}
        assert list(report.resolved_late) == period_report_dossiers(**asked, measure="resolved_late")
        assert list(report.pending_overdue) == period_report_dossiers(**asked, measure="pending_overdue")
    # and both stand under the commune: d3 by its apology and its step, d4 by its open step
    commune = setup["commune"].code
    assert lines_of(report, names) == {
        (commune, "workload", "apology"): (["d3"], []),
        (commune, STEP_OVERRUN, "step"): (["d3"], ["d4"]),
    }
    # and the commune's total counts each dossier once
    (unit,) = report.units
    assert (unit.code, unit.resolved_late, unit.pending_overdue, unit.total) == (commune, 1, 1, 2)
    assert report.line_codes(responsible=commune, cause="workload") == (next(c for c, n in names.items() if n == "d3"),)
    assert report.line_codes(responsible=commune, cause="system") is None


def test_a_step_counts_as_overrun_only_once_its_due_time_has_passed_at_t(history):
    # given d3, whose appraisal step was due 18/3 10:00 and finished 26/3, and whose apology was drafted 20/3
    setup, codes, _names = history
    d3 = codes["d3"]
    # when it is attributed just before and just after its step's due time
    before = late_attributions(codes=[d3], at=datetime(2025, 3, 18, 9, 59, tzinfo=VIETNAM))
    after = late_attributions(codes=[d3], at=datetime(2025, 3, 18, 10, 1, tzinfo=VIETNAM))
    later = late_attributions(codes=[d3], at=datetime(2025, 3, 21, 9, 0, tzinfo=VIETNAM))
    # then nothing explains it before (unattributed), its open step after, and the apology once drafted
    commune = setup["commune"].pk
    assert before == {d3: {(None, UNATTRIBUTED, "")}}
    assert after == {d3: {(commune, STEP_OVERRUN, "step")}}
    assert later == {d3: {(commune, STEP_OVERRUN, "step"), (commune, "workload", "apology")}}


def test_an_unanswered_consultation_makes_the_consulted_agency_responsible(setup):
    # given a dossier (accepted 3/3, due 17/3) whose appraisal asked the department on 5/3 for an
    # opinion within 3 working days, never answered
    department = UnitFactory(
        code="000.00.12.H31", name="Sở Xây dựng thành phố Hải Phòng", kind=UnitKind.DEPARTMENT, parent=setup["province"]
    )
    dossier = in_process_dossier(setup)
    with time_machine.travel("2025-03-05 10:00 +07:00", tick=False):
        services.dossier_consult(
            code=dossier.code, actor=setup["officer"], unit=department, note="Xin ý kiến về chỉ giới", quota_days=3
        )
    # when the late dossiers of March are read at the end of March
    with time_machine.travel("2025-04-02 09:00 +07:00", tick=False):
        report = late_dossiers_by_cause(unit=setup["province"], date_from=date(2025, 3, 1), date_to=date(2025, 3, 31))
    # then it is overdue and stands under the department alone, by its consultation overrun
    # (the appraisal step paused for the consultation on 5/3, before its due time)
    assert report.pending_overdue == (dossier.code,)
    assert [(u.code, [(line.cause, line.codes) for line in u.lines]) for u in report.units] == [
        (department.code, [(CONSULTATION_OVERRUN, (dossier.code,))])
    ]


def test_a_window_without_late_dossiers_has_no_units(history):
    # given the scenario, whose first late dossier (d4) is due 17/3 10:00
    setup, _codes, _names = history
    # when the window 10/3–16/3 is read at its end
    with time_machine.travel(AFTER, tick=False):
        report = late_dossiers_by_cause(unit=setup["province"], date_from=DATE_FROM, date_to=date(2025, 3, 16))
    # then nothing is late
    assert (report.total, report.units) == (0, ())
