"""The afwegingskader in the web UI: scoring with the letter's guidance, assessors side by side,
four-eyes approval, consultation of a ministry and the advisor's reply."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from assessments.models import Assessment
from cases.services import case_team_add, case_transition

from .factories import fill_initial_assessment, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_assessment(case, officer):
    case_transition(user=officer, case=case, name="start_intake")
    case_transition(user=officer, case=case, name="start_assessment")
    return case


@pytest.fixture
def started(client, assessor, in_assessment):
    web_session(client, assessor)
    response = client.post(reverse("assessments:case", args=[in_assessment.pk]), {"kind": "initial"})
    assert response.status_code == 302
    return Assessment.objects.get()


def test_scoring_page_shows_the_letters_guidance_and_the_outcome(client, started):
    body = client.get(reverse("assessments:detail", args=[started.pk])).content.decode()
    assert "Uit de brief" in body
    assert "Noodzakelijke voorwaarden" in body
    assert "Onvoldoende informatie" in body or "Uitkomst" in body
    assert "<svg" in body and "Profiel van de risico-inschatting" in body


def test_score_without_rationale_is_refused_at_the_field(client, started):
    code = started.framework.framework.core_indicators[0].code
    response = client.post(
        reverse("assessments:act_item", args=[started.pk, "score", code]),
        {f"s-{code}-level": "3", f"s-{code}-rationale": ""},
    )
    assert response.status_code == 400
    assert "Een onderbouwing is verplicht." in response.content.decode()
    assert started.scores.count() == 0


def test_assessors_side_by_side_with_disagreement_marked(client, started, assessor2):
    code = started.framework.framework.core_indicators[0].code
    url = reverse("assessments:act_item", args=[started.pk, "score", code])
    assert (
        client.post(
            url,
            {f"s-{code}-level": "0", f"s-{code}-rationale": "Laag.", f"s-{code}-evidence": "Analyse AIVD | AIVD | "},
        ).status_code
        == 302
    )
    client.logout()
    web_session(client, assessor2)
    assert client.post(url, {f"s-{code}-level": "4", f"s-{code}-rationale": "Zeer hoog."}).status_code == 302
    body = client.get(reverse("assessments:detail", args=[started.pk])).content.decode()
    assert 'class="disagree"' in body
    assert "Analyse AIVD" in body


def test_four_eyes_approval_then_the_case_can_go_to_the_cabinet(client, started, assessor, assessor2, officer):
    fill_initial_assessment(started, lead=assessor)
    assert client.post(reverse("assessments:act", args=[started.pk, "submit"]), {"confirm": "1"}).status_code == 302
    refused = client.post(reverse("assessments:act", args=[started.pk, "approve"]), {"comments": ""})
    assert refused.status_code in (400, 403)
    client.logout()
    web_session(client, assessor2)
    assert "Goedkeuren" in client.get(reverse("assessments:detail", args=[started.pk])).content.decode()
    assert (
        client.post(
            reverse("assessments:act", args=[started.pk, "approve"]), {"comments": "Akkoord", "confirm": "1"}
        ).status_code
        == 302
    )
    started.refresh_from_db()
    assert started.status == "approved"
    body = client.get(reverse("cases:detail", args=[started.case_id])).content.decode()
    assert reverse("cases:transition", args=[started.case_id, "submit_to_cabinet"]) in body


def test_consultation_request_and_the_advisors_reply(client, started, officer, make_user):
    advisor = make_user("advisor", Role.DEPARTMENT_ADVISOR, organisation="JenV")
    case_team_add(user=officer, case=started.case, member=advisor, role=Role.DEPARTMENT_ADVISOR)
    code = started.framework.framework.conditions[0].code
    response = client.post(
        reverse("assessments:act", args=[started.pk, "consult"]),
        {
            "ministry": "jenv",
            "advisor": "advisor",
            "question": "Is er invloed van een statelijke actor?",
            "covers": [code],
            "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    consultation = started.consultations.get()
    client.logout()
    web_session(client, advisor)
    # the advisor sees the request, not the whole assessment
    assert client.get(reverse("assessments:detail", args=[started.pk])).status_code == 404
    page = client.get(reverse("assessments:consultation", args=[consultation.pk])).content.decode()
    assert "Is er invloed van een statelijke actor?" in page
    assert "Adviesaanvraag beantwoorden" in client.get(reverse("core:home")).content.decode()
    empty = client.post(reverse("assessments:consultation", args=[consultation.pk]), {"position": "", "advice": ""})
    assert empty.status_code == 400
    ok = client.post(
        reverse("assessments:consultation", args=[consultation.pk]),
        {"position": "supports", "advice": "JenV steunt de analyse."},
    )
    assert ok.status_code == 302
    consultation.refresh_from_db()
    assert consultation.status == "answered"
    # sent again (a double click): the page says why, at the top, where the form no longer is
    again = client.post(
        reverse("assessments:consultation", args=[consultation.pk]),
        {"position": "supports", "advice": "JenV steunt de analyse."},
    )
    assert again.status_code == 400
    assert 'class="error-summary"' in again.content.decode()
    assert "Deze adviesaanvraag is al afgehandeld." in again.content.decode()


def test_scoring_page_in_english(client, started):
    client.post(reverse("set_language"), {"language": "en"})
    body = client.get(reverse("assessments:detail", args=[started.pk])).content.decode()
    assert "From the letter" in body
    assert "Necessary conditions (both required)" in body


def test_my_work_shows_the_assessment_deadline(client, started, in_assessment):
    from cases.services import current_clock
    from core.formatting import date_nl

    clock = current_clock(in_assessment)
    page = client.get("/").content.decode()
    assert "Risico-inschatting afronden" in page
    assert date_nl(clock.due_at) in page


def _alert(response) -> str:
    """The error summary at the top of the page (includes/form_errors.html)."""
    body = response.content.decode()
    assert 'class="error-summary"' in body, body[:3000]
    return body.split('class="error-summary"', 1)[1].split("</div>", 1)[0]


def test_a_refused_step_whose_form_the_page_does_not_show_says_why(client, started, assessor):
    """Found by trying the product: the lead approving their own draft, a score of an unknown
    indicator, a score on a submitted assessment were each a 400 that looked like the page itself,
    with no message: the error sat on a form the page did not show."""
    code = started.framework.framework.core_indicators[0].code
    unknown = client.post(
        reverse("assessments:act_item", args=[started.pk, "score", "bogus_indicator"]),
        {"s-bogus_indicator-level": "1", "s-bogus_indicator-rationale": "Onderbouwing."},
    )
    assert unknown.status_code == 400 and "<li>" in _alert(unknown)
    fill_initial_assessment(started, lead=assessor)
    assert client.post(reverse("assessments:act", args=[started.pk, "submit"]), {"confirm": "1"}).status_code == 302
    own = client.post(reverse("assessments:act", args=[started.pk, "approve"]), {"comments": "", "confirm": "1"})
    assert own.status_code == 400 and "<li>" in _alert(own)
    late = client.post(
        reverse("assessments:act_item", args=[started.pk, "score", code]),
        {f"s-{code}-level": "1", f"s-{code}-rationale": "Te laat."},
    )
    assert late.status_code == 400 and "<li>" in _alert(late)
    started.refresh_from_db()
    assert started.status == "submitted"


def test_an_empty_no_consultation_reason_says_it_withdrew_the_reason(client, started):
    """An empty reason withdraws the recorded one (the service's rule): the page says so instead of
    "Opgeslagen." (found by trying the product)."""
    url = reverse("assessments:act", args=[started.pk, "no_consultation"])
    saved = client.post(
        url, {"reason": "Alleen EZK is betrokken: de onderneming valt onder geen ander departement."}, follow=True
    )
    assert "Opgeslagen." in saved.content.decode()
    started.refresh_from_db()
    assert started.no_consultation_reason
    withdrawn = client.post(url, {"reason": "  "}, follow=True).content.decode()
    assert "De reden is ingetrokken" in withdrawn and "Opgeslagen." not in withdrawn
    started.refresh_from_db()
    assert started.no_consultation_reason == ""


def test_an_approved_assessment_names_its_outcome_and_risk_level_in_the_readers_language(
    client, in_assessment, assessor, assessor2
):
    """The result is frozen at approval with its labels in the approver's language (Dutch here); an
    English reader saw "Risk level: zeer hoog" (found by trying the product)."""
    from assessments.framework import Framework

    from .factories import approve_assessment

    approved = approve_assessment(in_assessment, lead=assessor, approver=assessor2)
    code = approved.result["risk_level"]
    framework = approved.framework.framework
    assert isinstance(framework, Framework)
    row = next(r for r in framework.risk_levels if r["code"] == code)
    assert approved.result["risk_level_label"] == row["label_nl"]  # frozen in Dutch
    web_session(client, assessor)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("assessments:detail", args=[approved.pk])).content.decode()
    assert f"Risk level: <strong>{row['label_en']}</strong>" in page


def test_a_missing_scope_rationale_is_shown_at_its_field(client, started):
    """Found by trying the product: "Een onderbouwing is verplicht." stood only in the summary (the
    service names its field scope_rationale, the form rationale)."""
    response = client.post(
        reverse("assessments:act", args=[started.pk, "scope"]),
        {"scope-scope_ground": "essential_supplier", "scope-confirmed": "yes", "scope-rationale": ""},
    )
    assert response.status_code == 400
    field = re.search(r'<textarea[^>]*name="scope-rationale"[^>]*>', response.content.decode()).group(0)
    assert 'aria-invalid="true"' in field, field
    started.refresh_from_db()
    assert started.scope_ground_confirmed is None
