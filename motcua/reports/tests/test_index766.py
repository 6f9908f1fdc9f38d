"""The Decision 766 index (DOMAIN.md §7): the catalogue, IDX-1 … IDX-3 scoring, a history built through services."""

from datetime import date, datetime
from fractions import Fraction

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import DocumentComponent, OnlineLevel
from motcua.catalog.tests.factories import ProcedureVersionFactory
from motcua.dossiers import services
from motcua.dossiers.services import rating as services_rating
from motcua.dossiers.tests.factories import APPLICANT, agency_setup
from motcua.reports.index766 import (
    GROUPS,
    INDICATORS,
    Kind,
    Status,
    band_of,
    index766,
    index766_items,
    indicator_max,
    indicator_points,
    online_split,
    procedure_is_complete,
    rate_of,
)
from motcua.reports.selectors import ReportError
from motcua.reports.tests.scenario import AFTER, DATE_FROM, DATE_TO, EXPECTED, at, build
from motcua.workdays.arith import VIETNAM

# --- the catalogue ------------------------------------------------------------------------------


def test_group_maxima_add_up_to_100_and_each_group_to_its_indicators():
    # given the six displayed groups and the catalogue with the default online split
    # when the maxima are added up
    by_group = {group.code: sum(indicator_max(i) for i in INDICATORS if i.group == group.code) for group in GROUPS}
    # then the groups are 18/20/12/10/22/18, total 100, and their scored indicators fill them exactly
    assert [group.max_points for group in GROUPS] == [18, 20, 12, 10, 22, 18]
    assert sum(group.max_points for group in GROUPS) == 100
    assert by_group == {group.code: group.max_points for group in GROUPS}


def test_monitor_indicators_carry_no_points():
    monitors = {indicator.code for indicator in INDICATORS if indicator.kind == Kind.MONITOR}
    assert monitors == {"2.2", "3.2", "5.1"}
    assert all(indicator.max_points == 0 for indicator in INDICATORS if indicator.kind == Kind.MONITOR)


def test_every_indicator_code_is_unique_and_in_a_known_group():
    codes = [indicator.code for indicator in INDICATORS]
    assert len(codes) == len(set(codes)) == 24
    assert {indicator.group for indicator in INDICATORS} == {group.code for group in GROUPS}


def test_the_online_split_is_a_setting_that_must_share_12_points(settings):
    # given a split giving more weight to the online share
    settings.INDEX766_ONLINE_SPLIT = {"3.1": 3, "3.3": 6, "3.x": 3}
    # then the maxima follow it
    assert online_split() == {"3.1": 3, "3.3": 6, "3.x": 3}
    # and a split that does not add up to 12, or names another indicator, is refused
    settings.INDEX766_ONLINE_SPLIT = {"3.1": 4, "3.3": 4}
    with pytest.raises(ImproperlyConfigured):
        online_split()
    settings.INDEX766_ONLINE_SPLIT = {"3.1": 4, "3.3": 4, "2.1": 4}
    with pytest.raises(ImproperlyConfigured):
        online_split()


# --- IDX-1, IDX-2: points -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        (Fraction(80), Fraction(4)),  # exactly at the target: the maximum
        (Fraction(95), Fraction(4)),  # above the target: still the maximum
        (Fraction(40), Fraction(2)),  # below: pro rata, 40 × 4 ÷ 80
        (Fraction(7999, 100), Fraction(7999, 2000)),  # just below the target: not rounded up
        (Fraction(0), Fraction(0)),
    ],
)
def test_points_with_a_target(rate, expected):
    assert indicator_points(rate=rate, max_points=4, target=80) == expected


@pytest.mark.parametrize(
    ("rate", "expected"),
    [(Fraction(100), Fraction(20)), (Fraction(90), Fraction(18)), (Fraction(200, 3), Fraction(40, 3))],
)
def test_points_without_a_target_are_r_times_the_maximum(rate, expected):
    assert indicator_points(rate=rate, max_points=20) == expected


