"""Auditors read the trail per case and per person, and verify the chain, in the web UI."""

import pytest
from django.urls import reverse

from access.roles import Role

from .factories import web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", Role.AUDITOR)


def test_auditor_sees_the_trail_of_a_person(client, auditor, officer, case):
    web_session(client, auditor)
    body = client.get(reverse("audit:trail"), {"user": "officer"}).content.decode()
    # a case the auditor is not on: who/when/what kind of event, not which step of which case
    assert "case.create" not in body and "Casus aangemaakt" not in body
    assert "<td>Casus</td>" in body  # the category by its label (the app registers it)
    assert "[afgeschermd]" in body
    assert case.title not in body


def test_case_trail_is_404_for_a_case_the_auditor_cannot_see(client, auditor, case):
    web_session(client, auditor)
    assert client.get(reverse("cases:audit", args=[case.pk])).status_code == 404


def test_case_trail_for_an_auditor_on_the_team(client, auditor, officer, case):
    from cases.services import case_team_add

    case_team_add(user=officer, case=case, member=auditor, role=Role.AUDITOR)
    web_session(client, auditor)
    body = client.get(reverse("cases:audit", args=[case.pk])).content.decode()
    assert "Teamlid toegevoegd" in body
    assert case.reference in body


def test_others_may_not_read_the_trail(client, officer):
    web_session(client, officer)
    assert client.get(reverse("audit:trail")).status_code == 403
    assert client.get(reverse("audit:verify")).status_code == 403


def test_chain_verification_result(client, auditor, case, django_capture_on_commit_callbacks):
    auditor.first_name, auditor.last_name = "Aad", "Auditor"
    auditor.save(update_fields=["first_name", "last_name"])
    web_session(client, auditor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:verify"))
    body = client.get(response["Location"]).content.decode()
    assert "Keten intact." in body
    assert "<td>Aad Auditor</td>" in body  # who asked, by name (not "auditor")


def test_chain_verification_in_english(client, auditor, case, django_capture_on_commit_callbacks):
    web_session(client, auditor)
    client.post(reverse("set_language"), {"language": "en"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audit:verify"))
    body = client.get(response["Location"]).content.decode()
    assert "Chain intact." in body
    assert "Download evidence" in body
