"""The committed diagram (docs/lifecycle.*, made by `make graph`) shows the lifecycle the code declares."""

import re
from pathlib import Path

import pytest

from cases.models import Case

DOT = Path(__file__).resolve().parent.parent / "docs" / "lifecycle.dot"


def test_committed_diagram_matches_the_declared_transitions():
    text = DOT.read_text()
    edges = set(
        re.findall(
            r'"cases\.casus\.state\.(\w+)"\s*->\s*"cases\.casus\.state\.(\w+)"\s*\[[^\]]*?label=(\w+)', text, re.S
        )
    )
    declared = {(t.source, t.target, t.name) for t in Case._meta.get_field("state").get_all_transitions(Case)}
    assert edges == declared, "run `make graph` to regenerate docs/lifecycle.*"


@pytest.mark.django_db
def test_the_arrows_say_their_step_in_words(client, officer, case):
    """An arrow's tooltip reads "Signaal → Intake", not the transition's code (start_intake)."""
    from django.urls import reverse

    from .factories import web_session

    web_session(client, officer)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    titles = re.findall(r"<path class=\"fsm-edge[^>]*><title>([^<]*)</title>", page)
    assert "Signaal → Intake" in titles, titles
    assert not [t for t in titles if re.search(r"[a-z]_[a-z]", t)], titles
