"""The admin obeys need-to-know as the API does (issue 22, "Leaks and oracles").

Every registered ModelAdmin is walked (`admin.site._registry`, so an admin added later is walked
too) by an administrator and an auditor, both staff, on the team of one case and of no other:
its changelist, its filters, a search for a text of a case off their team, the change and history
pages of that case's objects, and the autocomplete. Nothing of a case off their team may show (no
text of it, no link to its objects), an object page of it answers as one that does not exist, and
nothing is a 500. What they may see still shows.
"""

from __future__ import annotations

import html
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from access.roles import Role
from audit.models import AuditRecord
from audit.selectors import MASKED_FIELDS
from bev.models import JournalEntry, Position
from cases.admin_scope import CaseScopedAdmin
from cases.models import Case, CaseTeamMember
from core.classification import Classification

from .factories import sample_pdf, use_tmp_document_storage, web_session

pytestmark = pytest.mark.django_db

MISSING_PK = 987654321
MIN_MARKER = 12


# ------------------------------------------------------------------------------------------------
# Which models refer to a case, and how
# ------------------------------------------------------------------------------------------------
def case_path(model, depth: int = 2) -> str | None:
    """The lookup from `model` to its case's id ("pk" for a case itself), or None."""
    if model is Case:
        return "pk"
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is Case:
            return field.name
    for field in model._meta.concrete_fields:
        if field.name == "case_id" and not field.is_relation:
            return "case_id"
    if depth > 1:
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is not None and field.related_model is not model:
                inner = case_path(field.related_model, depth - 1)
                if inner is not None:
                    return f"{field.name}__{inner}"
    return None


def objects_of(model, case_ids) -> models.QuerySet:
    path = case_path(model)
    return model._default_manager.filter(**{f"{path}__in": list(case_ids)}).order_by("pk")


def _strings(obj, fields=None) -> set[str]:
    found = set()
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
            value = getattr(obj, field.attname)
            if isinstance(value, str) and len(value.strip()) >= MIN_MARKER:
                found.add(value.strip())
    return found


def markers_of_hidden(hidden_ids) -> set[str]:
    """Texts of the hidden cases' objects found nowhere else (not in a visible case, not in data of
    no case): any of them in a page means the page shows a hidden case. For audit records, only the
    fields the trail masks (their hashes and request ids are shown for counting)."""
    hidden, elsewhere = set(), set()
    for model in apps.get_models():
        if model._meta.app_label in ("sessions", "contenttypes", "admin"):
            continue
        path = case_path(model)
        fields = MASKED_FIELDS if model is AuditRecord else None
        for obj in model._default_manager.all().iterator():
            in_hidden = (
                path is not None
                and model._default_manager.filter(pk=obj.pk, **{f"{path}__in": list(hidden_ids)}).exists()
            )
            if in_hidden:
                hidden |= _strings(obj, fields)
                if model is not AuditRecord and len(str(obj).strip()) >= MIN_MARKER:
                    hidden.add(str(obj).strip())
            else:
                elsewhere |= _strings(obj)
    for model in apps.get_models():  # labels the admin shows for any row (filters, choices)
        for field in model._meta.concrete_fields:
            elsewhere |= {str(label).strip() for _value, label in field.flatchoices}
    return hidden - elsewhere


