"""Statistics pages: access, the period report's figures and links, downloads, dashboards, lateness, query counts."""

import io
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory, UserFactory
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import accepted_dossier, agency_setup, done_dossier, in_process_dossier
from motcua.reports.exports import COLUMNS, figure_value
from motcua.reports.forms import DERIVED
from motcua.reports.index766 import index766
from motcua.reports.lateness import late_dossiers_by_cause
from motcua.reports.selectors import period_report, period_report_dossiers
from motcua.reports.tests.scenario import AFTER, DATE_FROM, DATE_TO, EXPECTED, EXPECTED_FROM_COUNTERS, build
from motcua.reports.windows import Span, window
from motcua.workdays.arith import VIETNAM

pytestmark = pytest.mark.django_db

WINDOW = {"period": "dates", "from": DATE_FROM.isoformat(), "to": DATE_TO.isoformat()}
PAGES = [
    ("reports:report", []),
    ("reports:dossiers", []),
    ("reports:xlsx", []),
    ("reports:pdf", []),
    ("reports:overview", []),
    ("reports:index766", []),
    ("reports:unit_dashboard", ["000.00.00.H31"]),
    ("reports:procedure_dashboard", ["1.000001"]),
    ("reports:lateness", []),
    ("reports:lateness_dossiers", []),
]


@pytest.fixture
def history(published_calendar):
    setup = agency_setup()
    return setup, build(setup)


@pytest.fixture
def leader_client(client, history):
    setup, _codes = history
    client.force_login(MembershipFactory(unit=setup["province"], role=Role.LEADER).user)
    return client


def get(client, name, *args, **query):
    with time_machine.travel(AFTER, tick=False):
        return client.get(reverse(name, args=args), query)


def follow(client, href):
    with time_machine.travel(AFTER, tick=False):
        return client.get(href)


