"""Factories for dossiers: build through the services so every dossier has a valid history."""

from __future__ import annotations

import time_machine

from motcua.accounts.models import Role, UnitKind
from motcua.accounts.tests.factories import MembershipFactory, UnitFactory
from motcua.catalog.models import ProcessStep
from motcua.catalog.tests.factories import ProcedureVersionFactory
from motcua.dossiers import services
from motcua.dossiers.rules import Applicant

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
