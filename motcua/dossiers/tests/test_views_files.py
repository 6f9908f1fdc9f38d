"""Uploaded files in the back office: listed on the dossier page, downloaded only by officers of its units;
and applicant text with script in it stays inert on the dossier page, the receipt and the ledger export."""

import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from motcua.accounts.models import Role
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.catalog.models import DocumentComponent
from motcua.dossiers import services
from motcua.dossiers.documents.ledger import ledger_rows, ledger_xlsx
from motcua.dossiers.documents.pdf import render_form_html
from motcua.dossiers.models import DossierFile
from motcua.dossiers.rules import Applicant
from motcua.dossiers.services import online
from motcua.dossiers.tests.factories import APPLICANT, agency_setup
from motcua.dossiers.tests.upload_samples import pdf_bytes, uploaded

pytestmark = pytest.mark.django_db
SCRIPT = '<script>alert("xss")</script>'
PASSWORD = "mat-khau-thu-nghiem"


@pytest.fixture(autouse=True)
def upload_root(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"


@pytest.fixture
def setup(published_calendar):
    setup = agency_setup()
    setup["form"] = DocumentComponent.objects.create(version=setup["version"], order=1, name="Đơn đề nghị")
    return setup


@pytest.fixture
def online_dossier(setup):
    """Return an online dossier whose applicant typed script into the name, address and subject, with one PDF."""
    applicant = Applicant(**{**APPLICANT.__dict__, "name": f"Lan {SCRIPT}", "address": f'=HYPERLINK("x") {SCRIPT}'})
    with time_machine.travel("2025-03-03 08:00 +07:00", tick=False):
        return online.dossier_submit_online(
            version=setup["version"],
            applicant=applicant,
            uploads=[online.Upload(setup["form"].name, uploaded("don-de-nghi.pdf", pdf_bytes()), setup["form"])],
            subject=f"+cmd|' /C calc'!A0 {SCRIPT}",
        )


def test_the_dossier_page_lists_the_files_for_its_officers(client, setup, online_dossier):
    client.force_login(setup["reception"])
    page = client.get(reverse("dossiers:detail", args=[online_dossier.code])).content.decode()
    upload = DossierFile.objects.get()
    assert reverse("dossiers:file", args=[online_dossier.code, upload.pk]) in page
    assert "don-de-nghi.pdf" in page and upload.sha256[:16] in page


def test_an_officer_of_the_dossiers_unit_downloads_the_file_as_an_attachment(client, setup, online_dossier):
    client.force_login(setup["reception"])
    upload = DossierFile.objects.get()
    response = client.get(reverse("dossiers:file", args=[online_dossier.code, upload.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_officer_of_another_unit_is_refused_the_file(client, setup, online_dossier):
    stranger = MembershipFactory(unit=UnitFactory(name="Ủy ban nhân dân xã B"), role=Role.RECEPTION_OFFICER).user
    client.force_login(stranger)
    upload = DossierFile.objects.get()
    response = client.get(reverse("dossiers:file", args=[online_dossier.code, upload.pk]))
    assert response.status_code == 403
    assert b"%PDF" not in response.content


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, online_dossier):
    upload = DossierFile.objects.get()
    response = client.get(reverse("dossiers:file", args=[online_dossier.code, upload.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_file_of_another_dossier_is_not_served_through_this_one(client, setup, online_dossier):
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False):
        other = services.dossier_receive_at_counter(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            applicant=APPLICANT,
            components=[services.Component(name="Đơn đề nghị")],
            actor=setup["reception"],
        )
    client.force_login(setup["reception"])
    upload = DossierFile.objects.get()
    assert client.get(reverse("dossiers:file", args=[other.code, upload.pk])).status_code == 404


def test_script_in_applicant_text_is_inert_on_the_dossier_page(client, setup, online_dossier):
    client.force_login(setup["reception"])
    page = client.get(reverse("dossiers:detail", args=[online_dossier.code])).content.decode()
    assert "<script>alert" not in page
    assert "Lan &lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page


def test_script_in_applicant_text_is_escaped_in_the_receipt_html_for_weasyprint(setup, online_dossier):
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False):
        services.dossier_accept(code=online_dossier.code, actor=setup["reception"])
    online_dossier.refresh_from_db()
    html = render_form_html(dossier=online_dossier, kind="receipt")
    assert "<script>alert" not in html
    assert "Lan &lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html


def test_formula_like_applicant_text_stays_text_in_the_ledger_export(setup, online_dossier):
    with time_machine.travel("2025-03-03 09:00 +07:00", tick=False):
        services.dossier_accept(code=online_dossier.code, actor=setup["reception"])
    day = timezone.localdate(online_dossier.submitted_at)
    rows = ledger_rows(unit_ids=[setup["center"].pk], date_from=day, date_to=day)
    workbook = load_workbook(io.BytesIO(ledger_xlsx(rows, title="Tháng 3/2025")))
    cells = [cell for row in workbook.active.iter_rows() for cell in row if isinstance(cell.value, str)]
    address = next(cell for cell in cells if cell.value.startswith("=HYPERLINK"))
    # the cell starting with "=" is a string cell, not a formula
    assert address.data_type == "s"
    assert not any(cell.data_type == "f" for cell in cells)
