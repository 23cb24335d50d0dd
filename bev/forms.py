"""Forms of the fund pages (shapes only; bev.services applies the letter's limits)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from core.forms import MoneyField, PercentField, SentOnceForm, draw_form_check, form_check_field

from .constants import RETURN_KINDS, Account, EntryKind, Instrument, ValuationMethod


class BookingForm(forms.Form):
    """A booking with its idempotency key, so a repeated confirm books once."""

    idempotency_key = form_check_field(required=True, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        draw_form_check(self, "idempotency_key")


class InvestmentProposalForm(forms.Form):
    instrument = forms.ChoiceField(label=_("Instrument van het voorstel"), choices=Instrument.choices)
    amount = MoneyField(label=_("Bedrag van het voorstel"))
    terms = forms.CharField(label=_("Voorwaarden"), widget=forms.Textarea(attrs={"rows": 3}))
    valuation_basis = forms.CharField(label=_("Waarderingsgrondslag"), widget=forms.Textarea(attrs={"rows": 2}))


class FeeBudgetForm(forms.Form):
    year = forms.IntegerField(label=_("Jaar"), min_value=2023, max_value=2100)
    amount = MoneyField(label=_("Budget beheersvergoeding"))
    notes = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TrancheForm(BookingForm):
    amount = MoneyField(label=_("Bedrag"))
    received_on = forms.DateField(label=_("Ontvangen op"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Omschrijving"), required=False, max_length=300)


class FeeForm(BookingForm):
    amount = MoneyField(label=_("Bedrag"))
    booked_on = forms.DateField(label=_("Boekdatum"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Omschrijving"), required=False, max_length=300)


class ReservationForm(FeeForm):
    pass


class ReleaseForm(FeeForm):
    pass


class DisbursementForm(BookingForm):
    amount = MoneyField(label=_("Bedrag"))
    description = forms.CharField(label=_("Omschrijving"), required=False, max_length=300)


class ReturnForm(BookingForm):
    kind = forms.ChoiceField(
        label=_("Soort ontvangst"), choices=[(k, EntryKind(k).label) for k in RETURN_KINDS if k != EntryKind.SALE]
    )
    amount = MoneyField(label=_("Bedrag"))
    booked_on = forms.DateField(label=_("Boekdatum"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Omschrijving"), required=False, max_length=300)
    confirm_outside_scale = forms.BooleanField(
        label=_(
            "Ik heb gecontroleerd dat dit bedrag klopt, ook al is het veel hoger dan wat in de positie is geïnvesteerd"
        ),
        required=False,
    )


class ExitForm(BookingForm):
    proceeds = MoneyField(label=_("Verkoopopbrengst"))
    fraction_sold_percent = PercentField(label=_("Verkocht deel van het belang (%)"), max_digits=7, decimal_places=4)
    exited_on = forms.DateField(label=_("Datum"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Omschrijving"), required=False, max_length=300)


class ValuationForm(SentOnceForm):
    valued_on = forms.DateField(label=_("Waarderingsdatum"), widget=DateInput())
    fair_value = MoneyField(
        label=_("Reële waarde"),
        help_text=_(
            "In euro's. Aanname van deze dienst: wijkt de waarde meer dan 3× af van de "
            "vorige waardering (of, zonder waardering, van het geïnvesteerde bedrag), "
            "dan vraagt de bevestigingsstap om een uitdrukkelijke bevestiging."
        ),
    )
    method = forms.ChoiceField(label=_("Methode"), choices=ValuationMethod.choices)
    notes = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # Ticked on the confirm page only, under the warning (bev.services.holdings.valuation_jump).
    confirm_implausible = forms.BooleanField(
        label=_("Ik bevestig dat deze waardering klopt"), required=False, widget=forms.HiddenInput
    )

    acknowledgements = ("confirm_implausible",)


class DilutionForm(SentOnceForm):
    """The new share issue as the shares issued or as the new stake (%): one of the two; the service
    (bev.services.holdings.dilution_record) computes the other."""

    # Whether parliament is informed of a dilution the letter does not say: it names dilution as a way
    # of winding down ("afstoten of verwateren") and informs parliament "na een transactie". The
    # service's reading, labelled as such: a third party's issue is no transaction of the fund.
    issued_on = forms.DateField(
        label=_("Datum uitgifte"),
        widget=DateInput(),
        help_text=_(
            "Een verwatering door een uitgifte aan derden is geen transactie van het fonds: er wordt geen "
            "Kamerbrief voor opgesteld; de volgende brief noemt het belang van dat moment (aanname van de "
            "dienst, de brief van 2023 regelt dit niet)."
        ),
    )
    shares_outstanding_before = forms.IntegerField(
        label=_("Uitstaande aandelen vóór uitgifte"),
        min_value=0,
        required=False,
        help_text=_("Leeg: afgeleid uit het aantal aandelen van de positie, als dat bekend is."),
    )
    new_shares_issued = forms.IntegerField(
        label=_("Nieuw uitgegeven aandelen"),
        min_value=0,
        required=False,
        help_text=_("Of vul hieronder het nieuwe belang in, niet allebei."),
    )
    ownership_after = PercentField(
        label=_("Of: nieuw belang na de uitgifte (%)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        help_text=_("Zonder bekend aantal aandelen kan de verwatering alleen zo worden vastgelegd."),
    )
    notes = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConversionForm(forms.Form):
    converted_on = forms.DateField(label=_("Conversiedatum"), widget=DateInput())
    shares = forms.IntegerField(label=_("Verkregen aandelen"), min_value=0)
    ownership_percent = PercentField(label=_("Belang na conversie (%)"), max_digits=7, decimal_places=4)
    notes = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PositionForm(SentOnceForm):
    instrument = forms.ChoiceField(
        label=_("Instrument"),
        choices=Instrument.choices,
        help_text=_(
            "De brief staat alleen aandelen, converteerbare leningen en leningen "
            "met warrants toe; geen gewone leningen of garanties."
        ),
    )
    shares = forms.IntegerField(label=_("Aantal aandelen"), required=False, min_value=0)
    ownership_percent = PercentField(label=_("Belang (%)"), required=False, max_digits=7, decimal_places=4)
    principal = MoneyField(label=_("Hoofdsom (lening)"), required=False)
    interest_rate_percent = PercentField(label=_("Rente (%)"), required=False, max_digits=7, decimal_places=4)
    maturity_date = forms.DateField(label=_("Looptijd tot"), required=False, widget=DateInput())
    conversion_terms = forms.CharField(
        label=_("Conversievoorwaarden"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    warrant_terms = forms.CharField(
        label=_("Warrantvoorwaarden"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(label=_("Toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LedgerFilterForm(forms.Form):
    """The fund-wide ledger's filters (web)."""

    kind = forms.ChoiceField(
        label=_("Soort boeking"), required=False, choices=[("", _("Alle"))] + list(EntryKind.choices)
    )
    account = forms.ChoiceField(label=_("Rekening"), required=False, choices=[("", _("Alle"))] + list(Account.choices))
    date_from = forms.DateField(label=_("Vanaf"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("Tot en met"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("De einddatum ligt voor de begindatum."))
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reden van afwijzing"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReversalForm(BookingForm):
    """The correction of a ledger entry (a reversing entry). The reason is required by the service
    (bev.services.corrections), which refuses an empty one at this field."""

    reason = forms.CharField(
        label=_("Reden van de tegenboeking"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    booked_on = forms.DateField(
        label=_("Boekdatum"),
        required=False,
        widget=DateInput(),
        help_text=_("Leeg: vandaag; bij vier ogen de dag van goedkeuring."),
    )


# EZK's loan (bev.services.loan): interest paid and principal repaid to EZK, not the sweep.
class LoanInterestPaymentForm(BookingForm):
    amount = MoneyField(label=_("Bedrag"))
    paid_on = forms.DateField(label=_("Betaald op"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Omschrijving"), required=False, max_length=300)


class LoanRepaymentForm(BookingForm):
    amount = MoneyField(label=_("Bedrag"))
    repaid_on = forms.DateField(label=_("Afgelost op"), required=False, widget=DateInput())
    description = forms.CharField(label=_("Omschrijving"), required=False, max_length=300)
