"""Vietnamese explanation lines of an appointment's trace."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import translation

from motcua.workdays.arith import Calendar
from motcua.workdays.explain import appointment_explain, day_label, limit_label
from motcua.workdays.tests.calendars import at, domain_calendar


@pytest.fixture(scope="module")
def calendar() -> Calendar:
    return domain_calendar()


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def explain(calendar: Calendar, accepted: datetime, amount: int, unit: str) -> list[str]:
    appointment = calendar.appointment(accepted, amount, unit, explain=True)
    return appointment_explain(appointment, unit=unit, amount=amount)


def test_example_1_reads_day_by_day(calendar):
    # when
    lines = explain(calendar, at(2025, 4, 24, 10), 10, "working_days")
    # then
    assert lines == [
        "Thời hạn: 10 ngày làm việc",
        "24/04/2025 (Thứ Năm): ngày tiếp nhận (lúc 10:00), không tính vào thời hạn",
        "25/04/2025 (Thứ Sáu): ngày làm việc thứ 1",
        "26/04/2025 (Thứ Bảy): làm bù — Làm bù cho ngày 02/05/2025, ngày làm việc thứ 2",
        "27/04/2025 (Chủ Nhật): nghỉ cuối tuần",
        "28/04/2025 (Thứ Hai): ngày làm việc thứ 3",
        "29/04/2025 (Thứ Ba): ngày làm việc thứ 4",
        "30/04/2025 (Thứ Tư): nghỉ — Ngày Chiến thắng",
        "01/05/2025 (Thứ Năm): nghỉ — Ngày Quốc tế Lao động",
        "02/05/2025 (Thứ Sáu): nghỉ — Nghỉ hoán đổi cho ngày 26/04/2025",
        "03/05/2025 (Thứ Bảy): nghỉ cuối tuần",
        "04/05/2025 (Chủ Nhật): nghỉ cuối tuần",
        "05/05/2025 (Thứ Hai): ngày làm việc thứ 5",
        "06/05/2025 (Thứ Ba): ngày làm việc thứ 6",
        "07/05/2025 (Thứ Tư): ngày làm việc thứ 7",
        "08/05/2025 (Thứ Năm): ngày làm việc thứ 8",
        "09/05/2025 (Thứ Sáu): ngày làm việc thứ 9",
        "10/05/2025 (Thứ Bảy): nghỉ cuối tuần",
        "11/05/2025 (Chủ Nhật): nghỉ cuối tuần",
        "12/05/2025 (Thứ Hai): ngày làm việc thứ 10",
        "Hẹn trả kết quả: 12/05/2025 10:00 (Thứ Hai)",
    ]


def test_after_the_cutoff(calendar):
    # when
    lines = explain(calendar, at(2026, 1, 8, 15, 20), 1, "same_day")
    # then
    assert lines == [
        "Thời hạn: trong ngày",
        "08/01/2026 (Thứ Năm): tiếp nhận lúc 15:20, sau giờ chốt 15:00: trả kết quả ngày làm việc tiếp theo",
        "09/01/2026 (Thứ Sáu): ngày làm việc thứ 1",
        "Hẹn trả kết quả: 09/01/2026 17:00 (Thứ Sáu)",
    ]


def test_before_the_cutoff(calendar):
    # when
    lines = explain(calendar, at(2025, 3, 5, 15), 1, "same_day")
    # then
    assert lines[1] == "05/03/2025 (Thứ Tư): tiếp nhận lúc 15:00, trước giờ chốt 15:00: trả kết quả trong ngày"


def test_moved_to_the_next_opening(calendar):
    # when
    lines = explain(calendar, at(2025, 3, 8, 9), 1, "working_days")
    # then
    assert lines[1] == (
        "08/03/2025 (Thứ Bảy): nghỉ cuối tuần, tiếp nhận lúc 09:00, ngoài giờ làm việc: "
        "chuyển sang giờ mở cửa tiếp theo 10/03/2025 07:30 (Thứ Hai)"
    )
    assert lines[2] == "10/03/2025 (Thứ Hai): ngày tiếp nhận (lúc 07:30), không tính vào thời hạn"


def test_days_count_every_day_then_roll_forward(calendar):
    # when
    lines = explain(calendar, at(2025, 4, 28, 10), 2, "days")
    # then
    assert lines[2:] == [
        "29/04/2025 (Thứ Ba): ngày thứ 1",
        "30/04/2025 (Thứ Tư): nghỉ — Ngày Chiến thắng, ngày thứ 2",
        "01/05/2025 (Thứ Năm): nghỉ — Ngày Quốc tế Lao động: hạn rơi vào ngày nghỉ, lùi sang ngày làm việc tiếp theo",
        "02/05/2025 (Thứ Sáu): nghỉ — Nghỉ hoán đổi cho ngày 26/04/2025: hạn rơi vào ngày nghỉ, "
        "lùi sang ngày làm việc tiếp theo",
        "03/05/2025 (Thứ Bảy): nghỉ cuối tuần: hạn rơi vào ngày nghỉ, lùi sang ngày làm việc tiếp theo",
        "04/05/2025 (Chủ Nhật): nghỉ cuối tuần: hạn rơi vào ngày nghỉ, lùi sang ngày làm việc tiếp theo",
        "05/05/2025 (Thứ Hai): ngày làm việc tiếp theo: hạn trả kết quả",
        "Hẹn trả kết quả: 05/05/2025 17:00 (Thứ Hai)",
    ]


def test_hours_show_the_office_time_per_day(calendar):
    # when
    lines = explain(calendar, at(2025, 3, 7, 10, 30), 8, "hours")
    # then
    assert lines == [
        "Thời hạn: 8 giờ làm việc",
        "07/03/2025 (Thứ Sáu): tính 5 giờ làm việc từ 10:30 (cộng dồn 5 giờ)",
        "08/03/2025 (Thứ Bảy): nghỉ cuối tuần",
        "09/03/2025 (Chủ Nhật): nghỉ cuối tuần",
        "10/03/2025 (Thứ Hai): tính 3 giờ làm việc từ 07:30 (cộng dồn 8 giờ)",
        "Hẹn trả kết quả: 10/03/2025 10:30 (Thứ Hai)",
    ]


def test_months_to_a_shorter_month(calendar):
    # when
    lines = explain(calendar, at(2024, 1, 31, 9), 1, "months")
    # then
    assert lines[2] == "29/02/2024 (Thứ Năm): ngày cuối tháng sau 1 tháng (tháng không có ngày tương ứng)"
    assert lines[-1] == "Hẹn trả kết quả: 29/02/2024 17:00 (Thứ Năm)"


def test_months_to_the_same_day(calendar):
    # when
    lines = explain(calendar, at(2025, 3, 5, 9), 2, "months")
    # then
    assert lines[2] == "05/05/2025 (Thứ Hai): cùng ngày sau 2 tháng"


def test_labels():
    # when / then
    assert limit_label(unit="working_days", amount=3) == "3 ngày làm việc"
    assert limit_label(unit="months", amount=2) == "2 tháng"
    assert day_label(at(2025, 4, 27).date()) == "27/04/2025 (Chủ Nhật)"


def test_an_unknown_unit_is_refused(calendar):
    # given
    appointment = calendar.appointment(at(2025, 3, 3, 9), 1, "working_days", explain=True)
    # when / then
    with pytest.raises(ValueError):
        appointment_explain(appointment, unit="weeks", amount=1)
