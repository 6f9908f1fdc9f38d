"""The one-stop documents: form sets by date, the content of each form, escaping, QR code and PDF."""

import io
import re
import unicodedata
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import get_template
from pypdf import PdfReader

from motcua.accounts.tests.factories import UnitFactory
from motcua.dossiers import services
from motcua.dossiers.documents.forms import FORM_SETS, FormKind, FormNotInSet, form_for, form_set_for
from motcua.dossiers.documents.pdf import (
    DocumentUnavailable,
    date_words,
    place_name,
    render_form_html,
    render_form_pdf,
    step_result,
)
from motcua.dossiers.documents.qr import lookup_url, qr_data_uri
from motcua.dossiers.models import Apology, DossierStep
from motcua.dossiers.services.core import record
from motcua.dossiers.states import Channel, State
from motcua.dossiers.tests.factories import APPLICANT, accepted_dossier, agency_setup

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db
LAST_DAY_2018 = date(2025, 6, 30)
FIRST_DAY_2025 = date(2025, 7, 1)


def pdf_text(data: bytes) -> str:
    """Return the text of every page, NFC-normalised as it was typed."""
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def embedded_fonts(reader: PdfReader) -> set[str]:
    """Return the names of the fonts the first page uses whose glyphs are embedded in the file."""
    names = set()
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        for descendant in font.get("/DescendantFonts", [font]):
            descriptor = descendant.get_object()["/FontDescriptor"].get_object()
            if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font["/BaseFont"]))
    return names


def flat(html: str) -> str:
    """Return the HTML with runs of whitespace collapsed, so assertions can span template line breaks."""
    return re.sub(r"\s+", " ", html)


# --- form sets ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "number_2018", "number_2025"),
    [
        (FormKind.RECEIPT, "Mẫu số 01", "Mẫu số 01"),
        (FormKind.COMPLETION_REQUEST, "Mẫu số 02", "Mẫu số 02"),
        (FormKind.REFUSAL, "Mẫu số 03", "Mẫu số 03"),
        (FormKind.APOLOGY, "Mẫu số 04", "Mẫu số 04"),
        (FormKind.CONTROL_SLIP, "Mẫu số 05", "Mẫu số 06"),
        (FormKind.LEDGER, "Mẫu số 06", "Mẫu số 07"),
    ],
)
def test_the_form_number_follows_the_circular_in_force_on_the_documents_date(kind, number_2018, number_2025):
    # when the same kind is asked for on the last day of Circular 01/2018 and the first of Decree 118
    before, after = form_for(kind, LAST_DAY_2018), form_for(kind, FIRST_DAY_2025)
    # then each carries its own circular's number and legal basis
    assert (before.number, after.number) == (number_2018, number_2025)
    assert "Thông tư số 01/2018/TT-VPCP ngày 23/11/2018" in before.legal_basis
    assert "Thông tư số 03/2025/TT-VPCP" in after.legal_basis
    assert before.legal_basis.startswith("Ban hành kèm theo")


def test_the_set_switches_on_1_july_2025():
    assert form_set_for(LAST_DAY_2018).circular == "01/2018/TT-VPCP"
    assert form_set_for(FIRST_DAY_2025).circular == "03/2025/TT-VPCP"
    assert len(form_set_for(LAST_DAY_2018).forms) == 6
    assert len(form_set_for(FIRST_DAY_2025).forms) == 7


def test_the_apology_form_changed_its_title_in_2025():
    assert form_for(FormKind.APOLOGY, LAST_DAY_2018).title == "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
    assert form_for(FormKind.APOLOGY, FIRST_DAY_2025).title == "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"


def test_the_stop_notice_exists_only_from_1_july_2025():
    # given the 2025 set
    assert form_for(FormKind.STOP_NOTICE, FIRST_DAY_2025).number == "Mẫu số 05"
    # when the 2018 set is asked for a stop notice
    with pytest.raises(FormNotInSet) as missing:
        form_for(FormKind.STOP_NOTICE, LAST_DAY_2018)
    # then the error names the circular and the document in both languages
    assert "01/2018/TT-VPCP" in str(missing.value)
    assert "Thông báo dừng giải quyết hồ sơ" in str(missing.value)
    assert "no stop_notice form" in str(missing.value)


