"""Money in the admin as the web pages show it: every app's admin that shows an amount (a case's
transaction value, the fund's ledger, positions and loan, the letter outbox) uses this one mixin."""

from django.contrib import admin

from core import formatting


class EuroFields(admin.options.BaseModelAdmin):
    """Shows the money fields named in `euro_fields` as the web pages show them (€ 12.345.678,90 on a
    Dutch page, €12,345,678.90 on an English one: `core.formatting.page_euro`, always with cents),
    in the changelist and on the object page, instead of the admin's bare number (12345678,90).

    Display only: the fields named are always read-only here (excluded from the form, shown through
    a column `<field>_euro`); how amounts are stored or entered does not change. Put it first among
    the bases (of a ModelAdmin: `EuroFieldsAdmin`; of an inline: this one)."""

    euro_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.euro_fields:
            setattr(self, f"{name}_euro", self._euro_column(name))

    def _euro_column(self, name: str):
        @admin.display(description=self.model._meta.get_field(name).verbose_name, ordering=name)
        def column(obj):
            value = getattr(obj, name)
            return self.get_empty_value_display() if value is None else formatting.page_euro(value, cents=True)

        return column

    def _as_euro(self, names) -> list:
        shown = [f"{name}_euro" if name in self.euro_fields else name for name in names]
        return list(dict.fromkeys(shown))

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or ()), *self.euro_fields]

    def get_readonly_fields(self, request, obj=None):
        shown = self._as_euro(super().get_readonly_fields(request, obj))
        return shown + [f"{name}_euro" for name in self.euro_fields if f"{name}_euro" not in shown]

    def get_fields(self, request, obj=None):
        return self._as_euro(super().get_fields(request, obj))


class EuroFieldsAdmin(EuroFields, admin.ModelAdmin):
    """`EuroFields` for a ModelAdmin: its changelist's columns too."""

    def get_list_display(self, request):
        return self._as_euro(super().get_list_display(request))
