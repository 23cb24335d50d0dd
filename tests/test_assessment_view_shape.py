"""GET /api/assessments/{id}/ keeps its body exactly: same keys in the same order, same values.

The expected bodies below were captured from the endpoint before its reads were reworked for speed;
ids, timestamps and the case reference are replaced by stable tokens (the test database hands out
different ones each run). Three assessments cover what the body can hold: an approved initial
assessment (frozen result, a returned and an approved review, an answered and a waived advice
request, a settled disagreement), its draft revision (computed result, an open and overdue
request, an unsettled disagreement) and a draft risk review (no conditions or checks), in Dutch
and in English. To re-capture after an intended change: SHAPE_SNAPSHOT_WRITE=/tmp/shape.json.
"""

import json
import os
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from access.roles import Role
from assessments.default_framework import DEFINITION
from assessments.models import ConsultationRequest
from assessments.services import (
    assessment_approve,
    assessment_return,
    assessment_revise,
    assessment_score,
    assessment_settle,
    assessment_start,
    assessment_submit,
    consultation_answer,
    consultation_request,
    consultation_waive,
)
from cases.models import Case
from cases.services import case_team_add

from .factories import fill_initial_assessment, make_case, score_all_indicators, start_risk_assessment

pytestmark = pytest.mark.django_db

_TS = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)")
_ITEM_TEXT = ("label_nl", "label_en", "guidance_nl", "guidance_en", "letter_citation", "question_nl", "question_en")


def _definition_rows() -> dict:
    return {row["code"]: row for part in ("conditions", "indicators", "checks") for row in DEFINITION[part]}


def _normalise(value, tokens: dict, key: str = ""):
    """Ids -> tokens from `tokens` ((kind, pk) -> name), timestamps -> "<ts>", dates -> days from
    today; a framework item's texts that are the (default) definition's -> "<definition>"."""
    if isinstance(value, dict):
        row = _definition_rows().get(value.get("code")) if "label_nl" in value else None
        if row is not None:
            value = dict(value)
            for name in _ITEM_TEXT:
                if name in value and value[name] == row.get(name, ""):
                    value[name] = "<definition>"
            for name in ("label_nl", "label_en"):
                if value["label"] == row[name]:
                    value["label"] = f"<{name}>"
        return {k: _normalise(v, tokens, k) for k, v in value.items()}
    if isinstance(value, list):
        if key == "open_consultations":
            return [tokens[("consultation", v)] for v in value]
        return [_normalise(v, tokens, key) for v in value]
    if isinstance(value, str) and _TS.fullmatch(value):
        return "<ts>"
    if key == "due_date" and value is not None:
        return f"today+{(date.fromisoformat(value) - timezone.localdate()).days}"
    if key in ("case_reference", "reference"):
        return "<reference>"
    return value


def _tokens(data: dict, tokens: dict) -> dict:
    """Replace the ids the body holds by their tokens (the ids sit at known places)."""
    data = json.loads(json.dumps(data))
    data["id"] = tokens[("assessment", data["id"])]
    data["case_id"] = tokens[("case", data["case_id"])]
    for key in ("previous_id", "next_revision_id"):
        if data[key] is not None:
            data[key] = tokens[("assessment", data[key])]
    data["framework"]["id"] = tokens[("framework", data["framework"]["id"])]
    if "framework" in data["result"]:
        data["result"]["framework"]["id"] = tokens[("framework", data["result"]["framework"]["id"])]
    for row in data["consultations"]:
        row["id"] = tokens[("consultation", row["id"])]
    return _normalise(data, tokens)


@pytest.fixture
def assessments(officer, assessor, assessor2, case, make_user, manager):
    assessor2.first_name, assessor2.last_name = "Anne", "de Beoordelaar"  # assessor_name is the full name
    assessor2.save(update_fields=["first_name", "last_name"])
    advisor = make_user("adviseur", Role.DEPARTMENT_ADVISOR, organisation="Defensie")
    advisor_x = make_user("adviseur_x", Role.DEPARTMENT_ADVISOR, organisation="Ministerie X")
    advisor_jenv = make_user("adviseur_jenv", Role.DEPARTMENT_ADVISOR, organisation="JenV")
    for member in (advisor, advisor_x, advisor_jenv):
        case_team_add(user=officer, case=case, member=member, role=Role.DEPARTMENT_ADVISOR)
    start_risk_assessment(case, officer=officer)
    first = _pinned_to_version_1(assessment_start(user=assessor, case=case))
    fill_initial_assessment(first, lead=assessor)
    framework = first.framework.framework
    core = [i.code for i in framework.core_indicators]
    broader = [i.code for i in framework.indicators if i.kind == "broader"]
    assessment_score(
        user=assessor2,
        assessment=first,
        indicator=core[0],
        level=1,
        rationale="Lager ingeschat.",
        evidence=[{"title": "Notitie", "source": "AIVD", "url": "https://example.org/n"}],
    )
    assessment_settle(user=assessor, assessment=first, indicator=core[0], level=2, rationale="Midden gekozen.")
    assessment_score(user=assessor2, assessment=first, indicator=broader[0], level=2, rationale="Enige rol.")
    answered = consultation_request(
        user=assessor,
        assessment=first,
        ministry="defensie",
        advisor=advisor,
        question="Leverancier voor Defensie?",
        covers=[core[2], "proportionality"],
        due_date=timezone.localdate() + timedelta(days=2),
    )
    consultation_answer(user=advisor, consultation=answered, position="concerns", advice="Zorgen over de keten.")
    waived = consultation_request(
        user=assessor,
        assessment=first,
        ministry="other",
        ministry_other="Ministerie X",
        advisor=advisor_x,
        question="Rol van X?",
        covers=[core[1]],
        due_date=timezone.localdate() + timedelta(days=5),
    )
    consultation_waive(user=assessor, consultation=waived, reason="Niet nodig gebleken.")
    assessment_submit(user=assessor, assessment=first)
    assessment_return(user=assessor2, assessment=first, comments="Onderbouw de keten beter.")
    assessment_submit(user=assessor, assessment=first)
    first = assessment_approve(user=assessor2, assessment=first, comments="Akkoord.")

    second = assessment_revise(user=assessor, assessment=first)
    assessment_score(user=assessor2, assessment=second, indicator=core[1], level=1, rationale="Veel lager.")
    open_request = consultation_request(
        user=assessor,
        assessment=second,
        ministry="jenv",
        advisor=advisor_jenv,
        question="Nog steeds?",
        covers=[core[1], "state_actor_influence"],
        due_date=timezone.localdate() + timedelta(days=1),
    )
    ConsultationRequest.objects.filter(pk=open_request.pk).update(overdue_flagged_at=timezone.now())

    other = make_case(
        officer=officer, team={assessor: Role.RISK_ASSESSOR, assessor2: Role.RISK_ASSESSOR, manager: Role.FUND_MANAGER}
    )
    Case.objects.filter(pk=other.pk).update(state="monitoring")
    review = _pinned_to_version_1(
        assessment_start(user=assessor, case=Case.objects.get(pk=other.pk), kind="risk_review")
    )
    score_all_indicators(review, assessor=assessor, level=2)
    assessment_score(user=assessor2, assessment=review, indicator=core[0], level=4, rationale="Zeer hoog.")

    tokens = {
        ("assessment", first.pk): "first",
        ("assessment", second.pk): "second",
        ("assessment", review.pk): "review",
        ("case", case.pk): "case",
        ("case", other.pk): "other_case",
        ("framework", first.framework_id): "framework",
        ("consultation", answered.pk): "answered",
        ("consultation", waived.pk): "waived",
        ("consultation", open_request.pk): "open",
    }
    return {"first": first, "second": second, "review": review}, tokens