def test_an_unknown_kind_is_refused():
    with pytest.raises(FormNotInSet, match="unknown document kind"):
        form_for("certificate", FIRST_DAY_2025)


def test_the_receipt_prints_on_a5_and_the_others_on_a4():
    assert form_for(FormKind.RECEIPT, FIRST_DAY_2025).page_size == "A5"
    assert form_for(FormKind.APOLOGY, FIRST_DAY_2025).page_size == "A4"


def test_every_form_of_every_set_has_a_template():
    # when every template named by the sets is loaded
    names = {spec.template for form_set in FORM_SETS for spec in form_set.forms.values()}
    # then none is missing
    for name in names:
        assert get_template(name)


# --- pure helpers ---------------------------------------------------------------------------------


def test_dates_carry_leading_zeros_for_days_below_10_and_for_january_and_february():
    assert date_words(datetime(2025, 2, 5, 10, tzinfo=VN)) == "ngày 05 tháng 02 năm 2025"
    assert date_words(datetime(2025, 3, 3, 10, tzinfo=VN)) == "ngày 03 tháng 3 năm 2025"
    assert date_words(datetime(2025, 11, 15, 10, tzinfo=VN)) == "ngày 15 tháng 11 năm 2025"


def test_dates_are_written_in_local_time():
    # 18:30 UTC on 30/06 is already 01/07 in Hải Phòng
    assert date_words(datetime(2025, 6, 30, 18, 30, tzinfo=ZoneInfo("UTC"))) == "ngày 01 tháng 7 năm 2025"


@pytest.mark.parametrize(
    ("finished", "result"),
    [
        (datetime(2025, 3, 10, 16, 0, tzinfo=VN), "Trước hạn"),
        (datetime(2025, 3, 11, 8, 0, tzinfo=VN), "Đúng hạn"),
        (datetime(2025, 3, 11, 10, 0, tzinfo=VN), "Đúng hạn"),
        (datetime(2025, 3, 11, 10, 1, tzinfo=VN), "Quá hạn"),
        (None, ""),
    ],
)
def test_a_step_is_early_on_time_or_late_against_its_due_time(finished, result):
    step = DossierStep(
        started_at=datetime(2025, 3, 3, 9, tzinfo=VN), due_at=datetime(2025, 3, 11, 10, tzinfo=VN), finished_at=finished
    )
    assert step_result(step) == result


# --- rendering ------------------------------------------------------------------------------------


@pytest.fixture
def setup(published_calendar):
    return agency_setup()


@pytest.fixture
def dossier(setup):
    return accepted_dossier(setup)


def advance(dossier, *, state, type, actor, at, data=None):
    """Move the dossier to `state` with its event, as a service would (rendering tests only)."""
    previous = dossier.state
    dossier.state = state
    dossier.save(update_fields=["state"])
    return record(dossier, type=type, actor=actor, at=at, from_state=previous, data=data or {})


def test_the_receipt_carries_the_content_of_form_01(setup, dossier):
    # given a dossier accepted at the counter on Mon 3/3/2025 09:00
    # when its receipt is rendered
    html = flat(render_form_html(dossier=dossier, kind=FormKind.RECEIPT))
    # then the header, the form and the content of REC-4 are there
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Độc lập - Tự do - Hạnh phúc" in html
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG" in html  # the issuer's parent, above it
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ VĨNH BẢO" in html
    assert "Số: 1/2025" in html
    assert "Hải Phòng, ngày 03 tháng 3 năm 2025" in html
    assert "Mẫu số 01" in html and "Thông tư số 01/2018/TT-VPCP" in html
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in html
    assert f"Mã hồ sơ: {dossier.code}" in html
    assert "Nguyễn Thị Lan" in html and "0912345678" in html and "lan.nguyen@example.vn" in html
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in html
    assert 'Đơn đề nghị cấp giấy phép xây dựng</td><td class="center">Bản chính</td><td class="num">1</td>' in html
    assert "theo quy định là: 10 ngày làm việc" in html
    assert "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 03 tháng 3 năm 2025" in html
    assert "Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 17 tháng 3 năm 2025" in html
    assert "Bộ phận Một cửa — Trung tâm Phục vụ hành chính công xã Vĩnh Bảo" in html
    assert "Quyển số: 2025, Số thứ tự: 1" in html
    assert "NGƯỜI NỘP HỒ SƠ" in html and "NGƯỜI TIẾP NHẬN HỒ SƠ" in html
    assert str(setup["reception"]) in html
    assert "size: A5" in html
    # two copies: one stays with the control slip, one goes to the applicant
    assert html.count("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ") == 2