# ------------------------------------------------------------------------------------------------
# The world: the demo data, more of it on one case, two staff members on the team of another
# ------------------------------------------------------------------------------------------------
@pytest.fixture
def world(settings, tmp_path, make_user):
    from bev import services as fund
    from documents.services import document_upload
    from parliament.models import LetterRequest
    from parliament.services import letter_drafts_make

    use_tmp_document_storage(settings, tmp_path)
    with override_settings(BEV_DEMO_MODE=True):
        call_command("seed_demo", stdout=io.StringIO())
    # The case with the demo's booked disbursement ("Storting voor 25% van de aandelen"): off the team.
    hidden_case = Case.objects.get(pk=JournalEntry.objects.filter(description__startswith="Storting").get().case_id)
    officer = hidden_case.team.filter(role=Role.CASE_OFFICER).first().user
    document_upload(
        user=officer,
        case=hidden_case,
        title="Verborgen memo over de overnemer",
        document_type="memo",
        content=sample_pdf("Verborgen"),
        filename="verborgen-memo.pdf",
    )
    for request in LetterRequest.objects.filter(case=hidden_case):
        letter_drafts_make(request_id=request.pk, today=date(2026, 11, 25))

    # The case they are on: a position with a reservation of its own.
    seen_case = Position.objects.exclude(case=hidden_case).order_by("pk").first().case
    manager = seen_case.team.filter(role=Role.FUND_MANAGER).first().user
    position = seen_case.positions.get()
    fund.reservation_book(
        user=manager,
        position=position,
        amount=Decimal("1000.00"),
        idempotency_key="nk-zichtbaar",
        description="Reservering voor de zichtbare casus",
    )

    people = {
        "administrator": make_user("nk_beheer", Role.ADMINISTRATOR, clearance=Classification.GEHEIM, is_staff=True),
        "auditor": make_user("nk_auditor", Role.AUDITOR, clearance=Classification.GEHEIM, is_staff=True),
    }
    for role, person in people.items():
        CaseTeamMember.objects.create(case=seen_case, user=person, role=role)
    hidden_ids = set(Case.objects.exclude(pk=seen_case.pk).values_list("pk", flat=True))
    return {
        "people": people,
        "seen": seen_case,
        "hidden": hidden_case,
        "hidden_ids": hidden_ids,
        "markers": markers_of_hidden(hidden_ids),
    }


def _client(user) -> Client:
    return web_session(Client(raise_request_exception=False), user)


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _text(response, *echoed: str) -> str:
    """The page without the values it echoes back (the search box holds the search term)."""
    text = response.content.decode("utf-8", "replace")
    for value in echoed:
        for form in {value, html.escape(value), html.escape(value, quote=False)}:
            text = text.replace(form, "")
    return text


def _leaks(response, world, model, *, echoed=()) -> list[str]:
    """Texts of hidden cases in the page, and links to objects of theirs (audit records about them are
    listed, masked, for counting: no link check)."""
    text = _text(response, *echoed)
    found = [f"text {m!r}" for m in world["markers"] if m in text]
    for other in admin.site._registry:
        if other is AuditRecord or case_path(other) is None:
            continue
        for obj in objects_of(other, world["hidden_ids"]):
            try:
                url = _admin_url(other, "change", obj.pk)
            except NoReverseMatch:
                continue
            if re.search(re.escape(url) + r'["?]', text):
                found.append(f"link {url}")
    return found


def _search_term(model, model_admin, obj) -> str | None:
    """The longest text the admin searches in, taken from one of the hidden case's objects (for the
    audit trail, a field it masks: the who is shown, and so searchable)."""
    unmasked = set(getattr(model_admin, "unmasked_search_fields", ()))
    best = None
    for field in model_admin.search_fields:
        field = field.lstrip("^=@")
        if field in unmasked:
            continue
        value = obj
        for part in field.split("__"):
            value = getattr(value, part, None)
        if isinstance(value, str) and value.strip() and (best is None or len(value) > len(best)):
            best = value.strip()
    return best


def _filter_queries(model, model_admin, obj) -> list[str]:
    """The changelist filtered on each list_filter field by this object's own value."""
    queries = []
    for spec in model_admin.list_filter:
        if not isinstance(spec, str):
            continue
        field = model._meta.get_field(spec)
        value = getattr(obj, field.attname)
        if isinstance(field, models.DateField):
            queries.append(f"?{spec}__gte={value:%Y-%m-%d}")
        elif value is not None:
            queries.append(f"?{spec}__exact={value}")
    return queries


# ------------------------------------------------------------------------------------------------
# The tests
# ------------------------------------------------------------------------------------------------
def test_every_admin_of_a_model_of_a_case_is_scoped():
    """A new admin of case data is walked below, and must scope through `CaseScopedAdmin` (the audit
    trail lists every record, masked: `test_audit_masking`)."""
    for model, model_admin in admin.site._registry.items():
        if case_path(model) is not None and model is not AuditRecord:
            assert isinstance(model_admin, CaseScopedAdmin), f"{model._meta.label}: not need-to-know scoped"


