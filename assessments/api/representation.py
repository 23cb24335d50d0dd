"""The assessment detail's API body built straight from the selector's dict (a fast path,
core.fastpaths).

`represent(AssessmentDetailSerializer, detail)` walks the dict the selector built once more, field
by field (~36 nested serializers, ~360 fields per body: the largest part of the assessment view's
CPU, scripts/profile_reads.py). Here each row is written as one dict literal in the serializer's
key order, with the values its fields would write: strings and integers as they are (the selector
builds them so), booleans as they are, datetimes as DRF writes them (`datetime_representation`),
dates as ISO dates, a framework item's optional keys (kind, weight, questions) only where present,
evidence rows with only the keys the evidence serializer knows; of the result (computed, or frozen
at approval under any version) the optional keys only where present, a missing nullable one as
null.
AssessmentDetailSerializer stays the API's schema; with the fast paths off (`core.fastpaths`) the serializer runs.
tests/test_assessment_detail_representation.py compares both byte for byte."""

from core import fastpaths
from core.api.representation import datetime_representation, represent

from .serializers import AssessmentDetailSerializer

_ITEM_KEYS = ("part", "code", "label", "label_nl", "label_en", "guidance_nl", "guidance_en", "letter_citation")
_ITEM_OPTIONAL = ("kind", "weight", "question_nl", "question_en")
_EVIDENCE_KEYS = ("title", "source", "url", "document_id")


def _text(value):
    """A CharField's value: None stays None, anything else its str."""
    return value if value is None or type(value) is str else str(value)


def _item(row: dict) -> dict:
    data = {key: _text(row[key]) for key in _ITEM_KEYS}
    for key in _ITEM_OPTIONAL:
        if key in row:
            data[key] = _text(row[key])
    return data


def _evidence(rows) -> list:
    """AssessmentEvidenceSerializer rows: its keys where present, texts as str, the document id int."""
    return [
        {
            key: (None if row[key] is None else int(row[key])) if key == "document_id" else _text(row[key])
            for key in _EVIDENCE_KEYS
            if key in row
        }
        for row in rows
    ]


def assessment_detail_body(detail: dict) -> dict:
    """The body of GET /api/assessments/{id}/: `AssessmentDetailSerializer(detail).data`."""
    if not fastpaths.enabled():
        return represent(AssessmentDetailSerializer, detail)  # the serializer (core.fastpaths)
    at = datetime_representation()

    def when(value):
        return None if value is None else at(value)

    framework = detail["framework"]
    scope = detail["scope"]
    return {
        "id": detail["id"],
        "case_id": detail["case_id"],
        "case_reference": _text(detail["case_reference"]),
        "kind": _text(detail["kind"]),
        "kind_label": _text(detail["kind_label"]),
        "status": _text(detail["status"]),
        "status_label": _text(detail["status_label"]),
        "revision": detail["revision"],
        "previous_id": detail["previous_id"],
        "next_revision_id": detail["next_revision_id"],
        "framework": _framework_ref(framework),
        "lead": _text(detail["lead"]),
        "submitted_by": _text(detail["submitted_by"]),
        "submitted_at": when(detail["submitted_at"]),
        "approved_by": _text(detail["approved_by"]),
        "approved_at": when(detail["approved_at"]),
        "scope": {
            "ground": _text(scope["ground"]),
            "ground_label": _text(scope["ground_label"]),
            "confirmed": scope["confirmed"],
            "rationale": _text(scope["rationale"]),
        },
        "rules": {str(key): value for key, value in detail["rules"].items()},
        "policy_goal": {str(key): value for key, value in detail["policy_goal"].items()},
        "low_indicators_justification": _text(detail["low_indicators_justification"]),
        "no_consultation_reason": _text(detail["no_consultation_reason"]),
        "conditions": [
            {
                **_item(row),
                "status": _text(row["status"]),
                "status_label": _text(row["status_label"]),
                "rationale": _text(row["rationale"]),
                "evidence": _evidence(row["evidence"]),
                "updated_by": _text(row["updated_by"]),
            }
            for row in detail["conditions"]
        ],
        "checks": [
            {
                **_item(row),
                "answer": _text(row["answer"]),
                "answer_label": _text(row["answer_label"]),
                "passes": row["passes"],
                "rationale": _text(row["rationale"]),
                "evidence": _evidence(row["evidence"]),
                "updated_by": _text(row["updated_by"]),
            }
            for row in detail["checks"]
        ],
        "indicators": [
            {
                **_item(row),
                "scores": [
                    {
                        "assessor": _text(score["assessor"]),
                        "assessor_name": _text(score["assessor_name"]),
                        "level": score["level"],
                        "level_label": _text(score["level_label"]),
                        "rationale": _text(score["rationale"]),
                        "evidence": _evidence(score["evidence"]),
                        "scored_at": when(score["scored_at"]),
                    }
                    for score in row["scores"]
                ],
                "spread": row["spread"],
                "disagreement": row["disagreement"],
                "settlement": _settlement(row["settlement"], when),
                "final_level": row["final_level"],
                "final_level_label": _text(row["final_level_label"]),
                "how": _text(row["how"]),
            }
            for row in detail["indicators"]
        ],
        "disagreements": [_text(code) for code in detail["disagreements"]],
        "consultations": [_consultation(row, when) for row in detail["consultations"]],
        "open_consultations": list(detail["open_consultations"]),
        "reviews": [
            {
                "decision": _text(row["decision"]),
                "comments": _text(row["comments"]),
                "reviewer": _text(row["reviewer"]),
                "at": when(row["at"]),
            }
            for row in detail["reviews"]
        ],
        "result": _result(detail["result"]),
    }


