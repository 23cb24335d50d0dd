"""Forms of the assessment pages (shapes only; assessments.services decides)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.constants import ScopeGround
from cases.forms import DateInput
from core.forms import SentOnceForm

from .constants import AdvicePosition, CheckAnswer, ConditionStatus, Ministry

EVIDENCE_HELP = _("Eén bron per regel: titel | bron | url. Een document van de casus: #documentnummer.")


class EvidenceField(forms.CharField):
    """Evidence as text lines, turned into the list of sources the services expect."""

    widget = forms.Textarea(attrs={"rows": 2})

    def __init__(self, **kwargs):
        super().__init__(label=_("Bewijs"), required=False, help_text=EVIDENCE_HELP, **kwargs)

    def to_python(self, value):
        rows = []
        for line in (super().to_python(value) or "").splitlines():
            line = line.strip()
            if not line:
                continue
            match = re.fullmatch(r"#(\d+)(?:\s*\|\s*(.*))?", line)
            if match:
                rows.append({"document_id": int(match.group(1)), "title": (match.group(2) or "").strip()})
                continue
            parts = [p.strip() for p in line.split("|")] + ["", ""]
            rows.append({"title": parts[0], "source": parts[1], "url": parts[2]})
        return rows


def evidence_text(evidence) -> str:
    lines = []
    for row in evidence or []:
        if row.get("document_id"):
            lines.append(f"#{row['document_id']}" + (f" | {row['title']}" if row.get("title") else ""))
        else:
            lines.append(" | ".join(p for p in (row.get("title", ""), row.get("source", ""), row.get("url", "")) if p))
    return "\n".join(lines)


class ScopeForm(forms.Form):
    # Its own prefix: the policy-goal form on the same page has a `rationale` too (one id each).
    prefix = "scope"
    scope_ground = forms.ChoiceField(
        label=_("Reikwijdtegrond"), required=False, choices=[("", "–")] + list(ScopeGround.choices)
    )
    confirmed = forms.TypedChoiceField(
        label=_("Oordeel"),
        required=False,
        empty_value=None,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        choices=[
            ("", _("Nog niet vastgesteld")),
            ("yes", _("Grond bevestigd")),
            ("no", _("Geen grond van toepassing")),
        ],
    )
    rationale = forms.CharField(label=_("Onderbouwing"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    # The service names the field scope_rationale (core.views.add_error shows its refusal here).
    service_fields = {"scope_rationale": "rationale"}


class PolicyGoalForm(forms.Form):
    """Version 2: only for a company crucial to policy goals does the broader indicator count."""

    prefix = "policy_goal"  # beside ScopeForm on the assessment page: ids and POST names its own

    crucial = forms.TypedChoiceField(
        label=_("Cruciaal voor het realiseren van beleidsdoelen?"),
        required=False,
        empty_value=None,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        choices=[("", _("Nog niet vastgesteld")), ("yes", _("Ja, cruciaal")), ("no", _("Nee"))],
        help_text=_(
            "Kamerbrief 2023: “Het gaat hier uitsluitend om bedrijven die cruciaal zijn voor het "
            "realiseren van beleidsdoelen, zoals de energietransitie, de woningbouwopgave, "
            "gezondheidsopgave.” Alleen bij “ja” telt de bredere indicator mee, en dan "
            "alleen verhogend (keuze van de dienst)."
        ),
    )
    rationale = forms.CharField(
        label=_("Onderbouwing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Verplicht bij “ja”: welk beleidsdoel, en waarom cruciaal."),
    )


class LowIndicatorsJustificationForm(forms.Form):
    justification = forms.CharField(
        label=_("Onderbouwing"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Voorwaarde 1 van de brief: “de voorziene investering of overname heeft risico's voor de "
            "nationale veiligheid tot gevolg”. Staan alle indicatoren op laag, leg dan uitdrukkelijk "
            "vast waarom er toch een risico is; zonder onderbouwing geen advies tot inzet. Leeg trekt haar "
            "in."
        ),
    )


class NoConsultationReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reden"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Kamerbrief 2023: “Dit doet EZK in afstemming met betrokken (vak)departementen.” "
            "Zonder adviesaanvraag alleen met een reden waarom geen van de betrokken departementen "
            "geraadpleegd hoefde te worden."
        ),
    )


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Reactie van EZK"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Een advies dat bezwaar maakt of zorgen heeft, vraagt een vastgelegde reactie voordat de "
            "uitkomst “inzetten” kan zijn; de reactie staat in de uitkomst en in het rapport "
            "voor de ministerraad."
        ),
    )


class ConditionForm(forms.Form):
    status = forms.ChoiceField(label=_("Oordeel"), choices=ConditionStatus.choices)
    rationale = forms.CharField(label=_("Onderbouwing"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = EvidenceField()


class CheckForm(forms.Form):
    answer = forms.ChoiceField(label=_("Antwoord"), choices=CheckAnswer.choices)
    rationale = forms.CharField(label=_("Onderbouwing"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = EvidenceField()


class ScoreForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Uw score"), coerce=int, choices=[])
    rationale = forms.CharField(label=_("Onderbouwing"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = EvidenceField()

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [("", "–")] + list(levels)


class SettleForm(ScoreForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].label = _("Vastgesteld niveau")
        del self.fields["evidence"]


class ConsultationForm(SentOnceForm):
    ministry = forms.ChoiceField(label=_("Ministerie"), choices=Ministry.choices)
    ministry_other = forms.CharField(label=_("Ander ministerie"), required=False, max_length=120)
    advisor = forms.ChoiceField(
        label=_("Adviseur (teamlid)"),
        choices=[],
        help_text=_(
            "De departementaal adviseurs in het casusteam, per organisatie; kies er een van het gevraagde ministerie."
        ),
    )
    question = forms.CharField(label=_("Adviesvraag"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    covers = forms.MultipleChoiceField(
        label=_("Onderdelen waarover advies wordt gevraagd"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )
    due_date = forms.DateField(label=_("Uiterste datum"), widget=DateInput())

    def __init__(self, *args, advisors=(), parts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisor"].choices = [("", "–")] + list(advisors)
        self.fields["covers"].choices = list(parts)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reden"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentsForm(forms.Form):
    comments = forms.CharField(label=_("Opmerkingen"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AnswerForm(forms.Form):
    position = forms.ChoiceField(
        label=_("Standpunt"), choices=[("", "–")] + list(AdvicePosition.choices), required=False
    )
    advice = forms.CharField(label=_("Advies"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
