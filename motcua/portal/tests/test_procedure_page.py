"""The public procedure page: parts, where to submit, online submission link, safe template downloads."""

import pytest
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.urls import include, path

import motcua.urls as site_urls
from motcua.accounts.models import Role
from motcua.accounts.tests.factories import UnitFactory
from motcua.catalog.models import DocumentComponent, FeeItem, OnlineLevel, ProcessStep
from motcua.catalog.tests.factories import ProcedureFactory, ProcedureVersionFactory
from motcua.portal import urls as portal_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit():
    """Return a partial-online construction permit with components, a template, fees and a reception step."""
    centre = UnitFactory(
        code="000.10.50.H31",
        name="Trung tâm Phục vụ hành chính công xã Vĩnh Bảo",
        address="Khu 3, xã Vĩnh Bảo, thành phố Hải Phòng",
        phone="0225 3884 123",
    )
    version = ProcedureVersionFactory(
        construction=True,
        procedure=ProcedureFactory(code="1.013225"),
        legal_basis="Luật Xây dựng số 50/2014/QH13\nNghị định 175/2024/NĐ-CP",
        fee_text="Lệ phí cấp giấy phép xây dựng theo nghị quyết của Hội đồng nhân dân thành phố",
    )
    form = DocumentComponent.objects.create(version=version, order=1, name="Đơn đề nghị cấp giấy phép xây dựng")
    form.template.save("mau-don-gpxd.docx", ContentFile(b"PK\x03\x04 docx"), save=True)
    DocumentComponent.objects.create(version=version, order=2, name="Bản vẽ thiết kế xây dựng", form="copy", quantity=2)
    FeeItem.objects.create(version=version, name="Lệ phí cấp giấy phép xây dựng nhà ở riêng lẻ", amount=75000)
    ProcessStep.objects.create(
        version=version, order=1, name="Tiếp nhận", role=Role.RECEPTION_OFFICER, unit=centre, quota_amount=1
    )
    return version


def test_the_page_shows_every_part_a_citizen_needs(client, permit):
    # when
    response = client.get("/dich-vu-cong/thu-tuc/1.013225/")
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in html
    assert "15 ngày" in html  # time limit
    assert "Trực tuyến một phần" in html  # online level
    assert "Đơn đề nghị cấp giấy phép xây dựng" in html and "Bản vẽ thiết kế xây dựng" in html
    assert "75.000 đồng" in html  # fee
    assert "Luật Xây dựng số 50/2014/QH13" in html  # legal basis
    assert "Trung tâm Phục vụ hành chính công xã Vĩnh Bảo" in html and "0225 3884 123" in html  # where to submit
    assert f"/dich-vu-cong/thu-tuc/1.013225/mau/{permit.components.get(order=1).pk}/" in html
    # and the internal process, an officers' matter, is not shown
    assert "Quy trình nội bộ" not in html


def test_the_template_downloads_as_an_attachment(client, permit):
    component = permit.components.get(order=1)
    response = client.get(f"/dich-vu-cong/thu-tuc/1.013225/mau/{component.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="1.013225-mau-1.docx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_an_html_file_uploaded_as_a_template_downloads_and_never_renders(client, permit):
    component = permit.components.get(order=2)
    component.template.save("mau.html", ContentFile(b"<script>alert(1)</script>"), save=True)
    response = client.get(f"/dich-vu-cong/thu-tuc/1.013225/mau/{component.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_component_of_another_procedure_or_without_template_is_404(client, permit):
    other = ProcedureVersionFactory(procedure=ProcedureFactory(code="1.001193"))
    foreign = DocumentComponent.objects.create(version=other, order=1, name="Tờ khai đăng ký khai sinh")
    foreign.template.save("to-khai.pdf", ContentFile(b"%PDF-1.4"), save=True)
    assert client.get(f"/dich-vu-cong/thu-tuc/1.013225/mau/{foreign.pk}/").status_code == 404
    assert client.get(f"/dich-vu-cong/thu-tuc/1.013225/mau/{permit.components.get(order=2).pk}/").status_code == 404


def test_the_sample_dossier_is_offered_where_one_exists(client, permit):
    assert "Hồ sơ mẫu" not in client.get("/dich-vu-cong/thu-tuc/1.013225/").content.decode()
    permit.sample_dossier.save("mau-da-dien.pdf", ContentFile(b"%PDF-1.4 mau"), save=False)
    permit.sample_dossier_url = "https://dichvucong.gov.vn/p/home/dvc-chi-tiet-thu-tuc.html?ma=1.013225"
    permit.save()
    html = client.get("/dich-vu-cong/thu-tuc/1.013225/").content.decode()
    assert "Hồ sơ mẫu" in html and "dvc-chi-tiet-thu-tuc" in html
    response = client.get("/dich-vu-cong/thu-tuc/1.013225/ho-so-mau/")
    assert response["Content-Disposition"] == 'attachment; filename="1.013225-ho-so-mau.pdf"'


def test_an_unknown_or_expired_procedure_is_404(client, permit):
    from datetime import date

    ProcedureVersionFactory(procedure=ProcedureFactory(code="1.000001"), valid_to=date(2020, 12, 31))
    assert client.get("/dich-vu-cong/thu-tuc/9.999999/").status_code == 404
    assert client.get("/dich-vu-cong/thu-tuc/1.000001/").status_code == 404


def _submit_page(request, code):
    """Stand in for the online submission page (the other half of issue 5) under its agreed name."""
    return HttpResponse(code)


# The site's URLs with `portal:submit` present, whether or not the submission page exists yet.
urlpatterns = [
    path(
        "dich-vu-cong/",
        include(
            (
                [
                    *[p for p in portal_urls.urlpatterns if getattr(p, "name", None) != "submit"],
                    path("nop-ho-so/<str:code>/", _submit_page, name="submit"),
                ],
                "portal",
            )
        ),
    ),
    *[p for p in site_urls.urlpatterns if "dich-vu-cong" not in str(p.pattern)],
]


@pytest.mark.urls(__name__)
def test_the_online_button_links_to_submission_only_for_online_procedures(client, permit):
    # given the submission page exists, and a procedure offered only at the counter
    offline = ProcedureVersionFactory(procedure=ProcedureFactory(code="1.000002"), online_level=OnlineLevel.NONE)
    # when
    online_html = client.get("/dich-vu-cong/thu-tuc/1.013225/").content.decode()
    offline_html = client.get(f"/dich-vu-cong/thu-tuc/{offline.procedure.code}/").content.decode()
    # then the online procedure links to it with its code, the other does not
    assert 'href="/dich-vu-cong/nop-ho-so/1.013225/"' in online_html and "Nộp trực tuyến" in online_html
    assert "nop-ho-so" not in offline_html
