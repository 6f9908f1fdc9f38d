"""Online submission and online supplement: files checked and stored, the reception and processing
services called, and nothing left behind when anything is refused."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from motcua.accounts.models import Role, UnitKind
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.catalog.models import ComponentForm, DocumentComponent, OnlineLevel, ProcessStep
from motcua.catalog.tests.factories import ProcedureVersionFactory
from motcua.dossiers import selectors, services
from motcua.dossiers.models import Dossier, DossierFile, PauseInterval
from motcua.dossiers.rules import Applicant
from motcua.dossiers.services import online
from motcua.dossiers.states import Channel, State
from motcua.dossiers.tests.factories import APPLICANT, agency_setup, in_process_dossier, submitted_dossier
from motcua.dossiers.tests.upload_samples import HTML_BYTES, image_bytes, pdf_bytes, uploaded
from motcua.dossiers.uploads import UploadRefused, upload_path

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"
    return settings.UPLOAD_ROOT


@pytest.fixture
def setup(published_calendar):
    setup = agency_setup()
    version = setup["version"]
    setup["form"] = DocumentComponent.objects.create(
        version=version, order=1, name="Đơn đề nghị cấp giấy phép xây dựng"
    )
    setup["drawing"] = DocumentComponent.objects.create(version=version, order=2, name="Bản vẽ thiết kế xây dựng")
    DocumentComponent.objects.create(version=version, order=3, name="Giấy ủy quyền (nếu có)", mandatory=False)
    return setup


def files_on_disk(root):
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def submit(setup, uploads=None, applicant=APPLICANT):
    if uploads is None:
        uploads = [
            online.Upload(setup["form"].name, uploaded("don.pdf", pdf_bytes()), setup["form"]),
            online.Upload(
                setup["drawing"].name, uploaded("mat-bang.jpg", image_bytes("JPEG"), "image/jpeg"), setup["drawing"]
            ),
            online.Upload(
                setup["drawing"].name, uploaded("mat-dung.png", image_bytes("PNG"), "image/png"), setup["drawing"]
            ),
        ]
    with time_machine.travel("2025-03-03 08:00 +07:00", tick=False):
        return online.dossier_submit_online(
            version=setup["version"], applicant=applicant, uploads=uploads, subject="Xây nhà ở riêng lẻ 3 tầng"
        )


def test_an_online_dossier_reaches_the_intake_of_the_reception_step_with_its_files(setup, upload_root):
    # when an applicant submits online with a PDF and two images of the drawing
    dossier = submit(setup)
    # then the dossier waits (state 1, channel 2) at the service centre named by the reception step
    assert (dossier.state, dossier.channel) == (State.SUBMITTED, Channel.ONLINE)
    assert dossier.receiving_unit == setup["center"] == dossier.reception_point
    assert list(selectors.reception_pending(user=setup["reception"], unit=setup["center"])) == [dossier]
    # and each component is received once, electronically, with its files recorded and on disk
    received = {c.name: c for c in dossier.components.all()}
    assert set(received) == {setup["form"].name, setup["drawing"].name}
    assert {c.form for c in received.values()} == {ComponentForm.ELECTRONIC}
    files = list(DossierFile.objects.filter(dossier=dossier).order_by("id"))
    assert [(f.received.name, f.original_name, f.kind) for f in files] == [
        (setup["form"].name, "don.pdf", "pdf"),
        (setup["drawing"].name, "mat-bang.jpg", "jpeg"),
        (setup["drawing"].name, "mat-dung.png", "png"),
    ]
    assert all(upload_path(f.storage_name).stat().st_size == f.size for f in files)
    assert len(files_on_disk(upload_root)) == 3


def test_a_procedure_not_offered_online_is_refused_and_nothing_is_written(setup, upload_root):
    setup["version"].online_level = OnlineLevel.NONE
    setup["version"].save()
    with pytest.raises(online.NotOfferedOnline, match="không cung cấp dịch vụ công trực tuyến") as refusal:
        submit(setup)
    assert refusal.value.status == 409
    assert not Dossier.objects.exists() and files_on_disk(upload_root) == []


def test_a_missing_mandatory_component_is_refused(setup, upload_root):
    uploads = [online.Upload(setup["form"].name, uploaded("don.pdf", pdf_bytes()), setup["form"])]
    with pytest.raises(services.DossierError, match="Bản vẽ thiết kế xây dựng"):
        submit(setup, uploads)
    assert not Dossier.objects.exists() and files_on_disk(upload_root) == []


def test_an_html_file_named_pdf_changes_nothing(setup, upload_root):
    # given a good PDF for the form and an HTML page named like a PDF for the drawing
    uploads = [
        online.Upload(setup["form"].name, uploaded("don.pdf", pdf_bytes()), setup["form"]),
        online.Upload(setup["drawing"].name, uploaded("ban-ve.pdf", HTML_BYTES), setup["drawing"]),
    ]
    # when submitted, then it is refused: no dossier, no file, not even the good one
    with pytest.raises(UploadRefused, match=r"ban-ve\.pdf"):
        submit(setup, uploads)
    assert not Dossier.objects.exists() and files_on_disk(upload_root) == []


def test_an_invalid_id_number_is_refused_before_any_file_is_written(setup, upload_root):
    applicant = Applicant(**{**APPLICANT.__dict__, "id_number": "03119000123"})
    with pytest.raises(services.DossierError, match="12 chữ số"):
        submit(setup, applicant=applicant)
    assert files_on_disk(upload_root) == []


def test_files_are_removed_when_the_dossier_cannot_be_saved(setup, upload_root, monkeypatch):
    # given a database failure while the dossier is written
    def failing_submit(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(online, "dossier_submit", failing_submit)
    with pytest.raises(RuntimeError):
        submit(setup)
    # then the files written just before are gone
    assert files_on_disk(upload_root) == []


def test_without_a_reception_step_the_service_centre_above_the_competent_unit_receives(setup):
    ProcessStep.objects.filter(version=setup["version"]).delete()
    # given the service centre sits under the province, above the commune
    assert selectors.procedure_online_reception_unit(setup["version"]) == setup["center"]


def test_without_any_reception_unit_the_procedure_is_not_offered_online():
    version = ProcedureVersionFactory(competent_unit=UnitFactory(kind=UnitKind.COMMUNE))
    with pytest.raises(online.NotOfferedOnline, match="chưa được cấu hình nơi tiếp nhận"):
        online.procedure_check_online(version)


def at(day, month, hour):
    return datetime(2025, month, day, hour, 0, tzinfo=VN)


def supplement_requested(setup):
    dossier = in_process_dossier(setup)  # accepted Mon 3/3/2025 09:00, 10 working days → Mon 17/3 09:00
    with time_machine.travel("2025-03-06 10:00 +07:00", tick=False):
        services.dossier_request_supplement(
            code=dossier.code, actor=setup["officer"], missing=["Bản vẽ mặt bằng móng"], note="Bản vẽ có chữ ký"
        )
    return dossier


def supply(dossier, uploads):
    with time_machine.travel("2025-03-12 10:00 +07:00", tick=False):
        return online.dossier_supplement_online(code=dossier.code, uploads=uploads)


def test_an_online_supplement_resumes_the_clock_as_example_7a_and_the_event_records_the_files(setup):
    dossier = supplement_requested(setup)
    data = pdf_bytes(2)
    # when the applicant uploads the foundation plan on Wed 12/3
    dossier = supply(dossier, [online.Upload("Bản vẽ mặt bằng móng", uploaded("mong.pdf", data))])
    # then processing resumes with 7 working days left from 13/3: Fri 21/3/2025 09:00 (DOMAIN.md §4.5 #7a)
    assert dossier.state == State.IN_PROCESS
    assert dossier.appointment_at == at(21, 3, 9)
    assert PauseInterval.objects.get(dossier=dossier).ended_at == at(12, 3, 10)
    # and the event lists the file with its hash; the file belongs to a supplement component
    event = dossier.events.order_by("-seq").first()
    assert event.type == "supplement_received" and event.actor is None
    assert event.data["components"] == ["Bản vẽ mặt bằng móng"]
    [recorded] = event.data["files"]
    stored = DossierFile.objects.get(dossier=dossier)
    assert recorded == {
        "component": "Bản vẽ mặt bằng móng",
        "name": "mong.pdf",
        "size": len(data),
        "sha256": stored.sha256,
    }
    assert stored.received.is_supplement


def test_under_the_restart_rule_the_clock_starts_again_as_example_7b(setup):
    setup["version"].clock_rule = "restart"
    setup["version"].save()
    dossier = supply(
        supplement_requested(setup), [online.Upload("Bản vẽ mặt bằng móng", uploaded("mong.pdf", pdf_bytes()))]
    )
    assert dossier.appointment_at.date() == at(26, 3, 10).date()


def test_a_completion_request_before_acceptance_is_answered_online(setup):
    # given an online dossier returned for completion before acceptance
    dossier = submitted_dossier(setup)
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False):
        services.dossier_request_completion(code=dossier.code, actor=setup["reception"], missing=["Bản sao sổ đỏ"])
    # when the applicant uploads it, then the dossier waits for acceptance again
    dossier = supply(dossier, [online.Upload("Bản sao sổ đỏ", uploaded("so-do.jpg", image_bytes(), "image/jpeg"))])
    assert dossier.state == State.SUBMITTED
    assert dossier.events.order_by("-seq").first().data["files"][0]["name"] == "so-do.jpg"


def test_a_supplement_without_an_open_request_is_refused_and_writes_nothing(setup, upload_root):
    dossier = in_process_dossier(setup)
    with pytest.raises(services.WrongState):
        supply(dossier, [online.Upload("Bản vẽ", uploaded("mong.pdf", pdf_bytes()))])
    assert files_on_disk(upload_root) == []


def test_every_requested_item_needs_a_file(setup, upload_root):
    dossier = supplement_requested(setup)
    with pytest.raises(services.DossierError, match="Bản vẽ mặt bằng móng"):
        supply(dossier, [online.Upload("Ảnh hiện trạng", uploaded("anh.jpg", image_bytes(), "image/jpeg"))])
    assert Dossier.objects.get(pk=dossier.pk).state == State.SUPPLEMENT_REQUESTED
    assert files_on_disk(upload_root) == []


def test_a_reception_officer_elsewhere_does_not_see_the_online_dossier(setup):
    dossier = submit(setup)
    other = UnitFactory(code="000.10.99.H31", kind=UnitKind.SERVICE_CENTER, parent=setup["province"])
    officer = MembershipFactory(unit=other, role=Role.RECEPTION_OFFICER).user
    assert dossier not in selectors.reception_pending(user=officer, unit=other)