def _pinned_to_version_1(assessment):
    """The bodies were captured with version 1 (the default then); an assessment made then keeps it."""
    from assessments.models import Assessment, FrameworkVersion

    Assessment.objects.filter(pk=assessment.pk).update(framework=FrameworkVersion.objects.get(number=1))
    assessment.refresh_from_db()
    return assessment


def _bodies(api, assessor, assessments) -> dict:
    rows, tokens = assessments
    client = api(assessor)
    bodies = {}
    for name, language in (("first", "nl"), ("second", "nl"), ("review", "nl"), ("second", "en")):
        response = client.get(f"/api/assessments/{rows[name].pk}/", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, response.content[:300]
        bodies[f"{name}_{language}"] = _tokens(response.json(), tokens)
    return bodies


def _dump(bodies: dict) -> str:
    """One line per top-level key, one line per row of a list of rows (readable diffs)."""

    def one(value):
        return json.dumps(value, ensure_ascii=False)

    lines = ["{"]
    for b, (name, body) in enumerate(bodies.items()):
        lines.append(f" {one(name)}: {{")
        for k, (key, value) in enumerate(body.items()):
            end = "," if k < len(body) - 1 else ""
            if isinstance(value, list) and value and isinstance(value[0], dict):
                lines.append(f"  {one(key)}: [")
                lines.extend(f"   {one(row)}{',' if r < len(value) - 1 else ''}" for r, row in enumerate(value))
                lines.append(f"  ]{end}")
            elif isinstance(value, dict) and len(one(value)) > 200:
                lines.append(f"  {one(key)}: {{")
                lines.extend(
                    f"   {one(kk)}: {one(vv)}{',' if r < len(value) - 1 else ''}"
                    for r, (kk, vv) in enumerate(value.items())
                )
                lines.append(f"  }}{end}")
            else:
                lines.append(f"  {one(key)}: {one(value)}{end}")
        lines.append(" }" + ("," if b < len(bodies) - 1 else ""))
    lines.append("}")
    return "\n".join(lines)


def test_assessment_detail_body_is_unchanged(api, assessor, assessments):
    bodies = _bodies(api, assessor, assessments)
    out = os.environ.get("SHAPE_SNAPSHOT_WRITE")
    if out:
        Path(out).write_text(_dump(bodies))
    expected = json.loads(EXPECTED)
    for name, body in bodies.items():
        # Compared as text: the order of the keys is part of the shape.
        assert json.dumps(body, ensure_ascii=False, indent=1) == json.dumps(
            expected[name], ensure_ascii=False, indent=1
        ), name
    assert list(bodies) == list(expected)


EXPECTED = r"""
{
 "first_nl": {
  "id": "first",
  "case_id": "case",
  "case_reference": "<reference>",
  "kind": "initial",
  "kind_label": "Risico-inschatting",
  "status": "approved",
  "status_label": "Goedgekeurd",
  "revision": 1,
  "previous_id": null,
  "next_revision_id": "second",
  "framework": {
   "id": "framework",
   "number": 1,
   "name": "Standaard afwegingskader uit de Kamerbrief 2023",
   "derived_from_letter": true,
   "notes": "Voorwaarden, indicatoren en toetsen komen uit de Kamerbrief (2023). De brief geeft geen schaal, gewichten of drempels: die zijn in deze versie aannames (kernindicatoren gewicht 1, bredere indicator 0,5; drempels 1,5 / 2,5 / 3,25 op een schaal van 0 tot 4). Publiceer een nieuwe versie om ze te wijzigen."
  },
  "lead": "assessor",
  "submitted_by": "assessor",
  "submitted_at": "<ts>",
  "approved_by": "assessor2",
  "approved_at": "<ts>",
  "scope": {
   "ground": "essential_supplier",
   "ground_label": "Essentiële toeleverancier van vitale aanbieders of sensitieve-technologiebedrijven, (nog) niet binnen de toetsing",
   "confirmed": true,
   "rationale": "Toeleverancier valt (nog) niet onder de Wet vifo."
  },
  "rules": {"risk_rule": "weighted_mean", "broader_requires_crucial": false, "low_indicators_rule": false, "afstemming_in_outcome": false},
  "policy_goal": {"crucial": null, "rationale": ""},
  "low_indicators_justification": "",
  "no_consultation_reason": "",
  "conditions": [
   {"part": "condition", "code": "national_security_risk", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "status": "met", "status_label": "Voldaan", "rationale": "Onderbouwd met de bronnen in het dossier.", "evidence": [{"title": "Analyse", "source": "EZK", "url": "", "document_id": null}], "updated_by": "assessor"},
   {"part": "condition", "code": "state_actor_influence", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "status": "met", "status_label": "Voldaan", "rationale": "Onderbouwd met de bronnen in het dossier.", "evidence": [{"title": "Analyse", "source": "EZK", "url": "", "document_id": null}], "updated_by": "assessor"}
  ],
  "checks": [
   {"part": "check", "code": "existing_instruments_insufficient", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "question_nl": "<definition>", "question_en": "<definition>", "answer": "yes", "answer_label": "Ja", "passes": true, "rationale": "Beoordeeld en doorstaan.", "evidence": [], "updated_by": "assessor"},
   {"part": "check", "code": "no_market_financing", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "question_nl": "<definition>", "question_en": "<definition>", "answer": "yes", "answer_label": "Ja", "passes": true, "rationale": "Beoordeeld en doorstaan.", "evidence": [], "updated_by": "assessor"},
   {"part": "check", "code": "no_strategic_behaviour", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "question_nl": "<definition>", "question_en": "<definition>", "answer": "yes", "answer_label": "Ja", "passes": true, "rationale": "Beoordeeld en doorstaan.", "evidence": [], "updated_by": "assessor"},
   {"part": "check", "code": "proportionality", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "question_nl": "<definition>", "question_en": "<definition>", "answer": "yes", "answer_label": "Ja", "passes": true, "rationale": "Beoordeeld en doorstaan.", "evidence": [], "updated_by": "assessor"}
  ],
  "indicators": [
   {"part": "indicator", "code": "unique_knowledge_technology", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 3, "level_label": "Hoog", "rationale": "Score 3 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}, {"assessor": "assessor2", "assessor_name": "Anne de Beoordelaar", "level": 1, "level_label": "Laag", "rationale": "Lager ingeschat.", "evidence": [{"title": "Notitie", "source": "AIVD", "url": "https://example.org/n", "document_id": null}], "scored_at": "<ts>"}], "spread": 2, "disagreement": true, "settlement": {"level": 2, "level_label": "Midden", "rationale": "Midden gekozen.", "settled_by": "assessor", "settled_at": "<ts>"}, "final_level": 2, "final_level_label": "Midden", "how": "settled"},
   {"part": "indicator", "code": "ecosystem_position", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 3, "level_label": "Hoog", "rationale": "Score 3 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 3, "final_level_label": "Hoog", "how": "agreed"},
   {"part": "indicator", "code": "vital_processes", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 3, "level_label": "Hoog", "rationale": "Score 3 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 3, "final_level_label": "Hoog", "how": "agreed"},
   {"part": "indicator", "code": "knowledge_integrity", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 3, "level_label": "Hoog", "rationale": "Score 3 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 3, "final_level_label": "Hoog", "how": "agreed"},
   {"part": "indicator", "code": "societal_challenges", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "broader", "weight": "0.50", "scores": [{"assessor": "assessor2", "assessor_name": "Anne de Beoordelaar", "level": 2, "level_label": "Midden", "rationale": "Enige rol.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 2, "final_level_label": "Midden", "how": "agreed"}
  ],
  "disagreements": [],
  "consultations": [
   {"id": "answered", "ministry": "defensie", "ministry_label": "Defensie", "advisor": "adviseur", "question": "Leverancier voor Defensie?", "covers": ["vital_processes", "proportionality"], "due_date": "today+2", "status": "answered", "status_label": "Beantwoord", "overdue": false, "position": "concerns", "position_label": "Heeft zorgen", "advice": "Zorgen over de keten.", "answered_at": "<ts>", "waiver_reason": "", "waived_by": null, "waived_at": null, "requested_at": "<ts>", "response": "", "responded_at": null, "needs_response": true},
   {"id": "waived", "ministry": "other", "ministry_label": "Ministerie X", "advisor": "adviseur_x", "question": "Rol van X?", "covers": ["ecosystem_position"], "due_date": "today+5", "status": "waived", "status_label": "Afgezien (met reden)", "overdue": false, "position": "", "position_label": "", "advice": "", "answered_at": null, "waiver_reason": "Niet nodig gebleken.", "waived_by": "assessor", "waived_at": "<ts>", "requested_at": "<ts>", "response": "", "responded_at": null, "needs_response": false}
  ],
  "open_consultations": [],
  "reviews": [
   {"decision": "returned", "comments": "Onderbouw de keten beter.", "reviewer": "assessor2", "at": "<ts>"},
   {"decision": "approved", "comments": "Akkoord.", "reviewer": "assessor2", "at": "<ts>"}
  ],
  "result": {
   "kind": "initial",
   "outcome": "deploy",
   "outcome_label": "Inzetten",
   "explanation": "Advies: inzetten. De reikwijdtegrond is bevestigd, aan beide noodzakelijke voorwaarden is voldaan en alle toetsen zijn doorstaan. Risiconiveau: hoog (gewogen score 2,67), vooral bepaald door: Cruciale positie in ecosystemen; Integriteit en exclusiviteit van kennis en informatie; Belang voor vitale processen.",
   "reasons": [],
   "missing": [],
   "drivers": [{"part": "scope", "code": "scope_ground", "label": "Reikwijdtegrond", "value": true, "text": "De reikwijdtegrond is bevestigd.", "effect": "supports"}, {"part": "condition", "code": "national_security_risk", "label": "Risico's voor de nationale veiligheid", "value": "met", "text": "Voorwaarde voldaan.", "effect": "supports"}, {"part": "condition", "code": "state_actor_influence", "label": "Directe of indirecte invloed van een statelijke actor", "value": "met", "text": "Voorwaarde voldaan.", "effect": "supports"}, {"part": "check", "code": "existing_instruments_insufficient", "label": "Bestaande instrumenten schieten tekort", "value": "yes", "text": "Toets doorstaan.", "effect": "supports"}, {"part": "check", "code": "no_market_financing", "label": "Geen alternatieve financiering in de markt", "value": "yes", "text": "Toets doorstaan.", "effect": "supports"}, {"part": "check", "code": "no_strategic_behaviour", "label": "Geen strategisch gedrag van de onderneming", "value": "yes", "text": "Toets doorstaan.", "effect": "supports"}, {"part": "check", "code": "proportionality", "label": "Proportionaliteit", "value": "yes", "text": "Toets doorstaan.", "effect": "supports"}, {"part": "indicator", "code": "ecosystem_position", "label": "Cruciale positie in ecosystemen", "value": 3, "text": "Weegt mee in het risiconiveau met bijdrage 3,00 (gewicht 1,00).", "effect": "risk"}, {"part": "indicator", "code": "knowledge_integrity", "label": "Integriteit en exclusiviteit van kennis en informatie", "value": 3, "text": "Weegt mee in het risiconiveau met bijdrage 3,00 (gewicht 1,00).", "effect": "risk"}, {"part": "indicator", "code": "vital_processes", "label": "Belang voor vitale processen", "value": 3, "text": "Weegt mee in het risiconiveau met bijdrage 3,00 (gewicht 1,00).", "effect": "risk"}, {"part": "indicator", "code": "unique_knowledge_technology", "label": "Unieke en gevoelige kennis en technologie", "value": 2, "text": "Weegt mee in het risiconiveau met bijdrage 2,00 (gewicht 1,00).", "effect": "risk"}, {"part": "indicator", "code": "societal_challenges", "label": "Bijdrage aan maatschappelijke uitdagingen en beleidsdoelen", "value": 2, "text": "Weegt mee in het risiconiveau met bijdrage 1,00 (gewicht 0,50).", "effect": "risk"}],
   "indicators": [{"code": "unique_knowledge_technology", "label": "Unieke en gevoelige kennis en technologie", "kind": "core", "weight": "1.00", "scores": [1, 3], "spread": 2, "disagreement": true, "final_level": 2, "final_level_label": "Midden", "how": "settled", "contribution": "2.00", "counts": true}, {"code": "ecosystem_position", "label": "Cruciale positie in ecosystemen", "kind": "core", "weight": "1.00", "scores": [3], "spread": 0, "disagreement": false, "final_level": 3, "final_level_label": "Hoog", "how": "agreed", "contribution": "3.00", "counts": true}, {"code": "vital_processes", "label": "Belang voor vitale processen", "kind": "core", "weight": "1.00", "scores": [3], "spread": 0, "disagreement": false, "final_level": 3, "final_level_label": "Hoog", "how": "agreed", "contribution": "3.00", "counts": true}, {"code": "knowledge_integrity", "label": "Integriteit en exclusiviteit van kennis en informatie", "kind": "core", "weight": "1.00", "scores": [3], "spread": 0, "disagreement": false, "final_level": 3, "final_level_label": "Hoog", "how": "agreed", "contribution": "3.00", "counts": true}, {"code": "societal_challenges", "label": "Bijdrage aan maatschappelijke uitdagingen en beleidsdoelen", "kind": "broader", "weight": "0.50", "scores": [2], "spread": 0, "disagreement": false, "final_level": 2, "final_level_label": "Midden", "how": "agreed", "contribution": "1.00", "counts": true}],
   "risk_score": "2.67",
   "risk_level": "hoog",
   "risk_level_label": "hoog",
   "risk_manageable": false,
   "framework": {"id": "framework", "number": 1, "name": "Standaard afwegingskader uit de Kamerbrief 2023", "derived_from_letter": true},
   "risk_rule": "weighted_mean",
   "deciding_indicators": [],
   "broader_not_counted": [],
   "policy_goal_crucial": null,
   "policy_goal_rationale": "",
   "low_indicators_justification": "",
   "afstemming": []
  }
 },
 "second_nl": {
  "id": "second",
  "case_id": "case",
  "case_reference": "<reference>",
  "kind": "initial",
  "kind_label": "Risico-inschatting",
  "status": "draft",
  "status_label": "Concept",
  "revision": 2,
  "previous_id": "first",
  "next_revision_id": null,
  "framework": {
   "id": "framework",
   "number": 1,
   "name": "Standaard afwegingskader uit de Kamerbrief 2023",
   "derived_from_letter": true,
   "notes": "Voorwaarden, indicatoren en toetsen komen uit de Kamerbrief (2023). De brief geeft geen schaal, gewichten of drempels: die zijn in deze versie aannames (kernindicatoren gewicht 1, bredere indicator 0,5; drempels 1,5 / 2,5 / 3,25 op een schaal van 0 tot 4). Publiceer een nieuwe versie om ze te wijzigen."
  },
  "lead": "assessor",
  "submitted_by": null,
  "submitted_at": null,
  "approved_by": null,
  "approved_at": null,
  "scope": {
   "ground": "essential_supplier",
   "ground_label": "Essentiële toeleverancier van vitale aanbieders of sensitieve-technologiebedrijven, (nog) niet binnen de toetsing",
   "confirmed": true,
   "rationale": "Toeleverancier valt (nog) niet onder de Wet vifo."
  },
  "rules": {"risk_rule": "weighted_mean", "broader_requires_crucial": false, "low_indicators_rule": false, "afstemming_in_outcome": false},
  "policy_goal": {"crucial": null, "rationale": ""},
  "low_indicators_justification": "",
  "no_consultation_reason": "",
  "conditions": [
   {"part": "condition", "code": "national_security_risk", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "status": "met", "status_label": "Voldaan", "rationale": "Onderbouwd met de bronnen in het dossier.", "evidence": [{"title": "Analyse", "source": "EZK", "url": "", "document_id": null}], "updated_by": "assessor"},
   {"part": "condition", "code": "state_actor_influence", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "status": "met", "status_label": "Voldaan", "rationale": "Onderbouwd met de bronnen in het dossier.", "evidence": [{"title": "Analyse", "source": "EZK", "url": "", "document_id": null}], "updated_by": "assessor"}
  ],
  "checks": [
   {"part": "check", "code": "existing_instruments_insufficient", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "question_nl": "<definition>", "question_en": "<definition>", "answer": "yes", "answer_label": "Ja", "passes": true, "rationale": "Beoordeeld en doorstaan.", "evidence": [], "updated_by": "assessor"},
   {"part": "check", "code": "no_market_financing", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "question_nl": "<definition>", "question_en": "<definition>", "answer": "yes", "answer_label": "Ja", "passes": true, "rationale": "Beoordeeld en doorstaan.", "evidence": [], "updated_by": "assessor"},
   {"part": "check", "code": "no_strategic_behaviour", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "question_nl": "<definition>", "question_en": "<definition>", "answer": "yes", "answer_label": "Ja", "passes": true, "rationale": "Beoordeeld en doorstaan.", "evidence": [], "updated_by": "assessor"},
   {"part": "check", "code": "proportionality", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "question_nl": "<definition>", "question_en": "<definition>", "answer": "yes", "answer_label": "Ja", "passes": true, "rationale": "Beoordeeld en doorstaan.", "evidence": [], "updated_by": "assessor"}
  ],
  "indicators": [
   {"part": "indicator", "code": "unique_knowledge_technology", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 3, "level_label": "Hoog", "rationale": "Score 3 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}, {"assessor": "assessor2", "assessor_name": "Anne de Beoordelaar", "level": 1, "level_label": "Laag", "rationale": "Lager ingeschat.", "evidence": [{"title": "Notitie", "source": "AIVD", "url": "https://example.org/n", "document_id": null}], "scored_at": "<ts>"}], "spread": 2, "disagreement": true, "settlement": {"level": 2, "level_label": "Midden", "rationale": "Midden gekozen.", "settled_by": "assessor", "settled_at": "<ts>"}, "final_level": 2, "final_level_label": "Midden", "how": "settled"},
   {"part": "indicator", "code": "ecosystem_position", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 3, "level_label": "Hoog", "rationale": "Score 3 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}, {"assessor": "assessor2", "assessor_name": "Anne de Beoordelaar", "level": 1, "level_label": "Laag", "rationale": "Veel lager.", "evidence": [], "scored_at": "<ts>"}], "spread": 2, "disagreement": true, "settlement": null, "final_level": null, "final_level_label": "", "how": "disagreement"},
   {"part": "indicator", "code": "vital_processes", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 3, "level_label": "Hoog", "rationale": "Score 3 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 3, "final_level_label": "Hoog", "how": "agreed"},
   {"part": "indicator", "code": "knowledge_integrity", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 3, "level_label": "Hoog", "rationale": "Score 3 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 3, "final_level_label": "Hoog", "how": "agreed"},
   {"part": "indicator", "code": "societal_challenges", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "broader", "weight": "0.50", "scores": [{"assessor": "assessor2", "assessor_name": "Anne de Beoordelaar", "level": 2, "level_label": "Midden", "rationale": "Enige rol.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 2, "final_level_label": "Midden", "how": "agreed"}
  ],
  "disagreements": ["ecosystem_position"],
  "consultations": [
   {"id": "open", "ministry": "jenv", "ministry_label": "Justitie en Veiligheid (JenV)", "advisor": "adviseur_jenv", "question": "Nog steeds?", "covers": ["ecosystem_position", "state_actor_influence"], "due_date": "today+1", "status": "open", "status_label": "Openstaand", "overdue": true, "position": "", "position_label": "", "advice": "", "answered_at": null, "waiver_reason": "", "waived_by": null, "waived_at": null, "requested_at": "<ts>", "response": "", "responded_at": null, "needs_response": false}
  ],
  "open_consultations": ["open"],
  "reviews": [],
  "result": {
   "kind": "initial",
   "outcome": "insufficient_information",
   "outcome_label": "Onvoldoende informatie",
   "explanation": "Onvoldoende informatie voor een advies. Nog vast te stellen: Cruciale positie in ecosystemen. Het risiconiveau is nog niet te bepalen: niet alle kernindicatoren hebben een score.",
   "reasons": [],
   "missing": [{"part": "indicator", "code": "ecosystem_position", "label": "Cruciale positie in ecosystemen", "value": null, "text": "De scores lopen uiteen en zijn nog niet vastgesteld door de eerste beoordelaar."}],
   "drivers": [{"part": "indicator", "code": "ecosystem_position", "label": "Cruciale positie in ecosystemen", "value": null, "text": "De scores lopen uiteen en zijn nog niet vastgesteld door de eerste beoordelaar.", "effect": "missing"}, {"part": "indicator", "code": "knowledge_integrity", "label": "Integriteit en exclusiviteit van kennis en informatie", "value": 3, "text": "Weegt mee in het risiconiveau met bijdrage 3,00 (gewicht 1,00).", "effect": "risk"}, {"part": "indicator", "code": "vital_processes", "label": "Belang voor vitale processen", "value": 3, "text": "Weegt mee in het risiconiveau met bijdrage 3,00 (gewicht 1,00).", "effect": "risk"}, {"part": "indicator", "code": "unique_knowledge_technology", "label": "Unieke en gevoelige kennis en technologie", "value": 2, "text": "Weegt mee in het risiconiveau met bijdrage 2,00 (gewicht 1,00).", "effect": "risk"}, {"part": "indicator", "code": "societal_challenges", "label": "Bijdrage aan maatschappelijke uitdagingen en beleidsdoelen", "value": 2, "text": "Weegt mee in het risiconiveau met bijdrage 1,00 (gewicht 0,50).", "effect": "risk"}],
   "indicators": [{"code": "unique_knowledge_technology", "label": "Unieke en gevoelige kennis en technologie", "kind": "core", "weight": "1.00", "scores": [1, 3], "spread": 2, "disagreement": true, "final_level": 2, "final_level_label": "Midden", "how": "settled", "contribution": "2.00", "counts": true}, {"code": "ecosystem_position", "label": "Cruciale positie in ecosystemen", "kind": "core", "weight": "1.00", "scores": [1, 3], "spread": 2, "disagreement": true, "final_level": null, "final_level_label": "", "how": "disagreement", "contribution": null, "counts": false}, {"code": "vital_processes", "label": "Belang voor vitale processen", "kind": "core", "weight": "1.00", "scores": [3], "spread": 0, "disagreement": false, "final_level": 3, "final_level_label": "Hoog", "how": "agreed", "contribution": "3.00", "counts": true}, {"code": "knowledge_integrity", "label": "Integriteit en exclusiviteit van kennis en informatie", "kind": "core", "weight": "1.00", "scores": [3], "spread": 0, "disagreement": false, "final_level": 3, "final_level_label": "Hoog", "how": "agreed", "contribution": "3.00", "counts": true}, {"code": "societal_challenges", "label": "Bijdrage aan maatschappelijke uitdagingen en beleidsdoelen", "kind": "broader", "weight": "0.50", "scores": [2], "spread": 0, "disagreement": false, "final_level": 2, "final_level_label": "Midden", "how": "agreed", "contribution": "1.00", "counts": true}],
   "risk_score": null,
   "risk_level": "",
   "risk_level_label": "",
   "risk_manageable": null,
   "risk_rule": "weighted_mean",
   "deciding_indicators": [],
   "broader_not_counted": [],
   "policy_goal_crucial": null,
   "policy_goal_rationale": "",
   "low_indicators_justification": "",
   "afstemming": []
  }
 },
 "review_nl": {
  "id": "review",
  "case_id": "other_case",
  "case_reference": "<reference>",
  "kind": "risk_review",
  "kind_label": "Periodieke risicoherbeoordeling (monitoring)",
  "status": "draft",
  "status_label": "Concept",
  "revision": 1,
  "previous_id": null,
  "next_revision_id": null,
  "framework": {
   "id": "framework",
   "number": 1,
   "name": "Standaard afwegingskader uit de Kamerbrief 2023",
   "derived_from_letter": true,
   "notes": "Voorwaarden, indicatoren en toetsen komen uit de Kamerbrief (2023). De brief geeft geen schaal, gewichten of drempels: die zijn in deze versie aannames (kernindicatoren gewicht 1, bredere indicator 0,5; drempels 1,5 / 2,5 / 3,25 op een schaal van 0 tot 4). Publiceer een nieuwe versie om ze te wijzigen."
  },
  "lead": "assessor",
  "submitted_by": null,
  "submitted_at": null,
  "approved_by": null,
  "approved_at": null,
  "scope": {"ground": "", "ground_label": "", "confirmed": null, "rationale": ""},
  "rules": {"risk_rule": "weighted_mean", "broader_requires_crucial": false, "low_indicators_rule": false, "afstemming_in_outcome": false},
  "policy_goal": {"crucial": null, "rationale": ""},
  "low_indicators_justification": "",
  "no_consultation_reason": "",
  "conditions": [],
  "checks": [],
  "indicators": [
   {"part": "indicator", "code": "unique_knowledge_technology", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 2, "level_label": "Midden", "rationale": "Score 2 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}, {"assessor": "assessor2", "assessor_name": "Anne de Beoordelaar", "level": 4, "level_label": "Zeer hoog", "rationale": "Zeer hoog.", "evidence": [], "scored_at": "<ts>"}], "spread": 2, "disagreement": true, "settlement": null, "final_level": null, "final_level_label": "", "how": "disagreement"},
   {"part": "indicator", "code": "ecosystem_position", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 2, "level_label": "Midden", "rationale": "Score 2 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 2, "final_level_label": "Midden", "how": "agreed"},
   {"part": "indicator", "code": "vital_processes", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 2, "level_label": "Midden", "rationale": "Score 2 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 2, "final_level_label": "Midden", "how": "agreed"},
   {"part": "indicator", "code": "knowledge_integrity", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 2, "level_label": "Midden", "rationale": "Score 2 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 2, "final_level_label": "Midden", "how": "agreed"},
   {"part": "indicator", "code": "societal_challenges", "label": "<label_nl>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "broader", "weight": "0.50", "scores": [], "spread": 0, "disagreement": false, "settlement": null, "final_level": null, "final_level_label": "", "how": "unscored"}
  ],
  "disagreements": ["unique_knowledge_technology"],
  "consultations": [],
  "open_consultations": [],
  "reviews": [],
  "result": {
   "kind": "risk_review",
   "outcome": "",
   "outcome_label": "",
   "explanation": "Het risiconiveau is nog niet te bepalen: niet alle kernindicatoren hebben een score.",
   "reasons": [],
   "missing": [{"part": "indicator", "code": "unique_knowledge_technology", "label": "Unieke en gevoelige kennis en technologie", "value": null, "text": "De scores lopen uiteen en zijn nog niet vastgesteld door de eerste beoordelaar."}],
   "drivers": [{"part": "indicator", "code": "unique_knowledge_technology", "label": "Unieke en gevoelige kennis en technologie", "value": null, "text": "De scores lopen uiteen en zijn nog niet vastgesteld door de eerste beoordelaar.", "effect": "missing"}, {"part": "indicator", "code": "ecosystem_position", "label": "Cruciale positie in ecosystemen", "value": 2, "text": "Weegt mee in het risiconiveau met bijdrage 2,00 (gewicht 1,00).", "effect": "risk"}, {"part": "indicator", "code": "knowledge_integrity", "label": "Integriteit en exclusiviteit van kennis en informatie", "value": 2, "text": "Weegt mee in het risiconiveau met bijdrage 2,00 (gewicht 1,00).", "effect": "risk"}, {"part": "indicator", "code": "vital_processes", "label": "Belang voor vitale processen", "value": 2, "text": "Weegt mee in het risiconiveau met bijdrage 2,00 (gewicht 1,00).", "effect": "risk"}],
   "indicators": [{"code": "unique_knowledge_technology", "label": "Unieke en gevoelige kennis en technologie", "kind": "core", "weight": "1.00", "scores": [2, 4], "spread": 2, "disagreement": true, "final_level": null, "final_level_label": "", "how": "disagreement", "contribution": null, "counts": false}, {"code": "ecosystem_position", "label": "Cruciale positie in ecosystemen", "kind": "core", "weight": "1.00", "scores": [2], "spread": 0, "disagreement": false, "final_level": 2, "final_level_label": "Midden", "how": "agreed", "contribution": "2.00", "counts": true}, {"code": "vital_processes", "label": "Belang voor vitale processen", "kind": "core", "weight": "1.00", "scores": [2], "spread": 0, "disagreement": false, "final_level": 2, "final_level_label": "Midden", "how": "agreed", "contribution": "2.00", "counts": true}, {"code": "knowledge_integrity", "label": "Integriteit en exclusiviteit van kennis en informatie", "kind": "core", "weight": "1.00", "scores": [2], "spread": 0, "disagreement": false, "final_level": 2, "final_level_label": "Midden", "how": "agreed", "contribution": "2.00", "counts": true}, {"code": "societal_challenges", "label": "Bijdrage aan maatschappelijke uitdagingen en beleidsdoelen", "kind": "broader", "weight": "0.50", "scores": [], "spread": 0, "disagreement": false, "final_level": null, "final_level_label": "", "how": "unscored", "contribution": null, "counts": false}],
   "risk_score": null,
   "risk_level": "",
   "risk_level_label": "",
   "risk_manageable": null,
   "risk_rule": "weighted_mean",
   "deciding_indicators": [],
   "broader_not_counted": [],
   "policy_goal_crucial": null,
   "policy_goal_rationale": "",
   "low_indicators_justification": "",
   "afstemming": []
  }
 },
 "second_en": {
  "id": "second",
  "case_id": "case",
  "case_reference": "<reference>",
  "kind": "initial",
  "kind_label": "Risk assessment",
  "status": "draft",
  "status_label": "Draft",
  "revision": 2,
  "previous_id": "first",
  "next_revision_id": null,
  "framework": {
   "id": "framework",
   "number": 1,
   "name": "Standaard afwegingskader uit de Kamerbrief 2023",
   "derived_from_letter": true,
   "notes": "Voorwaarden, indicatoren en toetsen komen uit de Kamerbrief (2023). De brief geeft geen schaal, gewichten of drempels: die zijn in deze versie aannames (kernindicatoren gewicht 1, bredere indicator 0,5; drempels 1,5 / 2,5 / 3,25 op een schaal van 0 tot 4). Publiceer een nieuwe versie om ze te wijzigen."
  },
  "lead": "assessor",
  "submitted_by": null,
  "submitted_at": null,
  "approved_by": null,
  "approved_at": null,
  "scope": {
   "ground": "essential_supplier",
   "ground_label": "Essential supplier of vital providers or sensitive-technology companies, not (yet) within screening",
   "confirmed": true,
   "rationale": "Toeleverancier valt (nog) niet onder de Wet vifo."
  },
  "rules": {"risk_rule": "weighted_mean", "broader_requires_crucial": false, "low_indicators_rule": false, "afstemming_in_outcome": false},
  "policy_goal": {"crucial": null, "rationale": ""},
  "low_indicators_justification": "",
  "no_consultation_reason": "",
  "conditions": [
   {"part": "condition", "code": "national_security_risk", "label": "<label_en>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "status": "met", "status_label": "Met", "rationale": "Onderbouwd met de bronnen in het dossier.", "evidence": [{"title": "Analyse", "source": "EZK", "url": "", "document_id": null}], "updated_by": "assessor"},
   {"part": "condition", "code": "state_actor_influence", "label": "<label_en>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "status": "met", "status_label": "Met", "rationale": "Onderbouwd met de bronnen in het dossier.", "evidence": [{"title": "Analyse", "source": "EZK", "url": "", "document_id": null}], "updated_by": "assessor"}
  ],
  "checks": [
   {"part": "check", "code": "existing_instruments_insufficient", "label": "<label_en>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "question_nl": "<definition>", "question_en": "<definition>", "answer": "yes", "answer_label": "Yes", "passes": true, "rationale": "Beoordeeld en doorstaan.", "evidence": [], "updated_by": "assessor"},
   {"part": "check", "code": "no_market_financing", "label": "<label_en>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "question_nl": "<definition>", "question_en": "<definition>", "answer": "yes", "answer_label": "Yes", "passes": true, "rationale": "Beoordeeld en doorstaan.", "evidence": [], "updated_by": "assessor"},
   {"part": "check", "code": "no_strategic_behaviour", "label": "<label_en>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "question_nl": "<definition>", "question_en": "<definition>", "answer": "yes", "answer_label": "Yes", "passes": true, "rationale": "Beoordeeld en doorstaan.", "evidence": [], "updated_by": "assessor"},
   {"part": "check", "code": "proportionality", "label": "<label_en>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "question_nl": "<definition>", "question_en": "<definition>", "answer": "yes", "answer_label": "Yes", "passes": true, "rationale": "Beoordeeld en doorstaan.", "evidence": [], "updated_by": "assessor"}
  ],
  "indicators": [
   {"part": "indicator", "code": "unique_knowledge_technology", "label": "<label_en>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 3, "level_label": "High", "rationale": "Score 3 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}, {"assessor": "assessor2", "assessor_name": "Anne de Beoordelaar", "level": 1, "level_label": "Low", "rationale": "Lager ingeschat.", "evidence": [{"title": "Notitie", "source": "AIVD", "url": "https://example.org/n", "document_id": null}], "scored_at": "<ts>"}], "spread": 2, "disagreement": true, "settlement": {"level": 2, "level_label": "Medium", "rationale": "Midden gekozen.", "settled_by": "assessor", "settled_at": "<ts>"}, "final_level": 2, "final_level_label": "Medium", "how": "settled"},
   {"part": "indicator", "code": "ecosystem_position", "label": "<label_en>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 3, "level_label": "High", "rationale": "Score 3 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}, {"assessor": "assessor2", "assessor_name": "Anne de Beoordelaar", "level": 1, "level_label": "Low", "rationale": "Veel lager.", "evidence": [], "scored_at": "<ts>"}], "spread": 2, "disagreement": true, "settlement": null, "final_level": null, "final_level_label": "", "how": "disagreement"},
   {"part": "indicator", "code": "vital_processes", "label": "<label_en>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 3, "level_label": "High", "rationale": "Score 3 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 3, "final_level_label": "High", "how": "agreed"},
   {"part": "indicator", "code": "knowledge_integrity", "label": "<label_en>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "core", "weight": "1.00", "scores": [{"assessor": "assessor", "assessor_name": "assessor", "level": 3, "level_label": "High", "rationale": "Score 3 op basis van het dossier.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 3, "final_level_label": "High", "how": "agreed"},
   {"part": "indicator", "code": "societal_challenges", "label": "<label_en>", "label_nl": "<definition>", "label_en": "<definition>", "guidance_nl": "<definition>", "guidance_en": "<definition>", "letter_citation": "<definition>", "kind": "broader", "weight": "0.50", "scores": [{"assessor": "assessor2", "assessor_name": "Anne de Beoordelaar", "level": 2, "level_label": "Medium", "rationale": "Enige rol.", "evidence": [], "scored_at": "<ts>"}], "spread": 0, "disagreement": false, "settlement": null, "final_level": 2, "final_level_label": "Medium", "how": "agreed"}
  ],
  "disagreements": ["ecosystem_position"],
  "consultations": [
   {"id": "open", "ministry": "jenv", "ministry_label": "Justice and Security (JenV)", "advisor": "adviseur_jenv", "question": "Nog steeds?", "covers": ["ecosystem_position", "state_actor_influence"], "due_date": "today+1", "status": "open", "status_label": "Open", "overdue": true, "position": "", "position_label": "", "advice": "", "answered_at": null, "waiver_reason": "", "waived_by": null, "waived_at": null, "requested_at": "<ts>", "response": "", "responded_at": null, "needs_response": false}
  ],
  "open_consultations": ["open"],
  "reviews": [],
  "result": {
   "kind": "initial",
   "outcome": "insufficient_information",
   "outcome_label": "Insufficient information",
   "explanation": "Insufficient information for advice. Still to be determined: Crucial position in ecosystems. The risk level cannot be determined yet: not every core indicator has a score.",
   "reasons": [],
   "missing": [{"part": "indicator", "code": "ecosystem_position", "label": "Crucial position in ecosystems", "value": null, "text": "The scores disagree and have not yet been settled by the lead assessor."}],
   "drivers": [{"part": "indicator", "code": "ecosystem_position", "label": "Crucial position in ecosystems", "value": null, "text": "The scores disagree and have not yet been settled by the lead assessor.", "effect": "missing"}, {"part": "indicator", "code": "knowledge_integrity", "label": "Integrity and exclusivity of knowledge and information", "value": 3, "text": "Counts towards the risk level with contribution 3.00 (weight 1.00).", "effect": "risk"}, {"part": "indicator", "code": "vital_processes", "label": "Importance for vital processes", "value": 3, "text": "Counts towards the risk level with contribution 3.00 (weight 1.00).", "effect": "risk"}, {"part": "indicator", "code": "unique_knowledge_technology", "label": "Unique and sensitive knowledge and technology", "value": 2, "text": "Counts towards the risk level with contribution 2.00 (weight 1.00).", "effect": "risk"}, {"part": "indicator", "code": "societal_challenges", "label": "Contribution to societal challenges and policy goals", "value": 2, "text": "Counts towards the risk level with contribution 1.00 (weight 0.50).", "effect": "risk"}],
   "indicators": [{"code": "unique_knowledge_technology", "label": "Unique and sensitive knowledge and technology", "kind": "core", "weight": "1.00", "scores": [1, 3], "spread": 2, "disagreement": true, "final_level": 2, "final_level_label": "Medium", "how": "settled", "contribution": "2.00", "counts": true}, {"code": "ecosystem_position", "label": "Crucial position in ecosystems", "kind": "core", "weight": "1.00", "scores": [1, 3], "spread": 2, "disagreement": true, "final_level": null, "final_level_label": "", "how": "disagreement", "contribution": null, "counts": false}, {"code": "vital_processes", "label": "Importance for vital processes", "kind": "core", "weight": "1.00", "scores": [3], "spread": 0, "disagreement": false, "final_level": 3, "final_level_label": "High", "how": "agreed", "contribution": "3.00", "counts": true}, {"code": "knowledge_integrity", "label": "Integrity and exclusivity of knowledge and information", "kind": "core", "weight": "1.00", "scores": [3], "spread": 0, "disagreement": false, "final_level": 3, "final_level_label": "High", "how": "agreed", "contribution": "3.00", "counts": true}, {"code": "societal_challenges", "label": "Contribution to societal challenges and policy goals", "kind": "broader", "weight": "0.50", "scores": [2], "spread": 0, "disagreement": false, "final_level": 2, "final_level_label": "Medium", "how": "agreed", "contribution": "1.00", "counts": true}],
   "risk_score": null,
   "risk_level": "",
   "risk_level_label": "",
   "risk_manageable": null,
   "risk_rule": "weighted_mean",
   "deciding_indicators": [],
   "broader_not_counted": [],
   "policy_goal_crucial": null,
   "policy_goal_rationale": "",
   "low_indicators_justification": "",
   "afstemming": []
  }
 }
}
"""
