"""Admin for the calendar reference data: published years, day overrides, office hours (rule 10)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.lib.text import fold, search_terms
from motcua.workdays.models import CalendarDay, CalendarYear, OfficeHours

if TYPE_CHECKING:
    CalendarYearAdminBase = admin.ModelAdmin[CalendarYear]
    CalendarDayAdminBase = admin.ModelAdmin[CalendarDay]
    OfficeHoursAdminBase = admin.ModelAdmin[OfficeHours]
else:  # ModelAdmin is not subscriptable at run time
    CalendarYearAdminBase = CalendarDayAdminBase = OfficeHoursAdminBase = admin.ModelAdmin


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarYearAdminBase):
    """Creating a year publishes it (CAL-6: computations need every year they touch)."""

    list_display = ("year", "published_at", "published_by", "note")
    readonly_fields = ("published_at", "published_by")
    ordering = ("-year",)

    def save_model(self, request: HttpRequest, obj: CalendarYear, form: Any, change: bool) -> None:
        if not change and request.user.is_authenticated:
            obj.published_by_id = request.user.pk
        super().save_model(request, obj, form, change)


class YearListFilter(admin.SimpleListFilter):
    """Filter overrides by the calendar year of their date."""

    title = CalendarYear._meta.get_field("year").verbose_name
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        dates = CalendarDay.objects.dates("date", "year")
        return [(str(day.year), str(day.year)) for day in dates]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        value = self.value()
        return queryset.filter(date__year=int(value)) if value and value.isdigit() else queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(CalendarDayAdminBase):
    list_display = ("date", "kind", "name", "scope_code", "active", "legal_ref")
    list_filter = ("kind", "active", YearListFilter)
    search_fields = ("name", "legal_ref", "scope_code")
    date_hierarchy = "date"
    ordering = ("-date",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[CalendarDay], search_term: str
    ) -> tuple[QuerySet[CalendarDay], bool]:
        """Match without accents ("van hoa" finds "Văn hóa"); overrides are few, so fold them in Python."""
        terms = search_terms(search_term)
        if not terms:
            return queryset, False
        rows = queryset.only("pk", "name", "legal_ref", "scope_code")
        texts = {row.pk: fold(f"{row.name} {row.legal_ref} {row.scope_code}") for row in rows}
        matching = [pk for pk, text in texts.items() if all(term in text for term in terms)]
        return queryset.filter(pk__in=matching), False


@admin.register(OfficeHours)
class OfficeHoursAdmin(OfficeHoursAdminBase):
    list_display = ("scope_code", "valid_from", "morning_start", "morning_end", "afternoon_start", "afternoon_end")
    list_filter = ("valid_from",)
    search_fields = ("scope_code",)
    ordering = ("scope_code", "-valid_from")