def test_a_receipt_of_1_july_2025_uses_the_2025_form(setup):
    dossier = accepted_dossier(setup, at="2025-07-01 08:30 +07:00")
    html = flat(render_form_html(dossier=dossier, kind=FormKind.RECEIPT))
    assert "Thông tư số 03/2025/TT-VPCP" in html
    assert "01/2018/TT-VPCP" not in html
    assert "Hải Phòng, ngày 01 tháng 7 năm 2025" in html


def test_the_receipt_pdf_is_an_a5_pdf_whose_vietnamese_text_round_trips(dossier):
    # when the receipt is printed
    data = render_form_pdf(dossier=dossier, kind=FormKind.RECEIPT)
    # then it is a PDF on A5 paper with embedded fonts, and its text reads back with every diacritic
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (420, 595)  # 148 × 210 mm
    fonts = embedded_fonts(reader)
    assert fonts and all(re.search(r"Serif|Termes|Times", name) for name in fonts), fonts
    text = pdf_text(data)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Nguyễn Thị Lan" in text
    assert "Thôn Đông, xã Vĩnh Bảo" in text
    assert dossier.code in text


def test_applicant_input_is_escaped(setup):
    # given an applicant whose name and address are markup
    applicant = APPLICANT.__class__(
        **{**APPLICANT.__dict__, "name": "<script>alert(1)</script>", "address": '"><img src=x onerror=alert(2)>'}
    )
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False):
        dossier = services.dossier_receive_at_counter(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            applicant=applicant,
            components=[services.Component(name="<b>Đơn</b>")],
            actor=setup["reception"],
        )
    # when the receipt is rendered
    html = render_form_html(dossier=dossier, kind=FormKind.RECEIPT)
    # then the markup is shown as text, never run
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "<img src=x" not in html
    assert "&lt;b&gt;Đơn&lt;/b&gt;" in html


def test_every_form_carries_a_qr_code_to_the_public_lookup(settings, dossier):
    # given the public address of the portal
    settings.PUBLIC_URL = "https://dichvucong.haiphong.gov.vn/"
    url = f"https://dichvucong.haiphong.gov.vn/dich-vu-cong/tra-cuu/{dossier.lookup_secret}/"
    assert lookup_url(dossier.lookup_secret) == url
    # when the receipt and the control slip are rendered
    for kind in (FormKind.RECEIPT, FormKind.CONTROL_SLIP):
        html = render_form_html(dossier=dossier, kind=kind)
        # then each embeds the QR code of that address
        assert f'src="{qr_data_uri(url)}"' in html


def test_the_lookup_defaults_to_the_local_server(settings, dossier):
    del settings.PUBLIC_URL
    assert lookup_url("abc") == "http://127.0.0.1:8000/dich-vu-cong/tra-cuu/abc/"


def test_the_completion_request_lists_what_is_missing(setup, dossier):
    # given a completion request with its full list (Form 02)
    at = datetime(2025, 3, 4, 10, tzinfo=VN)
    missing = ["Bản vẽ thiết kế xây dựng", "Giấy chứng nhận quyền sử dụng đất (bản sao chứng thực)"]
    advance(
        dossier,
        state=State.RETURNED_FOR_COMPLETION,
        type="completion_requested",
        actor=setup["reception"],
        at=at,
        data={"missing": missing, "note": "Bản vẽ chưa có chữ ký"},
    )
    # when it is rendered
    html = flat(render_form_html(dossier=dossier, kind=FormKind.COMPLETION_REQUEST))
    # then every missing item, the note and the guiding officer are printed under Form 02
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in html
    assert "Mẫu số 02" in html
    assert "<li>Bản vẽ thiết kế xây dựng</li>" in html
    assert "<li>Giấy chứng nhận quyền sử dụng đất (bản sao chứng thực)</li>" in html
    assert "Bản vẽ chưa có chữ ký" in html
    assert "NGƯỜI HƯỚNG DẪN" in html and str(setup["reception"]) in html
    assert "Hải Phòng, ngày 04 tháng 3 năm 2025" in html


