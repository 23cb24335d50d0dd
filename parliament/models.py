"""Letters to parliament (Kamerbrieven) and the fund's reports.

"Uw Kamer zal naderhand over de betreffende transactie worden geïnformeerd" (letter 2023, Werking):
every executed transaction of the fund leads to a draft letter to the Tweede and the Eerste Kamer.

- `LetterRequest` is the outbox: written in the fund transaction's own database transaction, so a
  request is never lost; a worker (and the periodic `process_outbox`) turns it into drafts.
- `LetterDraft` is one letter to one chamber, with its own lifecycle (draft → in review →
  approved → sent), every edit kept as a `LetterRevision`.
- `MinistryProfile`, `Minister` and `LetterReference` are configuration with validity dates: the
  ministry's name, the minister who signs and the earlier letters cited are data, never constants.
- `Report` is a generated report (annual transactions, evaluation) with a status row the UI polls.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.formatting import euro


class TransactionKind(models.TextChoices):
    """The fund transactions after which parliament is informed (bev.events.TransactionExecuted.kind)."""

    FIRST_INVESTMENT = "first_investment", _("Eerste investering")
    FOLLOW_ON_INVESTMENT = "follow_on_investment", _("Vervolginvestering")
    CONVERSION = "conversion", _("Conversie")
    PARTIAL_EXIT = "partial_exit", _("Gedeeltelijke exit")
    FULL_EXIT = "full_exit", _("Volledige exit")


class Chamber(models.TextChoices):
    TWEEDE_KAMER = "tweede_kamer", _("Tweede Kamer")
    EERSTE_KAMER = "eerste_kamer", _("Eerste Kamer")


# ---------------------------------------------------------------------------------------------
# Configuration with validity dates
# ---------------------------------------------------------------------------------------------
class ValidityQuerySet(models.QuerySet):
    def valid_on(self, on: date):
        return (
            self.filter(valid_from__lte=on)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
            .order_by("-valid_from", "-id")
        )


class ValidityPeriod(models.Model):
    valid_from = models.DateField(_("geldig vanaf"))
    valid_to = models.DateField(_("geldig tot en met"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()
    # Whether at most one row may be valid on any date (one minister, one letterhead at a time).
    exclusive_periods = True

    class Meta:
        abstract = True

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("De einddatum ligt vóór de begindatum.")})
        if self.exclusive_periods and self.valid_from:
            others = (
                type(self)
                .objects.exclude(pk=self.pk)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
            )
            if self.valid_to:
                others = others.filter(valid_from__lte=self.valid_to)
            if others.exists():
                raise ValidationError(
                    {
                        "valid_from": _("Deze periode overlapt met %(other)s; sluit die eerst af.")
                        % {"other": others.first()}
                    }
                )


class MinistryProfile(ValidityPeriod):
    """The letterhead: the ministry's name and the sending directorate, with their addresses.
    (The ministry was renamed from "Economische Zaken en Klimaat" to "Economische Zaken" in 2024.)"""

    ministry_name = models.CharField(_("naam ministerie"), max_length=200)
    directorate = models.CharField(
        _("directoraat-generaal / directie"), max_length=300, help_text=_("Eén regel per onderdeel.")
    )
    visiting_address = models.TextField(_("bezoekadres"), help_text=_("Eén regel per adresregel."))
    postal_address = models.TextField(_("postadres"))
    return_address = models.CharField(_("retouradres"), max_length=200, default="Postbus 20401 2500 EK Den Haag")
    phone = models.CharField(_("telefoon"), max_length=100, blank=True)
    website = models.CharField(_("website"), max_length=100, blank=True)
    reference_prefix = models.CharField(
        _("voorvoegsel kenmerk"),
        max_length=40,
        default="",
        blank=True,
        help_text=_(
            "Alleen een voorvoegsel dat het invulveld 'Ons kenmerk' "
            "voorstelt, bijv. DGBI-I&K; het nummer zelf komt uit het "
            "documentsysteem en vult de contactpersoon per brief in."
        ),
    )

    class Meta:
        verbose_name = _("briefhoofd ministerie")
        verbose_name_plural = _("briefhoofden ministerie")
        ordering = ["-valid_from"]

    def __str__(self):
        return f"{self.ministry_name} ({self.valid_from}–{self.valid_to or ''})"


class Minister(ValidityPeriod):
    """The minister in office, who signs the letters dated within the validity period."""

    name = models.CharField(_("naam"), max_length=200, help_text=_("Zoals onder de brief, bijv. M.A.M. Adriaansens."))
    title = models.CharField(
        _("functie"), max_length=200, help_text=_("Bijv. De Minister van Economische Zaken en Klimaat")
    )

    class Meta:
        verbose_name = _("minister")
        verbose_name_plural = _("ministers")
        ordering = ["-valid_from"]

    def __str__(self):
        return f"{self.name} – {self.title} ({self.valid_from}–{self.valid_to or ''})"


class LetterReference(ValidityPeriod):
    """The parliamentary document in which this information was announced, cited by every
    transaction letter dated within the validity period. Maintained by an administrator: no
    Kamerstuk number is written in code. Without a row the letter cites none and tells the liaison."""

    citation = models.CharField(
        _("vindplaats"),
        max_length=200,
        help_text=_(
            "Het Kamerstuknummer zoals het in de brief moet staan; controleer het tegen officielebekendmakingen.nl."
        ),
    )
    description = models.CharField(_("omschrijving"), max_length=300)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    exclusive_periods = False  # several earlier letters may be cited at once

    class Meta:
        verbose_name = _("verwijzing naar eerdere brief")
        verbose_name_plural = _("verwijzingen naar eerdere brieven")
        ordering = ["position", "id"]

    def __str__(self):
        return self.citation


class CountryDisclosurePolicy(ValidityPeriod):
    """Whether the public letter names the acquirer's country (landenneutraliteit).

    A policy choice of EZK and BZ, not of the case's classification: even for a public case the
    country is named in the public body only while a row valid on the letter's date says so. With no
    row the country is not named (the service's default; an assumption, not the 2023 letter's)."""

    name_country = models.BooleanField(_("land noemen in de openbare brief"), default=False)
    label = models.CharField(_("naam van het beleid"), max_length=200)
    basis = models.TextField(
        _("grondslag"), blank=True, help_text=_("Het besluit van EZK en BZ waarop dit beleid berust, met datum.")
    )

    class Meta:
        verbose_name = _("beleid landenvermelding")
        verbose_name_plural = _("beleid landenvermelding")
        ordering = ["-valid_from"]

    def __str__(self):
        return f"{self.label} ({self.valid_from}–{self.valid_to or ''})"


class EvaluationSchedule(models.Model):
    """An evaluation of the provision: "Uiterlijk over twee jaar vindt een evaluatie van de
    beschermingsvoorziening plaats" (letter 2023). The start and due dates are configuration an
    administrator maintains; the service warns before the due date, marks it overdue after, and the
    letters state the evaluation only as this row records it."""

    title = models.CharField(_("omschrijving"), max_length=200, default="Evaluatie Beschermingsvoorziening")
    instrument_start = models.DateField(_("start van de voorziening"))
    due_on = models.DateField(_("uiterlijk af op"))
    warn_days = models.PositiveSmallIntegerField(_("waarschuwen vanaf (dagen vooraf)"), default=90)
    completed_on = models.DateField(_("afgerond op"), null=True, blank=True)
    report_citation = models.CharField(
        _("vindplaats evaluatie"),
        max_length=200,
        blank=True,
        help_text=_("Bijv. het Kamerstuk waarmee de evaluatie is aangeboden."),
    )
    basis = models.TextField(_("grondslag"), blank=True)

    class Meta:
        verbose_name = _("evaluatietermijn")
        verbose_name_plural = _("evaluatietermijnen")
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"{self.title} (uiterlijk {self.due_on})"

    def clean(self):
        if self.instrument_start and self.due_on and self.due_on < self.instrument_start:
            raise ValidationError({"due_on": _("De einddatum ligt vóór de start.")})
        # "Uiterlijk over twee jaar vindt een evaluatie van de beschermingsvoorziening plaats" and "Dit
        # instrument zal twee jaar na inwerkingtreding worden geëvalueerd" (letter 2023): a later due
        # date, which the letters then state, needs its own ground (a later decision) in `basis`.
        if (
            self.instrument_start
            and self.due_on
            and self.due_on > two_years_after(self.instrument_start)
            and not (self.basis or "").strip()
        ):
            raise ValidationError(
                {
                    "basis": _(
                        "De brief van 2023 noemt een evaluatie uiterlijk twee jaar na de start (%(latest)s); "
                        "een latere datum heeft een grondslag nodig (bijv. het latere besluit)."
                    )
                    % {"latest": two_years_after(self.instrument_start).isoformat()}
                }
            )


def two_years_after(start):
    """The same day two years later (29 February: 28 February)."""
    try:
        return start.replace(year=start.year + 2)
    except ValueError:
        return start.replace(year=start.year + 2, day=28)


# ---------------------------------------------------------------------------------------------
# The outbox
# ---------------------------------------------------------------------------------------------
class LetterRequest(models.Model):
    """A request for the letters about one fund transaction (outbox row, one per transaction)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("In afwachting")
        DONE = "done", _("Verwerkt")
        # The booking was undone before its letters were drafted: there is no transaction to report.
        REVERSED = "reversed", _("Tegengeboekt")

    source_key = models.CharField(_("transactiesleutel"), max_length=200, unique=True)
    kind = models.CharField(_("soort transactie"), max_length=32, choices=TransactionKind.choices)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="letter_requests")
    position_id = models.BigIntegerField(_("positie"), null=True, blank=True)
    amount = models.DecimalField(_("bedrag (EUR)"), max_digits=15, decimal_places=2)
    executed_on = models.DateField(_("uitgevoerd op"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    # The booking was undone by a reversing entry (bev.events.reversed_): its letters say so.
    reversed_on = models.DateField(_("tegengeboekt op"), null=True, blank=True)
    reversal_reason = models.TextField(_("reden tegenboeking"), blank=True)

    class Meta:
        verbose_name = _("verzoek om Kamerbrief")
        verbose_name_plural = _("verzoeken om Kamerbrieven (outbox)")
        ordering = ["created_at", "id"]

    def __str__(self):
        # What people read (the audit trail's object, the admin): the transaction, not its key.
        return f"{self.get_kind_display()} {euro(self.amount, cents=True)} ({self.get_status_display()})"


# ---------------------------------------------------------------------------------------------
# The letters
# ---------------------------------------------------------------------------------------------
class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    IN_REVIEW = "in_review", _("Ter beoordeling")
    APPROVED = "approved", _("Goedgekeurd")
    SENT = "sent", _("Verzonden")
    # The transaction was undone (a reversing entry) before the letter was sent: it reports nothing.
    WITHDRAWN = "withdrawn", _("Ingetrokken")


class LetterDraft(models.Model):
    """One letter to one chamber about one transaction.

    The letterhead, addressee and signatory are copied in when the draft is made, so that a later
    change of configuration never alters a letter already written."""

    request = models.ForeignKey(LetterRequest, on_delete=models.PROTECT, related_name="drafts")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="letters")
    chamber = models.CharField(_("Kamer"), max_length=16, choices=Chamber.choices)
    kind = models.CharField(_("soort transactie"), max_length=32, choices=TransactionKind.choices)
    status = FSMField(
        _("status"), max_length=16, choices=LetterStatus.choices, default=LetterStatus.DRAFT, db_index=True
    )

    letter_date = models.DateField(_("datum"))
    # The document system's number, entered by the liaison per letter; never generated.
    our_reference = models.CharField(_("ons kenmerk"), max_length=100, blank=True)
    subject = models.CharField(_("betreft"), max_length=300)
    letterhead = models.JSONField(_("briefhoofd"), default=dict)
    addressee = models.TextField(_("geadresseerde"))
    salutation = models.CharField(_("aanhef"), max_length=100, default="Geachte Voorzitter,")
    body = models.TextField(_("tekst"), help_text=_("Alinea's gescheiden door een witregel."))
    confidential_annex = models.TextField(_("vertrouwelijke bijlage"), blank=True)
    signatory_name = models.CharField(_("ondertekenaar"), max_length=200)
    signatory_title = models.CharField(_("functie ondertekenaar"), max_length=200)
    facts = models.JSONField(_("feiten"), default=dict, help_text=_("De gegevens waarop de tekst is gebaseerd."))
    drafting_notes = models.JSONField(
        _("toelichting bij het concept"),
        default=list,
        blank=True,
        help_text=_("Wat de contactpersoon moet weten: weggelaten zinnen, toegepast beleid."),
    )
    revision = models.PositiveIntegerField(_("versie"), default=1)

    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_on = models.DateField(_("verzonden op"), null=True, blank=True)
    kamerstuk_number = models.CharField(_("Kamerstuknummer"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("Kamerbrief")
        verbose_name_plural = _("Kamerbrieven")
        ordering = ["-created_at", "chamber"]
        constraints = [
            # A task that runs twice makes one draft per chamber, not two.
            models.UniqueConstraint(fields=["request", "chamber"], name="unique_letter_per_request_chamber"),
        ]

    def __str__(self):
        return f"{self.our_reference} {self.get_chamber_display()}"

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.split("\n\n") if p.strip()]

    @property
    def signature_title(self) -> str:
        """The ministry-letter form: the name, then "Minister van ..." (no article, no comma)."""
        title = self.signatory_title.strip().rstrip(",")
        if title.lower().startswith("de "):
            title = title[3:]
        return title[:1].upper() + title[1:]

    @property
    def annex_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.confidential_annex.split("\n\n") if p.strip()]

    # ------------------------------------------------------------------------------------------
    # Lifecycle: draft → in_review → approved → sent (services in parliament.services)
    # ------------------------------------------------------------------------------------------
    @transition(status, source=LetterStatus.DRAFT, target=LetterStatus.IN_REVIEW)
    def submit(self):
        """The author offers the text for review."""

    @transition(status, source=LetterStatus.IN_REVIEW, target=LetterStatus.DRAFT)
    def return_to_draft(self):
        """The reviewer sends the text back for changes."""

    @transition(status, source=LetterStatus.IN_REVIEW, target=LetterStatus.APPROVED)
    def approve(self):
        """Someone other than its authors approves the text (four eyes)."""

    @transition(
        status,
        source=[LetterStatus.DRAFT, LetterStatus.IN_REVIEW, LetterStatus.APPROVED],
        target=LetterStatus.WITHDRAWN,
    )
    def withdraw(self):
        """The transaction it reports was undone (a reversing entry) before it was sent."""

    @transition(status, source=LetterStatus.APPROVED, target=LetterStatus.SENT)
    def mark_sent(self):
        """The letter went to the chamber; the date and the Kamerstuk number are recorded."""


# The note of a letter's generated first version. Stored as this Dutch text (as it always was: older
# rows hold it too) and shown in the reader's language (`LetterRevision.note_display`).
GENERATED_NOTE = gettext_noop("Gegenereerd na de transactie")


class LetterRevision(models.Model):
    """One version of a letter's text: number 1 is the generated text, each edit adds one."""

    draft = models.ForeignKey(LetterDraft, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    confidential_annex = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("versie van een Kamerbrief")
        verbose_name_plural = _("versies van Kamerbrieven")
        ordering = ["draft", "number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="unique_letter_revision")]

    def __str__(self):
        return f"{self.draft_id} v{self.number}"

    @property
    def note_display(self) -> str:
        """The note in the reader's language: the service's own note translated, a person's as typed."""
        return gettext(self.note) if self.note == GENERATED_NOTE else self.note


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------
class ReportKind(models.TextChoices):
    ANNUAL_TRANSACTIONS = "annual_transactions", _("Jaaroverzicht transacties")
    EVALUATION = "evaluation", _("Evaluatie (werking, doelmatigheid, doeltreffendheid)")


# The questions of the evaluation (letter 2023: "Hierin wordt gekeken naar de werking,
# doelmatigheid en doeltreffendheid van de voorziening, waarbij ook onderzocht zal worden of deze
# uitgebreid en/of offensiever ingezet moet worden"): the evaluators' findings go beside the figures.
EVALUATION_QUESTIONS = {
    "werking": "Werking",
    "doelmatigheid": "Doelmatigheid",
    "doeltreffendheid": "Doeltreffendheid",
    "uitbreiding": "Moet de voorziening uitgebreid en/of offensiever ingezet worden?",
}


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("In de wachtrij")
    RUNNING = "running", _("Bezig")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class Report(models.Model):
    """A generated report; the files are kept. Built by a Celery task that updates status/progress."""

    Kind = ReportKind
    Status = ReportStatus

    kind = models.CharField(_("soort"), max_length=32, choices=Kind.choices)
    year = models.PositiveIntegerField(_("jaar"), null=True, blank=True)
    period_start = models.DateField(_("periode vanaf"), null=True, blank=True)
    period_end = models.DateField(_("periode tot en met"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    summary = models.JSONField(default=dict, blank=True)
    findings = models.JSONField(_("bevindingen van de evaluatoren"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    csv_file = models.FileField(upload_to="parliament/reports/", blank=True)
    xlsx_file = models.FileField(upload_to="parliament/reports/", blank=True)
    pdf_file = models.FileField(upload_to="parliament/reports/", blank=True)

    class Meta:
        verbose_name = _("rapportage")
        verbose_name_plural = _("rapportages")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year or ''} ({self.get_status_display()})"
