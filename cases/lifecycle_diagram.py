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
SIDE_ROWS = {State.FOLLOW_ON_DECISION: 5.75}

BOX_W, BOX_H, END_W = 220, 34, 200
PITCH, TOP = 56, 10
# A label wider than its box ("Kabinetsbesluit vervolginvestering", and most states in English) is
# set on two lines: the width of a 13 px sans-serif character (static/css/bev.css, .fsm-state text),
# bold in the current state, taken generously, and the box's inner margin.
CHAR_W, MARGIN, LINE_H = 7.6, 16, 16
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
        label = str(State(state).label)
        lines = _lines(label + (" ●" if state == case.state else ""), width=box["w"])
        height = BOX_H + LINE_H * (len(lines) - 1)
        if len(lines) > 1:  # the box grows around its row's middle
            box["y"] -= LINE_H * (len(lines) - 1) / 2
        box.update(
            state=state,
            label=label,
            lines=[{"text": text, "dy": 0 if n == 0 else LINE_H} for n, text in enumerate(lines)],
            h=height,
            cx=box["x"] + box["w"] / 2,
            ty=box["y"] + height / 2 + 5 - LINE_H * (len(lines) - 1) / 2,
            end=state in END_ROWS,
            current=state == case.state,
            visited=state in visited,
        )

    edges = []
    for t in _transitions():
        if t.source not in boxes or t.target not in boxes:
            continue
        a, b = boxes[t.source], boxes[t.target]
        if t.source in SIDE_ROWS:  # back from the side: its left edge (lower half) to the main state's right edge
            d = f"M{a['x']},{a['y'] + a['h'] * 3 / 4} L{b['x'] + b['w'] + 2},{b['y'] + b['h'] / 2}"
        elif t.target in SIDE_ROWS:  # to the side: the source's right edge to the side's left edge (upper half)
            d = f"M{a['x'] + a['w']},{a['y'] + a['h'] / 2} L{b['x'] - 2},{b['y'] + b['h'] / 4}"
        elif b["end"]:  # right edge of the source to the left edge of the end state
            d = f"M{a['x'] + a['w']},{a['y'] + a['h'] / 2} L{b['x'] - 2},{b['y'] + b['h'] / 2}"
        elif MAIN_LINE.index(t.target) == MAIN_LINE.index(t.source) + 1:
            d = f"M{a['cx']},{a['y'] + a['h']} L{b['cx']},{b['y'] - 2}"
        else:  # a skip along the main line (fast track): a curve on the left
            y1, y2 = a["y"] + a["h"] / 2, b["y"] + b["h"] / 2
            d = f"M{a['x']},{y1} C{a['x'] - 35},{y1} {b['x'] - 35},{y2} {b['x'] - 2},{y2}"
        edges.append(
            {
                "d": d,
                "name": t.name,
                # what the arrow's tooltip says: the step in words, never its code
                "label": f"{State(t.source).label} → {State(t.target).label}",
                "available": t.name in available and t.source == case.state,
            }
        )
    height = TOP + len(MAIN_LINE) * PITCH
    return {
        "boxes": list(boxes.values()),
        "edges": edges,
        "width": WIDTH,
        "height": height,
        "current_label": case.get_state_display(),
    }


def _lines(label: str, *, width: float) -> list[str]:
    """The label on one line if it fits the box, else on two, split at the space nearest its middle."""
    if len(label) * CHAR_W + MARGIN <= width or " " not in label:
        return [label]
    spaces = [i for i, char in enumerate(label) if char == " "]
    cut = min(spaces, key=lambda i: abs(len(label) / 2 - i))
    return [label[:cut], label[cut + 1 :]]