def test_the_refusal_states_its_reasons(setup, dossier):
    advance(
        dossier,
        state=State.REFUSED_AT_RECEPTION,
        type="refused",
        actor=setup["reception"],
        at=datetime(2025, 3, 3, 9, 30, tzinfo=VN),
        data={"reasons": ["Thửa đất nằm trong quy hoạch giao thông"]},
    )
    html = flat(render_form_html(dossier=dossier, kind=FormKind.REFUSAL))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in html
    assert "Mẫu số 03" in html
    assert "<li>Thửa đất nằm trong quy hoạch giao thông</li>" in html


def _apology(setup, dossier, *, approved):
    drafted = dossier.accepted_at + timedelta(days=7)
    return Apology.objects.create(
        dossier=dossier,
        cause="verification",
        reason="phải kiểm tra hiện trạng thửa đất",
        responsible_unit=setup["commune"],
        original_appointment_at=dossier.appointment_at,
        new_appointment_at=dossier.appointment_at + timedelta(days=3),
        drafted_by=setup["officer"],
        drafted_at=drafted,
        approved_by=setup["head"] if approved else None,
        approved_at=drafted + timedelta(hours=2) if approved else None,
    )


def test_the_apology_names_both_appointments_and_is_signed_by_the_head(setup, dossier):
    # given an approved apology that moves 17/3/2025 09:00 to 20/3/2025 09:00
    _apology(setup, dossier, approved=True)
    # when it is rendered
    html = flat(render_form_html(dossier=dossier, kind=FormKind.APOLOGY))
    # then it is Form 04 of 2018, issued by the responsible agency, with every element of APO-5
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in html
    assert "ỦY BAN NHÂN DÂN XÃ VĨNH BẢO" in html
    assert "Kính gửi: Nguyễn Thị Lan" in html
    assert dossier.code in html and "Cấp giấy phép xây dựng mới" in html
    assert "Ngày 03 tháng 3 năm 2025" in html  # receipt date
    assert "09 giờ 00 phút, ngày 17 tháng 3 năm 2025" in html  # original appointment
    assert "09 giờ 00 phút, ngày 20 tháng 3 năm 2025" in html  # new appointment
    assert "phải kiểm tra hiện trạng thửa đất" in html
    assert "xin lỗi" in html
    assert "THỦ TRƯỞNG CƠ QUAN" in html and str(setup["head"]) in html
    assert "DỰ THẢO" not in html


def test_an_unapproved_apology_prints_as_a_draft(setup, dossier):
    _apology(setup, dossier, approved=False)
    html = render_form_html(dossier=dossier, kind=FormKind.APOLOGY)
    assert "DỰ THẢO" in html


def test_an_apology_approved_from_july_2025_is_the_2025_letter(setup):
    dossier = accepted_dossier(setup, at="2025-06-23 09:00 +07:00")  # accepted under 2018 rules
    _apology(setup, dossier, approved=True)  # approved 30/6 11:00 (2018) — move it past the switch
    Apology.objects.filter(dossier=dossier).update(approved_at=datetime(2025, 7, 1, 8, tzinfo=VN))
    html = flat(render_form_html(dossier=dossier, kind=FormKind.APOLOGY))
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in html
    assert "Thông tư số 03/2025/TT-VPCP" in html


