"""Admin for reference data of accounts: units, successions, users, memberships, API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import ApiToken, Membership, Unit, UnitSuccession, User
from motcua.accounts.services import unit_check, unit_create, unit_set_due_soon_hours, unit_update

if TYPE_CHECKING:
    UnitFormBase = forms.ModelForm[Unit]
    UnitAdminBase = admin.ModelAdmin[Unit]
    UnitSuccessionAdminBase = admin.ModelAdmin[UnitSuccession]
    MembershipInlineBase = admin.TabularInline[Membership, User]
    MembershipAdminBase = admin.ModelAdmin[Membership]
    ApiTokenAdminBase = admin.ModelAdmin[ApiToken]
    UserAdminBase = DjangoUserAdmin[User]
else:  # these classes are not subscriptable at run time
    UnitFormBase = forms.ModelForm
    UnitAdminBase = admin.ModelAdmin
    UnitSuccessionAdminBase = admin.ModelAdmin
    MembershipInlineBase = admin.TabularInline
    MembershipAdminBase = admin.ModelAdmin
    ApiTokenAdminBase = admin.ModelAdmin
    UserAdminBase = DjangoUserAdmin


UNIT_FIELDS = (
    "code",
    "name",
    "kind",
    "parent",
    "valid_from",
    "valid_to",
    "address",
    "phone",
    "external_codes",
)


class UnitAdminForm(UnitFormBase):
    """Unit form that applies the same checks as the unit services (code pattern, validity, cycles)."""

    class Meta:
        model = Unit
        fields = (*UNIT_FIELDS, "due_soon_hours")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if any(name in self.errors for name in ("code", "kind", "valid_from", "valid_to", "parent")):
            return data
        problems = unit_check(
            unit=self.instance if self.instance.pk else None,
            code=data["code"],
            kind=data["kind"],
            parent=data.get("parent"),
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
            check_unique=False,  # the model form checks it
        )
        for name, message in problems:
            self.add_error(name if name in self.fields else None, message)
        return data


@admin.register(Unit)
class UnitAdmin(UnitAdminBase):
    form = UnitAdminForm
    list_display = ("code", "name", "kind", "parent", "valid_from", "valid_to")
    list_select_related = ("parent",)
    list_filter = ("kind",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)
    ordering = ("code",)

    def save_model(self, request: HttpRequest, obj: Unit, form: forms.ModelForm[Unit], change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in UNIT_FIELDS}
        if change:
            unit = unit_update(unit=obj, **fields)
        else:
            unit = unit_create(**fields)
            obj.pk = unit.pk
        unit_set_due_soon_hours(unit=unit, hours=form.cleaned_data["due_soon_hours"])


@admin.register(UnitSuccession)
class UnitSuccessionAdmin(UnitSuccessionAdminBase):
    list_display = ("predecessor", "successor", "type", "effective_date", "legal_ref")
    list_select_related = ("predecessor", "successor")
    list_filter = ("type",)
    search_fields = ("predecessor__code", "predecessor__name", "successor__code", "successor__name")
    autocomplete_fields = ("predecessor", "successor")


class MembershipInline(MembershipInlineBase):
    model = Membership
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(User)
class UserAdmin(UserAdminBase):
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Thông tin cán bộ"), {"fields": ("full_name", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Thông tin cán bộ"), {"fields": ("full_name", "phone")}),
    )
    list_display = ("username", "full_name", "email", "phone", "is_staff", "is_active")
    search_fields = ("username", "full_name", "email", "phone")
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(MembershipAdminBase):
    list_display = ("user", "unit", "role", "is_active")
    list_select_related = ("user", "unit")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__full_name", "unit__code", "unit__name")
    autocomplete_fields = ("user", "unit")


@admin.register(ApiToken)
class ApiTokenAdmin(ApiTokenAdminBase):
    """Tokens are created by `manage.py create_api_token`, which shows the secret once; only its digest is stored."""

    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked")
    list_select_related = ("user",)
    list_filter = ("revoked",)
    search_fields = ("name", "prefix", "user__username")
    fields = ("name", "user", "prefix", "digest", "created_at", "last_used_at", "expires_at", "revoked")
    readonly_fields = ("user", "prefix", "digest", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