def test_points_never_exceed_the_maximum():
    assert indicator_points(rate=120, max_points=6) == 6


def test_an_empty_denominator_is_na_and_scores_zero_unless_configured():
    # given an empty denominator
    rate = rate_of(0, 0)
    # then R is N/A, scored 0 by default and the maximum when configured "full" (IDX-2)
    assert rate is None
    assert indicator_points(rate=rate, max_points=6) == 0
    assert indicator_points(rate=rate, max_points=6, when_na="full") == 6


def test_rates_are_exact():
    # 2 of 3: the display rounds, the computation does not (IDX-2)
    assert rate_of(2, 3) == Fraction(200, 3)
    assert rate_of(0, 5) == 0


# --- IDX-3: bands -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (100, "excellent"),
        (90, "excellent"),
        (Fraction(8999, 100), "good"),
        (80, "good"),
        (Fraction(7999, 100), "fair"),
        (70, "fair"),
        (Fraction(6999, 100), "average"),
        (50, "average"),
        (Fraction(4999, 100), "weak"),
        (0, "weak"),
    ],
)
def test_bands_at_their_boundaries(total, band):
    assert band_of(total).code == band


def test_bands_are_configurable(settings):
    # given a two-band scheme with its own label
    settings.INDEX766_BANDS = [(0, "below", "Chưa đạt"), (75, "pass", "Đạt")]
    # then the band follows it, whatever the order of the setting
    assert band_of(75).code == "pass"
    assert str(band_of(74.99).label) == "Chưa đạt"


# --- 1.3: complete procedure information ---------------------------------------------------------------

COMPLETE = {
    "name": "Cấp giấy phép xây dựng",
    "has_steps": True,
    "has_components": True,
    "time_limit_unit": "working_days",
    "time_limit_amount": 10,
    "subjects": "both",
    "competent_unit_id": 1,
    "agency_text": "",
}


@pytest.mark.parametrize(
    "missing",
    [
        {"name": " "},
        {"has_steps": False},
        {"has_components": False},
        {"time_limit_amount": None},
        {"subjects": ""},
    ],
)
def test_a_procedure_lacking_one_item_of_decree_63_is_incomplete(missing):
    assert procedure_is_complete(COMPLETE)
    assert not procedure_is_complete(COMPLETE | missing)


def test_a_same_day_procedure_needs_no_amount():
    assert procedure_is_complete(COMPLETE | {"time_limit_unit": "same_day", "time_limit_amount": None})


# --- the index of a history built through the services -------------------------------------------


@pytest.fixture
def history(published_calendar, settings, tmp_path):
    """The period report's scenario, a procedure returning a licence, plus d12: decided with an electronic result.

    d12 is received at the counter on 19/3 with a scanned application, decided early on 21/3 with the
    licence's file, and not collected: it adds 1 to received, resolved (early) and handled on time.
    """
    settings.MEDIA_ROOT = tmp_path
    setup = agency_setup()
    version = setup["version"]
    version.result_type = "Giấy phép xây dựng"
    version.save()
    DocumentComponent.objects.create(version=version, order=1, name="Đơn đề nghị cấp giấy phép xây dựng")
    codes = build(setup)
    with at(19, 9):
        scanned = services.Component(name="Đơn đề nghị", file=SimpleUploadedFile("don.pdf", b"%PDF-1.4 don"))
        d12 = services.dossier_receive_at_counter(
            version=version,
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            applicant=APPLICANT,
            components=[scanned],
            actor=setup["reception"],
        )
        services.dossier_transfer(code=d12.code, actor=setup["reception"])
    with at(21, 10):
        services.dossier_decide(
            code=d12.code,
            actor=setup["head"],
            outcome="approved",
            summary="Cấp giấy phép xây dựng số 15/GPXD",
            result_file=SimpleUploadedFile("gpxd.pdf", b"%PDF-1.4 gpxd"),
        )
    codes["d12"] = d12.code
    return setup, codes