def province_report(setup, **options):
    with time_machine.travel(AFTER, tick=False):
        return period_report(unit=setup["province"], date_from=DATE_FROM, date_to=DATE_TO, **options)


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_users_are_sent_to_the_login_page(client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def _asking_for(name, setup):
    """Return the address and query of page `name` asking for the province's figures."""
    province, code = setup["province"].code, setup["version"].procedure.code
    base = {"unit": province, "from": "2025-03-10", "to": "2025-03-31"}
    return {
        "reports:report": ([], {**WINDOW, "unit": province}),
        "reports:dossiers": ([], {**base, "measure": "received"}),
        "reports:xlsx": ([], {**WINDOW, "unit": province}),
        "reports:pdf": ([], {**WINDOW, "unit": province}),
        "reports:overview": ([], {"unit": province, "year": 2025}),
        "reports:index766": ([], {"unit": province, "year": 2025}),
        "reports:unit_dashboard": ([province], {"year": 2025}),
        "reports:procedure_dashboard": ([code], {"unit": province, "year": 2025}),
        "reports:lateness": ([], {**WINDOW, "unit": province}),
        "reports:lateness_dossiers": ([], {**base, "responsible": setup["commune"].code, "cause": "workload"}),
    }[name]


@pytest.mark.parametrize("name", [name for name, _args in PAGES])
def test_a_user_of_another_unit_is_refused(client, history, name):
    # given an officer of commune B, outside the province's tree
    setup, _codes = history
    client.force_login(MembershipFactory(unit=UnitFactory(name="Ủy ban nhân dân xã B"), role=Role.AGENCY_HEAD).user)
    args, query = _asking_for(name, setup)
    # when they ask for the province's figures
    response = get(client, name, *args, **query)
    # then they are refused
    assert response.status_code == 403


@pytest.mark.parametrize("name", [name for name, _args in PAGES])
def test_the_leader_of_the_unit_is_served(leader_client, history, name):
    setup, _codes = history
    args, query = _asking_for(name, setup)
    assert get(leader_client, name, *args, **query).status_code == 200


def test_a_commune_officer_sees_the_commune_by_default_and_not_the_province(client, history):
    # given the commune's processing officer
    setup, _codes = history
    client.force_login(setup["officer"])
    # when they open the report page without choosing a unit, then ask for the province
    own = get(client, "reports:report", **WINDOW)
    province = get(client, "reports:report", **WINDOW, unit=setup["province"].code)
    # then the page shows the commune and the province (its parent) is refused
    assert own.context["report"].unit_code == setup["commune"].code
    assert [choice for choice, _label in own.context["form"].fields["unit"].widget.choices] == [setup["commune"].code]
    assert province.status_code == 403


def test_a_user_without_units_is_refused(client, history):
    # given a user who belongs to no unit
    client.force_login(UserFactory())
    # when they open the statistics, then they are refused
    assert get(client, "reports:report").status_code == 403
    assert get(client, "reports:overview").status_code == 403


def test_an_unknown_unit_is_not_found(leader_client):
    assert get(leader_client, "reports:report", unit="999.99.99.H99").status_code == 404
    assert get(leader_client, "reports:unit_dashboard", "999.99.99.H99").status_code == 404


def test_an_unknown_procedure_is_not_found(leader_client):
    assert get(leader_client, "reports:procedure_dashboard", "9.999999").status_code == 404


# --- the report page ------------------------------------------------------------------------------


def test_the_page_shows_the_period_reports_figures(leader_client, history):
    # given the scenario's history
    setup, _codes = history
    # when the province's report for 10/3–31/3/2025, by unit, is opened after the window
    response = get(leader_client, "reports:report", **WINDOW, unit=setup["province"].code, group_by="unit")
    # then the page's report is period_report's, figure for figure, and the scenario's figures show
    assert response.status_code == 200
    shown = response.context["report"]
    assert shown.as_dict() == province_report(setup, group_by="unit").as_dict()
    assert {key: shown.as_dict()[key] for key in EXPECTED} == EXPECTED_FROM_COUNTERS
    # and every cell of every line is the export's value of that column
    lines = response.context["lines"]
    figures = [row.figures for row in shown.rows] + [shown.total]
    assert [[cell.value for cell in line["cells"]] for line in lines] == [
        [figure_value(f, column.key) for column in COLUMNS] for f in figures
    ]
    html = response.content.decode()
    assert 'class="check-ok" id="reconciliation-line"' in html
    assert [line["label"] for line in lines] == [setup["commune"].name, setup["center"].name, "Tổng cộng"]


def test_a_reconciliation_gap_is_shown_not_hidden(leader_client, history):
    # given d2 (accepted 11/3) whose end of processing was stored as 5/3, before its acceptance
    setup, codes = history
    Dossier.objects.filter(code=codes["d2"]).update(processing_ended_at=datetime(2025, 3, 5, 9, tzinfo=VIETNAM))
    # when the report is opened
    response = get(leader_client, "reports:report", **WINDOW, unit=setup["province"].code, group_by="unit")
    # then the gap of 1 is shown on the reconciliation line, in the table and for the service center's row
    checks = response.context["checks"]
    assert checks["total"].reconciliation_gap == 1
    assert [row.label for row in checks["gapped_rows"]] == [setup["center"].name]
    html = response.content.decode()
    assert 'class="warning" id="reconciliation-line"' in html
    assert "Chênh lệch: 1" in " ".join(html.split())
    assert response.context["lines"][-1]["cells"][-1].gap


def test_an_invalid_window_is_reported_on_the_form(leader_client, history):
    setup, _codes = history
    # when the window asked for ends before it starts
    reversed_window = {**WINDOW, "from": "2025-03-31", "to": "2025-03-01"}
    response = get(leader_client, "reports:report", unit=setup["province"].code, **reversed_window)
    # then the form says so and no report is shown
    assert response.status_code == 200
    assert "report" not in response.context
    assert "the window ends before it starts" in response.content.decode()


def test_the_default_window_is_the_current_month_of_the_default_scheme(leader_client, history):
    # when the page is opened on 10/4/2025 without a window
    response = get(leader_client, "reports:report")
    # then it shows the Decree 09 month 4/2025: 15/3 – 14/4, read now
    report = response.context["report"]
    assert (report.window.date_from, report.window.date_to) == (date(2025, 3, 15), date(2025, 4, 14))
    assert report.window.end == AFTER


def test_the_total_alone_is_shown_and_downloaded_without_groups(leader_client, history):
    # when the report is asked for without groups
    setup, _codes = history
    response = get(leader_client, "reports:report", **WINDOW, unit=setup["province"].code, group_by="total")
    # then the table has the total line only, and the workbook the unit's line and the total
    assert response.context["report"].group_by is None
    assert [line["label"] for line in response.context["lines"]] == ["Tổng cộng"]
    assert "group_by=total" in response.context["downloads"]["xlsx"]
    sheet = load_workbook(io.BytesIO(follow(leader_client, response.context["downloads"]["xlsx"]).content)).active
    assert [sheet.cell(row=r, column=2).value for r in range(8, sheet.max_row + 1)] == [
        setup["province"].name,
        "Tổng cộng",
    ]


def test_a_grouping_by_procedure_links_each_row_to_its_dashboard(leader_client, history):
    setup, _codes = history
    response = get(leader_client, "reports:report", **WINDOW, unit=setup["province"].code, group_by="procedure")
    (line, _total) = response.context["lines"]
    code = setup["version"].procedure.code
    assert line["href"] == f"{reverse('reports:procedure_dashboard', args=[code])}?unit={setup['province'].code}"


def test_a_link_with_an_as_of_instant_reads_the_report_then(leader_client, history):
    # given a link that pins T at 20/3/2025 12:00, inside the window
    setup, _codes = history
    query = {**WINDOW, "unit": setup["province"].code, "as_of": "2025-03-20T12:00:00+07:00"}
    # when it is opened
    response = get(leader_client, "reports:report", **query)
    # then the report is read at that instant, and the form does not carry the instant to the next choice
    as_of = datetime(2025, 3, 20, 12, tzinfo=VIETNAM)
    assert response.context["report"].window.end == as_of
    assert response.context["report"].as_dict() == province_report(setup, as_of=as_of, group_by="unit").as_dict()
    assert 'name="as_of"' not in response.content.decode()


# --- the dossiers behind a figure -----------------------------------------------------------------


def _links(lines):
    """Return (line label, cell) of every linked cell of the table."""
    return [(line["label"], cell) for line in lines for cell in line["cells"] if cell.href]


def test_every_figure_links_to_the_dossiers_behind_it(leader_client, history):
    # given the report page by unit
    setup, _codes = history
    page = get(leader_client, "reports:report", **WINDOW, unit=setup["province"].code, group_by="unit")
    links = _links(page.context["lines"])
    assert len(links) == 3 * (len(COLUMNS) - 1)  # every column but the gap, on every line
    for label, cell in links:
        # when the figure's link is followed
        listed = follow(leader_client, cell.href)
        query = {key: values[0] for key, values in parse_qs(urlsplit(cell.href).query).items()}
        # then the list is period_report_dossiers' (the union of the parts for the report forms' sums)
        measures = DERIVED.get(query["measure"], (query["measure"],))
        with time_machine.travel(AFTER, tick=False):
            expected = sorted(
                code
                for measure in measures
                for code in period_report_dossiers(
                    unit=setup["province"],
                    date_from=DATE_FROM,
                    date_to=DATE_TO,
                    as_of=datetime.fromisoformat(query["as_of"]),
                    measure=measure,
                    group_by=query.get("group_by"),
                    group=query.get("group"),
                )
            )
        assert listed.status_code == 200, cell.href
        assert [d.code for d in listed.context["dossiers"]] == expected, (label, query["measure"])
        # and a count lists exactly as many dossiers as it says
        if not cell.rate:
            assert listed.context["count"] == cell.value, (label, query["measure"])


def test_the_list_links_each_dossier_to_its_page(leader_client, history):
    setup, codes = history
    base = {"unit": setup["province"].code, "from": "2025-03-10", "to": "2025-03-31"}
    response = get(leader_client, "reports:dossiers", **base, measure="pending_overdue")
    assert [d.code for d in response.context["dossiers"]] == [codes["d4"]]
    assert reverse("dossiers:detail", args=[codes["d4"]]) in response.content.decode()
    assert "Đang giải quyết quá hạn" in response.content.decode()


def test_a_bad_link_is_a_bad_request(leader_client, history):
    setup, _codes = history
    response = get(leader_client, "reports:dossiers", unit=setup["province"].code, measure="nonsense")
    assert response.status_code == 400


# --- downloads ----------------------------------------------------------------------------------


def test_the_downloads_are_the_report_as_xlsx_and_pdf(leader_client, history):
    # given the report page's download links
    setup, _codes = history
    page = get(leader_client, "reports:report", **WINDOW, unit=setup["province"].code)
    downloads = page.context["downloads"]
    # when both are fetched
    xlsx, pdf = follow(leader_client, downloads["xlsx"]), follow(leader_client, downloads["pdf"])
    # then they are a workbook and a PDF of the same figures, named after the unit and the window
    assert xlsx["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="bao-cao-000.00.00.H31-20250310-20250331.xlsx"' in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    total_row = [cell.value for cell in sheet[sheet.max_row]]
    assert total_row[1] == "Tổng cộng"
    assert total_row[2] == EXPECTED["carried_in"] + EXPECTED["received"]  # (1) to handle
    assert total_row[6] == EXPECTED["resolved"]
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


# --- dashboards ---------------------------------------------------------------------------------


def test_the_overview_reads_the_period_report_month_by_month(leader_client, history):
    # given the scenario (March 2025), read on 10/4/2025
    setup, _codes = history
    # when the overview of 2025 is opened
    response = get(leader_client, "reports:overview", year=2025)
    charts = {chart.id: chart for chart in response.context["charts"]}
    # then there are the trend, the ranking, the overdue, the channel and the timeliness charts
    assert list(charts) == ["trend", "ranking", "overdue", "channel", "timeliness"]
    # and each month of the trend is period_report's for that month of the default scheme; months to come are empty
    received, resolved, late = (dataset["data"] for dataset in charts["trend"].spec["datasets"])
    for number in (2, 3, 4):
        date_from, date_to = window(Span.MONTH, 2025, number)
        with time_machine.travel(AFTER, tick=False):
            month = period_report(unit=setup["province"], date_from=date_from, date_to=date_to).total
        assert (received[number - 1], resolved[number - 1], late[number - 1]) == (
            month.received,
            month.resolved,
            month.resolved_late,
        )
    assert received[4:] == [None] * 8
    # and the headline figures are the year's
    date_from, date_to = window(Span.YEAR, 2025)
    with time_machine.travel(AFTER, tick=False):
        year = period_report(unit=setup["province"], date_from=date_from, date_to=date_to).total
    cards = {str(card["label"]): card["value"] for card in response.context["kpis"]}
    assert cards["Tiếp nhận trong kỳ"] == year.received
    assert cards["Đang giải quyết quá hạn"] == year.pending_overdue
    assert cards["Tỷ lệ đúng hạn"] == year.on_time_rate


def test_the_ranking_puts_the_best_on_time_rate_first_and_has_a_table(leader_client, history):
    setup, _codes = history
    response = get(leader_client, "reports:overview", year=2025)
    ranking = next(chart for chart in response.context["charts"] if chart.id == "ranking")
    rates = ranking.spec["datasets"][0]["data"]
    assert rates == sorted(rates, reverse=True)
    html = response.content.decode()
    assert '<script id="chart-ranking-data" type="application/json">' in html
    assert 'data-chart="chart-ranking-data"' in html
    assert html.count('<details class="chart-table">') == 5
    # the table rows link to the units' dashboards
    assert reverse("reports:unit_dashboard", args=[setup["commune"].code]) in html


def test_the_unit_dashboard_is_scoped_to_the_unit(leader_client, history):
    setup, _codes = history
    response = get(leader_client, "reports:unit_dashboard", setup["commune"].code, year=2025)
    date_from, date_to = window(Span.YEAR, 2025)
    with time_machine.travel(AFTER, tick=False):
        year = period_report(unit=setup["commune"], date_from=date_from, date_to=date_to).total
    cards = {str(card["label"]): card["value"] for card in response.context["kpis"]}
    assert (cards["Tiếp nhận trong kỳ"], cards["Đang giải quyết"]) == (year.received, year.pending)
    assert year.received == 1  # d5, received by the commune itself


def test_the_procedure_dashboard_shows_the_procedures_row(leader_client, history):
    setup, _codes = history
    code = setup["version"].procedure.code
    response = get(leader_client, "reports:procedure_dashboard", code, unit=setup["province"].code, year=2025)
    date_from, date_to = window(Span.YEAR, 2025)
    with time_machine.travel(AFTER, tick=False):
        grouped = period_report(unit=setup["province"], date_from=date_from, date_to=date_to, group_by="procedure")
    (row,) = [row for row in grouped.rows if row.key == code]
    cards = {str(card["label"]): card for card in response.context["kpis"]}
    assert cards["Đã giải quyết"]["value"] == row.figures.resolved
    assert "group=" + code in cards["Đã giải quyết"]["href"]
    assert [chart.id for chart in response.context["charts"]] == ["trend", "channel", "timeliness"]


def test_the_766_panel_scores_each_child_unit(leader_client, history):
    # when the panel is loaded by htmx for the province
    setup, _codes = history
    with time_machine.travel(AFTER, tick=False):
        response = leader_client.get(
            reverse("reports:index766"), {"unit": setup["province"].code, "year": 2025}, HTTP_HX_REQUEST="true"
        )
        expected = index766(unit=setup["province"], date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    # then it is the fragment, with the province's index and one bar per child unit
    assert response.templates[0].name == "reports/_index766.html"
    assert float(response.context["own"].total) == float(expected.total)
    chart = response.context["chart"]
    assert sorted(chart.spec["labels"]) == sorted([setup["commune"].name, setup["center"].name])
    assert len(chart.spec["datasets"]) == 6  # the six groups of the portal


def test_the_lateness_page_groups_by_responsible_unit_and_links_each_line(leader_client, history):
    setup, codes = history
    response = get(leader_client, "reports:lateness", **WINDOW, unit=setup["province"].code)
    with time_machine.travel(AFTER, tick=False):
        expected = late_dossiers_by_cause(unit=setup["province"], date_from=DATE_FROM, date_to=DATE_TO)
    assert response.context["result"] == expected
    (unit,) = response.context["units"]
    hrefs = {entry["line"].cause: entry["href"] for entry in unit["lines"]}
    listed = follow(leader_client, hrefs["step_overrun"])
    assert [d.code for d in listed.context["dossiers"]] == sorted([codes["d3"], codes["d4"]])
    assert listed.context["title"] == "Hồ sơ trễ hạn: Quá thời hạn của bước xử lý"


# --- query counts ---------------------------------------------------------------------------------


@pytest.fixture
def busy(published_calendar):
    """Return a setup and a function adding dossiers: accepted, in process, decided (a third each)."""
    setup = agency_setup()
    made = []

    def add(count):
        for n in range(count):
            day = 3 + len(made) % 20
            if n % 3 == 0:
                accepted_dossier(setup, at=f"2025-03-{day:02d} 09:00 +07:00")
            elif n % 3 == 1:
                in_process_dossier(setup)
            else:
                done_dossier(setup, at=f"2025-03-{day + 5:02d} 10:00 +07:00")
            made.append(n)

    return setup, add


PAGES_COUNTED = [
    ("reports:report", [], {**WINDOW, "group_by": "unit"}),
    ("reports:dossiers", [], {"from": "2025-03-01", "to": "2025-03-31", "measure": "to_handle"}),
    ("reports:overview", [], {"year": 2025}),
    ("reports:unit_dashboard", ["000.10.50.H31"], {"year": 2025}),
    ("reports:lateness", [], WINDOW),
]


def _queries(client, name, args, query):
    with CaptureQueriesContext(connection) as captured:
        assert get(client, name, *args, **query).status_code == 200
    return len(captured)


@time_machine.travel("2025-04-10 10:00 +07:00", tick=False)  # the bounds below count the reports of 10/4/2025
def test_the_pages_do_not_grow_their_queries_with_the_dossiers(client, busy, django_assert_max_num_queries):
    # given a leader of the province and 10 dossiers
    setup, add = busy
    client.force_login(MembershipFactory(unit=setup["province"], role=Role.LEADER).user)
    add(10)
    few = {name: _queries(client, name, args, query) for name, args, query in PAGES_COUNTED}
    # when 20 more dossiers are added (30 in all)
    add(20)
    assert Dossier.objects.count() == 30
    # then each page makes as many queries as before, and no more than its bound
    # (a dashboard reads 1 + 4 reports on 10/4/2025: the year and the months from January to April)
    # Upper limits with headroom for what other tests leave cached; the equality below is the N+1 guard.
    # The report page also looks for a closed period's snapshot (one query); a report read from the
    # counters reads the fill state and checks its sequence before and after (ADR 0005).
    bounds = {"reports:report": 30, "reports:dossiers": 32, "reports:overview": 80, "reports:unit_dashboard": 80}
    for name, args, query in PAGES_COUNTED:
        with django_assert_max_num_queries(bounds.get(name, 32)):
            assert get(client, name, *args, **query).status_code == 200
        assert _queries(client, name, args, query) == few[name], name
