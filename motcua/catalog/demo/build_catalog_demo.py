"""Build catalog_demo.csv (the demo city's catalog) from procedures_real.csv.

Run by hand from this folder after changing the source data or the rules below:

    ../../../.venv/bin/python build_catalog_demo.py

`manage.py load_demo` only imports the committed catalog_demo.csv. Names, fields, codes, time limits,
online levels, fees, legal bases and sources are copied from procedures_real.csv; the competent unit,
the document components and the internal process are demo configuration chosen here (see README.md).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "procedures_real.csv"
TARGET = HERE / "catalog_demo.csv"

COLUMNS = [
    "code", "name", "field", "level", "unit_code", "amount", "time_unit", "clock_rule", "online_level",
    "valid_from", "valid_to", "subjects", "agency_text", "time_limit_text", "committed_amount", "committed_unit",
    "handled_at_counter", "is_inter_agency", "clock_runs_awaiting_payment", "postal", "result_type",
    "electronic_result", "fee_text", "legal_basis", "source", "coordinating_unit_codes", "components", "fees", "steps",
]  # fmt: skip

# --- units of units_demo.csv -------------------------------------------------------------------
CITY, CITY_CENTER = "000.00.00.H31", "000.10.01.H31"
COMMUNE = "000.00.50.H31"  # xã Vĩnh Bảo: competent for every commune-level procedure in the demo
COMMUNE_CENTER, COMMUNE_OFFICE = "000.10.50.H31", "000.01.50.H31"
COMMUNE_ECONOMY, COMMUNE_SOCIAL = "000.02.50.H31", "000.03.50.H31"
HOME_AFFAIRS, TREASURY, CONSTRUCTION, AGRI_ENV = "000.00.02.H31", "000.00.04.H31", "000.00.06.H31", "000.00.07.H31"
HEALTH, ECONOMIC_ZONE, POLICE, SOCIAL_INSURANCE = "000.00.08.H31", "000.00.15.H31", "000.00.31.H31", "000.00.32.H31"


def division(department: str, number: int) -> str:
    """Return the code of division `number` of a department (000.NN.DD.H31)."""
    return f"000.{number:02d}.{department[7:]}"


# Province level: field → (competent department, processing division). Division 1 is the office.
PROVINCE_ROUTES: dict[str, tuple[str, str]] = {
    "Đất đai": (AGRI_ENV, division(AGRI_ENV, 3)),  # Văn phòng Đăng ký đất đai
    "Môi trường": (AGRI_ENV, division(AGRI_ENV, 4)),
    "Tài nguyên nước": (AGRI_ENV, division(AGRI_ENV, 5)),
    "Địa chất và khoáng sản": (AGRI_ENV, division(AGRI_ENV, 5)),
    "Thú y": (AGRI_ENV, division(AGRI_ENV, 6)),
    "Chăn nuôi": (AGRI_ENV, division(AGRI_ENV, 6)),
    "Trồng trọt và Bảo vệ thực vật": (AGRI_ENV, division(AGRI_ENV, 7)),
    "Quản lý chất lượng nông lâm sản và thủy sản": (AGRI_ENV, division(AGRI_ENV, 7)),
    "Hoạt động xây dựng": (CONSTRUCTION, division(CONSTRUCTION, 2)),
    "Quản lý chất lượng công trình xây dựng": (CONSTRUCTION, division(CONSTRUCTION, 2)),
    "Quy hoạch đô thị và nông thôn": (CONSTRUCTION, division(CONSTRUCTION, 3)),
    "Kiến trúc": (CONSTRUCTION, division(CONSTRUCTION, 3)),
    "Hạ tầng kỹ thuật": (CONSTRUCTION, division(CONSTRUCTION, 3)),
    "Nhà ở và công sở": (CONSTRUCTION, division(CONSTRUCTION, 4)),
    "Kinh doanh bất động sản": (CONSTRUCTION, division(CONSTRUCTION, 4)),
    "Đường bộ": (CONSTRUCTION, division(CONSTRUCTION, 5)),
    "Thành lập và hoạt động của doanh nghiệp": (TREASURY, division(TREASURY, 2)),
    "Đầu tư tại Việt nam": (ECONOMIC_ZONE, division(ECONOMIC_ZONE, 2)),  # the agency text names the zone board
    "Người có công": (HOME_AFFAIRS, division(HOME_AFFAIRS, 4)),
    "Dược - Mỹ phẩm": (HEALTH, division(HEALTH, 2)),
    "Lý lịch tư pháp": (POLICE, "000.01.31.H31"),  # the criminal record moved to the police (agency text)
}
PROVINCE_ROUTE_BY_CODE = {
    "1.012805": (AGRI_ENV, division(AGRI_ENV, 2)),  # disputes and land allocation: Phòng Quản lý đất đai
    "1.013823": (AGRI_ENV, division(AGRI_ENV, 2)),
    "1.013274": (CONSTRUCTION, division(CONSTRUCTION, 6)),  # road works: Phòng Quản lý kết cấu hạ tầng giao thông
    "1.013061": (CONSTRUCTION, division(CONSTRUCTION, 6)),
    "1.000028": (CONSTRUCTION, division(CONSTRUCTION, 6)),
}
# Commune level: the commune's office handles civil status and certification, the social division
# social matters, the economic division everything else.
COMMUNE_OFFICE_FIELDS = {"Hộ tịch", "Chứng thực", "Nuôi con nuôi"}
COMMUNE_SOCIAL_FIELDS = {
    "Giảm nghèo", "Bảo trợ xã hội", "Người có công", "Quản lý nhà nước về hội, quỹ", "Văn hóa",
    "Giáo dục trung học", "Tín ngưỡng, tôn giáo", "Thi đua - khen thưởng",
}  # fmt: skip

# Chứng thực rows whose time DVCQG leaves empty: procedures_real.md cites the statutory rule "trong ngày,
# ngày làm việc tiếp theo nếu tiếp nhận sau 15 giờ" for copies and signatures; only those are used.
SAME_DAY_BY_STATUTE = {"2.000815", "2.000884", "2.000992"}
SAME_DAY_TEXT = (
    "Trong ngày tiếp nhận hồ sơ; trường hợp tiếp nhận sau 15 giờ thì trả kết quả trong ngày làm việc tiếp theo"
)
# Published times per submission method (procedures_real.md); the CSV amount is the "Trực tiếp" one.
TIME_VARIANTS = {
    "1.013978": "trực tuyến 17, qua bưu chính 20 ngày làm việc",
    "1.012753": "các hình thức nộp khác: 17 hoặc 30 ngày làm việc",
    "1.012783": "các hình thức nộp khác: 15 hoặc 20 ngày làm việc",
    "1.012784": "hình thức nộp khác: 12 ngày làm việc",
    "1.012786": "hình thức nộp khác: 10 ngày làm việc",
    "1.012787": "hình thức nộp khác: 8 ngày làm việc",
    "1.012790": "hình thức nộp khác: 8 ngày làm việc",
    "1.012812": "qua bưu chính: 30 ngày",
    "1.013967": "hình thức nộp khác: 45 ngày",
    "1.012805": "hình thức nộp khác: 50 ngày",
    "1.013823": "hình thức nộp khác: 15 ngày",
    "1.013979": "hình thức nộp khác: 10 ngày làm việc",
    "1.014256": "hình thức nộp khác: 13 ngày làm việc",
    "1.013225": "hình thức nộp khác: 20 ngày",
    "1.013229": "hình thức nộp khác: 20 ngày",
    "1.000028": "2 ngày làm việc khi nộp trực tuyến hoặc qua bưu chính trong một số trường hợp",
    "1.014258": "13 hoặc 44 ngày làm việc tùy trường hợp; áp dụng thời hạn dài hơn",
    "1.014266": "10, 18 hoặc 34 ngày làm việc tùy trường hợp; áp dụng thời hạn dài nhất",
}
# Illustrative committed (shorter) times, as CAT-7 describes; not published by Hải Phòng.
COMMITTED = {"1.013225": ("12", "days"), "1.013229": ("12", "days"), "2.001583": ("2", "working_days")}
INTER_AGENCY = {"2.000986": [POLICE, SOCIAL_INSURANCE], "1.010824": [COMMUNE], "1.010803": [COMMUNE]}
COORDINATING = {"1.009645": [TREASURY, CONSTRUCTION, AGRI_ENV], **INTER_AGENCY}
HANDLED_AT_COUNTER = {"2.000815"}  # copy certification: checked, certified and returned at the counter

CITIZEN_FIELDS = {
    "Hộ tịch", "Chứng thực", "Bảo trợ xã hội", "Giảm nghèo", "Người có công", "Lý lịch tư pháp",
    "Giáo dục trung học", "Quản lý Đê điều và Phòng, chống thiên tai", "Thi đua - khen thưởng",
}  # fmt: skip
ORGANISATION_FIELDS = {
    "Thành lập và hoạt động của doanh nghiệp", "Đầu tư tại Việt nam", "Quản lý nhà nước về hội, quỹ",
    "Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã",
}  # fmt: skip
RESULT_TYPES = [  # first keyword found in the lower-cased name wins
    ("khai sinh", "Giấy khai sinh"),
    ("kết hôn", "Giấy chứng nhận kết hôn"),
    ("khai tử", "Trích lục khai tử"),
    ("chứng thực", "Giấy tờ, văn bản được chứng thực"),
    ("bản sao", "Bản sao"),
    ("hòa giải", "Biên bản hòa giải"),
    ("chứng chỉ", "Chứng chỉ hành nghề"),
    ("giấy phép", "Giấy phép"),
    ("phù hiệu", "Phù hiệu"),
    ("giấy chứng nhận", "Giấy chứng nhận"),
    ("đăng ký thành lập", "Giấy chứng nhận đăng ký"),
    ("phiếu lý lịch", "Phiếu lý lịch tư pháp"),
    ("thẩm định", "Thông báo kết quả thẩm định"),
    ("cung cấp thông tin", "Văn bản cung cấp thông tin"),
]


def read_source() -> Iterator[dict[str, str]]:
    """Yield the rows of procedures_real.csv."""
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def time_limit(row: dict[str, str]) -> tuple[str, str] | None:
    """Return (amount, unit) as published, the statutory same-day rule where cited, or None to skip."""
    if row["time_unit"]:
        return row["amount"], row["time_unit"]
    if row["code"] in SAME_DAY_BY_STATUTE:
        return "", "same_day"
    return None


def level_for(row: dict[str, str]) -> str:
    """Return the demo level: pre-2025 district rows go to the commune, "province;commune" by agency."""
    level = row["level"]
    if level == "district(pre-2025)":
        return "commune"
    if level != "province;commune":
        return level
    agency = row["agency"]
    if "cấp tỉnh" in agency or "Sở " in agency:
        return "province"
    return "commune"  # 2.000908: the register books (sổ gốc) of civil status are kept by the commune


def route(row: dict[str, str], level: str) -> tuple[str, str]:
    """Return (competent unit, processing division) of the row."""
    if level == "commune":
        if row["field"] in COMMUNE_OFFICE_FIELDS:
            return COMMUNE, COMMUNE_OFFICE
        if row["field"] in COMMUNE_SOCIAL_FIELDS:
            return COMMUNE, COMMUNE_SOCIAL
        return COMMUNE, COMMUNE_ECONOMY
    return PROVINCE_ROUTE_BY_CODE.get(row["code"]) or PROVINCE_ROUTES[row["field"]]


def limit_text(code: str, amount: str, unit: str) -> str:
    """Return the time limit in the published wording, with the other published variants."""
    if unit == "same_day":
        return SAME_DAY_TEXT
    text = f"{amount} {'ngày làm việc' if unit == 'working_days' else 'ngày'}"
    if code in TIME_VARIANTS:
        text += f" (nộp trực tiếp; {TIME_VARIANTS[code]})"
    return text


def result_type(name: str) -> str:
    """Return the kind of result document guessed from the procedure name."""
    lowered = name.lower()
    return next((result for keyword, result in RESULT_TYPES if keyword in lowered), "Văn bản giải quyết")


def subjects(field: str) -> str:
    """Return who may file the procedure."""
    if field in CITIZEN_FIELDS:
        return "citizen"
    return "organisation" if field in ORGANISATION_FIELDS else "both"


def budget_hours(amount: str, unit: str, committed: tuple[str, str] | None) -> int:
    """Return the working hours the internal process may use (the committed time when set)."""
    if committed:
        amount, unit = committed
    if unit == "same_day":
        return 8
    days = int(amount)
    if unit == "days":  # calendar days: roughly five working days in seven
        days = max(1, days * 5 // 7)
    return 8 * days


def quota(hours: int) -> str:
    """Return a quota as "amount|unit": half working days when possible, else hours."""
    return f"{hours / 8:g}|working_days" if hours % 4 == 0 else f"{hours}|hours"


def chain_shares(total: int) -> tuple[int, int, int, int, int, int]:
    """Return hours for reception, assignment, review, approval, issue and return on a `total`-hour limit."""
    if total <= 8:
        return 1, 0, 1, 1, 1, 1
    if total < 40:
        return 2, 1, 2, 2, 1, 1
    if total <= 80:
        return 4, 4, 4, 4, 2, 2
    return 4, 4, 8, 8, 4, 4


def steps_for(total: int, competent: str, processing: str, *, city_decides: bool, partner: str = "") -> str:
    """Return the internal process of a procedure whose steps may use `total` working hours."""
    level_commune = competent == COMMUNE
    center = COMMUNE_CENTER if level_commune else CITY_CENTER
    office = COMMUNE_OFFICE if level_commune else (competent if competent == POLICE else division(competent, 1))
    reception, assign, review, approve, issue, handover = chain_shares(total)
    appraisal = total - reception - assign - review - approve - issue - handover
    leader = (8 if total > 80 else 4 if total >= 40 else 1) if city_decides else 0
    coordination = max(1, appraisal // 12 * 4) if partner else 0  # about a third, in half days
    appraisal -= leader + coordination
    steps = [
        ("Tiếp nhận, kiểm tra hồ sơ", "reception_officer", reception, center),
        ("Phân công thụ lý", "division_head", assign, processing),
        ("Thẩm định hồ sơ, dự thảo kết quả", "processing_officer", appraisal, processing),
        ("Phối hợp giải quyết (cơ quan liên thông)", "processing_officer", coordination, partner),
        ("Xem xét, trình ký", "division_head", review, processing),
        ("Ký tờ trình UBND thành phố" if city_decides else "Phê duyệt, ký kết quả", "agency_head", approve, competent),
        ("Xem xét, ký quyết định", "leader", leader, CITY),
        ("Vào sổ, đóng dấu, phát hành", "clerk", issue, office),
        ("Trả kết quả", "reception_officer", handover, center),
    ]
    return ";".join(f"{name}|{role}|{quota(hours)}|{unit}" for name, role, hours, unit in steps if hours > 0)


def same_day_steps(competent: str, processing: str, *, at_counter: bool) -> str:
    """Return the same-day process (2 h + 3 h + 2 h + 1 h, as Hà Nội publishes for 2.000908)."""
    center = COMMUNE_CENTER if competent == COMMUNE else CITY_CENTER
    if at_counter:
        return f"Tiếp nhận, chứng thực và trả kết quả tại chỗ|reception_officer|4|hours|{center}"
    office = COMMUNE_OFFICE if competent == COMMUNE else division(competent, 1)
    return ";".join(
        [
            f"Tiếp nhận, kiểm tra hồ sơ|reception_officer|2|hours|{center}",
            f"Thẩm định hồ sơ|processing_officer|3|hours|{processing}",
            f"Ký, phê duyệt kết quả|agency_head|2|hours|{competent}",
            f"Vào sổ, đóng dấu, trả kết quả|clerk|1|hours|{office}",
        ]
    )


# --- document components (illustrative: the usual documents of each procedure, not the published list) ---
ORIG, COPY, CERT = "original", "copy", "certified_copy"
PROXY = ("Văn bản ủy quyền (trường hợp nộp thay)", ORIG, 1, True)
Component = tuple[str, str, int, bool]
LAND_CHANGE: list[Component] = [
    ("Đơn đăng ký biến động đất đai, tài sản gắn liền với đất theo mẫu", ORIG, 1, False),
    ("Giấy chứng nhận đã cấp", ORIG, 1, False),
    ("Giấy tờ làm căn cứ thực hiện thủ tục", COPY, 1, False),
]
LAND_FIRST: list[Component] = [
    ("Đơn đăng ký đất đai, tài sản gắn liền với đất theo mẫu", ORIG, 1, False),
    ("Giấy tờ về quyền sử dụng đất theo quy định", COPY, 1, False),
    ("Mảnh trích đo bản đồ địa chính thửa đất", ORIG, 1, False),
    ("Chứng từ thực hiện nghĩa vụ tài chính (nếu có)", COPY, 1, True),
]
LAND_DISPUTE: list[Component] = [
    ("Đơn yêu cầu giải quyết tranh chấp đất đai", ORIG, 1, False),
    ("Giấy tờ, tài liệu liên quan đến thửa đất tranh chấp", COPY, 1, False),
    ("Biên bản hòa giải tại Ủy ban nhân dân cấp xã", ORIG, 1, False),
]
LAND_ALLOCATION: list[Component] = [
    ("Đơn xin giao đất, cho thuê đất, cho phép chuyển mục đích sử dụng đất theo mẫu", ORIG, 1, False),
    ("Trích lục bản đồ địa chính hoặc trích đo địa chính thửa đất", ORIG, 1, False),
    ("Giấy chứng nhận đã cấp (trường hợp chuyển mục đích sử dụng đất)", ORIG, 1, True),
]
PERMIT_NEW: list[Component] = [
    ("Đơn đề nghị cấp giấy phép xây dựng theo mẫu", ORIG, 1, False),
    ("Giấy tờ hợp pháp về quyền sử dụng đất", COPY, 1, False),
    ("Bản vẽ thiết kế xây dựng", ORIG, 2, False),
    ("Văn bản thông báo kết quả thẩm định thiết kế (nếu có)", COPY, 1, True),
]
PERMIT_RENEW: list[Component] = [
    ("Đơn đề nghị gia hạn, cấp lại giấy phép xây dựng theo mẫu", ORIG, 1, False),
    ("Giấy phép xây dựng đã được cấp", ORIG, 1, False),
]
COMPANY: list[Component] = [
    ("Giấy đề nghị đăng ký doanh nghiệp theo mẫu", ORIG, 1, False),
    ("Điều lệ công ty", ORIG, 1, False),
    ("Danh sách thành viên hoặc cổ đông sáng lập", ORIG, 1, False),
    ("Giấy tờ pháp lý của cá nhân, tổ chức là thành viên", COPY, 1, False),
]
HOUSEHOLD_BUSINESS: list[Component] = [
    ("Giấy đề nghị theo mẫu", ORIG, 1, False),
    ("Giấy chứng nhận đăng ký hộ kinh doanh đã cấp", ORIG, 1, False),
    PROXY,
]
SOCIAL_AID: list[Component] = [
    ("Tờ khai đề nghị trợ giúp xã hội theo mẫu", ORIG, 1, False),
    ("Giấy tờ chứng minh thuộc đối tượng hưởng chính sách", COPY, 1, False),
]
BURIAL: list[Component] = [
    ("Tờ khai đề nghị hỗ trợ chi phí mai táng theo mẫu", ORIG, 1, False),
    ("Trích lục khai tử hoặc Giấy báo tử", COPY, 1, False),
]
POVERTY: list[Component] = [
    ("Giấy đề nghị xét duyệt theo mẫu", ORIG, 1, False),
    ("Giấy tờ chứng minh thu nhập, điều kiện sống của hộ (nếu có)", COPY, 1, True),
]
WATER_LICENCE: list[Component] = [
    ("Đơn đề nghị cấp, gia hạn, điều chỉnh giấy phép theo mẫu", ORIG, 1, False),
    ("Đề án hoặc báo cáo khai thác, sử dụng tài nguyên nước", ORIG, 1, False),
    ("Kết quả phân tích chất lượng nguồn nước", ORIG, 1, False),
]
MINERALS: list[Component] = [
    ("Đơn đề nghị theo mẫu", ORIG, 1, False),
    ("Bản đồ khu vực hoạt động khoáng sản", ORIG, 1, False),
    ("Báo cáo kết quả hoạt động khoáng sản", ORIG, 1, False),
]
ENVIRONMENT: list[Component] = [
    ("Văn bản đề nghị theo mẫu", ORIG, 1, False),
    ("Báo cáo đề xuất cấp giấy phép môi trường hoặc báo cáo đánh giá tác động môi trường", ORIG, 1, False),
    ("Báo cáo nghiên cứu khả thi hoặc tài liệu tương đương của dự án", COPY, 1, False),
]
ROAD_WORKS: list[Component] = [
    ("Đơn đề nghị cấp phép theo mẫu", ORIG, 1, False),
    ("Bản vẽ mặt bằng vị trí, phạm vi sử dụng", ORIG, 1, False),
    ("Phương án tổ chức giao thông bảo đảm an toàn", ORIG, 1, False),
]
CIVIL_STATUS: list[Component] = [
    ("Tờ khai theo mẫu", ORIG, 1, False),
    ("Giấy tờ chứng minh nội dung yêu cầu đăng ký", COPY, 1, False),
    PROXY,
]
PRACTICE_CERTIFICATE: list[Component] = [
    ("Đơn đề nghị cấp chứng chỉ hành nghề theo mẫu", ORIG, 1, False),
    ("Văn bằng, chứng chỉ chuyên môn", CERT, 1, False),
    ("Bản khai kinh nghiệm công tác chuyên môn", ORIG, 1, False),
]
GENERIC: list[Component] = [
    ("Đơn hoặc văn bản đề nghị theo mẫu", ORIG, 1, False),
    ("Giấy tờ chứng minh đủ điều kiện theo quy định", COPY, 1, False),
]

COMPONENTS_BY_CODE: dict[str, list[Component]] = {
    "1.013978": LAND_FIRST, "1.012753": LAND_FIRST, "1.012787": LAND_FIRST,
    "1.012812": LAND_DISPUTE[:2], "1.013967": LAND_DISPUTE, "1.012805": LAND_DISPUTE,
    "1.013949": LAND_ALLOCATION, "1.013823": LAND_ALLOCATION,
    "1.012784": [
        ("Đơn đề nghị tách thửa đất, hợp thửa đất theo mẫu", ORIG, 1, False),
        ("Bản vẽ tách thửa đất, hợp thửa đất", ORIG, 1, False),
        ("Giấy chứng nhận đã cấp", ORIG, 1, False),
    ],
    "1.012786": [
        ("Đơn đề nghị cấp lại Giấy chứng nhận theo mẫu", ORIG, 1, False),
        ("Giấy tờ xác nhận việc mất Giấy chứng nhận", COPY, 1, False),
    ],
    "1.010736": [
        ("Văn bản đề nghị tham vấn", ORIG, 1, False),
        ("Báo cáo đánh giá tác động môi trường (bản tham vấn)", "electronic", 1, False),
    ],
    "1.001662": [
        ("Tờ khai đăng ký khai thác nước dưới đất theo mẫu", ORIG, 1, False),
        ("Sơ đồ vị trí công trình khai thác", COPY, 1, False),
    ],
    "2.002835": [
        ("Tờ khai đăng ký khai thác, sử dụng tài nguyên nước theo mẫu", ORIG, 1, False),
        ("Sơ đồ vị trí công trình khai thác", COPY, 1, False),
    ],
    "1.013225": PERMIT_NEW, "1.013236": PERMIT_NEW, "1.013229": PERMIT_NEW,
    "1.013227": PERMIT_RENEW, "1.013228": PERMIT_RENEW,
    "1.013226": [
        ("Đơn đề nghị điều chỉnh giấy phép xây dựng theo mẫu", ORIG, 1, False),
        ("Giấy phép xây dựng đã được cấp", ORIG, 1, False),
        ("Bản vẽ thiết kế điều chỉnh", ORIG, 2, False),
    ],
    "1.013237": PRACTICE_CERTIFICATE, "1.008891": PRACTICE_CERTIFICATE, "1.012906": PRACTICE_CERTIFICATE,
    "1.004756": PRACTICE_CERTIFICATE,
    "1.013239": [
        ("Tờ trình thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng", ORIG, 1, False),
        ("Hồ sơ báo cáo nghiên cứu khả thi đầu tư xây dựng", ORIG, 1, False),
        ("Quyết định hoặc văn bản chấp thuận chủ trương đầu tư", COPY, 1, False),
    ],
    "1.009794": [
        ("Báo cáo hoàn thành thi công xây dựng hạng mục công trình, công trình", ORIG, 1, False),
        ("Danh mục hồ sơ hoàn thành công trình", ORIG, 1, False),
    ],
    "1.014159": [
        ("Phiếu yêu cầu cung cấp thông tin quy hoạch", ORIG, 1, False),
        ("Sơ đồ vị trí khu vực đề nghị cung cấp thông tin", COPY, 1, False),
    ],
    "1.014155": [
        ("Tờ trình thẩm định nhiệm vụ quy hoạch", ORIG, 1, False),
        ("Thuyết minh nhiệm vụ quy hoạch và bản vẽ kèm theo", ORIG, 1, False),
        ("Văn bản chấp thuận nhà đầu tư (nếu có)", COPY, 1, True),
    ],
    "1.014632": [
        ("Đơn đăng ký mua, thuê mua, thuê nhà ở xã hội theo mẫu", ORIG, 1, False),
        ("Giấy tờ chứng minh đối tượng và điều kiện hưởng chính sách nhà ở xã hội", ORIG, 1, False),
    ],
    "1.012888": [
        ("Tờ trình đề nghị công nhận Ban quản trị nhà chung cư", ORIG, 1, False),
        ("Biên bản hội nghị nhà chung cư bầu Ban quản trị", ORIG, 1, False),
        ("Quy chế hoạt động của Ban quản trị", ORIG, 1, False),
    ],
    "1.012891": [
        ("Đơn đề nghị thuê nhà ở công vụ theo mẫu", ORIG, 1, False),
        ("Quyết định điều động, luân chuyển công tác", COPY, 1, False),
    ],
    "1.002693": [
        ("Văn bản đề nghị cấp giấy phép chặt hạ, dịch chuyển cây xanh", ORIG, 1, False),
        ("Sơ đồ vị trí cây xanh đề nghị chặt hạ, dịch chuyển", ORIG, 1, False),
    ],
    "1.000703": [
        ("Giấy đề nghị cấp Giấy phép kinh doanh vận tải theo mẫu", ORIG, 1, False),
        ("Phương án kinh doanh vận tải", ORIG, 1, False),
        ("Văn bằng, chứng chỉ của người điều hành vận tải", COPY, 1, False),
    ],
    "2.002288": [("Giấy đề nghị cấp phù hiệu theo mẫu", ORIG, 1, False), ("Giấy đăng ký xe", COPY, 1, False)],
    "1.013274": ROAD_WORKS, "1.013061": ROAD_WORKS,
    "1.000028": [
        ("Đơn đề nghị cấp Giấy phép lưu hành xe theo mẫu", ORIG, 1, False),
        ("Giấy chứng nhận đăng ký xe", COPY, 1, False),
        ("Phương án vận chuyển (hàng siêu trường, siêu trọng)", ORIG, 1, True),
    ],
    "2.002285": [
        ("Giấy đề nghị đăng ký khai thác tuyến", ORIG, 1, False),
        ("Phương án khai thác tuyến", ORIG, 1, False),
    ],
    "1.001777": [
        ("Văn bản đề nghị cấp Giấy phép đào tạo lái xe", ORIG, 1, False),
        ("Báo cáo đề xuất cấp Giấy phép đào tạo lái xe", ORIG, 1, False),
        ("Danh sách xe tập lái kèm giấy đăng ký xe", COPY, 1, False),
    ],
    "1.001193": [
        ("Tờ khai đăng ký khai sinh theo mẫu", ORIG, 1, False),
        ("Giấy chứng sinh hoặc giấy tờ thay Giấy chứng sinh", ORIG, 1, False),
        PROXY,
    ],
    "2.000528": [
        ("Tờ khai đăng ký khai sinh theo mẫu", ORIG, 1, False),
        ("Giấy chứng sinh", ORIG, 1, False),
        ("Văn bản thỏa thuận của cha, mẹ về việc chọn quốc tịch cho con", ORIG, 1, True),
    ],
    "1.000689": [
        ("Tờ khai đăng ký khai sinh và tờ khai đăng ký nhận cha, mẹ, con theo mẫu", ORIG, 1, False),
        ("Giấy chứng sinh", ORIG, 1, False),
        ("Chứng cứ chứng minh quan hệ cha, mẹ, con", ORIG, 1, False),
    ],
    "1.000894": [
        ("Tờ khai đăng ký kết hôn theo mẫu", ORIG, 1, False),
        ("Giấy xác nhận tình trạng hôn nhân (đăng ký ở nơi không thường trú)", ORIG, 1, True),
    ],
    "1.000656": [
        ("Tờ khai đăng ký khai tử theo mẫu", ORIG, 1, False),
        ("Giấy báo tử hoặc giấy tờ thay Giấy báo tử", ORIG, 1, False),
        PROXY,
    ],
    "2.000986": [
        ("Tờ khai đăng ký khai sinh theo mẫu", ORIG, 1, False),
        ("Tờ khai thay đổi thông tin cư trú", ORIG, 1, False),
        ("Giấy chứng sinh", ORIG, 1, False),
    ],
    "2.000815": [
        ("Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao", ORIG, 1, False),
        ("Bản sao cần chứng thực", COPY, 1, False),
    ],
    "2.000884": [
        ("Giấy tờ, văn bản cần chứng thực chữ ký", ORIG, 1, False),
        ("Giấy tờ tùy thân của người yêu cầu chứng thực", COPY, 1, False),
    ],
    "2.000992": [
        ("Bản dịch kèm giấy tờ, văn bản cần dịch", ORIG, 1, False),
        ("Giấy tờ tùy thân của người dịch", COPY, 1, False),
    ],
    "2.000908": [
        ("Đơn đề nghị cấp bản sao từ sổ gốc", ORIG, 1, False),
        ("Giấy tờ chứng minh quan hệ với người được cấp bản chính (nếu có)", COPY, 1, True),
    ],
    "3.000333": [
        ("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp theo mẫu", ORIG, 1, False),
        ("Giấy tờ tùy thân của người yêu cầu", COPY, 1, False),
        PROXY,
    ],
    "2.001610": [
        ("Giấy đề nghị đăng ký doanh nghiệp theo mẫu", ORIG, 1, False),
        ("Giấy tờ pháp lý của chủ doanh nghiệp tư nhân", COPY, 1, False),
    ],
    "2.001583": [
        ("Giấy đề nghị đăng ký doanh nghiệp theo mẫu", ORIG, 1, False),
        ("Điều lệ công ty", ORIG, 1, False),
        ("Giấy tờ pháp lý của chủ sở hữu công ty", COPY, 1, False),
    ],
    "2.001199": COMPANY, "2.002043": COMPANY,
    "1.001612": [
        ("Giấy đề nghị đăng ký hộ kinh doanh theo mẫu", ORIG, 1, False),
        ("Biên bản họp thành viên hộ gia đình về việc thành lập hộ kinh doanh", COPY, 1, True),
        PROXY,
    ],
    "1.005280": [
        ("Giấy đề nghị đăng ký hợp tác xã theo mẫu", ORIG, 1, False),
        ("Điều lệ hợp tác xã", ORIG, 1, False),
        ("Nghị quyết hội nghị thành lập hợp tác xã", COPY, 1, False),
        ("Danh sách thành viên hợp tác xã", ORIG, 1, False),
    ],
    "1.005277": [
        ("Giấy đề nghị đăng ký thay đổi theo mẫu", ORIG, 1, False),
        ("Nghị quyết của đại hội thành viên", COPY, 1, False),
    ],
    "1.009645": [
        ("Văn bản đề nghị thực hiện dự án đầu tư", ORIG, 1, False),
        ("Đề xuất dự án đầu tư", ORIG, 1, False),
        ("Tài liệu chứng minh năng lực tài chính của nhà đầu tư", COPY, 1, False),
        ("Giấy tờ pháp lý của nhà đầu tư", COPY, 1, False),
    ],
    "1.009664": [
        ("Văn bản đề nghị cấp Giấy chứng nhận đăng ký đầu tư", ORIG, 1, False),
        ("Đề xuất dự án đầu tư", ORIG, 1, False),
        ("Giấy tờ pháp lý của nhà đầu tư", COPY, 1, False),
    ],
    "1.009665": [
        ("Văn bản đề nghị cấp lại hoặc hiệu đính Giấy chứng nhận đăng ký đầu tư", ORIG, 1, False),
        ("Giấy chứng nhận đăng ký đầu tư đã cấp", COPY, 1, False),
    ],
    "1.014028": BURIAL, "1.001731": BURIAL,
    "1.001699": [
        ("Đơn đề nghị xác định mức độ khuyết tật theo mẫu", ORIG, 1, False),
        ("Bệnh án, giấy tờ khám, điều trị liên quan đến khuyết tật (nếu có)", COPY, 1, True),
    ],
    "1.010824": [
        ("Bản khai theo mẫu", ORIG, 1, False),
        ("Trích lục khai tử của người có công", COPY, 1, False),
        ("Giấy tờ chứng minh quan hệ thân nhân", COPY, 1, False),
    ],
    "1.013702": [
        ("Đơn đề nghị công nhận ban vận động thành lập hội", ORIG, 1, False),
        ("Danh sách và sơ yếu lý lịch thành viên ban vận động", ORIG, 1, False),
    ],
    "1.013703": [
        ("Đơn đề nghị thành lập hội", ORIG, 1, False),
        ("Dự thảo điều lệ hội", ORIG, 1, False),
        ("Danh sách người đăng ký tham gia hội", ORIG, 1, False),
        ("Văn bản xác nhận nơi dự kiến đặt trụ sở của hội", COPY, 1, False),
    ],
    "1.003622": [
        ("Văn bản thông báo tổ chức lễ hội theo mẫu", ORIG, 1, False),
        ("Chương trình, kế hoạch tổ chức lễ hội", ORIG, 1, False),
    ],
    "2.002481": [
        ("Đơn xin chuyển trường do cha mẹ hoặc người giám hộ ký", ORIG, 1, False),
        ("Học bạ", ORIG, 1, False),
        ("Giấy giới thiệu chuyển trường của trường nơi đi", ORIG, 1, False),
    ],
    "1.001028": [
        ("Văn bản đăng ký bổ sung hoạt động tín ngưỡng theo mẫu", ORIG, 1, False),
        ("Danh mục hoạt động tín ngưỡng bổ sung", ORIG, 1, False),
    ],
    "1.000748": [("Tờ trình đề nghị khen thưởng", ORIG, 1, False), ("Báo cáo thành tích của gia đình", ORIG, 1, False)],
    "1.014076": [
        ("Đơn đề nghị cấp Giấy chứng nhận đủ điều kiện kinh doanh dược theo mẫu", ORIG, 1, False),
        ("Tài liệu kỹ thuật về địa điểm, kho bảo quản, trang thiết bị của cơ sở", ORIG, 1, False),
        ("Chứng chỉ hành nghề dược của người phụ trách chuyên môn", COPY, 1, False),
    ],
    "2.001827": [
        ("Đơn đề nghị cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", ORIG, 1, False),
        ("Bản thuyết minh về cơ sở vật chất, trang thiết bị, dụng cụ", ORIG, 1, False),
    ],
    "1.001686": [
        ("Đơn đăng ký kiểm tra điều kiện buôn bán thuốc thú y", ORIG, 1, False),
        ("Bản thuyết minh chi tiết về cơ sở buôn bán", ORIG, 1, False),
        ("Chứng chỉ hành nghề thú y", COPY, 1, False),
    ],
    "1.004363": [
        ("Giấy đề nghị cấp Giấy chứng nhận đủ điều kiện buôn bán thuốc bảo vệ thực vật", ORIG, 1, False),
        ("Bản thuyết minh điều kiện buôn bán thuốc bảo vệ thực vật", ORIG, 1, False),
        ("Giấy chứng nhận bồi dưỡng chuyên môn về thuốc bảo vệ thực vật", COPY, 1, False),
    ],
    "1.008128": [
        ("Văn bản đề nghị cấp Giấy chứng nhận đủ điều kiện chăn nuôi", ORIG, 1, False),
        ("Bản thuyết minh về điều kiện chăn nuôi", ORIG, 1, False),
    ],
    "1.008004": [("Bản đăng ký chuyển đổi cơ cấu cây trồng, vật nuôi trên đất trồng lúa theo mẫu", ORIG, 1, False)],
    "3.000250": [
        ("Văn bản đề nghị phê duyệt phương án quản lý rừng bền vững", ORIG, 1, False),
        ("Phương án quản lý rừng bền vững", ORIG, 1, False),
    ],
    "1.014832": [
        ("Đơn đề nghị giao rừng, cho thuê rừng theo mẫu", ORIG, 1, False),
        ("Giấy tờ về quyền sử dụng đất có rừng", COPY, 1, False),
    ],
    "1.010091": [
        ("Đơn đề nghị hỗ trợ", ORIG, 1, False),
        ("Giấy ra viện hoặc giấy tờ khám, điều trị", COPY, 1, False),
        ("Biên bản xác nhận tai nạn khi làm nhiệm vụ", ORIG, 1, False),
    ],
    "1.001279": [
        ("Đơn đề nghị cấp lại Giấy phép sản xuất rượu thủ công theo mẫu", ORIG, 1, False),
        ("Giấy phép đã được cấp (trường hợp bị hư hỏng)", COPY, 1, True),
    ],
}  # fmt: skip
COMPONENTS_BY_FIELD: dict[str, list[Component]] = {
    "Đất đai": LAND_CHANGE,
    "Tài nguyên nước": WATER_LICENCE,
    "Địa chất và khoáng sản": MINERALS,
    "Môi trường": ENVIRONMENT,
    "Hộ tịch": CIVIL_STATUS,
    "Thành lập và hoạt động doanh nghiệp (hộ kinh doanh)": HOUSEHOLD_BUSINESS,
    "Bảo trợ xã hội": SOCIAL_AID,
    "Giảm nghèo": POVERTY,
    "Người có công": [("Bản khai theo mẫu", ORIG, 1, False), ("Giấy tờ chứng minh quan hệ thân nhân", COPY, 1, False)],
}


def components_for(row: dict[str, str]) -> str:
    """Return the document components in the import layout "name|form|quantity[|optional];…"."""
    items = COMPONENTS_BY_CODE.get(row["code"]) or COMPONENTS_BY_FIELD.get(row["field"], GENERIC)
    return ";".join(f"{name}|{form}|{qty}{'|optional' if optional else ''}" for name, form, qty, optional in items)


def build_row(row: dict[str, str]) -> dict[str, str] | None:
    """Return the catalog row for a source row, or None when it is not used (no code or no time)."""
    limit = time_limit(row)
    if not row["code"] or limit is None:
        return None
    amount, unit = limit
    code, field = row["code"], row["field"]
    level = level_for(row)
    competent, processing = route(row, level)
    committed = COMMITTED.get(code)
    city_decides = level == "province" and row["agency"].lower().startswith(("chủ tịch ủy ban", "ủy ban nhân dân"))
    partners = INTER_AGENCY.get(code, [])
    if unit == "same_day":
        steps = same_day_steps(competent, processing, at_counter=code in HANDLED_AT_COUNTER)
    else:
        total = budget_hours(amount, unit, committed)
        partner = partners[0] if partners else ""
        steps = steps_for(total, competent, processing, city_decides=city_decides, partner=partner)
    return {
        "code": code, "name": row["name"], "field": field, "level": level, "unit_code": competent,
        "amount": amount, "time_unit": unit, "clock_rule": "pause", "online_level": row["online_level"] or "none",
        "valid_from": "", "valid_to": "", "subjects": subjects(field), "agency_text": row["agency"],
        "time_limit_text": limit_text(code, amount, unit),
        "committed_amount": committed[0] if committed else "", "committed_unit": committed[1] if committed else "",
        "handled_at_counter": "1" if code in HANDLED_AT_COUNTER else "0",
        "is_inter_agency": "1" if partners else "0",
        # Land law leaves the time spent on financial obligations out of the limit.
        "clock_runs_awaiting_payment": "0" if field == "Đất đai" else "1",
        "postal": "both", "result_type": result_type(row["name"]),
        "electronic_result": "1" if row["online_level"] == "full" else "0",
        "fee_text": row["fee"], "legal_basis": row["legal_basis"], "source": row["source"],
        "coordinating_unit_codes": ";".join(COORDINATING.get(code, [])),
        "components": components_for(row), "fees": "", "steps": steps,
    }  # fmt: skip


def main() -> None:
    """Write catalog_demo.csv and report how many rows were used and skipped."""
    used: list[dict[str, str]] = []
    skipped: list[dict[str, str]] = []
    for row in read_source():
        built = build_row(row)
        if built:
            used.append(built)
        else:
            skipped.append(row)
    with TARGET.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(used)
    print(f"{TARGET.name}: {len(used)} procedures written, {len(skipped)} source rows skipped")
    for row in skipped:
        print(f"  skipped {row['code'] or '(no code)'}: {row['name'][:70]}")


if __name__ == "__main__":
    main()