def read(setup, **options):
    with time_machine.travel(AFTER, tick=False):
        return index766(unit=setup["province"], date_from=DATE_FROM, date_to=DATE_TO, **options)


def items(setup, code, part="numerator"):
    with time_machine.travel(AFTER, tick=False):
        return index766_items(unit=setup["province"], date_from=DATE_FROM, date_to=DATE_TO, code=code, part=part)


def by_code(result):
    return {s.indicator.code: s for s in result.scores}


def test_progress_online_and_electronic_result_indicators_of_the_scenario(history):
    # given the scenario plus d12 (handled 11, of which 9 on time; received 9, 1 online; see the fixture)
    setup, _codes = history
    assert (EXPECTED["handled"], EXPECTED["handled_on_time"], EXPECTED["received"]) == (10, 8, 8)
    # when the index of the province is read after the window
    scores = by_code(read(setup))
    # then 2.1 = 9 ÷ 11, scored R × 20 (no target)
    assert (scores["2.1"].numerator, scores["2.1"].denominator) == (9, 11)
    assert scores["2.1"].value == Fraction(900, 11)
    assert scores["2.1"].points == Fraction(180, 11)
    # 3.3 = 1 ÷ 9 online, below its 50 % target: 11.1 × 4 ÷ 50
    assert (scores["3.3"].numerator, scores["3.3"].denominator) == (1, 9)
    assert scores["3.3"].points == Fraction(100, 9) * 4 / 50
    # 4.1: of the 5 dossiers resolved with a licence (d1, d2, d3, d8, d12), only d12 has its file: 20 % × 6
    assert (scores["4.1"].numerator, scores["4.1"].denominator) == (1, 5)
    assert scores["4.1"].points == Fraction(6, 5)
    assert all(scores[code].status == Status.OK for code in ("2.1", "3.3", "4.1"))


def test_catalogue_digitisation_and_monitor_indicators_of_the_scenario(history):
    setup, _codes = history
    scores = by_code(read(setup))
    # 3.x: every received dossier is of a full-online procedure, one came online
    assert (scores["3.x"].numerator, scores["3.x"].denominator) == (1, 9)
    # 3.1: the one procedure under the province's competence is online (full): at 100 % ≥ 80 %, 4 points
    assert (scores["3.1"].numerator, scores["3.1"].denominator, scores["3.1"].points) == (1, 1, 4)
    assert scores["3.1"].extra["full_online_rate"] == 100
    # 3.2 (monitor): that service had an online dossier; no points
    assert (scores["3.2"].numerator, scores["3.2"].denominator, scores["3.2"].points) == (1, 1, 0)
    # 1.3: name, steps, component, time limit, subjects and agency are all there: 2 points
    assert (scores["1.3"].numerator, scores["1.3"].denominator, scores["1.3"].points) == (1, 1, 2)
    # 4.2: only d12 was digitised (its component has a file) and has its electronic result: 20 % of 80 % × 4
    assert (scores["4.2"].numerator, scores["4.2"].denominator, scores["4.2"].points) == (1, 5, 1)
    # 2.2 (monitor): the report's mean processing time, in office days
    assert scores["2.2"].points == 0 and scores["2.2"].value is not None


def test_indicators_without_a_data_source_are_na_with_their_reason(history):
    setup, _codes = history
    scores = by_code(read(setup))
    for code in ("1.1", "1.2", "1.4", "3.5", "3.y", "3.6", "4.x", "4.3", "4.4", "4.5a", "4.5b", "5.1", "5.2", "5.3"):
        assert scores[code].status == Status.NO_DATA, code
        assert scores[code].points == 0 and scores[code].value is None
        assert str(scores[code].reason)


