"""Services of the letters to parliament and the reports.

"Uw Kamer zal naderhand over de betreffende transactie worden geïnformeerd" (letter 2023, Werking).
The hand-off from the fund is an outbox: `letter_requests_create` runs inside the fund
transaction's own database transaction, so the request commits or rolls back with the transaction
itself; the worker (`tasks.make_letter_drafts`) and the periodic `tasks.process_outbox` turn it
into the two drafts. A broker that is down delays the drafts, never loses them; a task that runs
twice makes the drafts once (row lock with SKIP LOCKED, status check, unique constraint).
"""

from __future__ import annotations

import functools
import logging
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.models import User
from access.notifications import notify_task
from access.permissions import require, require_four_eyes
from audit.models import AuditRecord
from audit.services import audit_log, diff
from bev.events import TransactionExecuted, TransactionReversed
from cases.selectors import team_members_who_may
from core.exceptions import Conflict, RuleViolation
from core.inserts import insert
from documents.services import generated_document_store

from .composition import (
    ADDRESSEES,
    compose_letter,
    country_name,
    country_name_en,
    letter_facts,
)
from .confidentiality import disclosure_for
from .models import (
    EVALUATION_QUESTIONS,
    GENERATED_NOTE,
    Chamber,
    LetterDraft,
    LetterRequest,
    LetterRevision,
    LetterStatus,
    MinistryProfile,
    Report,
    TransactionKind,
)
from .selectors import minister_on, ministry_profile_on

logger = logging.getLogger(__name__)


