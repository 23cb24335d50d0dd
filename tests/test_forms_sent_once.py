"""A form that creates something does its work once, however often it is sent (found by trying the
product: sent twice, a dilution diluted the stake twice, 25 % -> 20 % -> 16 %; a second "Record
position" left the case unable to close; two signals, two requests for advice). The page draws a
token with the form (`core.forms.SentOnceForm`); the work is recorded with it in one transaction
(`core.views.submitted_once`), so the same form sent again changes nothing and says so."""

import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from assessments.models import Assessment, ConsultationRequest
from bev.models import Dilution, Position, Valuation
from cases.models import Case
from cases.services import case_team_add, case_transition
from core.models import FormSubmission

from .factories import (
    case_to_investment_preparation,
    fund_with_tranches,
    invest_in_case,
    signal_form_post,
    web_session,
)

pytestmark = pytest.mark.django_db
M = Decimal("1000000.00")
SENT_BEFORE = "Dit formulier was al verzonden en is één keer verwerkt."


def token(page: str, name: str = "submission") -> str:
    found = re.search(rf'name="{re.escape(name)}" value="([0-9a-f]+)"', page)
    assert found, f"no {name} on the page"
    return found.group(1)


@pytest.fixture
def held(case, manager, manager2, secretariat, secretariat2):
    """25 % held as 2,500,000 shares (10,000,000 outstanding), €10m invested."""
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return invest_in_case(
        ready, proposer=manager, approver=manager2, amount=10 * M, ownership_percent=Decimal("25"), shares=2500000
    )


def test_a_dilution_sent_twice_dilutes_once(client, manager, held):
    web_session(client, manager)
    page = client.get(reverse("bev:position", args=[held.pk])).content.decode()
    url = reverse("bev:position_book", args=[held.pk, "dilute"])
    data = {
        "dilute-issued_on": timezone.localdate().isoformat(),
        "dilute-shares_outstanding_before": "10000000",
        "dilute-new_shares_issued": "2500000",
        "dilute-submission": token(page, "dilute-submission"),
        "confirm": "1",
    }
    first = client.post(url, data)
    assert first.status_code == 302
    again = client.post(url, data, follow=True)
    assert SENT_BEFORE in again.content.decode()
    assert Dilution.objects.count() == 1
    assert Position.objects.get(pk=held.pk).ownership_percent == Decimal("20")


def test_a_valuation_sent_twice_is_stored_once(client, manager, held):
    web_session(client, manager)
    page = client.get(reverse("bev:position", args=[held.pk])).content.decode()
    url = reverse("bev:position_book", args=[held.pk, "value"])
    data = {
        "value-valued_on": timezone.localdate().isoformat(),
        "value-fair_value": "12.000.000",
        "value-method": "dcf",
        "value-submission": token(page, "value-submission"),
    }
    assert client.post(url, data).status_code == 200  # the confirm page carries the token on
    confirm_page = client.post(url, data).content.decode()
    assert token(confirm_page, "value-submission") == data["value-submission"]
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    assert Valuation.objects.filter(position=held).count() == 1


def test_a_position_recorded_twice_is_one_position(client, manager, case, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    web_session(client, manager)
    url = reverse("bev:case_positions", args=[ready.pk])
    data = {
        "instrument": "equity",
        "shares": "2500000",
        "ownership_percent": "25",
        "submission": token(client.get(url).content.decode()),
    }
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert SENT_BEFORE in again.content.decode()
    assert Position.objects.filter(case=ready).count() == 1


def test_a_signal_sent_twice_is_one_case(client, officer):
    web_session(client, officer)
    url = reverse("cases:create")
    data = signal_form_post(submission=token(client.get(url).content.decode()))
    before = Case.objects.count()
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Case.objects.count() == before + 1


def test_a_request_for_advice_sent_twice_asks_once(client, case, officer, assessor, make_user):
    case_transition(user=officer, case=case, name="start_intake")
    case_transition(user=officer, case=case, name="start_assessment")
    advisor = make_user("s.jansen", Role.DEPARTMENT_ADVISOR, organisation="JenV")
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    web_session(client, assessor)
    assert client.post(reverse("assessments:case", args=[case.pk]), {"kind": "initial"}).status_code == 302
    assessment = Assessment.objects.get()
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    data = {
        "ministry": "jenv",
        "advisor": "s.jansen",
        "question": "Deelt JenV de inschatting?",
        "covers": [assessment.framework.framework.conditions[0].code],
        "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
        "submission": token(page),
    }
    url = reverse("assessments:act", args=[assessment.pk, "consult"])
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert SENT_BEFORE in again.content.decode()
    assert ConsultationRequest.objects.filter(assessment=assessment).count() == 1


def test_a_refused_form_keeps_its_token_for_the_corrected_one(client, manager, held):
    """The refusal rolls the token back with the rest: the corrected form is done, once."""
    web_session(client, manager)
    page = client.get(reverse("bev:position", args=[held.pk])).content.decode()
    url = reverse("bev:position_book", args=[held.pk, "dilute"])
    data = {
        "dilute-issued_on": timezone.localdate().isoformat(),
        "dilute-ownership_after": "30",  # above the 25 % held: refused by the service
        "dilute-submission": token(page, "dilute-submission"),
        "confirm": "1",
    }
    assert client.post(url, data).status_code == 400
    assert not FormSubmission.objects.exists()
    assert client.post(url, {**data, "dilute-ownership_after": "20"}).status_code == 302
    assert client.post(url, {**data, "dilute-ownership_after": "20"}).status_code == 302
    assert Position.objects.get(pk=held.pk).ownership_percent == Decimal("20")


@pytest.mark.django_db(transaction=True)
def test_a_dilution_sent_twice_at_the_same_moment_dilutes_once(manager, held):
    """Two requests with the same form at once (a double click): the second waits on the token's
    unique index for the first's transaction, then changes nothing."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL")
    clients = [Client(), Client()]
    for one in clients:
        web_session(one, manager)
    page = clients[0].get(reverse("bev:position", args=[held.pk])).content.decode()
    url = reverse("bev:position_book", args=[held.pk, "dilute"])
    data = {
        "dilute-issued_on": timezone.localdate().isoformat(),
        "dilute-ownership_after": "20",
        "dilute-submission": token(page, "dilute-submission"),
        "confirm": "1",
    }
    start, codes = threading.Barrier(2), []

    def send(one):
        try:
            start.wait()
            codes.append(one.post(url, data).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(one,)) for one in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert codes == [302, 302]
    assert Dilution.objects.count() == 1
    assert Position.objects.get(pk=held.pk).ownership_percent == Decimal("20")
