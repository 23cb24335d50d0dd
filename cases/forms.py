"""Forms of the case pages. They check shapes only; the rules live in cases.services."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from access.roles import Role
from core.classification import Classification, accredited_choices, rank
from core.forms import DateTimeField, MoneyField, PercentField, SentOnceForm, refuse_reversed_period
from core.input_rules import MAX_SEARCH_TERM_LENGTH

from .constants import (
    CASE_FACT_FIELDS,
    ExistingInstrument,
    Instrument,
    ScopeGround,
    State,
    StrategicCategory,
    Urgency,
)
from .models import Case

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

CASE_FORM_FIELDS = list(CASE_FACT_FIELDS)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        max_length=MAX_SEARCH_TERM_LENGTH,
        help_text=_("Kenmerk, titel, onderneming, KvK-nummer of investeerder."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    state = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alle")), ("open", _("Alle lopende"))] + list(State.choices)
    )
    urgency = forms.ChoiceField(label=_("Urgentie"), required=False, choices=[("", _("Alle"))] + list(Urgency.choices))
    classification = forms.ChoiceField(
        label=_("Rubricering"), required=False, choices=[("", _("Alle"))] + list(Classification.choices)
    )
    category = forms.ChoiceField(
        label=_("Categorie"), required=False, choices=[("", _("Alle"))] + list(StrategicCategory.choices)
    )
    received_from = forms.DateField(label=_("Signaal ontvangen vanaf"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("Signaal ontvangen tot en met"), required=False, widget=DateInput())

    def clean(self):
        # As the audit trail's filter: a reversed period is said, not answered with "0 casussen" (found by
        # trying the product).
        cleaned = super().clean()
        refuse_reversed_period(self, "received_from", "received_to")
        return cleaned


def country_choices(current: str = "") -> list[tuple[str, StrOrPromise]]:
    """ISO 3166-1 alpha-2 codes, named in the current language (Dutch first) and sorted by that name.
    The case stores the code, as before; a stored code outside the list stays selectable."""
    choices: list[tuple[str, StrOrPromise]] = [("", _("Onbekend of niet van toepassing"))]
    choices += [(code, f"{name} ({code})") for code, name in countries]
    if current and current not in countries:
        choices.append((current, current))
    return choices


class CaseForm(forms.ModelForm):
    """Record a new signal, or change what the case's state allows (`allowed_fields`)."""

    categories = forms.MultipleChoiceField(
        label=_("Categorieën van strategisch belang"),
        required=False,
        choices=StrategicCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    scope_grounds = forms.MultipleChoiceField(
        label=_("Reikwijdtegronden"),
        required=False,
        choices=ScopeGround.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Kamerbrief 2023, Reikwijdte: “De voorziening grijpt zoals gezegd in waar bestaand "
            "instrumentarium ontoereikend is of om de gevolgen van de inzet van het instrumentarium te "
            "mitigeren.” Grond 3 vraagt de datum van de transactie (vóór 8 september 2020); grond 4 het "
            "toetsingsbesluit (datum, kenmerk), de geblokkeerde financiering en het dreigende faillissement."
        ),
    )
    existing_instruments_considered = forms.MultipleChoiceField(
        label=_("Overwogen bestaande instrumenten"),
        required=False,
        choices=ExistingInstrument.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    signal_received_at = DateTimeField(
        label=_("Signaal ontvangen op"), input_formats=DATETIME_INPUT_FORMATS, widget=DateTimeInput()
    )
    classification_reason = forms.CharField(
        label=_("Reden lagere rubricering"),
        required=False,
        help_text=_("Verplicht bij het verlagen van de rubricering."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Case
        fields = [f for f in CASE_FORM_FIELDS if f != "categories"]
        # Euros as Dutch people type them (12.500.000,50), as every amount of the web forms; the
        # stake as every percentage ("25,5", "25 %"; not "1e1", which Django's field read as 10).
        field_classes = {"transaction_value": MoneyField, "intended_stake_percent": PercentField}
        widgets = {
            "expected_closing_date": DateInput(),
            "historical_transaction_date": DateInput(),
            "vifo_decision_date": DateInput(),
            "vifo_blocked_financing": forms.Textarea(attrs={"rows": 2}),
            "vifo_insolvency_threat": forms.Textarea(attrs={"rows": 2}),
            "vifo_mitigation_shortfall": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "intended_control": forms.Textarea(attrs={"rows": 2}),
            "existing_instruments_shortfall": forms.Textarea(attrs={"rows": 3}),
            "market_financing_notes": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "target_kvk_number": _("8 cijfers, zonder spaties of punten, bijv. 12345678."),
            "acquirer_country": _("Kies het land; de casus bewaart de ISO 3166-1-landcode van twee letters."),
            "existing_instruments_shortfall": _(
                "Reikwijdtegrond 1 tot en met 3: “De Beschermingsvoorziening zal worden ingezet als bestaande "
                "instrumenten, zowel nationaal als op Europees niveau, ontoereikend zijn” (Kamerbrief 2023). "
                "Bij alleen grond 4 niet nodig: vul dan “waarom de gevolgen niet anders te mitigeren zijn” in."
            ),
        }

    def __init__(self, *args, allowed_fields=None, clearance_rank: int | None = None, may_lower: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["categories"].initial = self.instance.categories
        if allowed_fields is not None:
            allowed_fields = set(allowed_fields) | (
                {"classification_reason"} if "classification" in allowed_fields else set()
            )
            for name in list(self.fields):
                if name not in allowed_fields:
                    del self.fields[name]
        if not self.instance.pk or not may_lower:
            # a new case is not lowered, nor by whoever may not lower it (case.lower_classification)
            self.fields.pop("classification_reason", None)
        if "classification" in self.fields:
            # Only the levels this deployment is accredited to hold (BEV_MAX_CLASSIFICATION).
            keep = self.instance.classification if self.instance.pk else None
            levels = accredited_choices(keep=keep)
            classification = cast(forms.ChoiceField, self.fields["classification"])
            classification.choices = levels
            if clearance_rank is not None:
                # Offered: the levels up to the person's own clearance (the service refuses a higher
                # one at this field, which a changed form still gets; found by trying the product).
                classification.widget.choices = [
                    (value, label)
                    for value, label in levels
                    if (rank(value) <= clearance_rank or value == keep)
                    # and not below the case's level for whoever may not lower it (found by trying the product)
                    and (may_lower or keep is None or rank(value) >= rank(keep))
                ]
            if "classification_reason" in self.fields:
                order = [n for n in self.fields if n != "classification_reason"]
                order.insert(order.index("classification") + 1, "classification_reason")
                self.order_fields(order)
        if "acquirer_country" in self.fields:
            self.fields["acquirer_country"].widget = forms.Select(
                choices=country_choices(self.instance.acquirer_country if self.instance.pk else "")
            )
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs.setdefault("aria-describedby", f"id_{name}_helptext")

    # What the yes/no/unknown select sends (Django's NullBooleanSelect, and its older numbers): any
    # other value was read as "unknown" without a word (found by trying the product: "maybe").
    _NULL_BOOLEAN_VALUES = {"", "unknown", "true", "false", "True", "False", "1", "2", "3"}

    def clean_market_financing_explored(self):
        raw = self.data.get(self.add_prefix("market_financing_explored"))
        if raw is not None and raw not in self._NULL_BOOLEAN_VALUES:
            raise forms.ValidationError(_("Kies ja, nee of onbekend."), code="invalid_choice")
        return self.cleaned_data["market_financing_explored"]

    def _post_clean(self):
        # The model's own validation runs in the service (case_create / case_update), once.
        pass

    def service_data(self, *, only_changed: bool = False) -> dict:
        names = [
            n
            for n in self.fields
            if (not only_changed or n in self.changed_data) and n not in ("classification_reason", "submission")
        ]
        return {name: self.cleaned_data[name] for name in names}


class NewCaseForm(CaseForm, SentOnceForm):
    """A new signal: sent twice (a double click, a reload), it records one case."""


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionRejectForm(forms.Form):
    """The second secretary's reason for rejecting a kabinetsbesluit (required: the service says so at
    `reason`, as the API does)."""

    reason = forms.CharField(
        label=_("Reden van afwijzing (verplicht)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "aria-required": "true"}),
        help_text=_("Bijvoorbeeld: ander maximaal bedrag, voorwaarden van een andere casus."),
    )


class TransitionForm(ReasonForm):
    def __init__(self, *args: Any, reason_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if reason_required:
            self.fields["reason"].label = _("Reden (verplicht)")
            self.fields["reason"].widget.attrs["aria-required"] = "true"


class TeamMemberForm(forms.Form):
    """The people picker of the case team (issue 23): one choice per person and case role they may
    take, "Name — organisation — role", grouped by organisation. `candidates` are
    `cases.selectors.team_candidates` with their roles; anything else posted (a person not offered,
    a role not theirs) is refused here, with one message whoever it names (issue 22)."""

    member = forms.ChoiceField(
        label=_("Persoon en rol"),
        help_text=_(
            "Alleen wie in die rol aan dit team kan worden toegevoegd: actieve accounts van wie de "
            "functie bij de rol past, met een machtiging voor de rubricering van de casus, en die nog "
            "niet in het team staan. Typ in de lijst om te zoeken."
        ),
        error_messages={"invalid_choice": _("Kies een persoon uit de lijst.")},
    )

    def __init__(self, *args, candidates=(), **kwargs):
        """`candidates`: (person, [case roles]) pairs, in the order to show them."""
        super().__init__(*args, **kwargs)
        self.offered: dict[str, tuple] = {}
        groups: dict[str, list[tuple[str, str]]] = {}
        for person, roles in candidates:
            organisation = person.organisation or "–"
            for role in roles:
                value = f"{person.pk}:{role}"
                self.offered[value] = (person, role)
                groups.setdefault(organisation, []).append((value, f"{person} — {organisation} — {Role(role).label}"))
        field = self.fields["member"]
        field.choices = [("", _("Kies een persoon"))] + list(groups.items())
        field.widget.attrs["data-person-picker"] = ""

    def clean_member(self):
        """The chosen person and role: (User, role)."""
        return self.offered[self.cleaned_data["member"]]


class TeamRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Wijzigen in"), choices=Role.choices)

    def __init__(self, *args, roles: list[str] | None = None, **kwargs):
        """`roles`: the picker offers only the case roles this member may take (with the current one);
        a sent form keeps every role, so the service's refusal explains another one."""
        super().__init__(*args, **kwargs)
        if roles is not None:
            field = self.fields["role"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(value, label) for value, label in Role.choices if value in roles]


class CabinetDecisionForm(forms.Form):
    meeting_date = forms.DateField(label=_("Datum ministerraad"), widget=DateInput())
    reference = forms.CharField(label=_("Kenmerk besluit"), max_length=100)
    deploy = forms.TypedChoiceField(
        label=_("Besluit"),
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        choices=[("yes", _("Inzet van de voorziening")), ("no", _("Geen inzet"))],
    )
    instruments = forms.MultipleChoiceField(
        label=_("Toegestane instrumenten (bij inzet)"),
        required=False,
        choices=Instrument.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    max_amount = MoneyField(
        label=_("Maximaal bedrag voor de casus in euro's (bij inzet)"),
        required=False,
        min_value=Decimal("0.01"),
    )
    lapses_on = forms.DateField(label=_("Vervalt na (optioneel)"), required=False, widget=DateInput())
    conditions = forms.CharField(label=_("Voorwaarden"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, sale_order: bool = False, **kwargs):
        """`sale_order`: while the stake is held the only decision to record is one ordering its sale."""
        super().__init__(*args, **kwargs)
        self.sale_order = sale_order
        if sale_order:
            del self.fields["deploy"]

    def clean(self):
        data = super().clean()
        if self.sale_order:
            data.update(deploy=False, orders_sale=True)
        return data
