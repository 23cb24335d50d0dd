"""Reading the audit trail (auditors and administrators).

Per case: only for a case the reader can see (on its team, within clearance), else 404.
Per person or unfiltered: across the system, but records about a case the reader cannot see keep
what an auditor needs to count them (id, place in the chain, time, hashes, who, the kind of action,
the event's category, the object's type) and lose what identifies the case (`shown`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Value, When
from django.db.models import Case as CaseWhen
from django.db.models.functions import Concat, Trim
from django.utils.translation import gettext as _

from .log import audit_log
from .models import AuditRecord, ChainVerification
from .readers import find_case, require, visible_cases


def masked_repr() -> str:
    """What a record of a case the reader may not see shows for its object, in the reader's language."""
    return f"[{_('afgeschermd')}]"


def with_visibility(qs: QuerySet[AuditRecord], *, user: AbstractBaseUser | AnonymousUser) -> QuerySet[AuditRecord]:
    """Annotate `content_visible`: the record is about no case, or about a case this person may see."""
    visible_case = visible_cases(user).filter(pk=OuterRef("case_id"))
    return qs.annotate(case_visible=Exists(visible_case)).annotate(
        content_visible=CaseWhen(
            When(case_id__isnull=True, then=Value(True)),
            When(case_visible=True, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _by_person(person: str) -> Q:
    """The records of the person typed: by their username, or by their name as the pages show it
    (`str(user)`: first and last name; case and spacing aside). Two people with one name give the
    records of both (the username in the list's title tells them apart). Nothing is listed: it only
    narrows the records the reader may read, who see every record's actor anyway."""
    typed = " ".join(person.split())
    named = (
        get_user_model()
        ._default_manager.alias(full_name=Trim(Concat("first_name", Value(" "), "last_name")))
        .filter(full_name__iexact=typed)
        .values("username")
    )
    return Q(actor_username=person.strip()) | Q(actor_username__in=named)


def audit_record_list(
    *,
    user: AbstractBaseUser | AnonymousUser,
    case_id: int | str | None = None,
    username: str | None = None,
    person: str | None = None,
    filters: dict | None = None,
) -> QuerySet[AuditRecord]:
    """The trail this person may read, newest first: of a case, of a username (the API) or of a
    person typed by name or username (the web's filter), further filtered by `filters`."""
    require(user, "audit.view")
    qs = AuditRecord.objects.all()
    if case_id not in (None, ""):
        case = find_case(user, case_id)  # NotFound for others
        qs = qs.filter(case_id=case.pk)
        with transaction.atomic():
            audit_log(
                actor=user, action=AuditRecord.Action.READ, event="audit.read_case_trail", obj=case, case_id=case.pk
            )
    if username:
        qs = qs.filter(actor_username=username)
    if person and person.strip():
        qs = qs.filter(_by_person(person))
    for key, value in (filters or {}).items():
        qs = qs.filter(**{key: value})
    return with_visibility(qs, user=user).order_by("-id")


def masked(record: AuditRecord) -> bool:
    return not getattr(record, "content_visible", False)


def chain_verification_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[ChainVerification]:
    """The verifications of the chain, newest first: for those who may verify it (audit.verify)."""
    require(user, "audit.verify")
    return ChainVerification.objects.all()


def chain_verification_get(*, user: AbstractBaseUser | AnonymousUser, pk: int) -> ChainVerification:
    from core.exceptions import NotFound

    verification = chain_verification_list(user=user).filter(pk=pk).first()
    if verification is None:
        raise NotFound(_("Verificatie niet gevonden."))
    return verification


def event_category(event: str) -> str:
    """The part of an event before its first dot (`case.withdraw` -> `case`): what kind of thing
    happened, not which step of which case."""
    return event.split(".", 1)[0]


# The fields that identify the case of a record and what a reader who may not see the case gets instead.
MASKED_FIELDS = ("case_id", "object_id", "object_repr", "changes", "event")


def shown(record: AuditRecord) -> dict:
    """The identifying fields of a record as this reader may see them (`with_visibility`): as
    recorded, or for a case they may not see, no case id, object id or changes, the object's repr
    masked and the event reduced to its category (the API, the web trail and the admin alike)."""
    if not masked(record):
        return {
            "case_id": record.case_id,
            "object_id": record.object_id,
            "object_repr": record.object_repr,
            "changes": record.changes,
            "event": record.event,
        }
    return {
        "case_id": None,
        "object_id": "",
        "object_repr": masked_repr(),
        "changes": {},
        "event": event_category(record.event),
    }


def case_references(*, user: AbstractBaseUser | AnonymousUser, case_ids: Iterable[int | None]) -> dict[int, str]:
    """The references ("BEV-2026-0001") of those of `case_ids` this person may see (one query): pages
    name a case by its reference, never by its internal number."""
    wanted = {case_id for case_id in case_ids if case_id is not None}
    if not wanted:
        return {}
    return dict(visible_cases(user).filter(pk__in=wanted).values_list("pk", "reference"))
