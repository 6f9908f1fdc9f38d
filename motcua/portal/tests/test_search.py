"""Portal home, procedure search (accents and everyday words forgiven, filters, pages) and its speed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.tests.factories import UnitFactory
from motcua.catalog.models import Level, OnlineLevel, Procedure, ProcedureVersion
from motcua.catalog.tests.factories import FieldFactory, ProcedureFactory, ProcedureVersionFactory
from motcua.lib.text import fold

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    """Return a few real procedures of a commune and a department, by short name."""
    commune = UnitFactory(code="000.00.50.H31", name="Ủy ban nhân dân xã Vĩnh Bảo")
    department = UnitFactory(code="000.00.12.H31", department=True, name="Sở Nông nghiệp và Môi trường")
    land = FieldFactory(name="Đất đai")
    civil = FieldFactory(name="Hộ tịch")
    building = FieldFactory(name="Hoạt động xây dựng")
    rows = {
        "land": (
            "1.012783",
            "Cấp đổi Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
            land,
            department,
            Level.PROVINCE,
        ),
        "birth": ("1.001193", "Thủ tục đăng ký khai sinh", civil, commune, Level.COMMUNE),
        "marriage": ("1.000894", "Thủ tục đăng ký kết hôn", civil, commune, Level.COMMUNE),
        "permit": (
            "1.013225",
            "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV",
            building,
            commune,
            Level.COMMUNE,
        ),
    }
    found = {}
    for key, (code, name, field, unit, level) in rows.items():
        found[key] = ProcedureVersionFactory(
            procedure=ProcedureFactory(code=code), name=name, field=field, competent_unit=unit, level=level
        )
    return found


def names(response) -> set[str]:
    return {version.name for version in response.context["page"].object_list}


def test_home_offers_search_lookup_performance_and_the_officers_login(client, catalog):
    html = client.get("/dich-vu-cong/").content.decode()
    assert 'action="/dich-vu-cong/thu-tuc/"' in html
    assert 'action="/dich-vu-cong/tra-cuu/"' in html
    assert "/dich-vu-cong/danh-gia/" in html
    assert "Đăng nhập cán bộ" in html and 'href="/tai-khoan/dang-nhap/"' in html
    assert "?q=s%E1%BB%95%20%C4%91%E1%BB%8F" in html  # the everyday search "sổ đỏ"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sổ đỏ", {"land"}),
        ("so do", {"land"}),  # no accents
        ("SO DO", {"land"}),
        ("khai sinh", {"birth"}),
        ("giay khai sinh", {"birth"}),
        ("ket hon", {"marriage"}),
        ("xây nhà", {"permit"}),
        ("giay phep xay dung", {"permit"}),  # the official words still work
        ("1.001193", {"birth"}),  # and the code
    ],
)
def test_everyday_words_and_missing_accents_find_the_official_procedure(client, catalog, typed, expected):
    # when
    response = client.get("/dich-vu-cong/thu-tuc/", {"q": typed})
    # then
    assert names(response) == {catalog[key].name for key in expected}


def test_filters_by_field_agency_and_level(client, catalog):
    civil = catalog["birth"].field
    assert names(client.get("/dich-vu-cong/thu-tuc/", {"field": civil.pk})) == {
        catalog["birth"].name,
        catalog["marriage"].name,
    }
    assert names(client.get("/dich-vu-cong/thu-tuc/", {"unit": "000.00.12.H31"})) == {catalog["land"].name}
    assert names(client.get("/dich-vu-cong/thu-tuc/", {"level": Level.PROVINCE})) == {catalog["land"].name}
    assert names(client.get("/dich-vu-cong/thu-tuc/", {"q": "dang ky", "level": Level.COMMUNE})) == {
        catalog["birth"].name,
        catalog["marriage"].name,
    }


def test_an_unknown_filter_value_is_reported_and_ignored(client, catalog):
    response = client.get("/dich-vu-cong/thu-tuc/", {"level": "galaxy", "q": "khai sinh"})
    assert response.status_code == 200
    assert names(response) == {catalog["birth"].name}
    assert response.context["form"].errors["level"]


def test_nothing_found_says_so(client, catalog):
    response = client.get("/dich-vu-cong/thu-tuc/", {"q": "tàu vũ trụ"})
    assert "Không có thủ tục nào phù hợp" in response.content.decode()


def build_catalog(count: int) -> None:
    """Create `count` procedures in force across 20 fields and 10 agencies, in bulk."""
    fields = [FieldFactory(name=f"Lĩnh vực {n}") for n in range(20)]
    units = [UnitFactory() for _ in range(10)]
    Procedure.objects.bulk_create(Procedure(code=f"5.{n:06d}") for n in range(count))
    procedures = Procedure.objects.filter(code__startswith="5.").order_by("code")
    versions = []
    for n, procedure in enumerate(procedures):
        name = f"Cấp giấy chứng nhận quyền sử dụng đất trường hợp {n}" if n % 50 == 0 else f"Thủ tục số {n} về hộ tịch"
        field = fields[n % 20]
        versions.append(
            ProcedureVersion(
                procedure=procedure,
                name=name,
                field=field,
                level=Level.COMMUNE,
                competent_unit=units[n % 10],
                time_limit_amount=5,
                time_limit_unit="working_days",
                online_level=OnlineLevel.PARTIAL,
                search_text=fold(f"{procedure.code} {name} {field.name}"),
            )
        )
    ProcedureVersion.objects.bulk_create(versions, batch_size=500)


def test_search_on_2000_procedures_takes_a_bounded_number_of_queries(client):
    # given a catalog of 2,000 procedures
    build_catalog(2000)
    # when a search and a filtered, paged search are made
    with CaptureQueriesContext(connection) as plain:
        response = client.get("/dich-vu-cong/thu-tuc/", {"q": "so do"})
    with CaptureQueriesContext(connection) as paged:
        client.get("/dich-vu-cong/thu-tuc/", {"q": "ho tich", "level": "commune", "page": 3})
    # then the everyday words found the 40 land procedures, 20 a page
    assert response.context["page"].paginator.count == 40
    assert len(response.context["page"].object_list) == 20
    # and the pages read the filter choices, the count and one page of rows, whatever the catalog's size
    assert len(plain) <= 5
    assert len(paged) <= 5


def test_script_in_a_procedure_name_is_shown_inert(client):
    ProcedureVersionFactory(name='Thủ tục <script>alert("x")</script> thử')
    html = client.get("/dich-vu-cong/thu-tuc/", {"q": "thu tuc"}).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html
