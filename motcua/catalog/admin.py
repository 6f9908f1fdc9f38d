"""Admin for the procedure catalog, validated by the same services as the import."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from motcua.catalog.models import (
    DocumentComponent,
    FeeItem,
    Field,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    TimeUnitChoice,
)
from motcua.catalog.services import (
    part_name_error,
    procedure_version_save,
    procedure_version_steps_error,
    procedure_version_validate,
)

if TYPE_CHECKING:
    FieldAdminBase = admin.ModelAdmin[Field]
    VersionLinkInlineBase = admin.TabularInline[ProcedureVersion, Procedure]
    ProcedureAdminBase = admin.ModelAdmin[Procedure]
    PartFormSetBase = forms.BaseInlineFormSet[Any, ProcedureVersion, Any]
    ComponentInlineBase = admin.TabularInline[DocumentComponent, ProcedureVersion]
    FeeInlineBase = admin.TabularInline[FeeItem, ProcedureVersion]
    StepInlineBase = admin.TabularInline[ProcessStep, ProcedureVersion]
    VersionFormBase = forms.ModelForm[ProcedureVersion]
    VersionAdminBase = admin.ModelAdmin[ProcedureVersion]
else:  # these classes are not subscriptable at run time
    FieldAdminBase = admin.ModelAdmin
    VersionLinkInlineBase = admin.TabularInline
    ProcedureAdminBase = admin.ModelAdmin
    PartFormSetBase = forms.BaseInlineFormSet
    ComponentInlineBase = admin.TabularInline
    FeeInlineBase = admin.TabularInline
    StepInlineBase = admin.TabularInline
    VersionFormBase = forms.ModelForm
    VersionAdminBase = admin.ModelAdmin


# Columns of the import layout named by the services, mapped to the admin form's fields.
FORM_FIELD_OF = {
    "valid_from": "valid_from",
    "valid_to": "valid_to",
    "amount": "time_limit_amount",
    "committed_amount": "committed_amount",
    "committed_unit": "committed_unit",
}


@admin.register(Field)
class FieldAdmin(FieldAdminBase):
    list_display = ("name",)
    search_fields = ("name",)


class ProcedureVersionLinkInline(VersionLinkInlineBase):
    """The versions of a procedure, each a link to its own page (edited there, with its parts)."""

    model = ProcedureVersion
    fields = ("valid_from", "valid_to", "name", "level", "competent_unit")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Procedure | None = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(ProcedureAdminBase):
    list_display = ("code",)
    search_fields = ("code", "versions__name")
    inlines = (ProcedureVersionLinkInline,)


class PartFormSet(PartFormSetBase):
    """Inline formset refusing names that hold a separator of the import layout (so exports re-import)."""

    def kept_forms(self) -> list[forms.Form]:
        """Return the forms that will be saved (filled in and not marked for deletion)."""
        return [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]

    def clean(self) -> None:
        super().clean()
        for form in self.kept_forms():
            if message := part_name_error(form.cleaned_data.get("name", "")):
                form.add_error("name", message)


class StepFormSet(PartFormSet):
    """Steps must fit the version's time limit; the version's form has already set it on `instance`."""

    def clean(self) -> None:
        super().clean()
        version = self.instance
        if version.time_limit_unit not in TimeUnitChoice.values:
            return  # the version's own form reports the bad unit
        quotas: list[tuple[Decimal, str]] = [
            (form.cleaned_data["quota_amount"], form.cleaned_data["quota_unit"])
            for form in self.kept_forms()
            if form.cleaned_data.get("quota_amount") is not None and form.cleaned_data.get("quota_unit")
        ]
        message = procedure_version_steps_error(
            amount=version.time_limit_amount, time_unit=version.time_limit_unit, steps=quotas
        )
        if message:
            raise ValidationError(message)


class DocumentComponentInline(ComponentInlineBase):
    model = DocumentComponent
    formset = PartFormSet
    extra = 0
    fields = ("order", "name", "form", "quantity", "mandatory", "template")


class FeeItemInline(FeeInlineBase):
    model = FeeItem
    formset = PartFormSet
    extra = 0
    fields = ("kind", "name", "amount", "collected_at")


class ProcessStepInline(StepInlineBase):
    model = ProcessStep
    formset = StepFormSet
    extra = 0
    autocomplete_fields = ("unit",)
    fields = (
        "order",
        "name",
        "role",
        "unit",
        "quota_amount",
        "quota_unit",
        "can_request_supplement",
        "requires_signature",
    )


class ProcedureVersionForm(VersionFormBase):
    """Version form checked by `procedure_version_validate`: overlap, time limit range, dates."""

    sample_dossier_url = forms.URLField(
        label=ProcedureVersion._meta.get_field("sample_dossier_url").verbose_name,
        help_text=ProcedureVersion._meta.get_field("sample_dossier_url").help_text,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = ProcedureVersion
        fields = (
            "procedure",
            "valid_from",
            "valid_to",
            "name",
            "field",
            "level",
            "subjects",
            "competent_unit",
            "coordinating_units",
            "agency_text",
            "time_limit_amount",
            "time_limit_unit",
            "time_limit_text",
            "committed_amount",
            "committed_unit",
            "clock_rule",
            "clock_runs_awaiting_payment",
            "online_level",
            "handled_at_counter",
            "is_inter_agency",
            "postal",
            "result_type",
            "electronic_result",
            "fee_text",
            "legal_basis",
            "sample_dossier",
            "sample_dossier_url",
            "source",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        procedure = data.get("procedure")
        if procedure is None or data.get("time_limit_unit") not in TimeUnitChoice.values:
            return data
        problems = procedure_version_validate(
            code=procedure.code,
            valid_from=data.get("valid_from"),
            valid_to=data.get("valid_to"),
            amount=data.get("time_limit_amount"),
            time_unit=data["time_limit_unit"],
            committed_amount=data.get("committed_amount"),
            committed_unit=data.get("committed_unit") or "",
            exclude_id=self.instance.pk,
        )
        for column, message in problems:
            self.add_error(FORM_FIELD_OF.get(column), message)
        return data


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(VersionAdminBase):
    form = ProcedureVersionForm
    list_display = ("procedure", "name", "field", "level", "competent_unit", "valid_from", "valid_to")
    list_select_related = ("procedure", "field", "competent_unit")
    list_filter = ("level", "online_level", "time_limit_unit", "field")
    # search_text is accent-free, so "giay phep" finds "Giấy phép" too
    search_fields = ("procedure__code", "name", "search_text")
    autocomplete_fields = ("procedure", "field", "competent_unit", "coordinating_units")
    inlines = (DocumentComponentInline, FeeItemInline, ProcessStepInline)
    ordering = ("procedure__code", "valid_from")

    def save_model(
        self, request: HttpRequest, obj: ProcedureVersion, form: forms.ModelForm[ProcedureVersion], change: bool
    ) -> None:
        procedure_version_save(version=obj)
