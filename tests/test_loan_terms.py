"""The terms of EZK's loan are entered by an administrator in the admin too: through the service
(validated, audited), never edited afterwards; a refusal of the service is a form error."""

from datetime import date
from decimal import Decimal

import pytest

from access.roles import Role
from audit.models import AuditRecord
from bev.models import LoanTerms
from tests.factories import fund_establish_default, web_session

pytestmark = pytest.mark.django_db
URL = "/admin/bev/loanterms/add/"


def form(**overrides) -> dict:
    return {
        "valid_from": "2023-12-01",
        "interest_rate_percent": "2.5",
        "interest_period": "quarter",
        "repayment_basis": "schedule",
        "source": "Leningsovereenkomst (proef)",
        "instalments_text": "2030-12-31 50000000.00\n2033-12-31 50000000.00",
        **overrides,
    }


def test_an_administrator_adds_terms_in_the_admin_and_it_is_audited(client, make_user):
    fund_establish_default()
    beheer = make_user("beheer", Role.ADMINISTRATOR, is_staff=True)
    web_session(client, beheer)
    response = client.post(URL, form())
    assert response.status_code == 302, response.content.decode()[:2000]
    terms = LoanTerms.objects.get()
    assert terms.interest_rate_percent == Decimal("2.5") and terms.recorded_by == beheer
    assert [(i.due_on, i.amount) for i in terms.instalments.all()] == [
        (date(2030, 12, 31), Decimal("50000000.00")),
        (date(2033, 12, 31), Decimal("50000000.00")),
    ]
    assert AuditRecord.objects.get(event="fund.loan_terms_record").channel == "admin"
    # the service's refusal (instalments without a schedule) is a form error; nothing is saved
    refused = client.post(URL, form(valid_from="2025-01-01", repayment_basis="on_demand"))
    assert refused.status_code == 200 and "aflossingsschema" in refused.content.decode()
    assert LoanTerms.objects.count() == 1
    assert client.post(f"/admin/bev/loanterms/{terms.pk}/change/", form(interest_rate_percent="9")).status_code == 403


def test_a_fund_manager_may_not_add_terms(client, make_user):
    fund_establish_default()
    staff = make_user("fonds-staff", Role.FUND_MANAGER, is_staff=True)
    web_session(client, staff)
    assert client.post(URL, form()).status_code == 403
    assert not LoanTerms.objects.exists()
