"""Factories for units, users and memberships."""

import factory

from motcua.accounts.models import Membership, Role, Unit, UnitKind, User


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.{n // 100 % 100:02d}.{n % 100:02d}.H99")
    name = factory.Sequence(lambda n: f"Ủy ban nhân dân xã Thử Nghiệm {n}")
    kind = UnitKind.COMMUNE

    class Params:
        province = factory.Trait(kind=UnitKind.PROVINCE, name="Ủy ban nhân dân tỉnh Thử Nghiệm")
        department = factory.Trait(kind=UnitKind.DEPARTMENT, name=factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"canbo{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    password = factory.django.Password("mat-khau-thu-nghiem")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.PROCESSING_OFFICER
