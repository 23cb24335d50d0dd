"""A refusal names what was refused in words, never by its code: a step of the lifecycle by where it
leads, an unmet rule by what it requires, an action by what it does (the API still gives the rules'
names under `extra.unmet`, for clients)."""

import re

import pytest

from access.permissions import require
from access.roles import ACTION_LABELS, PERMISSIONS
from cases import guards
from cases.models import Case
from core.exceptions import PermissionDenied

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[a-z]+(?:[._][a-z]+)+")  # start_intake, investment_proposal.approve


def _transition(api, user, case, name):
    return api(user).post(f"/api/cases/{case.pk}/transitions/", {"name": name, "reason": ""}, format="json")


def _detail(response) -> str:
    """The message people read (the error's `message`; its `code` is for clients)."""
    return str(response.json()["message"])


def test_a_refused_step_names_its_target_and_the_rules_in_words(api, officer, manager, case):
    wrong_role = _transition(api, manager, case, "start_intake")
    assert wrong_role.status_code == 403
    assert "de stap naar „Intake”" in _detail(wrong_role) and not CODE.search(_detail(wrong_role))
    wrong_state = _transition(api, officer, case, "start_exit")
    assert wrong_state.status_code == 409
    assert "De stap naar „Exit” is niet mogelijk vanuit de status „Signaal”" in _detail(wrong_state)
    Case.objects.filter(pk=case.pk).update(state="intake", existing_instruments_shortfall="")
    unmet = _transition(api, officer, case, "start_assessment")
    assert unmet.status_code == 409, unmet.json()
    assert "intake compleet" in _detail(unmet) and not CODE.search(_detail(unmet)), _detail(unmet)
    assert unmet.json()["extra"]["unmet"] == ["intake_is_complete"]


def test_a_refused_action_is_named_in_words(manager):
    with pytest.raises(PermissionDenied) as refused:
        require(manager, "investment_proposal.approve")
    assert str(refused.value.message) == "Uw rol staat niet toe: een investeringsvoorstel goedkeuren."


def test_every_action_and_every_guard_has_words():
    assert {a for a in PERMISSIONS if not a.startswith("case.transition.")} - set(ACTION_LABELS) == set()
    from cases.models import Case as Model

    used = {
        condition.__name__
        for transition in Model._meta.get_field("state").get_all_transitions(Model)
        for condition in transition.conditions
    }
    assert used and used - set(guards.GUARD_LABELS) == set()
