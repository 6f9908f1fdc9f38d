"""The period report's .xlsx and PDF layouts (ST-17): headings, bands, lines, numbers."""

import io
from datetime import date, datetime

import pytest
import time_machine
from openpyxl import load_workbook

from motcua.dossiers.tests.factories import accepted_dossier, agency_setup, done_dossier
from motcua.reports.exports import period_report_html, period_report_pdf, period_report_xlsx, report_lines
from motcua.reports.selectors import period_report
from motcua.workdays.arith import VIETNAM

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    setup = agency_setup()
    done_dossier(setup)  # accepted Mon 3/3, decided Mon 10/3: early
    accepted_dossier(setup, at="2025-03-04 09:00 +07:00")  # still pending at the end of March: overdue
    return setup


def march(setup, group_by=None):
    with time_machine.travel(datetime(2025, 4, 2, 9, tzinfo=VIETNAM), tick=False):
        return period_report(
            unit=setup["province"], date_from=date(2025, 3, 1), date_to=date(2025, 3, 31), group_by=group_by
        )


def test_the_workbook_has_banded_headings_and_a_numbering_row(setup):
    # when the report grouped by unit is exported
    sheet = load_workbook(io.BytesIO(period_report_xlsx(march(setup, "unit")))).active
    # then the bands span their columns and the single headings span both heading rows
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    assert {"A5:A6", "B5:B6", "C5:F5", "G5:J5", "K5:M5", "N5:N6", "O5:O6", "P5:Q5", "R5:R6"} <= merged
    headings = [cell.value for cell in sheet[6]][2:]
    assert headings[:4] == ["Tổng số", "Trực tuyến", "Trực tiếp, bưu chính công ích", "Kỳ trước chuyển qua"]
    assert [cell.value for cell in sheet[7]][:4] == ["(1)", "(2)", "(3) = (4) + (5) + (6)", "(4)"]
    # and the lines are the child units (even the one without dossiers) and the total
    assert [sheet.cell(row=r, column=2).value for r in range(8, sheet.max_row + 1)] == [
        setup["commune"].name,
        setup["center"].name,
        "Tổng cộng",
    ]
    assert sheet.cell(row=sheet.max_row, column=3).value == 2  # two dossiers to handle
    assert sheet.cell(row=8, column=16).value is None  # no rate without a denominator: an empty cell, not 0


def test_an_ungrouped_report_has_the_unit_line_and_the_total(setup):
    report = march(setup)
    assert [(number, label) for number, label, _figures in report_lines(report)] == [
        ("1", setup["province"].name),
        ("", "Tổng cộng"),
    ]


def test_the_print_html_has_the_national_header_and_vietnamese_numbers(setup):
    html = period_report_html(march(setup, "unit"), unit=setup["province"])
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "size: A4 landscape" in html
    assert "Từ ngày 01/03/2025 đến ngày 31/03/2025 (số liệu tính đến 23:59 ngày 31/03/2025)" in html
    assert "50,00" in html  # the on-time rate with a decimal comma (1 of 2)
    assert period_report_pdf(march(setup), unit=setup["province"]).startswith(b"%PDF")


def test_a_grouping_other_than_units_names_its_column(setup):
    sheet = load_workbook(io.BytesIO(period_report_xlsx(march(setup, "field")))).active
    assert sheet["B5"].value == "Lĩnh vực"
    assert sheet.cell(row=8, column=2).value == "Hộ tịch"