def test_total_groups_and_band_of_the_scenario(history):
    setup, _codes = history
    # when
    result = read(setup)
    data = result.as_dict()
    # then the total is the sum of the scored points, exactly, and the groups add up to it
    scores = by_code(result)
    expected = sum(scores[c].points for c in ("1.3", "2.1", "3.x", "3.1", "3.3", "4.1", "4.2", "5.4"))
    assert result.total == expected
    assert data["total"] == round(float(expected), 2)
    assert sum(result.group_points(group.code) for group in GROUPS) == result.total
    assert data["band"]["code"] == "weak"
    assert data["max_total"] == 100
    assert [group["max_points"] for group in data["groups"]] == [18, 20, 12, 10, 22, 18]
    # and the display keeps 2 decimals
    assert data["indicators"][4]["code"] == "2.1"
    assert data["indicators"][4]["value"] == 81.82
    assert data["indicators"][4]["points"] == 16.36


def test_every_measured_indicator_links_to_its_dossiers_or_procedures(history):
    setup, codes = history
    names = {code: name for name, code in codes.items()}
    scores = by_code(read(setup))
    # the lists have exactly as many codes as the numerator and denominator
    for code in ("1.3", "2.1", "3.x", "3.1", "3.2", "3.3", "4.1", "4.2", "5.4"):
        for part in ("numerator", "denominator"):
            found = items(setup, code, part)
            assert len(found.codes) == getattr(scores[code], part), (code, part)
    # and they name the right ones
    assert [names[c] for c in items(setup, "4.1").codes] == ["d12"]
    assert sorted(names[c] for c in items(setup, "4.1", "denominator").codes) == ["d1", "d12", "d2", "d3", "d8"]
    assert [names[c] for c in items(setup, "3.3").codes] == ["d8"]
    assert items(setup, "3.1").kind == "procedures"
    assert items(setup, "3.1").codes == [setup["version"].procedure.code]
    assert items(setup, "1.1").codes == []


def test_items_refuse_an_unknown_indicator_or_part(history):
    setup, _codes = history
    with pytest.raises(ReportError, match="unknown indicator"):
        items(setup, "9.9")
    with pytest.raises(ReportError, match="unknown part"):
        items(setup, "2.1", "both")


def test_an_empty_unit_is_na_everywhere_and_scores_zero(published_calendar, settings):
    # given a unit without dossiers or procedures
    setup = agency_setup()
    # when its index is read
    scores = by_code(read({"province": setup["center"]}))
    # then every measured indicator is N/A with 0 points (IDX-2)
    for code in ("2.1", "3.3", "4.1", "4.2", "1.3", "3.1"):
        assert scores[code].status == Status.NOT_APPLICABLE, code
        assert scores[code].points == 0
    # and N/A scores the maximum where configured so
    settings.INDEX766_NA_SCORING = {"2.1": "full", "5.4": "full", "5.2": "full"}
    scores = by_code(read({"province": setup["center"]}))
    assert scores["2.1"].points == 20
    assert scores["5.4"].points == 6
    # but an indicator without a data source always scores 0
    assert scores["5.2"].points == 0


def test_a_target_for_2_1_changes_its_conversion(history, settings):
    # given 2.1 is configured with a 80 % target instead of R × 20
    setup, _codes = history
    settings.INDEX766_TARGETS = {"2.1": 80}
    # then 81.8 % earns the full 20 points
    assert by_code(read(setup))["2.1"].points == 20


def test_catalogue_counts_only_versions_in_force_under_the_units_competence(published_calendar):
    # given a partial-online procedure of the commune in force and one of another province
    setup = agency_setup()
    ProcedureVersionFactory(competent_unit=setup["commune"], online_level=OnlineLevel.NONE)
    ProcedureVersionFactory(online_level=OnlineLevel.FULL)  # another unit
    ProcedureVersionFactory(competent_unit=setup["commune"], valid_to=date(2025, 1, 31))  # expired
    # when
    scores = by_code(read(setup))
    # then 3.1 counts the commune's two procedures in force, one of them online
    assert (scores["3.1"].numerator, scores["3.1"].denominator) == (1, 2)
    assert scores["3.1"].points == Fraction(50) * 4 / 80


