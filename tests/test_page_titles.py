"""Each page its own title (the browser tab, the history, a screen reader's first words): the two
chambers' letters were both "Kamerbrief – …", an assessment had its list's title, and every page of
the audit trail the first page's."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from access.roles import Role
from assessments.services import assessment_start
from parliament import services as letters
from parliament.models import LetterDraft

from .factories import add_liaisons, start_risk_assessment, transaction_event, web_session

pytestmark = pytest.mark.django_db


def title(response) -> str:
    assert response.status_code == 200, response.status_code
    found = re.search(r"<title>(.*?)</title>", response.content.decode(), re.DOTALL)
    assert found
    return " ".join(found.group(1).split())


def test_the_two_chambers_letters_and_their_edit_pages_have_their_own_titles(client, case, officer, manager, make_user):
    kamer = make_user("kamer", Role.PARLIAMENTARY_LIAISON)
    add_liaisons(case, by=officer, liaisons=[kamer])
    with transaction.atomic():
        request = letters.letter_requests_create(event=transaction_event(case, user=manager))
    letters.letter_drafts_make(request_id=request.pk)
    web_session(client, kamer)
    titles = set()
    for chamber, name in (("tweede_kamer", "Tweede Kamer"), ("eerste_kamer", "Eerste Kamer")):
        letter = LetterDraft.objects.get(request=request, chamber=chamber)
        assert letter.our_reference == ""  # the case where both titles were the same
        for url in (reverse("parliament:letter", args=[letter.pk]), reverse("parliament:edit", args=[letter.pk])):
            text = title(client.get(url))
            assert name in text and case.reference in text, text
            titles.add(text)
    assert len(titles) == 4, titles


def test_an_assessments_title_is_not_its_lists(client, case, officer, assessor):
    start_risk_assessment(case, officer=officer)
    assessment = assessment_start(user=assessor, case=case)
    web_session(client, assessor)
    listing = title(client.get(reverse("assessments:case", args=[case.pk])))
    detail = title(client.get(reverse("assessments:detail", args=[assessment.pk])))
    assert detail != listing
    assert "Risico-inschatting" in detail and "revisie 1" in detail and case.reference in detail, detail


def test_each_page_of_the_audit_trail_has_its_own_title(client, case, officer, make_user):
    from cases.services import case_team_add, case_team_remove

    auditor = make_user("auditor", Role.AUDITOR)
    case_team_add(user=officer, case=case, member=auditor, role=Role.AUDITOR)
    for i in range(26):  # two records each: more than one page of 50
        member = make_user(f"lid{i}", Role.RISK_ASSESSOR)
        case_team_add(user=officer, case=case, member=member, role=Role.RISK_ASSESSOR)
        case_team_remove(user=officer, case=case, member=member)
    web_session(client, auditor)
    for url in (reverse("audit:trail") + "?user=officer", reverse("cases:audit", args=[case.pk]) + "?"):
        first = title(client.get(url))
        second = title(client.get(url + "&page=2"))
        assert second != first
        assert "Pagina 2 van" in second and "Pagina" not in first, (first, second)
