"""The lifecycle diagram of a case as inline SVG, drawn from the transitions declared on
`cases.models.Case` (so it can never disagree with the state machine)."""

from __future__ import annotations

from typing import Any

from .constants import MAIN_STAGES, State
from .models import Case

# The main line top to bottom, and where each end state sits in the right-hand column
# (as a row number, between the rows of the states that lead there).
MAIN_LINE = [*MAIN_STAGES, State.CLOSED]
END_ROWS = {State.NOT_ADMISSIBLE: 0.6, State.NOT_DEPLOYED: 2.6, State.WITHDRAWN: 4.8}
# States beside the main line that lead back into it (the follow-on decision).
SIDE_ROWS = {State.FOLLOW_ON_DECISION: 5.5}

BOX_W, BOX_H, END_W = 220, 34, 200
PITCH, TOP = 56, 10
MAIN_X, END_X = 40, 340
WIDTH = END_X + END_W + 10


def _transitions():
    field = Case._meta.get_field("state")
    seen = set()
    for t in field.get_all_transitions(Case):
        key = (t.source, t.target, t.name)
        if key not in seen:
            seen.add(key)
            yield t


def lifecycle_diagram(*, case: Case, visited: set[str], available: set[str]) -> dict:
    """Boxes and edges for `templates/cases/_lifecycle.svg.html`."""
    boxes: dict[str, dict[str, Any]] = {}
    for index, main_state in enumerate(MAIN_LINE):
        boxes[main_state] = {"x": MAIN_X, "y": TOP + index * PITCH, "w": BOX_W}
    for side_state, row in {**END_ROWS, **SIDE_ROWS}.items():
        boxes[side_state] = {"x": END_X, "y": TOP + row * PITCH, "w": END_W}
    for state, box in boxes.items():
        box.update(
            state=state,
            label=State(state).label,
            h=BOX_H,
            cx=box["x"] + box["w"] / 2,
            ty=box["y"] + BOX_H / 2 + 5,
            end=state in END_ROWS,
            current=state == case.state,
            visited=state in visited,
        )

    edges = []
    for t in _transitions():
        if t.source not in boxes or t.target not in boxes:
            continue
        a, b = boxes[t.source], boxes[t.target]
        if t.source in SIDE_ROWS:  # back from the side: its left edge to the main state's right edge
            d = f"M{a['x']},{a['y'] + BOX_H / 2} L{b['x'] + b['w'] + 2},{b['y'] + BOX_H / 2}"
        elif b["end"] or t.target in SIDE_ROWS:  # right edge of the source to the left edge of the end state
            d = f"M{a['x'] + a['w']},{a['y'] + BOX_H / 2} L{b['x'] - 2},{b['y'] + BOX_H / 2}"
        elif MAIN_LINE.index(t.target) == MAIN_LINE.index(t.source) + 1:
            d = f"M{a['cx']},{a['y'] + BOX_H} L{b['cx']},{b['y'] - 2}"
        else:  # a skip along the main line (fast track): a curve on the left
            y1, y2 = a["y"] + BOX_H / 2, b["y"] + BOX_H / 2
            d = f"M{a['x']},{y1} C{a['x'] - 35},{y1} {b['x'] - 35},{y2} {b['x'] - 2},{y2}"
        edges.append({"d": d, "name": t.name, "available": t.name in available and t.source == case.state})
    height = TOP + len(MAIN_LINE) * PITCH
    return {
        "boxes": list(boxes.values()),
        "edges": edges,
        "width": WIDTH,
        "height": height,
        "current_label": case.get_state_display(),
    }