def test_the_control_slip_judges_each_step_against_its_due_time(setup, dossier):
    # given the reception step and two processing steps, one late and one still open
    start = dossier.accepted_at
    for order, name, finished in [(2, "Thẩm định hồ sơ", start + timedelta(days=9)), (3, "Phê duyệt", None)]:
        DossierStep.objects.create(
            dossier=dossier,
            order=order,
            name=name,
            role="processing_officer",
            unit=setup["commune"],
            assignee=setup["officer"] if finished else None,
            quota_amount=6,
            quota_unit="working_days",
            started_at=start + timedelta(hours=order),
            due_at=start + timedelta(days=8),
            finished_at=finished,
            note="Chờ xác minh" if finished else "",
        )
    # when the control slip is rendered
    html = flat(render_form_html(dossier=dossier, kind=FormKind.CONTROL_SLIP))
    # then its table has the four columns of STEP-3 and a verdict per finished step
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in html and "Mẫu số 05" in html
    for heading in ("TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ", "KẾT QUẢ GIẢI QUYẾT HỒ SƠ", "GHI CHÚ"):
        assert heading in html
    verdicts = re.findall(r'<td class="center">([^<]*)</td>', html)
    assert verdicts == ["Đúng hạn", "Quá hạn", ""]
    assert "Nhận: 09 giờ 00 phút, ngày 03/03/2025" in html
    assert "Cơ quan (bộ phận) giải quyết hồ sơ: Ủy ban nhân dân xã Vĩnh Bảo" in html


def test_the_control_slip_of_2025_is_form_06(setup):
    dossier = accepted_dossier(setup, at="2025-07-02 09:00 +07:00")
    assert "Mẫu số 06" in render_form_html(dossier=dossier, kind=FormKind.CONTROL_SLIP)


def test_a_stop_from_july_2025_prints_form_05(setup):
    # given a dossier stopped on 10/7/2025 after a withdrawal request
    dossier = accepted_dossier(setup, at="2025-07-02 09:00 +07:00")
    advance(dossier, state=State.WITHDRAWAL_REQUESTED, type="withdrawal_requested", actor=None, at=_vn(2025, 7, 9))
    advance(
        dossier, state=State.STOPPED, type="stopped", actor=setup["head"], at=_vn(2025, 7, 10), data={"reason": "Rút"}
    )
    # when the stop notice is rendered
    html = flat(render_form_html(dossier=dossier, kind=FormKind.STOP_NOTICE))
    # then it is Form 05 of Circular 03/2025, issued by the competent agency
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in html and "Mẫu số 05" in html
    assert "ỦY BAN NHÂN DÂN XÃ VĨNH BẢO" in html
    assert "Theo đề nghị rút hồ sơ của Ông/Bà/Tổ chức" in html
    assert "kể từ 10 giờ 00 phút, ngày 10 tháng 7 năm 2025" in html


def test_a_stop_before_july_2025_is_a_plain_written_notice(setup, dossier):
    # given a dossier stopped on 30/6/2025, when the 2018 set has no stop form
    advance(dossier, state=State.STOPPED, type="stopped", actor=setup["head"], at=_vn(2025, 6, 30))
    # when the stop notice is rendered
    html = flat(render_form_html(dossier=dossier, kind=FormKind.STOP_NOTICE))
    # then it is a plain notice without a form number
    assert "<h1>THÔNG BÁO</h1>" in html
    assert "Về việc dừng giải quyết hồ sơ" in html
    assert "Mẫu số" not in html


def _vn(year, month, day, hour=10):
    return datetime(year, month, day, hour, tzinfo=VN)


def test_every_form_prints_as_a_pdf(setup, dossier):
    # given a dossier with every document (rendering only: the state is set directly)
    advance(dossier, state=State.IN_PROCESS, type="supplement_requested", actor=setup["officer"], at=_vn(2025, 3, 5))
    advance(dossier, state=State.STOPPED, type="refused", actor=setup["reception"], at=_vn(2025, 3, 5))
    advance(dossier, state=State.STOPPED, type="stopped", actor=setup["head"], at=_vn(2025, 3, 6))
    _apology(setup, dossier, approved=True)
    for kind in set(FormKind.values) - {FormKind.LEDGER}:
        # when it is printed
        data = render_form_pdf(dossier=dossier, kind=kind)
        # then it is a PDF whose text reads back
        assert data.startswith(b"%PDF-"), kind
        assert dossier.code in pdf_text(data), kind