def _jsonable(value: object) -> object:
    """Facts and summaries are kept as JSON: money as strings (never floats), dates as ISO."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (Decimal, date)):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


# ---------------------------------------------------------------------------------------------
# The outbox
# ---------------------------------------------------------------------------------------------
def _enqueue(task_name: str, object_id: int) -> None:
    """Hand the work to a worker after commit. A broker that is down must not fail the committed
    transaction: the row stays pending and the periodic `process_outbox` picks it up."""
    from . import tasks

    try:
        getattr(tasks, task_name).delay(object_id)
    except Exception:  # noqa: BLE001 - any broker error: log, the outbox keeps the work
        logger.warning(
            "Could not enqueue %s(%s); the periodic outbox run will pick it up.", task_name, object_id, exc_info=True
        )


def letter_requests_on_transaction(
    sender: type[TransactionExecuted], *, event: TransactionExecuted, **kwargs: Any
) -> None:
    """Receiver of `bev.events.executed` (connected in ParliamentConfig.ready())."""
    letter_requests_create(event=event, actor=event.actor)


def letter_requests_create(*, event: TransactionExecuted, actor: User | None = None) -> LetterRequest:
    """Record that parliament is to be informed about an executed fund transaction.

    Called by `bev.events.transaction_executed` inside the fund transaction's database
    transaction (under the fund lock: so one INSERT, and the drafting after commit). One request per
    transaction (`event.source_key`, unique); calling again returns it. `actor`: the user of
    `event.user_id` when the caller has them at hand (else read for the audit record)."""
    if event.kind not in TransactionKind.values:
        raise RuleViolation(_("Onbekende soort transactie."), field="kind")
    request = LetterRequest(
        source_key=event.source_key,
        kind=event.kind,
        case_id=event.case_id,
        position_id=event.position_id,
        amount=event.amount,
        executed_on=event.executed_on,
        requested_by_id=event.user_id,
    )
    if not insert(request, conflict_target=("source_key",)):
        return LetterRequest.objects.get(source_key=event.source_key)
    if actor is not None and getattr(actor, "pk", None) == event.user_id:
        request.requested_by = actor
    audit_log(
        actor=request.requested_by,
        action=AuditRecord.Action.CREATE,
        event="letter_request.create",
        obj=request,
        case_id=request.case_id,
        changes={"kind": request.kind, "amount": request.amount, "executed_on": request.executed_on},
    )
    transaction.on_commit(functools.partial(_enqueue, "make_letter_drafts", request.pk))
    return request


def letters_on_reversal(sender: type[TransactionReversed], *, event: TransactionReversed, **kwargs: Any) -> None:
    """Receiver of `bev.events.reversed_` (connected in ParliamentConfig.ready()), inside the
    reversal's transaction: a transaction that was undone is not reported as done. Its request,
    if its letters were not drafted yet, makes none; its drafts not yet sent are withdrawn; a letter
    already sent keeps its status and says that its transaction was reversed (the liaison informs
    parliament: the next letter about the case says so in its drafting notes)."""
    request = LetterRequest.objects.select_for_update(no_key=True).filter(source_key=event.source_key).first()
    if request is None:  # a booking no letter reports (a reservation, a dividend, ...)
        return
    actor = User.objects.filter(pk=event.user_id).first()
    request.reversed_on, request.reversal_reason = event.reversed_on, event.reason
    fields = ["reversed_on", "reversal_reason"]
    if request.status == LetterRequest.Status.PENDING:
        request.status = LetterRequest.Status.REVERSED
        fields.append("status")
    request.save(update_fields=fields)
    for letter in request.drafts.select_for_update(no_key=True, of=("self",)).order_by("id"):
        before = letter.status
        if letter.status == LetterStatus.SENT:  # keeps its status; its page says the booking was reversed
            continue
        letter.withdraw()
        letter.save(update_fields=["status"])
        audit_log(
            actor=actor,
            action=AuditRecord.Action.UPDATE,
            event="letter.withdraw",
            obj=letter,
            case_id=letter.case_id,
            changes={"status": [before, letter.status], "reversal_entry": event.reversal_entry_id},
        )


def _configuration_is_empty() -> bool:
    from .models import Minister

    return not MinistryProfile.objects.exists() and not Minister.objects.exists()


def _date_and_sign(letter: LetterDraft, *, on: date) -> MinistryProfile:
    """Date the letter `on`, with the letterhead and the minister in office valid on that date."""
    profile = ministry_profile_on(on)
    minister = minister_on(on)
    if profile is None and minister is None and _configuration_is_empty():
        # A database emptied after migrating (a restore, a test flush) lacks the rows migration
        # 0002 seeded: put the defaults back rather than fail. A deliberate gap stays an error.
        from .models import LetterReference, Minister
        from .seed_data import seed_configuration

        seed_configuration(MinistryProfile, Minister, LetterReference)
        profile, minister = ministry_profile_on(on), minister_on(on)
    if profile is None or minister is None:
        raise RuntimeError(f"No ministry letterhead or minister configured for {on.isoformat()}")
    letter.letter_date = on
    letter.letterhead = {
        "ministry_name": profile.ministry_name,
        "directorate": profile.directorate,
        "visiting_address": profile.visiting_address,
        "postal_address": profile.postal_address,
        "return_address": profile.return_address,
        "phone": profile.phone,
        "website": profile.website,
        "reference_prefix": profile.reference_prefix,
    }
    letter.signatory_name = minister.name
    letter.signatory_title = minister.title
    return profile


def _draft_create(*, request: LetterRequest, chamber: str, letter_date: date) -> LetterDraft:
    draft = LetterDraft(
        request=request, case=request.case, chamber=chamber, kind=request.kind, addressee=ADDRESSEES[chamber]
    )
    _date_and_sign(draft, on=letter_date)
    # A letter to parliament is a Dutch document, whatever language the person or worker uses.
    with translation.override("nl"):
        facts = letter_facts(request=request, chamber=chamber, letter_date=letter_date)
        composed = compose_letter(facts)
    # "Ons kenmerk" is the document system's number: the liaison enters it (letter_update); the
    # letter cannot be approved without it (letter_approve).
    draft.our_reference = ""
    draft.drafting_notes = list(composed.notes)
    draft.subject = composed.subject
    draft.body = composed.body
    draft.confidential_annex = composed.confidential_annex
    draft.facts = _jsonable(facts)
    draft.save()
    LetterRevision.objects.create(
        draft=draft,
        number=1,
        subject=draft.subject,
        body=draft.body,
        confidential_annex=draft.confidential_annex,
        author=None,
        note=GENERATED_NOTE,  # translated when shown (LetterRevision.note_display)
    )
    audit_log(
        actor=None,
        action=AuditRecord.Action.CREATE,
        event="letter.draft_create",
        obj=draft,
        case_id=draft.case_id,
        changes={"chamber": chamber, "kind": draft.kind, "request": request.pk},
    )
    return draft


def letter_drafts_make(*, request_id: int, today: date | None = None) -> list[LetterDraft]:
    """Turn one pending request into its two drafts, in one transaction: a worker that dies half-way
    leaves nothing behind, and the redelivered task makes the drafts. Returns [] when the request
    is done already or another worker holds it."""
    letter_date = today or timezone.localdate()
    with transaction.atomic():
        request = (
            LetterRequest.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("case")
            .filter(pk=request_id, status=LetterRequest.Status.PENDING)
            .first()
        )
        if request is None:
            return []
        drafts = [
            _draft_create(request=request, chamber=chamber, letter_date=letter_date)
            for chamber in (Chamber.TWEEDE_KAMER, Chamber.EERSTE_KAMER)
            if not request.drafts.filter(chamber=chamber).exists()
        ]
        request.status = LetterRequest.Status.DONE
        request.processed_at = timezone.now()
        request.attempts += 1
        request.last_error = ""
        request.save(update_fields=["status", "processed_at", "attempts", "last_error"])
    return drafts


def letter_request_record_failure(*, request_id: int, error: str) -> None:
    """Keep the reason a request could not be turned into drafts (it stays pending)."""
    with transaction.atomic():
        request = LetterRequest.objects.select_for_update(no_key=True).filter(pk=request_id).first()
        if request is None or request.status != LetterRequest.Status.PENDING:
            return
        request.attempts += 1
        request.last_error = error[:2000]
        request.save(update_fields=["attempts", "last_error"])


def pending_letter_request_ids(*, limit: int = 100) -> list[int]:
    return list(
        LetterRequest.objects.filter(status=LetterRequest.Status.PENDING)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


# ---------------------------------------------------------------------------------------------
# The letter's own workflow: draft → in review → approved → sent
# ---------------------------------------------------------------------------------------------
def _locked(letter: LetterDraft) -> LetterDraft:
    locked = LetterDraft.objects.select_for_update(no_key=True, of=("self",)).select_related("case").get(pk=letter.pk)
    letter.case.share_team_with(locked.case)
    return locked


def _require_status(letter: LetterDraft, *allowed: str) -> None:
    if letter.status not in allowed:
        raise Conflict(
            _("Dit kan niet bij een Kamerbrief met de status '%(status)s'.") % {"status": letter.get_status_display()},
            code="invalid_state",
        )


# The legal form a company's name is often written without ("Voorbeeld Photonics" for "Voorbeeld
# Photonics B.V."): the name is classified either way.
# A report's hand-off to a worker is lost after this long pending (broker down when requested), and
# its worker has died after this long running (the largest report builds in well under a minute on
# the benchmark's 10,000 cases): the outbox sweep builds them. The service's own assumptions.
REPORT_STALE_PENDING = timedelta(minutes=2)
REPORT_STALE_RUNNING = timedelta(minutes=30)

# A Kamerbrief about one transaction is a few pages (the drafts: 3,000-5,000 characters); an edit may
# add to it, not make a book of it. The service's own bound (found by trying the product: 52,366
# characters were accepted).
MAX_LETTER_TEXT = 20_000
# A tag as HTML writes it ("<b>", "</p>", "<!--", "<script"); "< 5%" or "a<b" in a formula is no tag.
_MARKUP = re.compile(r"<\s*(?:[A-Za-z][A-Za-z0-9]*[\s/>]|/\s*[A-Za-z]|!)")

_LEGAL_FORM = re.compile(
    r"[\s,]+(b\.?\s?v\.?|n\.?\s?v\.?|v\.?o\.?f\.?|ltd\.?|limited|inc\.?|gmbh|s\.?a\.?|plc|llc|co\.?,?\s?ltd\.?)\s*$",
    re.IGNORECASE,
)


def _written_loosely(name: str) -> re.Pattern[str]:
    """`name` as an editor might write it: any case, its words (letters and digits) joined by
    anything or nothing ("Lumen-Photonics", "LumenPhotonics", "Lumen\nPhotonics"), and not inside a
    longer word. Found by trying the product: a hyphen or a missing space got the name past the check."""
    words = re.findall(r"[^\W_]+", name.casefold())
    return re.compile(r"(?<![^\W_])" + r"[\W_]*".join(map(re.escape, words)) + r"(?![^\W_])")


_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_KVK_LABEL = re.compile(r"(?:kvk|k\.v\.k\.|kamer van koophandel|handelsregister)[\W_]*(?:-?\s*nummer|nr\.?)?[\W_]*$")


class _KvkWrittenLoosely:
    """A KvK number with spaces, dashes or dots between its digits ("6222 2222", "6222-2222",
    "62.22.22.22"). A number grouped in thousands ("12.345.678") reads as an amount ("€ 12.345.678,90"
    is no KvK number) and is taken for the KvK number only where a KvK label stands before it
    ("KvK 12.345.678"). Found by trying the product: the number grouped with dots got past the check."""

    def __init__(self, number: str) -> None:
        digits = [d for d in number if d.isdigit()]
        self._pattern = re.compile(r"(?<![\d.,])" + r"[\s.\-]*".join(digits) + r"(?![.,]?\d)")

    def search(self, text: str) -> bool:
        for found in self._pattern.finditer(text):
            written = found.group().rstrip(".")
            if not _THOUSANDS.fullmatch(written) or _KVK_LABEL.search(text[max(0, found.start() - 40) : found.start()]):
                return True
        return False


def company_name_forms(name: str) -> list[str]:
    """The classified company name as the letter might carry it: in full, and without its legal form
    (B.V., N.V., V.O.F., Ltd., GmbH, S.A., ...) when what remains is still a name (four characters or more)."""
    name = (name or "").strip()
    if not name:
        return []
    shorter = _LEGAL_FORM.sub("", name).strip(" ,")
    return [name, shorter] if shorter != name and len(shorter) >= 4 else [name]


def _check_public_text(*, letter: LetterDraft, subject: str, body: str) -> None:
    """The public letter must not carry what the case's classification keeps out of it
    (rule: parliament.confidentiality)."""
    case = letter.case
    policy = (letter.facts or {}).get("country_policy") or {}
    disclosure = disclosure_for(case.classification, name_country=bool(policy.get("name_country")))
    names = []
    if not disclosure.company:
        # the company, and the party buying it: the letters name neither where the company is withheld
        names += [*company_name_forms(case.target_name), *company_name_forms(case.acquirer_name)]
    if not disclosure.country and case.acquirer_country:
        names += [country_name(case.acquirer_country), country_name_en(case.acquirer_country)]
    secrets: list[tuple[str, re.Pattern[str] | _KvkWrittenLoosely]] = [
        (name, _written_loosely(name)) for name in names if name and len(name) > 2
    ]
    if not disclosure.company and len(case.target_kvk_number or "") > 2:
        secrets.append((case.target_kvk_number, _KvkWrittenLoosely(case.target_kvk_number)))
    # Refused at the field that carries it: the subject first, then the letter as it reads (subject and
    # body as one text): what the subject alone does not hold is in the body, or runs into it.
    for field, text in (("subject", subject.casefold()), ("body", f"{subject}\n{body}".casefold())):
        for secret, pattern in secrets:
            if pattern.search(text):
                raise RuleViolation(
                    _(
                        "'%(secret)s' mag vanwege de rubricering van de casus niet in de openbare brief "
                        "staan; neem het op in de vertrouwelijke bijlage."
                    )
                    % {"secret": secret},
                    field=field,
                )


def our_reference_is_complete(value: str, *, prefix: str = "") -> bool:
    """A kenmerk from the document system holds its number: more than the configured prefix, with
    at least one digit."""
    value = (value or "").strip()
    rest = value[len(prefix) :] if prefix and value.startswith(prefix) else value
    return any(ch.isdigit() for ch in rest)


def OUR_REFERENCE_MISSING() -> str:  # noqa: N802 (a message, in the language of the moment)
    return _("Vul eerst ‘Ons kenmerk’ in: het nummer van deze brief in het documentsysteem.")


def letter_reference_is_complete(letter: LetterDraft) -> bool:
    """The letter has its "Ons kenmerk" (`our_reference_is_complete` with its letterhead's prefix)."""
    return our_reference_is_complete(letter.our_reference, prefix=(letter.letterhead or {}).get("reference_prefix", ""))


@transaction.atomic
def letter_set_reference(*, user: User, letter: LetterDraft, our_reference: str) -> LetterDraft:
    """Record "Ons kenmerk", the document system's number of this letter (while it is a draft)."""
    require(user, "letter.edit", case=letter.case)
    letter = _locked(letter)
    _require_status(letter, LetterStatus.DRAFT)
    value = (our_reference or "").strip()
    if len(value) > 100:
        raise RuleViolation(_("Het kenmerk is te lang (maximaal 100 tekens)."), field="our_reference")
    if any(ord(ch) < 32 for ch in value):
        raise RuleViolation(_("Het kenmerk bevat een ongeldig teken."), field="our_reference")
    if value == letter.our_reference:
        return letter
    before = letter.our_reference
    letter.our_reference = value
    letter.save(update_fields=["our_reference"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="letter.set_reference",
        obj=letter,
        case_id=letter.case_id,
        changes={"our_reference": {"before": before, "after": value}},
    )
    return letter


@transaction.atomic
def letter_update(
    *,
    user: User,
    letter: LetterDraft,
    subject: str | None = None,
    body: str | None = None,
    confidential_annex: str | None = None,
    expected_revision: int | None = None,
    note: str = "",
) -> LetterDraft:
    """Edit the text of a draft; every change is kept as a new revision. `expected_revision`, the
    revision the person edited, is required: without it a concurrent edit would be overwritten
    unseen (400 at the field); another revision is 409."""
    require(user, "letter.edit", case=letter.case)
    letter = _locked(letter)
    _require_status(letter, LetterStatus.DRAFT)
    if expected_revision is None:
        raise RuleViolation(
            _(
                "Geef de revisie van de brief op die u hebt bewerkt; zonder revisie kan een gelijktijdige wijziging verloren gaan."
            ),
            field="expected_revision",
        )
    if expected_revision != letter.revision:
        raise Conflict(
            _("De brief is intussen door iemand anders gewijzigd. Laad de brief opnieuw."), code="stale_revision"
        )
    new = {
        "subject": letter.subject if subject is None else subject.strip(),
        "body": letter.body if body is None else body.strip(),
        "confidential_annex": letter.confidential_annex if confidential_annex is None else confidential_annex.strip(),
    }
    if not new["subject"]:
        raise RuleViolation(_("Het onderwerp (Betreft) is verplicht."), field="subject")
    if len(new["subject"]) > 300:
        raise RuleViolation(_("Het onderwerp is te lang (maximaal 300 tekens)."), field="subject")
    if not new["body"]:
        raise RuleViolation(_("De brief heeft een tekst nodig."), field="body")
    for field in ("subject", "body", "confidential_annex"):
        if _MARKUP.search(new[field]):
            # printed as it stands in the PDF and DOCX sent to parliament (found by trying the product)
            raise RuleViolation(
                _("Een Kamerbrief bevat geen HTML of andere opmaakcodes (zoals „<b>” of „<script>”)."), field=field
            )
    for field in ("body", "confidential_annex"):
        if len(new[field]) > MAX_LETTER_TEXT:
            raise RuleViolation(
                _(
                    "De tekst is te lang (maximaal %(n)s tekens; een Kamerbrief over een transactie beslaat een paar pagina’s)."
                )
                % {"n": f"{MAX_LETTER_TEXT:,}".replace(",", ".")},
                field=field,
            )
    _check_public_text(letter=letter, subject=new["subject"], body=new["body"])
    before = {name: getattr(letter, name) for name in new}
    changes = diff(before, new)
    if not changes:
        return letter
    for name, value in new.items():
        setattr(letter, name, value)
    letter.revision += 1
    letter.save(update_fields=[*new, "revision"])
    LetterRevision.objects.create(draft=letter, number=letter.revision, author=user, note=note[:300], **new)
    audit_log(
        actor=user,
        action=AuditRecord.Action.UPDATE,
        event="letter.update",
        obj=letter,
        case_id=letter.case_id,
        changes={"revision": letter.revision, "fields": sorted(changes)},
    )
    return letter


@transaction.atomic
def letter_submit(*, user: User, letter: LetterDraft) -> LetterDraft:
    require(user, "letter.edit", case=letter.case)
    letter = _locked(letter)
    _require_status(letter, LetterStatus.DRAFT)
    # In review nobody edits the letter, and its approval requires "Ons kenmerk": a letter without it
    # would wait for a reviewer who can only send it back. The liaison enters it before submitting.
    if not letter_reference_is_complete(letter):
        raise RuleViolation(OUR_REFERENCE_MISSING(), field="our_reference")
    letter.submit()
    letter.submitted_by = user
    letter.submitted_at = timezone.now()
    letter.save(update_fields=["status", "submitted_by", "submitted_at"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.TRANSITION,
        event="letter.submit",
        obj=letter,
        case_id=letter.case_id,
        changes={"status": {"before": LetterStatus.DRAFT, "after": letter.status}},
    )
    # Four eyes: the case's liaisons who did not write it are told it waits for their review.
    notify_task(
        recipients=team_members_who_may(case=letter.case, action="letter.approve", exclude=letter_authors(letter)),
        kind=gettext_lazy("Vier ogen: Kamerbrief beoordelen"),
        reference=letter.case.reference,
        path=reverse("parliament:letter", args=[letter.pk]),
    )
    return letter


@transaction.atomic
def letter_return_to_draft(*, user: User, letter: LetterDraft, reason: str) -> LetterDraft:
    require(user, "letter.approve", case=letter.case)
    letter = _locked(letter)
    _require_status(letter, LetterStatus.IN_REVIEW)
    if not (reason or "").strip():
        raise RuleViolation(_("Geef aan wat er aan de brief moet veranderen."), field="reason")
    letter.return_to_draft()
    letter.save(update_fields=["status"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.TRANSITION,
        event="letter.return_to_draft",
        obj=letter,
        case_id=letter.case_id,
        changes={"status": {"before": LetterStatus.IN_REVIEW, "after": letter.status}, "reason": reason.strip()},
    )
    return letter


def letter_authors(letter: LetterDraft) -> set[int]:
    """Who wrote the letter: whoever edited its text or submitted it for review, in any round (the
    letter keeps only its latest submitter; the audit trail, append-only, has every one: issue 20)."""
    return letter_authors_of([letter])[letter.pk]


def letter_authors_of(letters: list[LetterDraft]) -> dict[int, set[int]]:
    """`letter_authors` of many letters in two queries ("Mijn werk"): {letter id: authors}."""
    authors: dict[int, set[int]] = {letter.pk: set() for letter in letters}
    if not authors:
        return authors
    revisions = LetterRevision.objects.filter(draft_id__in=list(authors)).exclude(author=None)
    for letter_id, author_id in revisions.values_list("draft_id", "author_id"):
        authors[letter_id].add(author_id)
    submits = (
        AuditRecord.objects.filter(
            event="letter.submit",
            object_type=LetterDraft._meta.label_lower,
            object_id__in=[str(pk) for pk in authors],
        )
        .exclude(actor=None)
        .values_list("object_id", "actor_id")
    )
    for object_id, actor_id in submits:
        authors[int(object_id)].add(actor_id)
    for letter in letters:
        if letter.submitted_by_id:
            authors[letter.pk].add(letter.submitted_by_id)
    return authors


@transaction.atomic
def letter_approve(*, user: User, letter: LetterDraft) -> LetterDraft:
    """Four eyes: a letter is approved by someone other than its authors."""
    require(user, "letter.approve", case=letter.case)
    letter = _locked(letter)
    _require_status(letter, LetterStatus.IN_REVIEW)
    # Four eyes by person, over every round of the letter, whatever role its authors hold now.
    require_four_eyes(
        user,
        involved=letter_authors(letter),
        message=_("Vier ogen: wie aan de brief schreef of hem indiende, kan hem niet zelf goedkeuren."),
    )
    if not letter_reference_is_complete(letter):  # a letter submitted before submission required it
        raise Conflict(OUR_REFERENCE_MISSING(), code="our_reference_missing")
    letter.approve()
    letter.approved_by = user
    letter.approved_at = timezone.now()
    letter.save(update_fields=["status", "approved_by", "approved_at"])
    audit_log(
        actor=user,
        action=AuditRecord.Action.APPROVE,
        event="letter.approve",
        obj=letter,
        case_id=letter.case_id,
        changes={"status": {"before": LetterStatus.IN_REVIEW, "after": letter.status}, "revision": letter.revision},
    )
    return letter


# A Kamerstuk as the 2023 letter cites them ("Kamerstuk 30 821, nr. 175", "Kamerstuk 36 350 XIII,
# nr. 3"): the dossier number (five digits, written with or without its space), optionally a part
# ("XIII", "-30"), and the number within it. The later letters quote it ("bij brief van ... (<nr>)"),
# so a typo such as "x" was repeated in every later letter of the case.
KAMERSTUK_NUMBER = re.compile(
    r"(?:Kamerstuk(?:ken)?\s+)?\d{2}\s?\d{3}(?:\s*-\s*[A-Z0-9]{1,6}|\s+[A-Z]{1,6})?,?\s*nr\.?\s*\d{1,5}[a-z]?",
    re.IGNORECASE,
)


def kamerstuk_key(number: str) -> str:
    """A Kamerstuk number as one document: "Kamerstuk 36 350 XIII, nr. 12" and "36350 xiii nr 12"
    are the same Kamerstuk."""
    text = re.sub(r"^\s*kamerstuk(?:ken)?\s+", "", number.lower())
    return re.sub(r"[\s.,]", "", text)


def letter_send_check(*, letter: LetterDraft, sent_on: date, kamerstuk_number: str) -> None:
    """What recording the sending requires of its facts (400 at the field): the Kamerstuk number, one
    no other letter was sent as, and a date neither in the future nor before the approval.
    `letter_mark_sent` checks it under the lock; the page asks it before its confirmation, so a
    refusal never comes after "Bevestigen" (also not the letter's state: a draft was asked to confirm,
    then refused)."""
    _require_status(letter, LetterStatus.APPROVED)
    if not (kamerstuk_number or "").strip():
        raise RuleViolation(_("Het Kamerstuknummer is verplicht."), field="kamerstuk_number")
    if not KAMERSTUK_NUMBER.fullmatch(kamerstuk_number.strip()):
        raise RuleViolation(
            _(
                "Een Kamerstuknummer noemt het dossier en het volgnummer, zoals in de brief van 2023: "
                "„Kamerstuk 30 821, nr. 175” of „36 350 XIII, nr. 3”."
            ),
            field="kamerstuk_number",
        )
    # A Kamerstuk is one document of one chamber: a second letter recorded under the same number is a
    # typo, and every later letter of its case would cite the wrong one. The other letter is not
    # named: it may be of a case the person does not see (the number itself is public once sent).
    key = kamerstuk_key(kamerstuk_number)
    others = LetterDraft.objects.exclude(pk=letter.pk).exclude(kamerstuk_number="")
    if any(kamerstuk_key(number) == key for number in others.values_list("kamerstuk_number", flat=True)):
        raise RuleViolation(
            _("Onder dit Kamerstuknummer is al een andere Kamerbrief als verzonden vastgelegd. Controleer het nummer."),
            field="kamerstuk_number",
        )
    if sent_on > timezone.localdate():
        raise RuleViolation(_("De verzenddatum ligt in de toekomst."), field="sent_on")
    if letter.approved_at and sent_on < timezone.localtime(letter.approved_at).date():
        raise RuleViolation(_("De verzenddatum ligt vóór de goedkeuring."), field="sent_on")


@transaction.atomic
def letter_mark_sent(*, user: User, letter: LetterDraft, sent_on: date, kamerstuk_number: str) -> LetterDraft:
    """Record that the approved letter went to the chamber, with its Kamerstuk number; the letter
    (and its confidential annex) are kept as documents of the case."""
    require(user, "letter.send", case=letter.case)
    letter = _locked(letter)
    kamerstuk_number = (kamerstuk_number or "").strip()
    letter_send_check(letter=letter, sent_on=sent_on, kamerstuk_number=kamerstuk_number)
    before = {
        "letter_date": letter.letter_date,
        "signatory_name": letter.signatory_name,
        "signatory_title": letter.signatory_title,
        "letterhead": letter.letterhead,
    }
    letter.mark_sent()
    letter.sent_on = sent_on
    letter.sent_by = user
    letter.kamerstuk_number = kamerstuk_number
    # The letter is dated the day it is sent, and signed by the minister in office on that day.
    _date_and_sign(letter, on=sent_on)
    letter.save(
        update_fields=[
            "status",
            "sent_on",
            "sent_by",
            "kamerstuk_number",
            "letter_date",
            "signatory_name",
            "signatory_title",
            "letterhead",
        ]
    )
    after = {name: getattr(letter, name) for name in before}
    audit_log(
        actor=user,
        action=AuditRecord.Action.TRANSITION,
        event="letter.mark_sent",
        obj=letter,
        case_id=letter.case_id,
        changes={
            "status": {"before": LetterStatus.APPROVED, "after": letter.status},
            "sent_on": sent_on,
            "kamerstuk_number": kamerstuk_number,
            **diff(before, after),
        },
    )
    _store_as_case_documents(user=user, letter=letter)
    return letter


def _store_as_case_documents(*, user: User, letter: LetterDraft) -> None:
    """The sent letter as a public document of the case; its annex at the case's classification."""
    from core.classification import Classification

    from .rendering import letter_pdf

    chamber = letter.get_chamber_display()
    generated_document_store(
        user=user,
        case=letter.case,
        title=f"Kamerbrief {chamber} {letter.kamerstuk_number}",
        document_type="letter",
        filename=f"kamerbrief-{letter.pk}.pdf",
        content=letter_pdf(letter, include_annex=False),
        classification=Classification.OPENBAAR,
        source_key=f"parliament:letter:{letter.pk}",
        classification_reason="Openbare Kamerbrief; gerubriceerde gegevens staan in de vertrouwelijke bijlage.",
        source_revision=str(letter.revision),
    )
    if letter.confidential_annex:
        generated_document_store(
            user=user,
            case=letter.case,
            title=f"Vertrouwelijke bijlage Kamerbrief {chamber}",
            document_type="letter",
            filename=f"kamerbrief-{letter.pk}-bijlage.pdf",
            content=letter_pdf(letter, include_annex=True),
            classification=letter.case.classification,
            source_key=f"parliament:letter:{letter.pk}:annex",
            source_revision=str(letter.revision),
        )


def letter_record_download(*, user: User, letter: LetterDraft, fmt: str, annex: bool = False) -> None:
    """A letter downloaded, and whether with its confidential annex (which names the company)."""
    with transaction.atomic():
        audit_log(
            actor=user,
            action=AuditRecord.Action.DOWNLOAD,
            event=f"letter.download_{fmt}",
            obj=letter,
            case_id=letter.case_id,
            changes={"confidential_annex": annex},
        )


# ---------------------------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------------------------
def report_request(
    *,
    user: User,
    kind: str,
    year: int | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    findings: dict | None = None,
) -> Report:
    """Ask for a report; a worker builds it (status pending → running → done/failed). `findings`:
    for the evaluation, the evaluators' findings per question (werking, doelmatigheid,
    doeltreffendheid, uitbreiding), printed beside the figures."""
    require(user, "report.generate")
    if kind not in Report.Kind.values:
        raise RuleViolation(_("Onbekende soort rapportage."), field="kind")
    today = timezone.localdate()
    if kind == Report.Kind.ANNUAL_TRANSACTIONS:
        if year is None:
            raise RuleViolation(_("Kies het jaar."), field="year")
        if not 2023 <= year <= today.year:
            raise RuleViolation(_("Het jaar ligt buiten de looptijd van de voorziening."), field="year")
        period_start, period_end = date(year, 1, 1), date(year, 12, 31)
    else:
        period_start = period_start or date(2023, 1, 1)
        period_end = period_end or today
        if period_end < period_start:
            raise RuleViolation(_("De periode eindigt vóór het begin."), field="period_end")
    with transaction.atomic():
        kept = {
            key: str(value).strip()[:20000]
            for key, value in (findings or {}).items()
            if key in EVALUATION_QUESTIONS and value and str(value).strip()
        }
        report = Report.objects.create(
            kind=kind,
            year=year,
            period_start=period_start,
            period_end=period_end,
            requested_by=user,
            findings=kept if kind == Report.Kind.EVALUATION else {},
        )
        audit_log(
            actor=user,
            action=AuditRecord.Action.EXPORT,
            event="report.request",
            obj=report,
            changes={"kind": kind, "period_start": period_start, "period_end": period_end},
        )
        transaction.on_commit(functools.partial(_enqueue, "generate_report", report.pk))
    return report


def report_start(*, report_id: int, worker_lost: bool = False) -> Report | None:
    """Claim a pending report for this worker, or one whose worker died while building it (running
    for longer than REPORT_STALE_RUNNING); None when another has it or it is finished.

    `worker_lost`: the task came back because the process building it died (Celery redelivers it:
    acks_late, reject_on_worker_lost), so a running report is taken over at once instead of after
    REPORT_STALE_RUNNING."""
    claimable = _claimable() | Q(status=Report.Status.RUNNING) if worker_lost else _claimable()
    with transaction.atomic():
        report = Report.objects.select_for_update(skip_locked=True).filter(claimable, pk=report_id).first()
        if report is None:
            return None
        report.status = Report.Status.RUNNING
        report.started_at = timezone.now()
        report.progress = 0
        report.save(update_fields=["status", "started_at", "progress"])
        return report


def report_progress(*, report: Report, progress: int) -> None:
    Report.objects.filter(pk=report.pk).update(progress=max(0, min(100, progress)))


def report_finish(*, report: Report, files: dict[str, tuple[str, bytes]], summary: dict) -> Report:
    from django.core.files.base import ContentFile

    with transaction.atomic():
        for field, (filename, content) in files.items():
            getattr(report, field).save(filename, ContentFile(content), save=False)
        report.summary = _jsonable(summary)
        report.status = Report.Status.DONE
        report.progress = 100
        report.finished_at = timezone.now()
        report.save()
        audit_log(
            actor=report.requested_by,
            action=AuditRecord.Action.EXPORT,
            event="report.done",
            obj=report,
            changes={"files": sorted(field.removesuffix("_file").upper() for field in files)},  # CSV, PDF, XLSX
        )
    return report


def report_fail(*, report_id: int, error: str) -> None:
    Report.objects.filter(pk=report_id).update(
        status=Report.Status.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def report_record_download(*, user: User, report: Report, fmt: str) -> None:
    with transaction.atomic():
        audit_log(actor=user, action=AuditRecord.Action.DOWNLOAD, event=f"report.download_{fmt}", obj=report)


def _worker_died() -> Q:
    """Running for longer than any build takes: its worker died (Celery's acks_late redelivers the
    task, but the row still says running, so without this the report would stay "Bezig" for good)."""
    return Q(status=Report.Status.RUNNING, started_at__lt=timezone.now() - REPORT_STALE_RUNNING)


def _claimable() -> Q:
    """A report no worker is building: pending, or one whose worker died."""
    return Q(status=Report.Status.PENDING) | _worker_died()


def stale_report_ids(*, older_than: timedelta = REPORT_STALE_PENDING) -> list[int]:
    """Reports whose hand-off to a worker was lost (broker down when requested) or whose worker died
    while building them; the outbox sweep (parliament.tasks.process_outbox) builds them."""
    return list(
        Report.objects.filter(
            Q(status=Report.Status.PENDING, created_at__lt=timezone.now() - older_than) | _worker_died()
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:20]
    )
