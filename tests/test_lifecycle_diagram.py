"""The committed diagram (docs/lifecycle.*, made by `make graph`) shows the lifecycle the code declares."""

import re
from pathlib import Path

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
