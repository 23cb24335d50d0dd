"""A request body names only fields the operation has (core.api.known_fields), and a change that
changes nothing moves no version (cases.services.case_update)."""

from datetime import date
from decimal import Decimal

import pytest

from audit.models import AuditRecord
from bev.models import JournalEntry
from cases.models import Case

from .factories import case_to_investment_preparation, fund_with_tranches, invest_in_case

pytestmark = pytest.mark.django_db


def test_a_misspelt_field_of_a_payment_is_refused_at_it_and_nothing_is_booked(
    api, case, manager, manager2, secretariat, secretariat2
):
    fund_with_tranches(user=manager, amounts=(Decimal("50000000"),))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(
        ready, proposer=manager, approver=manager2, amount=Decimal("10000000.00"), booked_on=date(2024, 1, 1)
    )
    entries = JournalEntry.objects.count()
    response = api(manager).post(
        f"/api/positions/{position.pk}/returns/",
        {"kind": "dividend", "amount": "1000.00", "idempotency_key": "d", "booked_om": "2024-02-01"},
        format="json",
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == ["booked_om"]
    assert "Onbekend veld" in body["booked_om"][0] and "booked_on" in body["booked_om"][0]
    assert JournalEntry.objects.count() == entries


def test_a_case_change_naming_an_unknown_field_is_refused_and_changes_nothing(api, officer, case):
    records = AuditRecord.objects.filter(case_id=case.pk).count()
    response = api(officer).patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "titel": "Andere titel"}, format="json"
    )
    assert response.status_code == 400, response.content
    assert "titel" in response.json() and "title" in response.json()["titel"][0]
    stored = Case.objects.get(pk=case.pk)
    assert (stored.title, stored.version, stored.updated_at) == (case.title, case.version, case.updated_at)
    assert AuditRecord.objects.filter(case_id=case.pk).count() == records


def test_the_refusal_is_in_the_readers_language(api, officer, case):
    response = api(officer).patch(
        f"/api/cases/{case.pk}/", {"version": case.version, "titel": "x"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["titel"][0].startswith("Unknown field.")


@pytest.mark.parametrize("body", [{}, {"title": None}], ids=["version only", "the same title"])
def test_a_change_that_changes_nothing_moves_no_version_and_writes_nothing(api, officer, case, body):
    body = {"version": case.version, **({"title": case.title} if body else {})}
    records = AuditRecord.objects.filter(case_id=case.pk).exclude(event="case.read").count()
    response = api(officer).patch(f"/api/cases/{case.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == case.version
    stored = Case.objects.get(pk=case.pk)
    assert (stored.version, stored.updated_at) == (case.version, case.updated_at)
    assert AuditRecord.objects.filter(case_id=case.pk).exclude(event="case.read").count() == records


def test_a_stale_version_is_still_a_conflict_when_nothing_changes(api, officer, case):
    api(officer).patch(f"/api/cases/{case.pk}/", {"version": case.version, "title": "Nieuw"}, format="json")
    response = api(officer).patch(f"/api/cases/{case.pk}/", {"version": case.version}, format="json")
    assert response.status_code == 409, response.content


def test_query_strings_keep_their_own_keys(api, officer, case):
    """Filters, paging and the like are the view's, not a serializer's: an unknown one is not refused."""
    response = api(officer).get("/api/cases/?state=signal&utm_source=x")
    assert response.status_code == 200, response.content
