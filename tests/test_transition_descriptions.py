"""What a step of the lifecycle does, as the API's `available` transitions describe it: in the
reader's language, for every transition of the state machine. It was the transition method's
docstring, English developer text with its indentation, for Dutch users too."""

import pytest
from django.utils import translation

from cases.constants import TRANSITION_DESCRIPTIONS
from cases.models import Case

pytestmark = pytest.mark.django_db


def test_every_transition_has_a_description_in_dutch_and_english():
    names = {t.name for t in Case._meta.get_field("state").get_all_transitions(Case)}
    assert names and names <= set(TRANSITION_DESCRIPTIONS), names - set(TRANSITION_DESCRIPTIONS)
    for name in names:
        with translation.override("nl"):
            dutch = str(TRANSITION_DESCRIPTIONS[name])
        with translation.override("en"):
            english = str(TRANSITION_DESCRIPTIONS[name])
        assert dutch and english and dutch != english, name


def test_the_api_describes_the_steps_in_the_readers_language(api, case, officer):
    available = api(officer).get(f"/api/cases/{case.pk}/transitions/").json()["available"]
    step = next(t for t in available if t["name"] == "start_intake")
    assert step["description"] == "Een casusbehandelaar neemt het signaal in behandeling (intake)."
    available = api(officer).get(f"/api/cases/{case.pk}/transitions/", HTTP_ACCEPT_LANGUAGE="en").json()["available"]
    step = next(t for t in available if t["name"] == "start_intake")
    assert step["description"] == "A case officer takes the signal into intake."
