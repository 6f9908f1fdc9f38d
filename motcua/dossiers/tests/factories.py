"""Factories for dossiers: build through the services so every dossier has a valid history."""

from __future__ import annotations

import time_machine

from motcua.accounts.models import Role, UnitKind
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.catalog.models import ProcessStep
from motcua.catalog.tests.factories import ProcedureVersionFactory
from motcua.dossiers import services
from motcua.dossiers.models import Apology, Dossier
from motcua.dossiers.rules import Applicant
from motcua.dossiers.states import Channel

APPLICANT = Applicant(
    kind="person",
    name="Nguyễn Thị Lan",
    id_number="031190001234",
    phone="0912345678",
    email="lan.nguyen@example.vn",
    address="Thôn Đông, xã Vĩnh Bảo, thành phố Hải Phòng",
)


def agency_setup():
    """Return a province with a service center, a commune, officers and a 10-working-day procedure."""
    province = UnitFactory(code="000.00.00.H31", name="Ủy ban nhân dân thành phố Hải Phòng", kind=UnitKind.PROVINCE)
    center = UnitFactory(
        code="000.10.50.H31",
        name="Trung tâm Phục vụ hành chính công xã Vĩnh Bảo",
        kind=UnitKind.SERVICE_CENTER,
        parent=province,
    )
    commune = UnitFactory(code="000.00.50.H31", name="Ủy ban nhân dân xã Vĩnh Bảo", parent=province)
    version = ProcedureVersionFactory(
        name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        competent_unit=commune,
        time_limit_amount=10,
        time_limit_unit="working_days",
    )
    for order, name, role, unit, quota in [
        (1, "Tiếp nhận hồ sơ", Role.RECEPTION_OFFICER, center, 1),
        (2, "Thẩm định hồ sơ", Role.PROCESSING_OFFICER, commune, 6),
        (3, "Phê duyệt, ký kết quả", Role.AGENCY_HEAD, commune, 2),
        (4, "Trả kết quả", Role.RECEPTION_OFFICER, center, 1),
    ]:
        ProcessStep.objects.create(
            version=version, order=order, name=name, role=role, unit=unit, quota_amount=quota, quota_unit="working_days"
        )
    reception = MembershipFactory(unit=center, role=Role.RECEPTION_OFFICER).user
    officer = MembershipFactory(unit=commune, role=Role.PROCESSING_OFFICER).user
    head = MembershipFactory(unit=commune, role=Role.AGENCY_HEAD).user
    return {
        "province": province,
        "center": center,
        "commune": commune,
        "version": version,
        "reception": reception,
        "officer": officer,
        "head": head,
    }


def accepted_dossier(setup, at="2025-03-03 09:00 +07:00"):
    """Return a dossier received at the counter at `at` (Mon 3/3/2025 09:00 by default)."""
    with time_machine.travel(at, tick=False):
        return services.dossier_receive_at_counter(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            applicant=APPLICANT,
            components=[services.Component(name="Đơn đề nghị cấp giấy phép xây dựng")],
            actor=setup["reception"],
        )


def in_process_dossier(setup, at="2025-03-03 10:00 +07:00", *, assign=True):
    """Return a dossier accepted Mon 3/3/2025 09:00, transferred at `at` and (by default) assigned to the officer."""
    dossier = accepted_dossier(setup)
    with time_machine.travel(at, tick=False):
        services.dossier_transfer(code=dossier.code, actor=setup["reception"])
        if assign:
            services.dossier_assign(code=dossier.code, actor=setup["head"], assignee=setup["officer"])
    dossier.refresh_from_db()
    return dossier


def done_dossier(setup, at="2025-03-10 10:00 +07:00", *, outcome="approved"):
    """Return an in-process dossier decided at `at` (state 9) with outcome `outcome`."""
    dossier = in_process_dossier(setup)
    with time_machine.travel(at, tick=False):
        return services.dossier_decide(
            code=dossier.code,
            actor=setup["head"],
            outcome=outcome,
            summary="Cấp giấy phép xây dựng số 12/GPXD",
            result_code="12/GPXD",
        )


def submitted_dossier(setup, at="2025-03-03 08:00 +07:00"):
    """Return a dossier submitted online at `at`, not yet accepted (state 1)."""
    with time_machine.travel(at, tick=False):
        return services.dossier_submit(
            version=setup["version"],
            receiving_unit=setup["center"],
            reception_point=setup["center"],
            channel=Channel.ONLINE,
            applicant=APPLICANT,
            components=[services.Component(name="Đơn đề nghị cấp giấy phép xây dựng")],
        )


def dossier_snapshot(dossier):
    """Return everything a refused action must leave unchanged: fields, steps, pauses, events, outbox."""
    row = Dossier.objects.get(pk=dossier.pk)
    return {
        "fields": {
            name: getattr(row, name)
            for name in (
                "state",
                "appointment_at",
                "current_appointment_at",
                "current_step_id",
                "supplement_count",
                "completion_requested",
                "processing_ended_at",
                "delivered_at",
                "outcome",
                "result_summary",
                "return_method",
            )
        },
        "steps": list(
            row.steps.order_by("id").values_list("id", "finished_at", "finish_kind", "assignee_id", "due_at")
        ),
        "pauses": list(row.pauses.order_by("id").values_list("id", "ended_at")),
        "apology": list(Apology.objects.filter(dossier=row).values_list("approved_at", "new_appointment_at")),
        "events": row.events.count(),
        "outbox": row.outbox.count(),
    }
