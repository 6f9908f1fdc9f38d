"""Catalog admin: the same checks as the import (overlap, time limit range, step quotas), nothing saved on error."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import Unit
from motcua.accounts.tests.factories import UnitFactory, UserFactory
from motcua.catalog.models import Field, Procedure, ProcedureVersion, ProcessStep
from motcua.catalog.tests.factories import FieldFactory, ProcedureFactory, ProcedureVersionFactory

ADD_URL = "admin:catalog_procedureversion_add"


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    return client


def inline_management(prefix: str, total: int, initial: int = 0) -> dict[str, Any]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def version_post(
    procedure: Procedure, field: Field, unit: Unit, steps: list[tuple[str, str, str]] = (), **changes: Any
) -> dict[str, Any]:
    """Return the POST data of the version add form; `steps` holds (role, quota, quota_unit) triples."""
    data = {
        "procedure": procedure.pk,
        "name": "Thủ tục đăng ký khai sinh",
        "field": field.pk,
        "level": "commune",
        "subjects": "citizen",
        "competent_unit": unit.pk,
        "time_limit_unit": "same_day",
        "clock_rule": "pause",
        "clock_runs_awaiting_payment": "on",
        "online_level": "full",
        "postal": "both",
        **inline_management("components", 0),
        **inline_management("fees", 0),
        **inline_management("steps", len(steps)),
    }
    for index, (role, quota, quota_unit) in enumerate(steps):
        data |= {
            f"steps-{index}-order": str(index + 1),
            f"steps-{index}-name": f"Bước {index + 1}",
            f"steps-{index}-role": role,
            f"steps-{index}-quota_amount": quota,
            f"steps-{index}-quota_unit": quota_unit,
        }
    return data | changes


@pytest.fixture
def references(db: None) -> tuple[Procedure, Field, Unit]:
    return ProcedureFactory(code="1.001193"), FieldFactory(name="Hộ tịch"), UnitFactory(code="000.10.00.H56")


def test_a_valid_version_with_steps_is_saved_with_its_search_text(
    admin_client: Client, references: tuple[Procedure, Field, Unit]
) -> None:
    # given
    data = version_post(*references, steps=[("reception_officer", "2", "hours"), ("agency_head", "6", "hours")])
    # when
    response = admin_client.post(reverse(ADD_URL), data)
    # then
    assert response.status_code == 302
    version = ProcedureVersion.objects.get()
    assert version.search_text == "1.001193 thu tuc dang ky khai sinh ho tich"
    assert version.steps.count() == 2


def test_an_overlapping_version_is_refused(admin_client: Client, references: tuple[Procedure, Field, Unit]) -> None:
    # given
    procedure, field, unit = references
    ProcedureVersionFactory(procedure=procedure, field=field, competent_unit=unit, valid_from=date(2020, 1, 1))
    data = version_post(*references, valid_from="2025-07-01")
    # when
    response = admin_client.post(reverse(ADD_URL), data)
    # then
    assert response.status_code == 200
    assert "chồng lấn phiên bản đã có của thủ tục 1.001193" in response.content.decode()
    assert ProcedureVersion.objects.count() == 1


def test_steps_over_the_time_limit_are_refused(admin_client: Client, references: tuple[Procedure, Field, Unit]) -> None:
    # given
    data = version_post(*references, steps=[("reception_officer", "4", "hours"), ("agency_head", "1", "working_days")])
    # when
    response = admin_client.post(reverse(ADD_URL), data)
    # then
    assert response.status_code == 200
    assert "Tổng thời gian các bước (12 giờ làm việc) vượt thời hạn giải quyết (8 giờ)" in response.content.decode()
    assert not ProcedureVersion.objects.exists() and not ProcessStep.objects.exists()


def test_steps_over_a_shortened_limit_are_refused_on_change(
    admin_client: Client, references: tuple[Procedure, Field, Unit]
) -> None:
    # given: a 3-working-day version whose 2-day steps fit, then the limit is cut to 4 hours
    procedure, field, unit = references
    version = ProcedureVersionFactory(procedure=procedure, field=field, competent_unit=unit)
    ProcessStep.objects.create(version=version, order=1, name="Xử lý", role="processing_officer", quota_amount=2)
    data = version_post(*references, time_limit_unit="hours", time_limit_amount="4")
    data |= inline_management("steps", 1, initial=1) | {
        "steps-0-id": ProcessStep.objects.get().pk,
        "steps-0-version": version.pk,
        "steps-0-order": "1",
        "steps-0-name": "Xử lý",
        "steps-0-role": "processing_officer",
        "steps-0-quota_amount": "2",
        "steps-0-quota_unit": "working_days",
    }
    # when
    response = admin_client.post(reverse("admin:catalog_procedureversion_change", args=[version.pk]), data)
    # then
    assert response.status_code == 200
    assert "vượt thời hạn giải quyết (4 giờ)" in response.content.decode()
    version.refresh_from_db()
    assert (version.time_limit_amount, version.time_limit_unit) == (3, "working_days")


def test_an_absurd_amount_is_refused(admin_client: Client, references: tuple[Procedure, Field, Unit]) -> None:
    # given
    data = version_post(*references, time_limit_unit="working_days", time_limit_amount="5000")
    # when
    response = admin_client.post(reverse(ADD_URL), data)
    # then
    assert response.status_code == 200
    assert "thời hạn 5000 working_days không hợp lệ: phải từ 1 đến 400" in response.content.decode()
    assert not ProcedureVersion.objects.exists()


def test_a_separator_in_a_component_name_is_refused(
    admin_client: Client, references: tuple[Procedure, Field, Unit]
) -> None:
    # given
    data = (
        version_post(*references)
        | inline_management("components", 1)
        | {
            "components-0-order": "1",
            "components-0-name": "Tờ khai; bản sao",
            "components-0-form": "original",
            "components-0-quantity": "1",
            "components-0-mandatory": "on",
        }
    )
    # when
    response = admin_client.post(reverse(ADD_URL), data)
    # then
    assert response.status_code == 200
    assert "tên không được chứa ký tự ; hoặc |" in response.content.decode()
    assert not ProcedureVersion.objects.exists()


@pytest.mark.parametrize("model", ["field", "procedure", "procedureversion"])
def test_catalog_admin_pages_open(admin_client: Client, model: str) -> None:
    # given
    version = ProcedureVersionFactory()
    pk = {"field": version.field.pk, "procedure": version.procedure.pk, "procedureversion": version.pk}[model]
    # when
    changelist = admin_client.get(reverse(f"admin:catalog_{model}_changelist"), {"q": "khai sinh"})
    change = admin_client.get(reverse(f"admin:catalog_{model}_change", args=[pk]))
    # then
    assert changelist.status_code == 200 and change.status_code == 200


def test_the_procedure_page_links_to_its_versions(admin_client: Client) -> None:
    # given
    version = ProcedureVersionFactory()
    # when
    response = admin_client.get(reverse("admin:catalog_procedure_change", args=[version.procedure.pk]))
    # then
    assert reverse("admin:catalog_procedureversion_change", args=[version.pk]) in response.content.decode()