def _settlement(row: dict | None, when) -> dict | None:
    if row is None:
        return None
    return {
        "level": row["level"],
        "level_label": _text(row["level_label"]),
        "rationale": _text(row["rationale"]),
        "settled_by": _text(row["settled_by"]),
        "settled_at": when(row["settled_at"]),
    }


def _consultation(row: dict, when) -> dict:
    due = row["due_date"]
    return {
        "id": row["id"],
        "ministry": _text(row["ministry"]),
        "ministry_label": _text(row["ministry_label"]),
        "advisor": _text(row["advisor"]),
        "question": _text(row["question"]),
        "covers": [_text(code) for code in row["covers"]],
        "due_date": None if due is None else due.isoformat(),
        "status": _text(row["status"]),
        "status_label": _text(row["status_label"]),
        "overdue": row["overdue"],
        "position": _text(row["position"]),
        "position_label": _text(row["position_label"]),
        "advice": _text(row["advice"]),
        "answered_at": when(row["answered_at"]),
        "waiver_reason": _text(row["waiver_reason"]),
        "waived_by": _text(row["waived_by"]),
        "waived_at": when(row["waived_at"]),
        "requested_at": when(row["requested_at"]),
        "response": _text(row["response"]),
        "responded_at": when(row["responded_at"]),
        "needs_response": row["needs_response"],
    }


def _text_list(values) -> list:
    return [_text(value) for value in values]


def _entry(row: dict) -> dict:
    """An AssessmentResultEntrySerializer row."""
    data = {
        "part": _text(row["part"]),
        "code": _text(row["code"]),
        "label": _text(row["label"]),
        "value": row.get("value"),
        "text": _text(row["text"]),
    }
    if "effect" in row:
        data["effect"] = _text(row["effect"])
    return data


def _result_indicator(row: dict) -> dict:
    data = {
        "code": _text(row["code"]),
        "label": _text(row["label"]),
        "kind": _text(row["kind"]),
        "weight": _text(row["weight"]),
        "scores": [None if level is None else int(level) for level in row["scores"]],
        "spread": row["spread"],
        "disagreement": row["disagreement"],
        "final_level": row.get("final_level"),
        "final_level_label": _text(row["final_level_label"]),
        "how": _text(row["how"]),
        "contribution": _text(row.get("contribution")),
    }
    if "counts" in row:
        data["counts"] = row["counts"]
    return data


# AssessmentResultSerializer's optional keys after `framework`, each with how its value is written;
# a missing one is left out, except policy_goal_crucial (nullable: DRF writes null for it).
_RESULT_OPTIONAL = (
    ("risk_rule", _text),
    ("deciding_indicators", lambda rows: [{str(k): v for k, v in row.items()} for row in rows]),
    ("broader_not_counted", _text_list),
    ("policy_goal_crucial", lambda value: value),
    ("policy_goal_rationale", _text),
    ("low_indicators_justification", _text),
    ("afstemming", lambda rows: [_entry(row) for row in rows]),
)


def _result(result: dict) -> dict:
    """The body of AssessmentResultSerializer."""
    data = {
        "kind": _text(result["kind"]),
        "outcome": _text(result["outcome"]),
        "outcome_label": _text(result["outcome_label"]),
        "explanation": _text(result["explanation"]),
        "reasons": [_entry(row) for row in result["reasons"]],
        "missing": [_entry(row) for row in result["missing"]],
        "drivers": [_entry(row) for row in result["drivers"]],
        "indicators": [_result_indicator(row) for row in result["indicators"]],
        "risk_score": _text(result.get("risk_score")),
        "risk_level": _text(result["risk_level"]),
        "risk_level_label": _text(result["risk_level_label"]),
        "risk_manageable": result.get("risk_manageable"),
    }
    if "framework" in result:
        framework = result["framework"]
        data["framework"] = None if framework is None else _framework_ref(framework)
    for key, write in _RESULT_OPTIONAL:
        if key in result or key == "policy_goal_crucial":
            value = result.get(key)
            data[key] = None if value is None else write(value)
    return data


def _framework_ref(framework: dict) -> dict:
    """A FrameworkRefSerializer row."""
    ref = {
        "id": framework["id"],
        "number": framework["number"],
        "name": _text(framework["name"]),
        "derived_from_letter": framework["derived_from_letter"],
    }
    if "notes" in framework:
        ref["notes"] = _text(framework["notes"])
    return ref
