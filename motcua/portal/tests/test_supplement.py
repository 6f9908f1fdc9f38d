"""Online supplement pages: only the applicant's own dossier, only against an open request, the clock resumes."""

import pytest
import time_machine
from django.test import Client

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.states import State
from motcua.dossiers.tests.upload_samples import HTML_BYTES, pdf_bytes, uploaded
from motcua.portal.tests.citizen_helpers import OTHER_PHONE, PHONE, files_on_disk, identify_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    return settings.UPLOAD_ROOT


@pytest.fixture
def waiting(setup, processing):
    """Return the in-process dossier after the officer asked for two documents on Thu 6/3/2025."""
    with time_machine.travel("2025-03-06 10:00 +07:00", tick=False):
        services.dossier_request_supplement(
            code=processing.code,
            actor=setup["officer"],
            missing=["Bản vẽ mặt bằng móng", "Bản sao sổ đỏ có chứng thực"],
            note="Bản vẽ phải có chữ ký của người thiết kế",
        )
    return Dossier.objects.get(pk=processing.pk)


def page_of(dossier):
    return f"/dich-vu-cong/bo-sung/{dossier.code}/"


def files(**names):
    return {f"muc_{index}": uploaded(name, pdf_bytes()) for index, name in names.items()}


def test_an_anonymous_visitor_is_sent_to_identification(client, waiting):
    response = client.get(page_of(waiting))
    assert response.status_code == 302 and response["Location"].startswith("/dich-vu-cong/xac-thuc/?next=")


def test_another_identity_gets_404_for_the_dossier(waiting):
    stranger = Client()
    identify_as(stranger, phone=OTHER_PHONE)
    assert stranger.get(page_of(waiting)).status_code == 404
    assert stranger.post(page_of(waiting), files(**{"0": "mong.pdf", "1": "so-do.pdf"})).status_code == 404
    assert Dossier.objects.get(pk=waiting.pk).state == State.SUPPLEMENT_REQUESTED


def test_the_applicant_sees_what_is_asked(client, waiting):
    identify_as(client, phone=PHONE)
    page = client.get(page_of(waiting)).content.decode()
    assert "Bản vẽ mặt bằng móng" in page and "Bản sao sổ đỏ có chứng thực" in page
    assert "Bản vẽ phải có chữ ký của người thiết kế" in page
    assert 'name="muc_0"' in page and 'name="muc_1"' in page


def test_uploading_the_requested_documents_resumes_the_dossier(client, waiting, upload_root):
    identify_as(client, phone=PHONE)
    with time_machine.travel("2025-03-12 10:00 +07:00", tick=False):
        response = client.post(page_of(waiting), files(**{"0": "mong.pdf", "1": "so-do.pdf"}))
    assert response.status_code == 302 and response["Location"] == "/dich-vu-cong/ho-so-cua-toi/"
    dossier = Dossier.objects.get(pk=waiting.pk)
    assert dossier.state == State.IN_PROCESS
    assert dossier.current_appointment_at.date().isoformat() == "2025-03-21"  # DOMAIN.md §4.5 #7a
    assert DossierFile.objects.filter(dossier=dossier).count() == 2 == len(files_on_disk(upload_root))
    event = dossier.events.order_by("-seq").first()
    assert [f["name"] for f in event.data["files"]] == ["mong.pdf", "so-do.pdf"]


def test_a_missing_document_is_asked_for_and_nothing_changes(client, waiting, upload_root):
    identify_as(client, phone=PHONE)
    response = client.post(page_of(waiting), files(**{"0": "mong.pdf"}))
    assert response.status_code == 422
    assert Dossier.objects.get(pk=waiting.pk).state == State.SUPPLEMENT_REQUESTED
    assert files_on_disk(upload_root) == []


def test_a_disguised_file_is_refused_and_nothing_changes(client, waiting, upload_root):
    identify_as(client, phone=PHONE)
    data = {"muc_0": uploaded("mong.pdf", pdf_bytes()), "muc_1": uploaded("so-do.pdf", HTML_BYTES)}
    response = client.post(page_of(waiting), data)
    assert response.status_code == 422
    assert "so-do.pdf" in response.content.decode()
    assert Dossier.objects.get(pk=waiting.pk).state == State.SUPPLEMENT_REQUESTED
    assert files_on_disk(upload_root) == []


def test_an_oversized_supplement_is_refused_before_reading(client, waiting, settings, upload_root):
    settings.UPLOAD_MAX_FILE_BYTES, settings.UPLOAD_MAX_TOTAL_BYTES = 1024 * 1024, 1024 * 1024
    identify_as(client, phone=PHONE)
    big = {
        "muc_0": uploaded("mong.pdf", pdf_bytes() + b"\n" * (2 * 1024 * 1024)),
        "muc_1": uploaded("b.pdf", pdf_bytes()),
    }
    response = client.post(page_of(waiting), big)
    assert response.status_code == 413
    assert Dossier.objects.get(pk=waiting.pk).state == State.SUPPLEMENT_REQUESTED
    assert files_on_disk(upload_root) == []


def test_a_dossier_without_an_open_request_says_so(client, processing):
    identify_as(client, phone=PHONE)
    response = client.get(page_of(processing))
    assert response.status_code == 200
    assert "không có yêu cầu bổ sung nào đang chờ" in response.content.decode()


def test_the_start_page_lists_the_dossiers_waiting_for_documents(client, waiting):
    identify_as(client, phone=PHONE)
    page = client.get("/dich-vu-cong/bo-sung/").content.decode()
    assert waiting.code in page
    assert client.get("/dich-vu-cong/bo-sung/", {"ma": waiting.code})["Location"] == page_of(waiting)


def test_the_start_page_needs_identification_and_ignores_a_malformed_code(client, waiting):
    assert client.get("/dich-vu-cong/bo-sung/")["Location"].startswith("/dich-vu-cong/xac-thuc/?next=")
    identify_as(client, phone=PHONE)
    assert client.get("/dich-vu-cong/bo-sung/", {"ma": "../../ho-so/x"}).status_code == 200