def test_the_index_reads_every_figure_at_one_instant(history):
    # given a read during the window (the current period)
    setup, _codes = history
    with time_machine.travel(datetime(2025, 3, 20, 12, 0, tzinfo=VIETNAM), tick=False):
        result = index766(unit=setup["province"], date_from=DATE_FROM, date_to=DATE_TO)
    # then T is now, and the dossiers not yet received are not counted
    assert result.window.end == datetime(2025, 3, 20, 12, 0, tzinfo=VIETNAM)
    assert isinstance(result.as_dict()["as_of"], str)
    assert by_code(result)["3.3"].denominator < 9


# --- 5.4: satisfaction with procedure handling, from the per-dossier ratings (DOMAIN.md §5.13) -----


def rate(code, level, day):
    with at(day, 16):
        return services_rating.dossier_rate(code=code, phone=APPLICANT.phone, overall=level)


def test_without_ratings_5_4_is_the_on_time_share_of_the_handled_dossiers(history):
    # given the scenario (11 handled, 9 of them on time) and no rating at all
    setup, _codes = history
    # when
    scores = by_code(read(setup))
    # then 5.4 = 100 % − late rate = 9 ÷ 11, below its 90 % target: 81.8 × 6 ÷ 90
    assert (scores["5.4"].numerator, scores["5.4"].denominator) == (9, 11)
    assert scores["5.4"].status == Status.OK
    assert scores["5.4"].points == Fraction(900, 11) * 6 / 90
    assert scores["5.4"].extra == {"late": 2, "disliked": 0, "feedback_counted": False}


def test_a_dissatisfied_rating_lowers_5_4_and_a_late_dossier_counts_once(history):
    # given d2 (on time) rated "không hài lòng", d3 (late) "rất không hài lòng", d1 "rất hài lòng", all by T
    setup, codes = history
    rate(codes["d2"], 2, 27)
    rate(codes["d3"], 1, 27)
    rate(codes["d1"], 5, 27)
    # when
    scores = by_code(read(setup))
    # then 5.4 = 100 % − (2 late + 1 more disliked) ÷ 11: d3 is late and disliked but counted once
    assert (scores["5.4"].numerator, scores["5.4"].denominator) == (8, 11)
    assert scores["5.4"].extra["disliked"] == 2
    # and the dossiers behind the numerator are the on-time ones without d2
    numerator = items(setup, "5.4").codes
    assert codes["d2"] not in numerator and codes["d1"] in numerator
    assert len(numerator) == 8
    assert len(items(setup, "5.4", "denominator").codes) == 11


def test_a_rating_given_after_the_window_does_not_change_its_5_4(history):
    # given d2 rated "không hài lòng" on 5/4/2025, after T (31/3 end of day)
    setup, codes = history
    with time_machine.travel(datetime(2025, 4, 5, 9, 0, tzinfo=VIETNAM), tick=False):
        services_rating.dossier_rate(code=codes["d2"], phone=APPLICANT.phone, overall=1)
    # when the window is read
    scores = by_code(read(setup))
    # then 5.4 is as without ratings
    assert (scores["5.4"].numerator, scores["5.4"].denominator) == (9, 11)


def test_the_three_level_mapping_decides_what_counts_as_dislike(history, settings):
    # given a province that also shows "bình thường" (3) as "không hài lòng"
    setup, codes = history
    settings.RATING_THREE_LEVELS = {
        5: "very_satisfied",
        4: "satisfied",
        3: "dissatisfied",
        2: "dissatisfied",
        1: "dissatisfied",
    }
    rate(codes["d2"], 3, 27)
    # when
    scores = by_code(read(setup))
    # then d2 counts against 5.4
    assert scores["5.4"].numerator == 8