def test_documents_that_do_not_exist_yet_are_refused(setup):
    # given a dossier submitted online, not yet accepted
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False):
        dossier = services.dossier_submit(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            channel=Channel.ONLINE,
            applicant=APPLICANT,
        )
    # when its receipt, refusal or apology is asked for
    for kind in (FormKind.RECEIPT, FormKind.REFUSAL, FormKind.APOLOGY, FormKind.CONTROL_SLIP):
        with pytest.raises(DocumentUnavailable) as refused:
            render_form_html(dossier=dossier, kind=kind)
        # then the refusal says why, in both languages
        assert " / " in refused.value.message
        assert refused.value.status == 409
    # and the ledger is not a per-dossier document
    with pytest.raises(services.DossierError):
        render_form_html(dossier=dossier, kind=FormKind.LEDGER)


def test_the_place_is_the_province_of_the_root_unit():
    province = UnitFactory(code="000.00.00.H56", name="Ủy ban nhân dân tỉnh Thanh Hóa", kind="province")
    commune = UnitFactory(code="000.00.01.H56", name="Ủy ban nhân dân xã Quảng Phú", parent=province)
    assert place_name(commune) == "Thanh Hóa"
    assert place_name(province) == "Thanh Hóa"


def test_the_documents_of_a_dossier_driven_through_the_services(setup):
    # given a dossier returned for completion online, accepted, appraised late, apologised for, decided early
    # in the signing step and delivered
    with time_machine.travel("2025-03-03 08:00 +07:00", tick=False) as clock:
        code = services.dossier_submit(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            channel=Channel.ONLINE,
            applicant=APPLICANT,
        ).code
        services.dossier_request_completion(code=code, actor=setup["reception"], missing=["Bản vẽ mặt bằng"])
        clock.move_to("2025-03-04 09:00 +07:00")
        services.dossier_resubmit(code=code, components=[services.Component(name="Bản vẽ mặt bằng")])
        services.dossier_accept(code=code, actor=setup["reception"])
        clock.move_to("2025-03-04 10:00 +07:00")
        services.dossier_transfer(code=code, actor=setup["reception"])
        services.dossier_assign(code=code, actor=setup["head"], assignee=setup["officer"])
        clock.move_to("2025-03-14 10:00 +07:00")
        services.dossier_forward(code=code, actor=setup["officer"])
        services.dossier_draft_apology(
            code=code,
            actor=setup["officer"],
            cause="workload",
            reason="Số lượng hồ sơ tăng đột biến",
            responsible_unit=setup["commune"],
            new_appointment_at=datetime(2025, 3, 21, 9, tzinfo=VN),
        )
        services.dossier_approve_apology(code=code, actor=setup["head"])
        clock.move_to("2025-03-17 15:00 +07:00")
        services.dossier_decide(code=code, actor=setup["head"], outcome="approved", summary="Cấp giấy phép")
        dossier = services.dossier_deliver(code=code, actor=setup["reception"], method="counter")
    # when its documents are rendered
    completion = flat(render_form_html(dossier=dossier, kind=FormKind.COMPLETION_REQUEST))
    receipt = flat(render_form_html(dossier=dossier, kind=FormKind.RECEIPT))
    apology = flat(render_form_html(dossier=dossier, kind=FormKind.APOLOGY))
    slip = flat(render_form_html(dossier=dossier, kind=FormKind.CONTROL_SLIP))
    # then each reads what the services recorded
    assert "<li>Bản vẽ mặt bằng</li>" in completion
    assert "Hải Phòng, ngày 03 tháng 3 năm 2025" in completion
    assert "Thời gian nhận hồ sơ: 09 giờ 00 phút, ngày 04 tháng 3 năm 2025" in receipt
    assert "<td>Bản vẽ mặt bằng</td>" in receipt  # handed in with the completion, before acceptance
    assert "Thời gian trả kết quả giải quyết hồ sơ: 09 giờ 00 phút, ngày 18 tháng 3 năm 2025" in receipt
    assert "Số lượng hồ sơ tăng đột biến" in apology
    assert "09 giờ 00 phút, ngày 21 tháng 3 năm 2025" in apology
    assert str(setup["head"]) in apology and "DỰ THẢO" not in apology
    assert re.findall(r'<td class="center">([^<]*)</td>', slip) == ["Đúng hạn", "Quá hạn", "Trước hạn"]
