"""Online submission pages: who may reach them, what they accept, and what a refusal leaves behind."""

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client

from motcua.catalog.models import OnlineLevel
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.states import Channel, State
from motcua.dossiers.tests.upload_samples import ELF_BYTES, HTML_BYTES, PE_BYTES, image_bytes, pdf_bytes, uploaded
from motcua.portal.tests.citizen_helpers import (
    OTHER_PHONE,
    PHONE,
    add_components,
    applicant_post,
    files_on_disk,
    identify_as,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    return settings.UPLOAD_ROOT


@pytest.fixture
def procedure(setup):
    form, drawing, proxy = add_components(setup["version"])
    setup.update(form=form, drawing=drawing, proxy=proxy)
    return setup


def url(setup):
    return f"/dich-vu-cong/nop-ho-so/{setup['version'].procedure.code}/"


def post_files(procedure, **files):
    data = applicant_post()
    defaults = {
        f"tp_{procedure['form'].pk}": uploaded("don-de-nghi.pdf", pdf_bytes()),
        f"tp_{procedure['drawing'].pk}": uploaded("ban-ve.jpg", image_bytes(), "image/jpeg"),
    }
    defaults.update({f"tp_{procedure[key].pk}": value for key, value in files.items()})
    return {**data, **{key: value for key, value in defaults.items() if value is not None}}


def test_an_anonymous_visitor_is_sent_to_identification_first(client, procedure):
    response = client.get(url(procedure))
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"/dich-vu-cong/xac-thuc/?next=%2Fdich-vu-cong%2Fnop-ho-so%2F{procedure['version'].procedure.code}%2F"
    )


def test_an_anonymous_post_is_sent_to_identification_and_creates_nothing(client, procedure):
    response = client.post(url(procedure), post_files(procedure))
    assert response.status_code == 302 and "/xac-thuc/" in response["Location"]
    assert not Dossier.objects.exists()


def test_a_procedure_not_offered_online_is_refused_clearly(client, procedure):
    procedure["version"].online_level = OnlineLevel.NONE
    procedure["version"].save()
    response = client.get(url(procedure))
    assert response.status_code == 409
    assert "không cung cấp dịch vụ công trực tuyến" in response.content.decode()


def test_an_unknown_procedure_is_404(client):
    assert client.get("/dich-vu-cong/nop-ho-so/9.999999/").status_code == 404


def test_the_identified_applicant_gets_one_file_field_per_component_and_a_locked_phone(client, procedure):
    identify_as(client, phone=PHONE)
    page = client.get(url(procedure)).content.decode()
    for component in ("form", "drawing", "proxy"):
        assert f'name="tp_{procedure[component].pk}"' in page
    assert 'accept=".pdf,.jpg,.jpeg,.png,.docx,.xlsx' in page
    assert 'name="phone"' in page and "disabled" in page.split('name="phone"')[1].split(">")[0]
    assert 'enctype="multipart/form-data"' in page


def test_a_submission_reaches_the_intake_and_shows_its_code(client, procedure, upload_root):
    identify_as(client, phone=PHONE)
    # when the applicant submits with their files (and tries to post another phone)
    response = client.post(url(procedure), {**post_files(procedure), "phone": OTHER_PHONE})
    # then the dossier waits at the intake with the verified phone, and the page shows its code
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dich-vu-cong/da-nop/{dossier.code}/"
    assert (dossier.state, dossier.channel, dossier.applicant_phone) == (State.SUBMITTED, Channel.ONLINE, PHONE)
    assert dossier.receiving_unit == procedure["center"]
    assert DossierFile.objects.filter(dossier=dossier).count() == 2 == len(files_on_disk(upload_root))
    done = client.get(response["Location"]).content.decode()
    assert dossier.code in done and "don-de-nghi.pdf" in done and "Tiếp theo" in done


def test_another_identity_cannot_see_the_submitted_page(client, procedure):
    identify_as(client, phone=PHONE)
    client.post(url(procedure), post_files(procedure))
    code = Dossier.objects.get().code
    stranger = Client()
    identify_as(stranger, phone=OTHER_PHONE)
    assert stranger.get(f"/dich-vu-cong/da-nop/{code}/").status_code == 404