def test_the_world_is_not_vacuous(world):
    markers = world["markers"]
    assert "Storting voor 25% van de aandelen" in markers
    assert world["hidden"].title in markers and "Verborgen memo over de overnemer" in markers
    assert any(
        objects_of(m, [world["hidden"].pk]).exists()
        for m in admin.site._registry
        if m._meta.label == "parliament.LetterDraft"
    )


@pytest.mark.parametrize("who", ["administrator", "auditor"])
def test_no_admin_page_shows_a_case_off_the_team(world, who):
    client = _client(world["people"][who])
    failures = []

    def check(response, label, model, *, echoed=()):
        if response.status_code >= 500:
            failures.append(f"{label} -> {response.status_code}")
        elif response.status_code == 200:
            failures.extend(f"{label}: {leak}" for leak in _leaks(response, world, model, echoed=echoed))

    for model, model_admin in admin.site._registry.items():
        changelist = _admin_url(model, "changelist")
        check(client.get(changelist), f"GET {changelist}", model)
        if case_path(model) is None:
            continue
        hidden_objects = list(objects_of(model, world["hidden_ids"])[:3])
        for obj in hidden_objects:
            for query in _filter_queries(model, model_admin, obj):
                check(client.get(changelist + query), f"GET {changelist}{query}", model)
            term = _search_term(model, model_admin, obj)
            if term:
                response = client.get(changelist, {"q": term})
                check(response, f"search {changelist}?q={term}", model, echoed=[term])
                if response.status_code == 200:
                    listed = {o.pk for o in response.context["cl"].result_list}
                    hidden_pks = set(objects_of(model, world["hidden_ids"]).values_list("pk", flat=True))
                    if listed & hidden_pks:
                        failures.append(f"search {changelist}?q={term}: finds {sorted(listed & hidden_pks)}")
            for view in ("change", "history"):
                url = _admin_url(model, view, obj.pk)
                response = client.get(url)
                check(response, f"GET {url}", model)
                if model is not AuditRecord:
                    missing = client.get(_admin_url(model, view, MISSING_PK))
                    if (response.status_code, missing.status_code) != (404, 404):
                        failures.append(
                            f"GET {url} -> {response.status_code}, a missing object -> {missing.status_code}"
                        )
        # The autocomplete: every relation of the model, searched for the hidden case's title.
        for field in model._meta.concrete_fields:
            if field.is_relation:
                response = client.get(
                    "/admin/autocomplete/",
                    {
                        "app_label": model._meta.app_label,
                        "model_name": model._meta.model_name,
                        "field_name": field.name,
                        "term": world["hidden"].title.split()[0],
                    },
                )
                check(response, f"autocomplete {model._meta.label}.{field.name}", model)
    assert not failures, f"The admin shows {who} a case off their team:\n" + "\n".join(failures)


def test_what_the_team_may_see_still_shows(world):
    """The administrator on the seen case's team: its objects are listed, found and opened."""
    client = _client(world["people"]["administrator"])
    seen = world["seen"]
    cases = client.get(_admin_url(Case, "changelist"), {"q": seen.reference})
    assert [c.pk for c in cases.context["cl"].result_list] == [seen.pk]
    assert client.get(_admin_url(Case, "change", seen.pk)).status_code == 200
    ledger = client.get(_admin_url(JournalEntry, "changelist"), {"q": "zichtbare casus"})
    entry = JournalEntry.objects.get(idempotency_key="nk-zichtbaar")
    assert [e.pk for e in ledger.context["cl"].result_list] == [entry.pk]
    page = client.get(_admin_url(JournalEntry, "change", entry.pk))
    assert page.status_code == 200 and "Reservering voor de zichtbare casus" in page.content.decode()
    # fund-wide entries (tranches) stay in the ledger
    fund_wide = JournalEntry.objects.filter(case_id__isnull=True).values_list("pk", flat=True)
    listed = {e.pk for e in client.get(_admin_url(JournalEntry, "changelist")).context["cl"].result_list}
    assert set(fund_wide) <= listed
    position = seen.positions.get()
    assert client.get(_admin_url(Position, "change", position.pk)).status_code == 200
