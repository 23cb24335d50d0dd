"""The case pages of the web UI: list, new signal, case page with its actions, in Dutch and English."""

import pytest
from django.urls import reverse

from cases.constants import State
from cases.models import CabinetDecision, Case

from .factories import case_data, give_second_factor, make_case, signal_form_post, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client):
    def _as(user):
        client.logout()
        return web_session(client, user)

    return _as


def test_login_with_password_and_backup_code_lands_on_my_work(client, officer):
    give_second_factor(officer, backup_codes=["12345678"])
    response = client.post(
        reverse("access:login"), {"username": "officer", "password": "correct-horse-battery", "otp_token": "12345678"}
    )
    assert response.status_code == 302
    page = client.get(reverse("core:home"))
    assert page.status_code == 200
    assert "Mijn werk" in page.content.decode()


def test_pages_need_a_verified_second_factor(client, officer, case):
    client.force_login(officer)  # password only, no second factor
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("access:login"))


def test_case_list_shows_only_visible_cases_and_filters(web, officer, outsider, case):
    other = make_case(officer=outsider, title="Andermans casus")
    body = web(officer).get(reverse("cases:list")).content.decode()
    assert case.reference in body
    assert other.reference not in body
    filtered = web(officer).get(reverse("cases:list"), {"state": State.CLOSED}).content.decode()
    assert case.reference not in filtered
    searched = web(officer).get(reverse("cases:list"), {"q": "Photonics"}).content.decode()
    assert case.reference in searched


def test_non_member_gets_404_on_the_case_page(web, outsider, case):
    assert web(outsider).get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_new_signal_form_records_a_case(web, officer):
    data = case_data()
    post = signal_form_post()
    response = web(officer).post(reverse("cases:create"), post)
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get()
    assert case.target_kvk_number == "12345678"
    assert sorted(case.categories) == sorted(data["categories"])


