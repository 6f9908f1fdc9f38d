"""Catalog services: time-limit and overlap rules, saving and upserting versions, the database guard."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from motcua.accounts.tests.factories import UnitFactory
from motcua.catalog.models import DocumentComponent, ProcedureVersion, ProcessStep
from motcua.catalog.services import (
    CatalogError,
    ComponentSpec,
    FeeSpec,
    StepSpec,
    VersionSpec,
    procedure_amount_error,
    procedure_version_overlap_errors,
    procedure_version_save,
    procedure_version_upsert,
    procedure_version_validate,
    version_spec_of,
)
from motcua.catalog.tests.factories import FieldFactory, ProcedureFactory, ProcedureVersionFactory

COMMUNE = "000.10.00.H56"


@pytest.mark.parametrize(
    ("amount", "unit", "ok"),
    [
        (None, "same_day", True),
        (1, "same_day", True),
        (2, "same_day", False),
        (None, "working_days", False),
        (3, "working_days", True),
        (400, "working_days", True),
        (5000, "working_days", False),
        (-3, "days", False),
        (0, "hours", False),
        (36, "months", True),
        (37, "months", False),
    ],
)
def test_amount_rules(amount: int | None, unit: str, ok: bool) -> None:
    # when
    message = procedure_amount_error(amount, unit)
    # then
    assert (message is None) is ok


def test_an_absurd_amount_names_the_allowed_range() -> None:
    # when
    message = procedure_amount_error(5000, "working_days")
    # then
    assert message == (
        "thời hạn 5000 working_days không hợp lệ: phải từ 1 đến 400 / the amount must be from 1 to 400 working_days"
    )


@pytest.mark.django_db
def test_overlap_is_found_except_with_the_version_itself() -> None:
    # given
    version = ProcedureVersionFactory(
        procedure=ProcedureFactory(code="1.001193"), valid_from=date(2020, 1, 1), valid_to=date(2025, 6, 30)
    )
    # when
    overlapping = procedure_version_overlap_errors(code="1.001193", valid_from=date(2025, 6, 30), valid_to=None)
    after = procedure_version_overlap_errors(code="1.001193", valid_from=date(2025, 7, 1), valid_to=None)
    itself = procedure_version_overlap_errors(code="1.001193", valid_from=None, valid_to=None, exclude_id=version.pk)
    # then
    assert overlapping == [
        "hiệu lực 2025-06-30 – … chồng lấn phiên bản đã có của thủ tục 1.001193 (2020-01-01 – 2025-06-30) "
        "/ overlaps a stored version of the procedure"
    ]
    assert after == [] and itself == []


@pytest.mark.django_db
def test_validate_reports_quotas_over_the_time_limit() -> None:
    # when
    errors = procedure_version_validate(
        code="1.001193",
        valid_from=None,
        valid_to=None,
        amount=None,
        time_unit="same_day",
        steps=[(Decimal(6), "hours"), (Decimal("0.5"), "working_days")],
    )
    # then
    assert errors == [
        (
            "steps",
            "Tổng thời gian các bước (10 giờ làm việc) vượt thời hạn giải quyết (8 giờ) / "
            "the step quotas (10 h) exceed the time limit (8 h)",
        )
    ]


@pytest.mark.django_db
def test_validate_reports_a_committed_time_without_unit_and_reversed_dates() -> None:
    # when
    errors = procedure_version_validate(
        code="X",
        valid_from=date(2025, 7, 1),
        valid_to=date(2025, 1, 1),
        amount=10,
        time_unit="days",
        committed_amount=7,
    )
    # then
    assert [column for column, _ in errors] == ["valid_to", "committed_unit"]


@pytest.mark.django_db
def test_save_sets_the_accent_free_search_text_and_drops_a_same_day_amount() -> None:
    # given
    version = ProcedureVersionFactory.build(
        procedure=ProcedureFactory(code="1.001193"),
        field=FieldFactory(name="Hộ tịch"),
        competent_unit=UnitFactory(code=COMMUNE),
        name="Thủ tục đăng ký khai sinh",
        time_limit_amount=1,
        time_limit_unit="same_day",
        search_text="",
    )
    # when
    procedure_version_save(version=version)
    # then
    stored = ProcedureVersion.objects.get(pk=version.pk)
    assert stored.search_text == "1.001193 thu tuc dang ky khai sinh ho tich"
    assert stored.time_limit_amount is None


@pytest.mark.django_db
def test_save_refuses_an_overlapping_version() -> None:
    # given
    existing = ProcedureVersionFactory(valid_from=None, valid_to=None)
    version = ProcedureVersionFactory.build(
        procedure=existing.procedure,
        field=existing.field,
        competent_unit=existing.competent_unit,
        valid_from=date(2026, 1, 1),
    )
    # when
    with pytest.raises(CatalogError) as failure:
        procedure_version_save(version=version)
    # then
    assert "chồng lấn" in failure.value.messages[0]
    assert ProcedureVersion.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("valid_from", [None, date(2025, 1, 1)])
def test_the_database_refuses_an_overlapping_version_inserted_directly(valid_from: date | None) -> None:
    # given
    existing = ProcedureVersionFactory(valid_from=date(2020, 1, 1), valid_to=None)
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureVersionFactory(
            procedure=existing.procedure,
            field=existing.field,
            competent_unit=existing.competent_unit,
            valid_from=valid_from,
            valid_to=date(2030, 1, 1),
        )
    assert ProcedureVersion.objects.count() == 1


@pytest.mark.django_db
def test_the_database_refuses_an_update_that_creates_an_overlap() -> None:
    # given
    old = ProcedureVersionFactory(valid_from=date(2020, 1, 1), valid_to=date(2024, 12, 31))
    ProcedureVersionFactory(
        procedure=old.procedure, field=old.field, competent_unit=old.competent_unit, valid_from=date(2025, 1, 1)
    )
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcedureVersion.objects.filter(pk=old.pk).update(valid_to=None)


@pytest.mark.django_db
def test_the_database_accepts_adjacent_versions() -> None:
    # given
    old = ProcedureVersionFactory(valid_from=date(2020, 1, 1), valid_to=date(2024, 12, 31))
    # when
    ProcedureVersionFactory(
        procedure=old.procedure, field=old.field, competent_unit=old.competent_unit, valid_from=date(2025, 1, 1)
    )
    # then
    assert ProcedureVersion.objects.filter(procedure=old.procedure).count() == 2


def birth_spec(**changes: Any) -> VersionSpec:
    base = VersionSpec(
        code="1.001193",
        name="Thủ tục đăng ký khai sinh",
        field="Hộ tịch",
        level="commune",
        unit_code=COMMUNE,
        amount=None,
        time_unit="same_day",
        clock_rule="pause",
        online_level="full",
        components=(
            ComponentSpec("Tờ khai đăng ký khai sinh", "original", 1),
            ComponentSpec("Giấy chứng sinh", "original", 1),
        ),
        fees=(FeeSpec("Lệ phí đăng ký khai sinh", "charge", None, "acceptance"),),
        steps=(
            StepSpec("Tiếp nhận hồ sơ", "reception_officer", Decimal(2), "hours"),
            StepSpec("Thẩm định, ký", "processing_officer", Decimal(6), "hours", COMMUNE, True, True),
        ),
    )
    return replace(base, **changes)


@pytest.mark.django_db
def test_upsert_creates_a_version_that_reads_back_as_the_same_spec() -> None:
    # given
    UnitFactory(code=COMMUNE)
    # when
    version = procedure_version_upsert(spec=birth_spec())
    # then
    stored = ProcedureVersion.objects.get(pk=version.pk)
    assert version_spec_of(stored) == birth_spec()
    assert stored.field.name == "Hộ tịch"


@pytest.mark.django_db
def test_upsert_replaces_only_the_parts_that_differ() -> None:
    # given
    UnitFactory(code=COMMUNE)
    version = procedure_version_upsert(spec=birth_spec())
    component_ids = set(DocumentComponent.objects.filter(version=version).values_list("pk", flat=True))
    step_ids = set(ProcessStep.objects.filter(version=version).values_list("pk", flat=True))
    new_steps = (StepSpec("Giải quyết tại chỗ", "reception_officer", Decimal(8), "hours"),)
    # when
    procedure_version_upsert(spec=birth_spec(steps=new_steps))
    # then
    assert set(DocumentComponent.objects.filter(version=version).values_list("pk", flat=True)) == component_ids
    assert not step_ids & set(ProcessStep.objects.filter(version=version).values_list("pk", flat=True))
    assert list(ProcessStep.objects.filter(version=version).values_list("name", flat=True)) == ["Giải quyết tại chỗ"]


@pytest.mark.django_db
def test_replacing_components_keeps_the_template_of_a_component_with_the_same_name() -> None:
    # given
    UnitFactory(code=COMMUNE)
    version = procedure_version_upsert(spec=birth_spec())
    DocumentComponent.objects.filter(version=version, name="Giấy chứng sinh").update(
        template="catalog/templates/giay-chung-sinh.pdf"
    )
    components = (ComponentSpec("Giấy chứng sinh", "copy", 1), ComponentSpec("Tờ khai mới", "original", 1))
    # when
    procedure_version_upsert(spec=birth_spec(components=components))
    # then
    stored = dict(DocumentComponent.objects.filter(version=version).values_list("name", "template"))
    assert stored == {"Giấy chứng sinh": "catalog/templates/giay-chung-sinh.pdf", "Tờ khai mới": ""}