@pytest.mark.parametrize(
    ("name", "data"), [("ban-ve.pdf", HTML_BYTES), ("ban-ve.pdf", ELF_BYTES), ("ban-ve.pdf", PE_BYTES)]
)
def test_a_disguised_file_is_refused_and_changes_nothing(client, procedure, upload_root, name, data):
    identify_as(client, phone=PHONE)
    response = client.post(url(procedure), post_files(procedure, drawing=uploaded(name, data)))
    assert response.status_code == 422
    page = response.content.decode()
    assert "không phải PDF, JPEG, PNG, DOCX hoặc XLSX" in page and "is not a PDF, JPEG, PNG, DOCX or XLSX" in page
    assert not Dossier.objects.exists() and files_on_disk(upload_root) == []


def test_a_missing_mandatory_file_or_declaration_is_asked_for(client, procedure):
    identify_as(client, phone=PHONE)
    data = post_files(procedure)
    del data[f"tp_{procedure['drawing'].pk}"]
    del data["declaration"]
    response = client.post(url(procedure), data)
    assert response.status_code == 422
    assert not Dossier.objects.exists()


def test_an_invalid_id_number_is_refused(client, procedure):
    identify_as(client, phone=PHONE)
    response = client.post(url(procedure), {**post_files(procedure), "id_number": "12345"})
    assert response.status_code == 422
    assert "12 chữ số" in response.content.decode()
    assert not Dossier.objects.exists()


class CountingHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler, counting the bytes that reach the disk."""

    written = 0

    def receive_data_chunk(self, raw_data, start):
        CountingHandler.written += len(raw_data)
        return super().receive_data_chunk(raw_data, start)


@pytest.fixture
def counting(settings):
    settings.FILE_UPLOAD_HANDLERS = ["motcua.portal.tests.test_submission.CountingHandler"]
    CountingHandler.written = 0
    return CountingHandler


def test_an_oversized_file_is_refused_before_it_reaches_the_disk(client, procedure, settings, upload_root, counting):
    # given a limit of 1 MB per file and 4 MB in all
    settings.UPLOAD_MAX_FILE_BYTES, settings.UPLOAD_MAX_TOTAL_BYTES = 1024 * 1024, 4 * 1024 * 1024
    identify_as(client, phone=PHONE)
    big = uploaded("ban-ve.pdf", pdf_bytes() + b"\n" * (3 * 1024 * 1024))
    # when a 3 MB drawing is posted after a small application form
    response = client.post(url(procedure), post_files(procedure, drawing=big))
    # then it is refused (413) with a clear message, nothing is saved, and reading stopped at the limit
    assert response.status_code == 413
    assert "Có tệp lớn hơn 1 MB" in response.content.decode()
    assert not Dossier.objects.exists() and files_on_disk(upload_root) == []
    assert counting.written <= settings.UPLOAD_MAX_FILE_BYTES + len(pdf_bytes())


def test_a_body_longer_than_all_limits_is_refused_without_being_read(
    client, procedure, settings, upload_root, counting
):
    # given 1 MB per file and 2 MB in all
    settings.UPLOAD_MAX_FILE_BYTES, settings.UPLOAD_MAX_TOTAL_BYTES = 1024 * 1024, 2 * 1024 * 1024
    identify_as(client, phone=PHONE)
    # when three files of 0.95 MB each are posted (each within its own limit)
    files = {key: uploaded(f"{key}.pdf", pdf_bytes() + b"\n" * (970 * 1024)) for key in ("form", "drawing", "proxy")}
    response = client.post(url(procedure), post_files(procedure, **files))
    # then the declared length alone refuses them: not one byte reached a file
    assert response.status_code == 413
    assert "Các tệp cộng lại lớn hơn 2 MB" in response.content.decode()
    assert counting.written == 0
    assert not Dossier.objects.exists() and files_on_disk(upload_root) == []


def test_a_post_without_the_csrf_token_is_refused(procedure):
    browser = Client(enforce_csrf_checks=True)
    identify_as(browser, phone=PHONE)
    response = browser.post(url(procedure), post_files(procedure))
    assert response.status_code == 403
    assert not Dossier.objects.exists()


def test_script_in_free_text_is_shown_as_text(client, procedure):
    identify_as(client, phone=PHONE)
    script = '<script>alert("xss")</script>'
    client.post(
        url(procedure),
        {**post_files(procedure), "name": f"Lan {script}", "address": f"Thôn {script}", "subject": script},
    )
    dossier = Dossier.objects.get()
    assert dossier.applicant_name == f"Lan {script}"
    html = client.get(f"/dich-vu-cong/da-nop/{dossier.code}/").content.decode()
    assert "<script>alert" not in html
    assert "Lan &lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html
