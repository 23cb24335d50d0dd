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

The risk level follows the version's `risk_rule`:
- version 1 ("weighted_mean"): the weighted mean of the indicators' levels, mapped to the version's
  thresholds;
- version 2 ("highest_core"): the highest level among the core indicators, mapped to the thresholds.
  The letter reads the indicators as alternatives: "Bij de risico-inschatting wordt onder andere
  bezien of de economische activiteiten van (een deel van) de onderneming systeemrelevant en/of van
  strategisch belang zijn ... Belangrijke indicatoren hiervoor zijn onder meer: ... Belang van de
  onderneming voor vitale processen, zoals betalingsverkeer, drinkwatervoorziening, Defensie en
  dataverkeer". A drinking-water supplier scoring 4 / 0 / 0 / 0 is of very high importance; a mean
  would make it "laag". The explanation names the deciding indicator(s). The broader indicator counts
  only for a company recorded as crucial to policy goals ("Het gaat hier uitsluitend om bedrijven
  die cruciaal zijn voor het realiseren van beleidsdoelen"), and as a maximum it can only raise the
  level, never pull it down.

Version 2 adds to the rule for an initial assessment (each read from the version's definition, so
version 1 assessments compute as they always did):
- condition 1 judged met while the risk level is one of `low_indicators_risk_levels` (every
  indicator low) needs an explicit justification, shown in the outcome and the cabinet report;
  without it the outcome is "insufficient_information";
- afstemming ("Dit doet EZK in afstemming met betrokken (vak)departementen"): an advice that objects
  or has concerns, without a recorded response, keeps the outcome from "deploy"
  ("insufficient_information" until answered); no consultation at all needs a recorded reason why
  none of the ministries concerned needed to be asked. A risk review (monitoring) finds the risk manageable
when that level is one of the version's `manageable_risk_levels` (letter: "Zodra de risico's voor
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

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .constants import AdvicePosition, AssessmentKind, CheckAnswer, ConditionStatus, ConsultationStatus, Outcome
from .framework import Framework

# Condition 1 of the letter: "de voorziene investering of overname heeft risico's voor de nationale
# veiligheid tot gevolg" (the code every version uses for it).
NATIONAL_SECURITY_RISK = "national_security_risk"
# Advice positions that need a recorded response before "deploy" (version 2).
OBJECTING_POSITIONS = (AdvicePosition.OBJECTS, AdvicePosition.CONCERNS)


@dataclass
class Inputs:
    kind: str = AssessmentKind.INITIAL
    scope_ground_confirmed: bool | None = None
    conditions: dict[str, str] = field(default_factory=dict)  # code -> ConditionStatus
    checks: dict[str, str] = field(default_factory=dict)  # code -> CheckAnswer
    scores: dict[str, list[int]] = field(default_factory=dict)  # indicator -> independent levels
    settlements: dict[str, int] = field(default_factory=dict)  # indicator -> settled level
    rationales: dict[str, str] = field(default_factory=dict)  # check code -> rationale (risk review reasons)
    # Version 2 (ignored by versions whose definition does not ask for them):
    scope_ground: str = ""
    policy_goal_crucial: bool | None = None
    policy_goal_rationale: str = ""
    low_indicators_justification: str = ""
    # {"id", "ministry_label", "status", "position", "position_label", "response"} per advice request
    consultations: list[dict] = field(default_factory=list)
    no_consultation_reason: str = ""


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


def _number(value) -> str:
    """A figure in the texts of the outcome in the reader's language: "2,67" in Dutch, "2.67" in
    English (the machine fields, `risk_score`, `contribution`, `weight`, keep the plain decimal)."""
    return number_format(Decimal(str(value)), decimal_pos=2, use_l10n=True)


def _counts(framework: Framework, item, level: int | None, inputs: Inputs) -> bool:
    """Whether the indicator counts in the risk level: with a level, and a broader indicator in a
    version that asks so only for a company recorded as crucial to policy goals."""
    if level is None:
        return False
    if item.kind == "broader" and framework.broader_requires_crucial:
        return inputs.policy_goal_crucial is True
    return True


def indicator_rows(framework: Framework, inputs: Inputs) -> list[dict]:
    rows = []
    highest = framework.risk_rule == "highest_core"
    for item in framework.indicators:
        levels = sorted(inputs.scores.get(item.code, []))
        level, how = final_level(levels, inputs.settlements.get(item.code), framework.disagreement_spread)
        counts = _counts(framework, item, level, inputs)
        if highest:
            contribution = str(_q(Decimal(level))) if counts and level is not None else None  # counts: a level
        else:
            contribution = str(_q(item.weight * level)) if level is not None else None
        rows.append(
            {
                "code": item.code,
                "label": item.label,
                "kind": item.kind,
                "weight": str(item.weight),
                "scores": levels,
                "spread": spread(levels),
                "disagreement": len(levels) > 1 and spread(levels) >= framework.disagreement_spread,
                "final_level": level,
                "final_level_label": framework.scale_label(level) if level is not None else "",
                "how": how,
                "contribution": contribution,
                "counts": counts,
            }
        )
    return rows


def _risk(framework: Framework, rows: list[dict]) -> tuple[Decimal | None, dict | None]:
    """Unknown while a core indicator has no level. Version 1: the weighted mean over every indicator
    with a level. Version 2: the highest level among the indicators that count (the core ones, and
    the broader one only where it counts): the core indicators are alternatives ("en/of")."""
    if any(r["final_level"] is None for r in rows if r["kind"] == "core"):
        return None, None
    if framework.risk_rule == "highest_core":
        score = _q(Decimal(max(r["final_level"] for r in rows if r["counts"])))
        return score, framework.risk_level_for(score)
    counted = [r for r in rows if r["final_level"] is not None]
    total_weight = sum((Decimal(r["weight"]) for r in counted), Decimal("0"))
    if total_weight == 0:
        return None, None
    score = _q(sum((Decimal(r["weight"]) * r["final_level"] for r in counted), Decimal("0")) / total_weight)
    return score, framework.risk_level_for(score)


def _review_conclusion(framework: Framework, inputs: Inputs, entry) -> tuple[bool | None, list, list, list]:
    """The risk review's conclusion from its questions: (manageable, failures, missing, supports)."""
    failures: list = []
    missing: list = []
    supports: list = []
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
            missing.extend(
                entry("check", i.code, i.label, a, _("Vraag nog niet beantwoord."))
                for i, a in rows
                if a != CheckAnswer.NO
            )
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
            text = (
                _("De scores lopen uiteen en zijn nog niet vastgesteld door de eerste beoordelaar.")
                if row["how"] == "disagreement"
                else _("Nog niet gescoord.")
            )
            missing.append(entry("indicator", row["code"], row["label"], None, text))

    if inputs.kind == AssessmentKind.INITIAL:
        if inputs.scope_ground_confirmed is None:
            missing.append(
                entry(
                    "scope", "scope_ground", _("Reikwijdtegrond"), None, _("De reikwijdtegrond is nog niet bevestigd.")
                )
            )
        elif inputs.scope_ground_confirmed is False:
            failures.append(
                entry(
                    "scope",
                    "scope_ground",
                    _("Reikwijdtegrond"),
                    False,
                    _("Geen van de gronden uit de reikwijdte van de brief is van toepassing."),
                )
            )
        else:
            supports.append(
                entry("scope", "scope_ground", _("Reikwijdtegrond"), True, _("De reikwijdtegrond is bevestigd."))
            )
        for item in framework.conditions:
            status = inputs.conditions.get(item.code, ConditionStatus.UNDETERMINED)
            if status == ConditionStatus.MET:
                supports.append(entry("condition", item.code, item.label, status, _("Voorwaarde voldaan.")))
            elif status == ConditionStatus.NOT_MET:
                failures.append(
                    entry("condition", item.code, item.label, status, _("Noodzakelijke voorwaarde niet voldaan."))
                )
            else:
                missing.append(entry("condition", item.code, item.label, status, _("Voorwaarde nog niet vastgesteld.")))
        _condition_one_consistency(framework, inputs, risk_row, entry, supports, missing)
        for item in framework.checks_for(inputs.kind, inputs.scope_ground):
            answer = inputs.checks.get(item.code, CheckAnswer.UNDETERMINED)
            if answer == CheckAnswer.YES:
                supports.append(entry("check", item.code, item.label, answer, _("Toets doorstaan.")))
            elif answer == CheckAnswer.NO:
                failures.append(entry("check", item.code, item.label, answer, _("Toets niet doorstaan.")))
            else:
                missing.append(entry("check", item.code, item.label, answer, _("Toets nog niet beantwoord.")))
        if framework.afstemming_in_outcome:
            _afstemming(inputs, entry, supports, missing)

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
    risk_drivers = sorted(
        (r for r in rows if r["contribution"] is not None), key=lambda r: (-Decimal(r["contribution"]), r["code"])
    )
    deciding = (
        [r for r in risk_drivers if Decimal(r["contribution"]) == risk_score]
        if risk_row and framework.risk_rule == "highest_core"
        else []
    )
    result = {
        "kind": inputs.kind,
        "outcome": outcome or "",
        "outcome_label": str(Outcome(outcome).label) if outcome else "",
        "reasons": failures,
        "missing": missing,
        "drivers": _drivers(outcome, failures, missing, supports, risk_drivers, framework.risk_rule, deciding),
        "indicators": rows,
        "risk_score": str(risk_score) if risk_score is not None else None,
        "risk_level": risk_level,
        "risk_level_label": framework.risk_level_label(risk_level) if risk_level else "",
        "risk_manageable": manageable,
        "risk_rule": framework.risk_rule,
        "deciding_indicators": [
            {
                "code": r["code"],
                "label": r["label"],
                "kind": r["kind"],
                "level": r["final_level"],
                "level_label": r["final_level_label"],
            }
            for r in deciding
        ],
        "broader_not_counted": [
            r["label"] for r in rows if r["kind"] == "broader" and r["final_level"] is not None and not r["counts"]
        ],
        "policy_goal_crucial": inputs.policy_goal_crucial if framework.broader_requires_crucial else None,
        "policy_goal_rationale": (
            inputs.policy_goal_rationale if framework.broader_requires_crucial and inputs.policy_goal_crucial else ""
        ),
        "low_indicators_justification": next(
            (d["value"] for d in supports if d["code"] == "low_indicators_justification"), ""
        ),
        "afstemming": [d for d in supports + missing if d["part"] == "afstemming"],
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
        "kind": inputs.kind,
        "outcome": "",
        "outcome_label": "",
        "reasons": failures if manageable is False else supports,
        "missing": missing,
        "drivers": [dict(d, effect=effect) for d in decisive],
        "indicators": [],
        "risk_score": None,
        "risk_level": "",
        "risk_level_label": "",
        "risk_manageable": manageable,
    }
    result["explanation"] = explain_review(result)
    return result


def explain_review(result: dict) -> str:
    """The risk review's conclusion in words, with the reasons the assessors gave."""
    reasons = "; ".join(f"{r['label']}: {r['text']}" if r["text"] else str(r["label"]) for r in result["reasons"])
    if result["risk_manageable"] is True:
        return _(
            "Conclusie: de risico's voor de nationale veiligheid zijn tot een beheersbaar (aanvaardbaar) "
            "niveau afgenomen; de afbouw van het belang kan beginnen. Redenen: %(reasons)s."
        ) % {"reasons": reasons}
    if result["risk_manageable"] is False:
        return _(
            "Conclusie: de risico's voor de nationale veiligheid zijn nog niet tot een beheersbaar niveau "
            "afgenomen; het belang wordt niet afgebouwd. Redenen: %(reasons)s."
        ) % {"reasons": reasons}
    return _("Nog geen conclusie: nog te beantwoorden: %(items)s.") % {
        "items": "; ".join(str(m["label"]) for m in result["missing"])
    }


def _condition_one_consistency(framework: Framework, inputs: Inputs, risk_row, entry, supports, missing) -> None:
    """Version 2: condition 1 met while every indicator is low (the risk level is one of the
    version's `low_indicators_risk_levels`) needs an explicit justification."""
    if not framework.low_indicators_risk_levels or risk_row is None:
        return
    if inputs.conditions.get(NATIONAL_SECURITY_RISK) != ConditionStatus.MET:
        return
    if risk_row["code"] not in framework.low_indicators_risk_levels:
        return
    label = _("Voorwaarde 1 bij lage indicatoren")
    justification = (inputs.low_indicators_justification or "").strip()
    if justification:
        supports.append(
            entry(
                "condition",
                "low_indicators_justification",
                label,
                justification,
                _("Voorwaarde 1 is voldaan geacht terwijl alle indicatoren laag zijn. Onderbouwing: %(text)s")
                % {"text": justification},
            )
        )
    else:
        missing.append(
            entry(
                "condition",
                "low_indicators_justification",
                label,
                None,
                _(
                    "Voorwaarde 1 (risico's voor de nationale veiligheid) is voldaan geacht terwijl alle "
                    "indicatoren laag zijn: leg uitdrukkelijk vast waarom er toch een risico is."
                ),
            )
        )


def _afstemming(inputs: Inputs, entry, supports, missing) -> None:
    """Version 2: "Dit doet EZK in afstemming met betrokken (vak)departementen". An answered advice
    that objects or has concerns needs EZK's recorded response; no request at all needs a reason."""
    for c in inputs.consultations:
        if c["status"] != ConsultationStatus.ANSWERED or c["position"] not in OBJECTING_POSITIONS:
            continue
        code = f"consultation_{c['id']}"
        label = _("Afstemming: %(m)s") % {"m": c["ministry_label"]}
        response = (c.get("response") or "").strip()
        if response:
            supports.append(
                entry(
                    "afstemming",
                    code,
                    label,
                    c["position"],
                    _("%(position)s; reactie van EZK: %(response)s")
                    % {"position": c["position_label"], "response": response},
                )
            )
        else:
            missing.append(
                entry(
                    "afstemming",
                    code,
                    label,
                    c["position"],
                    _(
                        "%(position)s, nog zonder vastgelegde reactie: geen advies tot inzet zolang het "
                        "advies onbeantwoord is."
                    )
                    % {"position": c["position_label"]},
                )
            )
    if not inputs.consultations:
        reason = (inputs.no_consultation_reason or "").strip()
        label = _("Afstemming met de departementen")
        if reason:
            supports.append(
                entry(
                    "afstemming",
                    "no_consultation",
                    label,
                    None,
                    _("Geen departement geraadpleegd. Reden: %(reason)s") % {"reason": reason},
                )
            )
        else:
            missing.append(
                entry(
                    "afstemming",
                    "no_consultation",
                    label,
                    None,
                    _(
                        "Er is geen departement om advies gevraagd en niet vastgelegd waarom geen van de "
                        "betrokken departementen geraadpleegd hoefde te worden."
                    ),
                )
            )


def _drivers(outcome, failures, missing, supports, risk_drivers, risk_rule="weighted_mean", deciding=()) -> list[dict]:
    """The inputs that drove the outcome, most decisive first."""
    if outcome == Outcome.DO_NOT_DEPLOY:
        decisive = [dict(d, effect="blocks") for d in failures]
    elif outcome == Outcome.INSUFFICIENT_INFORMATION:
        decisive = [dict(d, effect="missing") for d in missing]
    elif outcome == Outcome.DEPLOY:
        decisive = [dict(d, effect="supports") for d in supports]
    else:
        decisive = [dict(d, effect="missing") for d in missing]
    if risk_rule == "highest_core":
        deciding_codes = {r["code"] for r in deciding}
        risk = [
            {
                "part": "indicator",
                "code": r["code"],
                "label": r["label"],
                "value": r["final_level"],
                "effect": "risk",
                "text": (
                    _("Bepaalt het risiconiveau: hoogste indicator, niveau %(l)s.")
                    if r["code"] in deciding_codes
                    else _("Telt mee op niveau %(l)s; niet bepalend (de hoogste indicator beslist).")
                )
                % {"l": r["final_level"]},
            }
            for r in risk_drivers
        ]
        return decisive + risk
    risk = [
        {
            "part": "indicator",
            "code": r["code"],
            "label": r["label"],
            "value": r["final_level"],
            "effect": "risk",
            "text": _("Weegt mee in het risiconiveau met bijdrage %(c)s (gewicht %(w)s).")
            % {"c": _number(r["contribution"]), "w": _number(r["weight"])},
        }
        for r in risk_drivers
    ]
    return decisive + risk


def explain(result: dict) -> str:
    """The outcome in words, naming the inputs that drove it."""
    parts = []
    names = lambda items: "; ".join(str(i["label"]) for i in items)  # noqa: E731
    outcome = result["outcome"]
    if outcome == Outcome.DEPLOY:
        parts.append(
            _(
                "Advies: inzetten. De reikwijdtegrond is bevestigd, aan beide noodzakelijke voorwaarden is "
                "voldaan en alle toetsen zijn doorstaan."
            )
        )
    elif outcome == Outcome.DO_NOT_DEPLOY:
        parts.append(
            _("Advies: niet inzetten, omdat niet is voldaan aan: %(items)s.") % {"items": names(result["reasons"])}
        )
    elif outcome == Outcome.INSUFFICIENT_INFORMATION:
        parts.append(
            _("Onvoldoende informatie voor een advies. Nog vast te stellen: %(items)s.")
            % {"items": names(result["missing"])}
        )
    if outcome and result.get("low_indicators_justification"):
        parts.append(
            _("Voorwaarde 1 is voldaan geacht terwijl alle indicatoren laag zijn; onderbouwing: %(text)s")
            % {"text": result["low_indicators_justification"]}
        )
    for d in result.get("afstemming", []):
        parts.append(f"{d['label']}: {d['text']}")
    if result["risk_level"] and result.get("risk_rule") == "highest_core":
        deciding = result["deciding_indicators"]
        parts.append(
            _(
                "Risiconiveau: %(level)s, bepaald door de hoogste indicator: %(items)s (niveau %(n)s). De "
                "kernindicatoren zijn alternatieven (“en/of”): één hoge kernindicator volstaat."
            )
            % {
                "level": result["risk_level_label"],
                "items": names(deciding),
                "n": deciding[0]["level_label"] if deciding else "",
            }
        )
        if any(d["kind"] == "broader" for d in deciding):
            parts.append(
                _(
                    "De bredere indicator telt mee omdat de onderneming is vastgelegd als cruciaal voor het "
                    "realiseren van beleidsdoelen: %(why)s"
                )
                % {"why": result["policy_goal_rationale"]}
            )
        if result["broader_not_counted"]:
            parts.append(
                _(
                    "Niet meegeteld: %(items)s (niet vastgelegd dat de onderneming cruciaal is voor het "
                    "realiseren van beleidsdoelen)."
                )
                % {"items": "; ".join(result["broader_not_counted"])}
            )
    elif result["risk_level"]:
        top = [d for d in result["drivers"] if d["effect"] == "risk"][:3]
        parts.append(
            _("Risiconiveau: %(level)s (gewogen score %(score)s), vooral bepaald door: %(items)s.")
            % {"level": result["risk_level_label"], "score": _number(result["risk_score"]), "items": names(top)}
        )
    else:
        parts.append(_("Het risiconiveau is nog niet te bepalen: niet alle kernindicatoren hebben een score."))
    if result["kind"] == AssessmentKind.RISK_REVIEW and result["risk_manageable"] is not None:
        parts.append(
            _("Het risico is terug op een beheersbaar niveau: de afbouw van het belang kan beginnen.")
            if result["risk_manageable"]
            else _("Het risico is nog niet op een beheersbaar niveau.")
        )
    return " ".join(parts)