def test_bad_signal_is_refused_at_the_field_and_nothing_is_saved(web, officer):
    response = web(officer).post(
        reverse("cases:create"),
        {
            "title": "X",
            "target_kvk_number": "123",
            "signal_source": "other",
            "urgency": "normal",
            "classification": "vertrouwelijk",
            "state_actor_status": "unknown",
            "signal_received_at": "2026-11-01T10:00",
            "target_name": "Y",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "precies 8 cijfers" in body
    assert 'class="field field-invalid"' in body
    assert Case.objects.count() == 0


def test_case_page_shows_banner_diagram_timeline_and_actions(web, officer, case):
    body = web(officer).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "vertrouwelijk" in body  # classification banner
    assert 'current" data-state="signal" aria-current="step"' in body
    assert "Tijdlijn" in body
    assert reverse("cases:transition", args=[case.pk, "start_intake"]) in body


def test_transition_needing_a_reason_shows_the_error_at_the_field(web, officer, case):
    client = web(officer)
    client.post(reverse("cases:transition", args=[case.pk, "start_intake"]), {"start_intake-reason": ""})
    response = client.post(reverse("cases:transition", args=[case.pk, "withdraw"]), {"withdraw-reason": ""})
    assert response.status_code == 400
    assert "Een reden is verplicht" in response.content.decode()
    case.refresh_from_db()
    assert case.state == State.INTAKE
    response = client.post(
        reverse("cases:transition", args=[case.pk, "withdraw"]), {"withdraw-reason": "De overnemer trok zich terug."}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == State.WITHDRAWN


def test_cabinet_decision_needs_a_second_person(web, secretariat, secretariat2, case):
    Case.objects.filter(pk=case.pk).update(state=State.CABINET_DECISION)
    client = web(secretariat)
    response = client.post(
        reverse("cases:decision_record", args=[case.pk]),
        {
            "meeting_date": "2026-11-20",
            "reference": "MR-2026-11",
            "deploy": "yes",
            "instruments": ["equity"],
            "max_amount": "25000000.00",
        },
    )
    assert response.status_code == 302
    decision = CabinetDecision.objects.get()
    refused = client.post(reverse("cases:decision_confirm", args=[case.pk, decision.pk]))
    assert refused.status_code == 400
    assert "Vier ogen" in refused.content.decode()
    decision.refresh_from_db()
    assert decision.confirmed_at is None
    client = web(secretariat2)
    assert "Besluit controleren en bevestigen" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    page = client.get(reverse("cases:decision_confirm", args=[case.pk, decision.pk])).content.decode()
    # the confirming secretary sees what the cabinet allowed before confirming
    assert "Besluit bevestigen" in page and "€ 25.000.000" in page and "Aandelen" in page
    assert client.post(reverse("cases:decision_confirm", args=[case.pk, decision.pk])).status_code == 302
    decision.refresh_from_db()
    assert decision.confirmed_by == secretariat2


def test_suspend_and_resume_the_deadline(web, officer, case):
    client = web(officer)
    assert client.post(reverse("cases:suspend", args=[case.pk]), {"suspend-reason": ""}).status_code == 400
    assert (
        client.post(
            reverse("cases:suspend", args=[case.pk]), {"suspend-reason": "Wachten op informatie AIVD"}
        ).status_code
        == 302
    )
    assert "Opgeschort" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert (
        client.post(reverse("cases:resume", args=[case.pk]), {"suspend-reason": "Informatie ontvangen"}).status_code
        == 302
    )


def test_my_work_lists_the_transitions_waiting(web, officer, case):
    body = web(officer).get(reverse("core:home")).content.decode()
    assert case.reference in body
    assert "Intake" in body


def test_pages_in_english(web, officer, case):
    client = web(officer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'lang="en"' in body
    assert "Timeline" in body
    assert "My work" in body


def test_pages_in_dutch_by_default(web, officer, case):
    body = web(officer).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'lang="nl"' in body
    assert "Tijdlijn" in body
    assert "Naar de inhoud" in body  # skip link


def test_my_work_puts_overdue_items_first(web, officer, case):
    from datetime import timedelta

    from django.utils import timezone

    from cases.models import StageClock

    from .factories import make_case

    later = make_case(officer=officer, title="Later signaal")
    StageClock.objects.filter(case=later).update(due_at=timezone.now() - timedelta(days=1))
    body = web(officer).get(reverse("core:home")).content.decode()
    assert "verlopen" in body
    assert body.index(later.reference) < body.index(case.reference)


def test_edit_offers_only_the_fields_the_state_allows(web, officer, case):
    client = web(officer)
    client.post(reverse("cases:transition", args=[case.pk, "start_intake"]), {"start_intake-reason": ""})
    case.refresh_from_db()
    page = client.get(reverse("cases:edit", args=[case.pk])).content.decode()
    assert 'name="target_kvk_number"' in page
    response = client.post(
        reverse("cases:edit", args=[case.pk]),
        {
            "title": "Nieuwe titel",
            "classification": case.classification,
            "signal_source": case.signal_source,
            "signal_received_at": timezone_local(case.signal_received_at),
            "urgency": "immediate",
            "target_name": case.target_name,
            "target_kvk_number": case.target_kvk_number,
            "state_actor_status": case.state_actor_status,
            "version": case.version,
            "categories": case.categories,
            "scope_grounds": case.scope_grounds,
            "market_financing_explored": "true",
            "existing_instruments_shortfall": case.existing_instruments_shortfall,
            "acquirer_name": case.acquirer_name,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case.refresh_from_db()
    assert case.title == "Nieuwe titel" and case.urgency == "immediate"


def timezone_local(value):
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_case_list_is_paginated(web, officer):
    from .factories import make_case

    for n in range(51):
        make_case(officer=officer, title=f"Signaal {n}")
    client = web(officer)
    first = client.get(reverse("cases:list")).content.decode()
    assert "51 casussen gevonden." in first and "Pagina 1 van 2" in first
    second = client.get(reverse("cases:list"), {"page": 2}).content.decode()
    assert "Pagina 2 van 2" in second


def test_the_timeline_reads_as_sentences_with_names_and_labels(web, officer, make_user):
    """Issue 23: the timeline shows people's names and labels, not usernames, field codes or the
    outcome's and instrument's codes."""
    from decimal import Decimal

    from access.roles import Role
    from cases.constants import EventKind
    from cases.models import TimelineEvent
    from cases.services import case_team_add, case_update

    case = make_case(officer=officer)
    advisor = make_user("jdevries", Role.DEPARTMENT_ADVISOR, first_name="Jan", last_name="de Vries")
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    case_update(user=officer, case=case, data={"summary": "Nieuwe samenvatting"}, expected_version=case.version)
    # what assessments and the fund write into the case's timeline (their codes)
    from django.utils import timezone

    TimelineEvent.objects.create(
        case=case,
        kind=EventKind.NOTE,
        actor=officer,
        at=timezone.now(),
        data={"assessment": 1, "step": "approved", "outcome": "deploy"},
    )
    TimelineEvent.objects.create(
        case=case,
        kind=EventKind.NOTE,
        actor=officer,
        at=timezone.now(),
        data={
            "investment_proposal": 1,
            "step": "proposed",
            "instrument": "equity",
            "amount": str(Decimal("12500000.00")),
            "decision": "KB-1",
        },
    )
    body = web(officer).get(reverse("cases:detail", args=[case.pk])).content.decode()
    timeline = body.split('id="timeline-h"')[1].split("</ol>")[0]
    assert "Jan de Vries toegevoegd aan het team" in timeline and "jdevries" not in timeline
    assert "Gewijzigd: samenvatting" in timeline and "summary" not in timeline
    assert "(deploy)" not in timeline and "Inzetten" in timeline
    assert ": equity," not in timeline and "€ 12.500.000" in timeline


def test_a_department_advisor_is_sent_to_their_advice_requests_not_to_an_empty_case_list(web, officer, make_user):
    """A department advisor sees no case file (need-to-know): the menu does not offer the case list,
    and the list's address says where their work is instead of "0 casussen gevonden"."""
    from access.roles import Role
    from cases.services import case_team_add

    case = make_case(officer=officer)
    advisor = make_user("jdevries", Role.DEPARTMENT_ADVISOR, first_name="Jan", last_name="de Vries")
    case_team_add(user=officer, case=case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    menu_link = f'href="{reverse("cases:list")}"'

    home = web(advisor).get(reverse("core:home")).content.decode()
    assert menu_link not in home.split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]
    page = web(advisor).get(reverse("cases:list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "adviesaanvragen die aan u zijn gericht" in body and "casussen gevonden" not in body
    assert f'href="{reverse("core:home")}"' in body

    home = web(officer).get(reverse("core:home")).content.decode()
    assert menu_link in home.split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]
    assert case.reference in web(officer).get(reverse("cases:list")).content.decode()


def test_the_administrators_menu_leads_to_the_admin(web, officer, make_user):
    from access.roles import Role

    beheer = make_user("beheer", Role.ADMINISTRATOR, is_staff=True)
    menu = web(beheer).get(reverse("core:home")).content.decode().split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]
    assert f'href="{reverse("admin:index")}"' in menu
    menu = web(officer).get(reverse("core:home")).content.decode().split('aria-label="Hoofdmenu"')[1].split("</nav>")[0]
    assert reverse("admin:index") not in menu
