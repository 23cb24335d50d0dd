"""The outcome of an assessment: computed, deterministic and explained in words.

This module holds the afwegingskader's decision rule, in one place (letter, "Afwegingskader"):
- "dient aan een tweetal voorwaarden te worden voldaan: 1) de voorziene investering of overname
  heeft risico's voor de nationale veiligheid tot gevolg, en 2) er is sprake van directe of
  indirecte invloed van een statelijke actor";
- "Steeds zal kritisch worden bekeken of de inzet ... echt noodzakelijk is en er bijvoorbeeld geen
  sprake is van strategisch gedrag van bedrijven" and the provision is the last resort ("laatste
  redmiddel wanneer risico's ... niet adequaat te ondervangen zijn door bestaande wetgeving of door
  het vinden van alternatieve financiering in de markt"); proportionality is the principle.

Rule: "deploy" only when the scope ground is confirmed, both conditions are met, every check
passes and every core indicator has a level (so the risk level is known). A definite "no"
(a condition not met, a check failed, no scope ground) makes it "do_not_deploy" with those reasons:
no further information can change that. Otherwise, while anything needed is undetermined, it is
"insufficient_information", naming what is missing.

The risk level comes from the weighted indicators: the weighted mean of the indicators' levels,
mapped to the framework version's thresholds.

A risk review (monitoring) decides whether the risk is manageable (letter: "Zodra de risico's voor
de nationale veiligheid tot op een beheersbaar niveau zijn gebracht, zal de overheid haar belang
... afbouwen"). With a version that has review checks (v2 on, `assessments.review_framework`) the
review answers them: manageable when every check passes (one per `any_of` group), not manageable as
soon as one fails (or every check of a group), undetermined otherwise; the answers' rationales are
the conclusion's reasons. With v1 (assessments pinned to it keep its rule) the review re-scored the
indicators and the risk level decided: manageable at one of the version's `manageable_risk_levels`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .constants import AssessmentKind, CheckAnswer, ConditionStatus, Outcome
from .framework import Framework


@dataclass
class Inputs:
    kind: str = AssessmentKind.INITIAL
    scope_ground_confirmed: bool | None = None
    conditions: dict[str, str] = field(default_factory=dict)  # code -> ConditionStatus
    checks: dict[str, str] = field(default_factory=dict)  # code -> CheckAnswer
    scores: dict[str, list[int]] = field(default_factory=dict)  # indicator -> independent levels
    settlements: dict[str, int] = field(default_factory=dict)  # indicator -> settled level
    rationales: dict[str, str] = field(default_factory=dict)  # check code -> rationale (risk review reasons)


def spread(levels: list[int]) -> int:
    return (max(levels) - min(levels)) if levels else 0


def final_level(levels: list[int], settled: int | None, disagreement_spread: int) -> tuple[int | None, str]:
    """The level an indicator counts with, and how it was reached.

    A settlement by the lead assessor always wins. Without one, scores that agree (spread below the
    version's disagreement spread) count with their most common level, ties going to the higher
    level (national security errs on the side of caution); disagreeing scores count only once
    settled."""
    if settled is not None:
        return settled, "settled"
    if not levels:
        return None, "unscored"
    if spread(levels) >= disagreement_spread:
        return None, "disagreement"
    counts = Counter(levels)
    return max(counts, key=lambda level: (counts[level], level)), "agreed"


def _q(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def indicator_rows(framework: Framework, inputs: Inputs) -> list[dict]:
    rows = []
    for item in framework.indicators:
        levels = sorted(inputs.scores.get(item.code, []))
        level, how = final_level(levels, inputs.settlements.get(item.code), framework.disagreement_spread)
        rows.append({
            "code": item.code, "label": item.label, "kind": item.kind, "weight": str(item.weight),
            "scores": levels, "spread": spread(levels),
            "disagreement": len(levels) > 1 and spread(levels) >= framework.disagreement_spread,
            "final_level": level, "final_level_label": framework.scale_label(level) if level is not None else "",
            "how": how,
            "contribution": str(_q(item.weight * level)) if level is not None else None,
        })
    return rows


def _risk(framework: Framework, rows: list[dict]) -> tuple[Decimal | None, dict | None]:
    """Weighted mean over every indicator with a level; unknown while a core indicator has none."""
    if any(r["final_level"] is None for r in rows if r["kind"] == "core"):
        return None, None
    counted = [r for r in rows if r["final_level"] is not None]
    total_weight = sum((Decimal(r["weight"]) for r in counted), Decimal("0"))
    if total_weight == 0:
        return None, None
    score = _q(sum((Decimal(r["weight"]) * r["final_level"] for r in counted), Decimal("0")) / total_weight)
    return score, framework.risk_level_for(score)


def _review_conclusion(framework: Framework, inputs: Inputs, entry) -> tuple[bool | None, list, list, list]:
    """The risk review's conclusion from its questions: (manageable, failures, missing, supports)."""
    failures, missing, supports = [], [], []
    groups: dict[str, list[tuple]] = {}
    for item in framework.review_checks:
        answer = inputs.checks.get(item.code, CheckAnswer.UNDETERMINED)
        groups.setdefault(framework.review_groups.get(item.code) or item.code, []).append((item, answer))
    for rows in groups.values():
        passing = [(i, a) for i, a in rows if a == CheckAnswer.YES]
        if passing:
            supports.extend(entry("check", i.code, i.label, a, inputs.rationales.get(i.code, "")) for i, a in passing)
        elif all(a == CheckAnswer.NO for _i, a in rows):
            failures.extend(entry("check", i.code, i.label, a, inputs.rationales.get(i.code, "")) for i, a in rows)
        else:
            missing.extend(entry("check", i.code, i.label, a, _("Vraag nog niet beantwoord."))
                           for i, a in rows if a != CheckAnswer.NO)
    manageable = False if failures else (None if missing else True)
    return manageable, failures, missing, supports


def compute(framework: Framework, inputs: Inputs) -> dict:
    if inputs.kind == AssessmentKind.RISK_REVIEW and framework.reviews_by_questions:
        return _compute_review(framework, inputs)
    rows = indicator_rows(framework, inputs)
    risk_score, risk_row = _risk(framework, rows)
    failures: list[dict] = []
    missing: list[dict] = []
    supports: list[dict] = []

    def entry(part, code, label, value, text):
        return {"part": part, "code": code, "label": label, "value": value, "text": text}

    for row in rows:
        if row["kind"] == "core" and row["final_level"] is None:
            text = (_("De scores lopen uiteen en zijn nog niet vastgesteld door de eerste beoordelaar.")
                    if row["how"] == "disagreement" else _("Nog niet gescoord."))
            missing.append(entry("indicator", row["code"], row["label"], None, text))

    if inputs.kind == AssessmentKind.INITIAL:
        if inputs.scope_ground_confirmed is None:
            missing.append(entry("scope", "scope_ground", _("Reikwijdtegrond"), None,
                                 _("De reikwijdtegrond is nog niet bevestigd.")))
        elif inputs.scope_ground_confirmed is False:
            failures.append(entry("scope", "scope_ground", _("Reikwijdtegrond"), False,
                                  _("Geen van de gronden uit de reikwijdte van de brief is van toepassing.")))
        else:
            supports.append(entry("scope", "scope_ground", _("Reikwijdtegrond"), True,
                                  _("De reikwijdtegrond is bevestigd.")))
        for item in framework.conditions:
            status = inputs.conditions.get(item.code, ConditionStatus.UNDETERMINED)
            if status == ConditionStatus.MET:
                supports.append(entry("condition", item.code, item.label, status, _("Voorwaarde voldaan.")))
            elif status == ConditionStatus.NOT_MET:
                failures.append(entry("condition", item.code, item.label, status,
                                      _("Noodzakelijke voorwaarde niet voldaan.")))
            else:
                missing.append(entry("condition", item.code, item.label, status,
                                     _("Voorwaarde nog niet vastgesteld.")))
        for item in framework.checks:
            answer = inputs.checks.get(item.code, CheckAnswer.UNDETERMINED)
            if answer == CheckAnswer.YES:
                supports.append(entry("check", item.code, item.label, answer, _("Toets doorstaan.")))
            elif answer == CheckAnswer.NO:
                failures.append(entry("check", item.code, item.label, answer, _("Toets niet doorstaan.")))
            else:
                missing.append(entry("check", item.code, item.label, answer, _("Toets nog niet beantwoord.")))

        if failures:
            outcome = Outcome.DO_NOT_DEPLOY
        elif missing:
            outcome = Outcome.INSUFFICIENT_INFORMATION
        else:
            outcome = Outcome.DEPLOY
    else:
        outcome = None

    risk_level = risk_row["code"] if risk_row else ""
    manageable = (risk_level in framework.manageable_risk_levels) if risk_row else None
    risk_drivers = sorted((r for r in rows if r["contribution"] is not None),
                          key=lambda r: (-Decimal(r["contribution"]), r["code"]))
    result = {
        "kind": inputs.kind,
        "outcome": outcome or "",
        "outcome_label": str(Outcome(outcome).label) if outcome else "",
        "reasons": failures,
        "missing": missing,
        "drivers": _drivers(outcome, failures, missing, supports, risk_drivers),
        "indicators": rows,
        "risk_score": str(risk_score) if risk_score is not None else None,
        "risk_level": risk_level,
        "risk_level_label": framework.risk_level_label(risk_level) if risk_level else "",
        "risk_manageable": manageable,
    }
    result["explanation"] = explain(result)
    return result


def _compute_review(framework: Framework, inputs: Inputs) -> dict:
    """A risk review with the review questions: the importance indicators play no part."""

    def entry(part, code, label, value, text):
        return {"part": part, "code": code, "label": label, "value": value, "text": text}

    manageable, failures, missing, supports = _review_conclusion(framework, inputs, entry)
    effect = "blocks" if manageable is False else ("missing" if manageable is None else "supports")
    decisive = failures if manageable is False else (missing if manageable is None else supports)
    result = {
        "kind": inputs.kind, "outcome": "", "outcome_label": "",
        "reasons": failures if manageable is False else supports,
        "missing": missing,
        "drivers": [dict(d, effect=effect) for d in decisive],
        "indicators": [],
        "risk_score": None, "risk_level": "", "risk_level_label": "",
        "risk_manageable": manageable,
    }
    result["explanation"] = explain_review(result)
    return result


def explain_review(result: dict) -> str:
    """The risk review's conclusion in words, with the reasons the assessors gave."""
    reasons = "; ".join(f"{r['label']}: {r['text']}" if r["text"] else str(r["label"]) for r in result["reasons"])
    if result["risk_manageable"] is True:
        return (_("Conclusie: de risico's voor de nationale veiligheid zijn tot een beheersbaar (aanvaardbaar) "
                  "niveau afgenomen; de afbouw van het belang kan beginnen. Redenen: %(reasons)s.")
                % {"reasons": reasons})
    if result["risk_manageable"] is False:
        return (_("Conclusie: de risico's voor de nationale veiligheid zijn nog niet tot een beheersbaar niveau "
                  "afgenomen; het belang wordt niet afgebouwd. Redenen: %(reasons)s.") % {"reasons": reasons})
    return (_("Nog geen conclusie: nog te beantwoorden: %(items)s.")
            % {"items": "; ".join(str(m["label"]) for m in result["missing"])})


def _drivers(outcome, failures, missing, supports, risk_drivers) -> list[dict]:
    """The inputs that drove the outcome, most decisive first."""
    if outcome == Outcome.DO_NOT_DEPLOY:
        decisive = [dict(d, effect="blocks") for d in failures]
    elif outcome == Outcome.INSUFFICIENT_INFORMATION:
        decisive = [dict(d, effect="missing") for d in missing]
    elif outcome == Outcome.DEPLOY:
        decisive = [dict(d, effect="supports") for d in supports]
    else:
        decisive = [dict(d, effect="missing") for d in missing]
    risk = [{"part": "indicator", "code": r["code"], "label": r["label"], "value": r["final_level"],
             "effect": "risk", "text": _("Weegt mee in het risiconiveau met bijdrage %(c)s (gewicht %(w)s).")
             % {"c": r["contribution"], "w": r["weight"]}} for r in risk_drivers]
    return decisive + risk


def explain(result: dict) -> str:
    """The outcome in words, naming the inputs that drove it."""
    parts = []
    names = lambda items: "; ".join(str(i["label"]) for i in items)  # noqa: E731
    outcome = result["outcome"]
    if outcome == Outcome.DEPLOY:
        parts.append(_("Advies: inzetten. De reikwijdtegrond is bevestigd, aan beide noodzakelijke voorwaarden is "
                       "voldaan en alle toetsen zijn doorstaan."))
    elif outcome == Outcome.DO_NOT_DEPLOY:
        parts.append(_("Advies: niet inzetten, omdat niet is voldaan aan: %(items)s.") % {"items": names(result["reasons"])})
    elif outcome == Outcome.INSUFFICIENT_INFORMATION:
        parts.append(_("Onvoldoende informatie voor een advies. Nog vast te stellen: %(items)s.")
                     % {"items": names(result["missing"])})
    if result["risk_level"]:
        top = [d for d in result["drivers"] if d["effect"] == "risk"][:3]
        parts.append(_("Risiconiveau: %(level)s (gewogen score %(score)s), vooral bepaald door: %(items)s.")
                     % {"level": result["risk_level_label"], "score": result["risk_score"], "items": names(top)})
    else:
        parts.append(_("Het risiconiveau is nog niet te bepalen: niet alle kernindicatoren hebben een score."))
    if result["kind"] == AssessmentKind.RISK_REVIEW and result["risk_manageable"] is not None:
        parts.append(_("Het risico is terug op een beheersbaar niveau: de afbouw van het belang kan beginnen.")
                     if result["risk_manageable"] else
                     _("Het risico is nog niet op een beheersbaar niveau."))
    return " ".join(parts)
