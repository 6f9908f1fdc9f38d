"""Factories for the procedure catalog."""

import factory

from motcua.accounts.tests.factories import UnitFactory
from motcua.catalog.models import Field, Level, OnlineLevel, Procedure, ProcedureVersion
from motcua.lib.text import fold


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("name",)

    name = "Hộ tịch"


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9.{n:06d}")


class ProcedureVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureVersion

    procedure = factory.SubFactory(ProcedureFactory)
    name = "Thủ tục đăng ký khai sinh"
    field = factory.SubFactory(FieldFactory)
    level = Level.COMMUNE
    competent_unit = factory.SubFactory(UnitFactory)
    time_limit_amount = 3
    time_limit_unit = "working_days"
    online_level = OnlineLevel.FULL
    search_text = factory.LazyAttribute(lambda v: fold(f"{v.procedure.code} {v.name} {v.field.name}"))

    class Params:
        same_day = factory.Trait(time_limit_amount=None, time_limit_unit="same_day")
        construction = factory.Trait(
            name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
            field=factory.SubFactory(FieldFactory, name="Hoạt động xây dựng"),
            time_limit_amount=15,
            time_limit_unit="days",
            online_level=OnlineLevel.PARTIAL,
        )
