"""Forms of the catalog: the procedure search and its filters, shared by the back office and the portal."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.accounts.models import Unit
from motcua.catalog.models import Field, Level, OnlineLevel


class ProcedureFilterForm(forms.Form):
    """The search box and filters of the catalog page (every field optional)."""

    q = forms.CharField(label=gettext_lazy("Tìm thủ tục"), required=False, max_length=200)
    field = forms.ModelChoiceField(
        label=gettext_lazy("Lĩnh vực"), queryset=Field.objects.order_by("name"), required=False
    )
    level = forms.ChoiceField(label=gettext_lazy("Cấp thực hiện"), required=False)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan giải quyết"),
        queryset=Unit.objects.filter(procedure_versions__isnull=False).distinct().order_by("name"),
        to_field_name="code",
        required=False,
    )
    online_level = forms.ChoiceField(label=gettext_lazy("Mức độ trực tuyến"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("Tất cả"))]
        cast(forms.ChoiceField, self.fields["level"]).choices = everything + list(Level.choices)
        cast(forms.ChoiceField, self.fields["online_level"]).choices = everything + list(OnlineLevel.choices)
        cast("forms.ModelChoiceField[Field]", self.fields["field"]).empty_label = _("Tất cả")
        cast("forms.ModelChoiceField[Unit]", self.fields["unit"]).empty_label = _("Tất cả")
