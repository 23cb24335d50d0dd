"""A form sent from a page that was open while the case moved on (withdrawn by a colleague, a member
removed) is refused with its message at the top of the case page: the form it came from is no longer
on the page, and the 400 used to look like the page itself, without any message (found by trying
the product)."""

import re

import pytest
from django.urls import reverse

from access.roles import Role
from cases import services
from cases.models import Case

from .factories import web_session

pytestmark = pytest.mark.django_db


def _summary(response) -> str:
    page = response.content.decode()
    assert 'class="error-summary"' in page, "no message on the refused page"
    return page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]


def test_suspending_the_deadline_of_a_case_withdrawn_meanwhile_says_why(client, case, officer, officer2):
    services.case_transition(user=officer, case=case, name="withdraw", reason="Overname afgeblazen")
    web_session(client, officer2)
    response = client.post(reverse("cases:suspend", args=[case.pk]), {"suspend-reason": "wachten op informatie"})
    assert response.status_code == 400
    assert "termijn" in _summary(response)
    assert Case.objects.get(pk=case.pk).state == "withdrawn"


def test_changing_the_role_of_someone_not_on_the_team_says_why(client, case, officer, make_user):
    stranger = make_user("stagiair", Role.CASE_OFFICER)
    web_session(client, officer)
    response = client.post(
        reverse("cases:team_change_role", args=[case.pk, stranger.pk]), {f"role-{stranger.pk}-role": "auditor"}
    )
    assert response.status_code == 400
    assert _summary(response).strip()
    assert not case.team.filter(user=stranger).exists()


def test_a_refusal_the_page_shows_at_its_form_is_not_repeated_at_the_top(client, case, officer):
    web_session(client, officer)
    response = client.post(reverse("cases:suspend", args=[case.pk]), {"suspend-reason": "   "})
    assert response.status_code == 400
    assert response.content.decode().count('class="error-summary"') == 1


def test_saving_the_edit_form_of_a_case_ended_meanwhile_says_it_ended_not_no_access(client, case, officer, officer2):
    web_session(client, officer2)
    assert client.get(reverse("cases:edit", args=[case.pk])).status_code == 200
    services.case_transition(user=officer, case=case, name="withdraw", reason="Overname afgeblazen")
    response = client.post(reverse("cases:edit", args=[case.pk]), {"title": "Nieuwe titel"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "Geen toegang" not in page
    assert "De casus is beëindigd (Ingetrokken)" in page and "Uw wijziging is niet opgeslagen." in page
    assert Case.objects.get(pk=case.pk).title != "Nieuwe titel"


def test_an_actions_address_opened_as_a_page_leads_to_the_page_above(client, case, officer):
    """Found by trying the product: a GET of an action's address (the address bar's Enter on a refused
    form, or the login's way back after the session expired while a form was sent) was an empty 405."""
    web_session(client, officer)
    for action in ("suspend", "resume"):
        response = client.get(reverse(f"cases:{action}", args=[case.pk]))
        assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    page = client.get(reverse("cases:transition", args=[case.pk, "withdraw"]), follow=True)
    assert page.redirect_chain[-1][0] == reverse("cases:detail", args=[case.pk])
    assert "er is niets gedaan" in page.content.decode()
    assert Case.objects.get(pk=case.pk).state == "signal"


def test_after_the_login_an_action_sent_without_a_session_leads_to_its_page(client, case, officer):
    sent = client.post(reverse("cases:suspend", args=[case.pk]), {"suspend-reason": "x"})
    assert sent.status_code == 302 and "/login/" in sent["Location"]
    web_session(client, officer)
    back = client.get(reverse("cases:suspend", args=[case.pk]))  # where the login sends the person back
    assert back.status_code == 302 and back["Location"] == reverse("cases:detail", args=[case.pk])


def test_the_role_picker_offers_only_the_roles_the_member_may_take(client, case, officer, manager):
    """Found by trying the product: every member's "Rol wijzigen" listed all eight roles, and a fund
    manager made case officer was always refused."""
    from cases.selectors import team_candidate_roles

    web_session(client, officer)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    may_take = {"fund_manager", *team_candidate_roles(manager, case=case)}
    assert "case_officer" not in may_take
    if len(may_take) == 1:  # nothing else to take: no picker at all (the next test)
        assert f'name="role-{manager.pk}-role"' not in page
        return
    select = page.split(f'name="role-{manager.pk}-role"', 1)[1].split("</select>", 1)[0]
    assert set(re.findall(r'<option value="([^"]+)"', select)) == may_take


def test_a_reversed_period_in_the_case_list_is_said_not_answered_with_no_cases(client, case, officer):
    web_session(client, officer)
    page = client.get(reverse("cases:list"), {"received_from": "2026-12-31", "received_to": "2026-01-01"})
    assert "De einddatum ligt vóór de begindatum." in page.content.decode()


def test_the_classification_picker_offers_no_lower_level_to_whoever_may_not_lower_it(client, case, officer, assessor):
    """Found by trying the product: a risk assessor was offered the lower levels and always refused
    ("Alleen een daartoe bevoegde gebruiker mag de rubricering ... verlagen"), in the summary only."""
    from cases.services import case_transition

    case_transition(user=officer, case=case, name="start_intake")
    case_transition(user=officer, case=case, name="start_assessment")

    def offered(user):
        web_session(client, user)
        page = client.get(reverse("cases:edit", args=[case.pk])).content.decode()
        select = page.split('name="classification"', 1)[1].split("</select>", 1)[0]
        return set(re.findall(r'<option value="([^"]+)"', select)), 'name="classification_reason"' in page

    levels, reason = offered(assessor)
    assert case.classification == "vertrouwelijk"
    assert "zaakvertrouwelijk" not in levels and "vertrouwelijk" in levels and not reason
    refused = client.post(
        reverse("cases:edit", args=[case.pk]), {"classification": "zaakvertrouwelijk", "version": "1"}
    )
    assert Case.objects.get(pk=case.pk).classification == "vertrouwelijk"
    assert refused.status_code in (200, 400)
    levels, reason = offered(officer)
    assert "zaakvertrouwelijk" in levels and reason


def test_no_role_change_is_offered_to_a_member_who_can_hold_only_their_role(client, case, officer, officer2):
    """Found by trying the product: "Rol wijzigen" was offered for a case officer whose list held only
    their current role, and sending it said "heeft deze rol al"."""
    from cases.selectors import team_candidate_roles

    web_session(client, officer)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    only_own = set(team_candidate_roles(officer2, case=case)) <= {"case_officer"}
    assert (f'name="role-{officer2.pk}-role"' not in page) == only_own
