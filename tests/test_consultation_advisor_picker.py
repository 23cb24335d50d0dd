"""Issue 23: the consultation form's advisor is a people picker too: "Name — organisation — role",
grouped by organisation, of exactly the team's department advisors the service takes (active, not
locked out: `assessments.selectors.consultation_advisors`); anything else is refused at `advisor`."""

import html
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from access.roles import Role
from assessments.models import Assessment
from cases.services import case_team_add, case_transition

from .factories import web_session
from .test_case_team_picker import _lock_out

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(client, case, officer, assessor, make_user):
    case_transition(user=officer, case=case, name="start_intake")
    case_transition(user=officer, case=case, name="start_assessment")
    advisors = {
        "sanne": make_user(
            "s.jansen", Role.DEPARTMENT_ADVISOR, first_name="Sanne", last_name="Jansen", organisation="JenV"
        ),
        "gone": make_user("o.weg", Role.DEPARTMENT_ADVISOR, first_name="Otto", last_name="Weg", organisation="JenV"),
        "locked": make_user(
            "l.dicht", Role.DEPARTMENT_ADVISOR, first_name="Lotte", last_name="Dicht", organisation="BZ"
        ),
    }
    for person in advisors.values():
        case_team_add(user=officer, case=case, member=person, role=Role.DEPARTMENT_ADVISOR)
    advisors["gone"].is_active = False
    advisors["gone"].save(update_fields=["is_active"])
    _lock_out("l.dicht")
    web_session(client, assessor)
    assert client.post(reverse("assessments:case", args=[case.pk]), {"kind": "initial"}).status_code == 302
    return Assessment.objects.get(), advisors


def _ask(client, assessment, advisor: str):
    return client.post(
        reverse("assessments:act", args=[assessment.pk, "consult"]),
        {
            "ministry": "jenv",
            "advisor": advisor,
            "question": "Deelt JenV de inschatting?",
            "covers": [assessment.framework.framework.conditions[0].code],
            "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )


def test_the_form_offers_only_advisors_the_service_takes(client, started):
    assessment, _advisors = started
    page = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    select = re.search(r'<select name="advisor".*?</select>', page, re.S).group(0)
    groups = {
        html.unescape(label): [html.unescape(o) for o in re.findall(r"<option[^>]*>(.*?)</option>", body)]
        for label, body in re.findall(r'<optgroup label="(.*?)">(.*?)</optgroup>', select, re.S)
    }
    assert groups == {"JenV": ["Sanne Jansen — JenV — Departementaal adviseur"]}  # not Otto (inactive), Lotte (locked)


@pytest.mark.parametrize("who", ["o.weg", "l.dicht"])
def test_an_advisor_not_offered_is_refused_at_the_field(client, started, who):
    assessment, _advisors = started
    response = _ask(client, assessment, who)
    assert response.status_code == 400
    assert 'id="id_advisor_error"' in response.content.decode()
    assert assessment.consultations.count() == 0
    assert _ask(client, assessment, "s.jansen").status_code == 302


def test_the_service_refuses_an_inactive_or_locked_out_advisor(started, assessor):
    """The web view looks the advisor up by username without the API's is_active filter: the service's
    own check (`consultation_advisors`) is what refuses them."""
    from django.core.exceptions import ValidationError

    from access.models import User
    from assessments.services import consultation_request

    assessment, _advisors = started
    for username in ("o.weg", "l.dicht"):
        with pytest.raises(ValidationError) as refused:
            consultation_request(
                user=assessor,
                assessment=assessment,
                ministry="jenv" if username == "o.weg" else "bz",
                advisor=User.objects.get(username=username),
                question="Vraag?",
                covers=[assessment.framework.framework.conditions[0].code],
                due_date=timezone.localdate() + timedelta(days=5),
            )
        assert list(refused.value.message_dict) == ["advisor"]
    assert assessment.consultations.count() == 0


def test_another_ministrys_name_is_not_kept_beside_a_listed_ministry(client, started):
    """Found by trying the product: ministry "jenv" was stored with ministry_other "Ministerie van
    Landbouw", two answers to one question."""
    assessment, _advisors = started
    data = {
        "ministry": "jenv",
        "ministry_other": "Ministerie van Landbouw",
        "advisor": "s.jansen",
        "question": "Deelt JenV de inschatting?",
        "covers": [assessment.framework.framework.conditions[0].code],
        "due_date": (timezone.localdate() + timedelta(days=5)).isoformat(),
    }
    assert client.post(reverse("assessments:act", args=[assessment.pk, "consult"]), data).status_code == 302
    stored = assessment.consultations.get()
    assert stored.ministry == "jenv" and stored.ministry_other == ""
