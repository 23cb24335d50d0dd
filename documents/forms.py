"""Forms of the document pages (shapes only; documents.services decides)."""

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cases.forms import DateInput
from core.classification import Classification, accredited_choices
from core.forms import SentOnceForm
from core.input_rules import MAX_SEARCH_TERM_LENGTH

from .constants import DocumentType, FileKind


def file_types_hint():
    """The hint before the file input: which formats are accepted (by content) and how large."""
    return format_lazy(
        _("Toegestaan: {kinds}; hoogstens {megabytes} MB. Het formaat wordt aan de inhoud herkend."),
        kinds=", ".join(str(label) for label in FileKind.labels),
        megabytes=settings.DOCUMENT_MAX_UPLOAD_BYTES // (1024 * 1024),
    )


class DocumentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Zoeken in titel en tekst"),
        required=False,
        max_length=MAX_SEARCH_TERM_LENGTH,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class DocumentUploadForm(SentOnceForm):
    title = forms.CharField(label=_("Titel"), max_length=255)
    document_type = forms.ChoiceField(label=_("Documenttype"), choices=DocumentType.choices)
    document_date = forms.DateField(label=_("Documentdatum"), required=False, widget=DateInput())
    author = forms.CharField(label=_("Auteur"), required=False, max_length=200)
    classification = forms.ChoiceField(
        label=_("Rubricering"), required=False, choices=[("", _("Zelfde als de casus"))] + list(Classification.choices)
    )
    classification_reason = forms.CharField(
        label=_("Reden lagere rubricering"),
        required=False,
        help_text=_("Verplicht wanneer het document lager is gerubriceerd dan de casus."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file = forms.FileField(label=_("Bestand"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_types_hint()
        # Only the levels this deployment is accredited to hold (BEV_MAX_CLASSIFICATION, issue 20).
        self.fields["classification"].choices = [("", _("Zelfde als de casus"))] + accredited_choices()


class VersionAddForm(SentOnceForm):
    file = forms.FileField(label=_("Nieuwe versie"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = file_types_hint()


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reden van intrekking"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReclassifyForm(forms.Form):
    classification = forms.ChoiceField(label=_("Nieuwe rubricering"), choices=Classification.choices)
    reason = forms.CharField(
        label=_("Reden (verplicht bij verlagen)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classification"].choices = accredited_choices()  # BEV_MAX_CLASSIFICATION (issue 20)
