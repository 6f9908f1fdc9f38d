"""The ledger (sổ theo dõi hồ sơ): its rows and numbering, query count, .xlsx and PDF exports."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from motcua.accounts.tests.factories import UnitFactory
from motcua.dossiers import services
from motcua.dossiers.documents.ledger import ledger_position, ledger_rows, ledger_xlsx
from motcua.dossiers.documents.pdf import render_form_html, render_ledger_pdf
from motcua.dossiers.states import Channel, ReturnMethod
from motcua.dossiers.tests.factories import APPLICANT, accepted_dossier, agency_setup

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = {"date_from": date(2025, 3, 1), "date_to": date(2025, 3, 31)}
pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


def online_dossier(setup, *, submitted, accepted, name="Công ty TNHH Hải Âu"):
    """Return a dossier submitted online at `submitted` and accepted at `accepted`."""
    applicant = APPLICANT.__class__(**{**APPLICANT.__dict__, "name": name})
    with time_machine.travel(submitted, tick=False):
        dossier = services.dossier_submit(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            channel=Channel.ONLINE,
            applicant=applicant,
        )
    with time_machine.travel(accepted, tick=False):
        return services.dossier_accept(code=dossier.code, actor=setup["reception"])


@pytest.fixture
def march(setup):
    """Dossiers around March 2025: one before, three in (one online), one in another unit, one after."""
    other = UnitFactory(code="000.20.50.H31", name="Bộ phận Một cửa phường Hồng Bàng", parent=setup["province"])
    with time_machine.travel("2025-03-03 10:00 +07:00", tick=False):
        elsewhere = services.dossier_receive_at_counter(
            version=setup["version"],
            receiving_unit=other,
            reception_point=other,
            applicant=APPLICANT,
            components=[],
            actor=setup["reception"],
        )
    return {
        "before": accepted_dossier(setup, at="2025-02-20 09:00 +07:00"),
        "later": accepted_dossier(setup, at="2025-03-05 10:00 +07:00"),
        "first": accepted_dossier(setup, at="2025-03-03 09:00 +07:00"),
        "online": online_dossier(setup, submitted="2025-03-01 21:00 +07:00", accepted="2025-03-04 08:00 +07:00"),
        "elsewhere": elsewhere,
        "april": accepted_dossier(setup, at="2025-04-01 08:00 +07:00"),
    }


def test_rows_are_the_units_acceptances_in_the_window_in_order(setup, march):
    # when the March ledger of the service center is read
    rows = ledger_rows(unit_ids=[setup["center"].pk], **MARCH)
    # then it lists the center's March acceptances by acceptance time, numbered on from February
    assert [row.code for row in rows] == [march["first"].code, march["online"].code, march["later"].code]
    assert [row.index for row in rows] == [1, 2, 3]
    assert [(row.book, row.serial) for row in rows] == [(2025, 2), (2025, 3), (2025, 4)]


def test_the_book_number_matches_the_receipt(setup, march):
    # given the number the receipt prints
    assert ledger_position(dossier=march["online"]) == (2025, 3)
    assert "Quyển số: 2025, Số thứ tự: 3" in render_form_html(dossier=march["online"], kind="receipt")
    # then the ledger line carries the same number
    (row,) = [row for row in ledger_rows(unit_ids=[setup["center"].pk], **MARCH) if row.code == march["online"].code]
    assert (row.book, row.serial) == (2025, 3)


def test_each_unit_keeps_its_own_book(setup, march):
    rows = ledger_rows(unit_ids=[setup["center"].pk, march["elsewhere"].receiving_unit_id], **MARCH)
    assert [row.code for row in rows][:2] == [march["first"].code, march["elsewhere"].code]
    assert [row.serial for row in rows] == [2, 1, 3, 4]


def test_a_new_year_opens_a_new_book(setup):
    accepted_dossier(setup, at="2024-12-31 09:00 +07:00")
    january = accepted_dossier(setup, at="2025-01-02 09:00 +07:00")
    rows = ledger_rows(unit_ids=[setup["center"].pk], date_from=date(2024, 12, 1), date_to=date(2025, 1, 31))
    assert [(row.book, row.serial) for row in rows] == [(2024, 1), (2025, 1)]
    assert ledger_position(dossier=january) == (2025, 1)


def test_the_window_uses_local_days(setup):
    # given a dossier accepted at 07:30 on 1/3/2025 in Hải Phòng (00:30 UTC) and one at 16:45 on 31/3
    early = accepted_dossier(setup, at="2025-03-03 07:30 +07:00")
    late = accepted_dossier(setup, at="2025-03-31 16:45 +07:00")
    # when the ledger of 3/3 … 31/3 is read
    rows = ledger_rows(unit_ids=[setup["center"].pk], date_from=date(2025, 3, 3), date_to=date(2025, 3, 31))
    # then both are in
    assert [row.code for row in rows] == [early.code, late.code]


def test_rows_carry_the_columns_of_the_ledger(setup, march):
    # given the first dossier transferred, re-appointed by an apology, decided and delivered by post
    code = march["first"].code
    with time_machine.travel("2025-03-03 14:00 +07:00", tick=False) as clock:
        services.dossier_transfer(code=code, actor=setup["reception"])
        services.dossier_assign(code=code, actor=setup["head"], assignee=setup["officer"])
        clock.move_to("2025-03-13 09:00 +07:00")
        services.dossier_forward(code=code, actor=setup["officer"])
        services.dossier_draft_apology(
            code=code,
            actor=setup["officer"],
            cause="workload",
            reason="Nhiều hồ sơ",
            responsible_unit=setup["commune"],
            new_appointment_at=_vn(3, 19, 9),
        )
        services.dossier_approve_apology(code=code, actor=setup["head"])
        clock.move_to("2025-03-18 15:00 +07:00")
        services.dossier_decide(code=code, actor=setup["head"], outcome="approved", summary="Cấp giấy phép")
        clock.move_to("2025-03-19 09:00 +07:00")
        services.dossier_deliver(code=code, actor=setup["reception"], method=ReturnMethod.POST)
    # when the ledger is read
    first, online, _later = ledger_rows(unit_ids=[setup["center"].pk], **MARCH)
    # then every LED-1 column is filled from the dossier and its history
    assert first.procedure == "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ"
    assert first.sets == 1
    assert first.applicant == "Nguyễn Thị Lan"
    assert first.address_phone == "Thôn Đông, xã Vĩnh Bảo, thành phố Hải Phòng; ĐT: 0912345678"
    assert first.competent_agency == "Ủy ban nhân dân xã Vĩnh Bảo"
    assert first.received_at == _vn(3, 3, 9)
    assert first.appointment_at == _vn(3, 17, 9)
    assert first.transferred_at == _vn(3, 3, 14)
    assert first.result_at == _vn(3, 18, 15)
    assert first.delivered_at == _vn(3, 19, 9)
    assert str(first.note) == "Hẹn lại ngày trả: 09:00 19/03/2025; Qua bưu chính công ích"
    assert str(online.note) == "Trực tuyến"
    assert online.transferred_at is None and online.delivered_at is None


def test_reading_the_ledger_takes_a_fixed_number_of_queries(setup, march, django_assert_max_num_queries):
    # given many more dossiers in the window, each with a history
    for day in range(6, 16):
        accepted_dossier(setup, at=f"2025-03-{day:02d} 09:00 +07:00")
    # when the ledger is read
    with django_assert_max_num_queries(2):
        rows = ledger_rows(unit_ids=[setup["center"].pk], **MARCH)
    # then all 13 lines came from those queries, without one query per dossier
    assert len(rows) == 13


def test_the_xlsx_has_the_form_header_and_one_line_per_dossier(setup, march):
    # given the March ledger
    rows = ledger_rows(unit_ids=[setup["center"].pk], **MARCH)
    # when it is exported
    data = ledger_xlsx(rows, title="Từ ngày 01/03/2025 đến ngày 31/03/2025", unit_name=setup["center"].name)
    # then it reads back with the header block, a bold heading row and one line per dossier
    sheet = load_workbook(io.BytesIO(data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ VĨNH BẢO"
    assert "Mẫu số 06" in values[0]
    assert any("01/2018/TT-VPCP" in str(value) for value in values[1])
    assert values[2][0] == "SỔ THEO DÕI HỒ SƠ"
    assert values[3][0] == "Từ ngày 01/03/2025 đến ngày 31/03/2025"
    heading = values[5]
    assert heading[:4] == ("STT", "Số vào sổ", "Mã hồ sơ", "Tên thủ tục hành chính")
    assert sheet.cell(row=6, column=3).font.b
    lines = values[6:]
    assert [line[2] for line in lines] == [row.code for row in rows]
    assert lines[0][:2] == (1, "2/2025")
    assert lines[0][8] == datetime(2025, 3, 3, 9, 0)  # local wall-clock time
    assert sheet.column_dimensions["C"].width == 24


def test_the_xlsx_form_number_follows_the_day(setup):
    values = list(load_workbook(io.BytesIO(ledger_xlsx([], title="", day=date(2025, 7, 1)))).active.values)
    assert "Mẫu số 07" in values[0]
    assert any("03/2025/TT-VPCP" in str(value) for value in values[1])


def test_applicant_text_never_becomes_a_formula(setup):
    # given an applicant whose name looks like a spreadsheet formula
    online_dossier(
        setup, submitted="2025-03-03 08:00 +07:00", accepted="2025-03-03 09:00 +07:00", name='=HYPERLINK("x","y")'
    )
    rows = ledger_rows(unit_ids=[setup["center"].pk], **MARCH)
    # when the ledger is exported and read back
    sheet = load_workbook(io.BytesIO(ledger_xlsx(rows, title="")), rich_text=False).active
    cell = sheet.cell(row=7, column=6)
    # then the cell holds the text, not a formula
    assert cell.value == '=HYPERLINK("x","y")'
    assert cell.data_type == "s"


def test_the_ledger_prints_on_landscape_a4(setup, march):
    rows = ledger_rows(unit_ids=[setup["center"].pk], **MARCH)
    data = render_ledger_pdf(rows, title="Tháng 3/2025", unit_name=setup["center"].name)
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    text = page.extract_text()
    assert "SỔ THEO DÕI HỒ SƠ" in text
    assert march["first"].code in text


def _vn(month, day, hour):
    return datetime(2025, month, day, hour, tzinfo=VN)
