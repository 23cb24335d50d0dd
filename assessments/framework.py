"""Reading and validating a framework version's definition (the versioned configuration).

A definition is a JSON object:

    scale:       {"levels": [{"level": 0, "label_nl", "label_en", "description_nl", "description_en"}, ...]}
    conditions:  [{"code", "label_nl", "label_en", "guidance_nl", "guidance_en", "letter_citation"}]
    indicators:  [{"code", "kind": "core" | "broader", "label_nl", "label_en", "guidance_nl", "guidance_en",
                   "letter_citation", "weight": "1.00"}]
    checks:      [{"code", "label_nl", "label_en", "question_nl", "question_en", "guidance_nl", "guidance_en",
                   "letter_citation"}]                      # phrased so that "yes" means the check passes
    risk_levels: [{"code", "label_nl", "label_en", "min_score": "0.00"}, ...]   # ascending thresholds
    manageable_risk_levels: ["laag", ...]   # v1 only: a risk review at one of these levels allows the exit
    review_checks: [{"code", "label_nl", "label_en", "question_nl", "question_en", "guidance_nl",
                     "guidance_en", "letter_citation", "any_of": "group"}]   # optional (v2 and later)
    disagreement_spread: 2                  # scores this many levels apart are flagged

From version 2 (all optional; a definition without them computes as version 1 did):
    risk_rule: "weighted_mean" | "highest_core"
        weighted_mean (v1): the weighted mean of the indicators' levels against the thresholds;
        highest_core (v2): the highest level among the core indicators (and the broader indicator where
        it counts) against the thresholds: the core indicators are alternatives ("en/of").
    broader_requires_crucial: true          # a broader indicator counts only for a company recorded as
                                            # crucial to policy goals ("uitsluitend"), and only upwards
    low_indicators_risk_levels: ["laag"]    # condition 1 met at one of these levels needs a justification
    afstemming_in_outcome: true             # objections without a response, and no consultation without
                                            # a reason, keep the outcome from "deploy"
    checks[].variants: {scope_ground: {"label_nl", "label_en", "question_nl", "question_en",
                                       "guidance_nl", "guidance_en", "letter_citation"}}
                                            # the check's wording for an assessment on that scope ground

The letter names the two conditions, the indicators and the checks but gives no weights or
thresholds: those are configuration, and every assessment states which version it used.

`review_checks` are the questions of the risk review (monitoring) that decide whether the risk has
become manageable (letter: "Zodra de risico's voor de nationale veiligheid tot op een beheersbaar
niveau zijn gebracht, zal de overheid haar belang ... afbouwen"). Like the checks, "yes" means it
passes; the review concludes "manageable" when every check passes, where checks sharing an `any_of`
group need only one of them to pass (e.g. the state actor's influence is gone *or* screening now
covers the company). A version without them (v1) keeps its rule: the review re-scores the
indicators and the risk level decides (`manageable_risk_levels`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _

INDICATOR_KINDS = ("core", "broader")
RISK_RULES = ("weighted_mean", "highest_core")
VARIANT_KEYS = ("label_nl", "label_en", "question_nl", "question_en", "guidance_nl", "guidance_en", "letter_citation")
_LABEL_KEYS = ("code", "label_nl", "label_en")


@dataclass(frozen=True)
class Item:
    """A condition, indicator or check of the framework."""

    part: str  # condition | indicator | check
    code: str
    label_nl: str
    label_en: str
    guidance_nl: str = ""
    guidance_en: str = ""
    letter_citation: str = ""
    kind: str = ""  # indicators: core | broader
    weight: Decimal = Decimal("0")
    question_nl: str = ""
    question_en: str = ""

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "nl").startswith("en") else self.label_nl

    def as_dict(self) -> dict:
        data = {
            "part": self.part,
            "code": self.code,
            "label": self.label,
            "label_nl": self.label_nl,
            "label_en": self.label_en,
            "guidance_nl": self.guidance_nl,
            "guidance_en": self.guidance_en,
            "letter_citation": self.letter_citation,
        }
        if self.part == "indicator":
            data.update(kind=self.kind, weight=str(self.weight))
        if self.part == "check":
            data.update(question_nl=self.question_nl, question_en=self.question_en)
        return data


def _decimal(value, where: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({"definition": _("%(where)s: geen geldig getal.") % {"where": where}}) from None
    if not result.is_finite():
        raise ValidationError({"definition": _("%(where)s: geen geldig getal.") % {"where": where}})
    return result


class Framework:
    """A read-only view over a definition. Construct with a validated definition."""

    def __init__(self, definition: dict):
        self.definition = definition
        self.levels = [int(row["level"]) for row in definition["scale"]["levels"]]
        self.scale = definition["scale"]["levels"]
        self.conditions = [self._item("condition", row) for row in definition["conditions"]]
        self.indicators = [self._item("indicator", row) for row in definition["indicators"]]
        self.checks = [self._item("check", row) for row in definition["checks"]]
        # The risk review's own questions (answered as checks: same findings, forms and endpoints).
        self.review_checks = [self._item("check", row) for row in definition.get("review_checks", [])]
        self.review_groups = {row["code"]: row.get("any_of", "") for row in definition.get("review_checks", [])}
        self.risk_levels = sorted(definition["risk_levels"], key=lambda r: Decimal(str(r["min_score"])))
        self.manageable_risk_levels = list(definition.get("manageable_risk_levels", []))
        self.disagreement_spread = int(definition.get("disagreement_spread", 2))
        self.risk_rule = definition.get("risk_rule", "weighted_mean")
        self.broader_requires_crucial = bool(definition.get("broader_requires_crucial", False))
        self.low_indicators_risk_levels = list(definition.get("low_indicators_risk_levels", []))
        self.afstemming_in_outcome = bool(definition.get("afstemming_in_outcome", False))
        self._check_variants = {row["code"]: row.get("variants") or {} for row in definition["checks"]}

    @staticmethod
    def _item(part: str, row: dict) -> Item:
        return Item(
            part=part,
            code=row["code"],
            label_nl=row["label_nl"],
            label_en=row["label_en"],
            guidance_nl=row.get("guidance_nl", ""),
            guidance_en=row.get("guidance_en", ""),
            letter_citation=row.get("letter_citation", ""),
            kind=row.get("kind", ""),
            weight=Decimal(str(row.get("weight", "0"))),
            question_nl=row.get("question_nl", ""),
            question_en=row.get("question_en", ""),
        )

    # lookups -------------------------------------------------------------------------------
    @property
    def min_level(self) -> int:
        return min(self.levels)

    @property
    def max_level(self) -> int:
        return max(self.levels)

    @property
    def reviews_by_questions(self) -> bool:
        """A risk review with this version answers the review checks instead of re-scoring importance."""
        return bool(self.review_checks)

    def item(self, code: str) -> Item | None:
        for item in self.conditions + self.indicators + self.checks + self.review_checks:
            if item.code == code:
                return item
        return None

    def indicator(self, code: str) -> Item | None:
        return next((i for i in self.indicators if i.code == code), None)

    def condition(self, code: str) -> Item | None:
        return next((i for i in self.conditions if i.code == code), None)

    def check(self, code: str) -> Item | None:
        return next((i for i in self.checks + self.review_checks if i.code == code), None)

    def checks_for(self, kind: str, scope_ground: str | None = None) -> list[Item]:
        """The checks an assessment of this kind answers: the risk review's own questions, or the
        critical checks of the initial assessment as worded for its scope ground (a check may have a
        variant per ground: for ground 4 the last-resort check asks whether the consequences of the
        Wet vifo decision can be mitigated otherwise, not whether existing instruments cover the risk)."""
        if kind == "risk_review":
            return self.review_checks
        result = []
        for item in self.checks:
            variant = self._check_variants.get(item.code, {}).get(scope_ground or "")
            result.append(replace(item, **{k: variant[k] for k in VARIANT_KEYS if variant.get(k)}) if variant else item)
        return result

    @property
    def core_indicators(self) -> list[Item]:
        return [i for i in self.indicators if i.kind == "core"]

    @property
    def all_codes(self) -> set[str]:
        return {i.code for i in self.conditions + self.indicators + self.checks + self.review_checks}

    def scale_label(self, level: int | None) -> str:
        for row in self.scale:
            if int(row["level"]) == level:
                return row["label_en"] if (get_language() or "nl").startswith("en") else row["label_nl"]
        return ""

    def risk_level_for(self, score: Decimal) -> dict:
        """The highest risk level whose threshold the weighted score reaches."""
        chosen = self.risk_levels[0]
        for row in self.risk_levels:
            if score >= Decimal(str(row["min_score"])):
                chosen = row
        return chosen

    def risk_level_label(self, code: str) -> str:
        for row in self.risk_levels:
            if row["code"] == code:
                return row["label_en"] if (get_language() or "nl").startswith("en") else row["label_nl"]
        return ""


def validate_definition(definition) -> dict:
    """Raise ValidationError({"definition": ...}) unless the definition is complete and consistent."""
    errors: list[str] = []

    def need(condition: bool, message: str):
        if not condition:
            errors.append(message)

    if not isinstance(definition, dict):
        raise ValidationError({"definition": _("De inhoud moet een JSON-object zijn.")})
    scale = definition.get("scale")
    levels = scale.get("levels") if isinstance(scale, dict) else None
    need(isinstance(levels, list) and len(levels) >= 2, _("De schaal heeft ten minste twee niveaus nodig."))
    if isinstance(levels, list):
        numbers = []
        for row in levels:
            ok = isinstance(row, dict) and isinstance(row.get("level"), int) and not isinstance(row.get("level"), bool)
            need(
                ok and all(row.get(k) for k in ("label_nl", "label_en", "description_nl")),
                _("Elk schaalniveau heeft een geheel getal, een Nederlands en Engels label en een omschrijving."),
            )
            if ok:
                numbers.append(row["level"])
        need(len(numbers) == len(set(numbers)), _("Schaalniveaus moeten uniek zijn."))
        need(all(0 <= n <= 10 for n in numbers), _("Schaalniveaus liggen tussen 0 en 10."))
    codes: list[str] = []
    for part, minimum in (("conditions", 1), ("indicators", 1), ("checks", 1)):
        rows = definition.get(part)
        need(isinstance(rows, list) and len(rows) >= minimum, _("'%(part)s' ontbreekt of is leeg.") % {"part": part})
        for row in rows if isinstance(rows, list) else []:
            if not isinstance(row, dict) or not all(isinstance(row.get(k), str) and row.get(k) for k in _LABEL_KEYS):
                errors.append(
                    _("Elk onderdeel van '%(part)s' heeft een code en een Nederlands en Engels label.") % {"part": part}
                )
                continue
            codes.append(row["code"])
            if part == "indicators":
                need(
                    row.get("kind") in INDICATOR_KINDS,
                    _("Indicator %(code)s: soort moet 'core' of 'broader' zijn.") % {"code": row["code"]},
                )
                try:
                    weight = _decimal(row.get("weight"), row["code"])
                    need(
                        0 <= weight <= 100,
                        _("Indicator %(code)s: gewicht ligt tussen 0 en 100.") % {"code": row["code"]},
                    )
                except ValidationError as exc:
                    errors.extend(exc.message_dict["definition"])
    review_checks = definition.get("review_checks", [])
    need(isinstance(review_checks, list), _("'review_checks' is een lijst."))
    for row in review_checks if isinstance(review_checks, list) else []:
        if not isinstance(row, dict) or not all(
            isinstance(row.get(k), str) and row.get(k) for k in (*_LABEL_KEYS, "question_nl")
        ):
            errors.append(
                _("Elke vraag van de risicoheroverweging heeft een code, een Nederlands en Engels label en een vraag.")
            )
            continue
        need(
            isinstance(row.get("any_of", ""), str),
            _("Vraag %(code)s: 'any_of' is de naam van een groep.") % {"code": row["code"]},
        )
        codes.append(row["code"])
    need(len(codes) == len(set(codes)), _("Codes van voorwaarden, indicatoren en toetsen moeten uniek zijn."))
    indicators = definition.get("indicators")
    if not isinstance(indicators, list):
        indicators = []
    need(
        any(isinstance(r, dict) and r.get("kind") == "core" for r in indicators),
        _("Er is ten minste één kernindicator nodig."),
    )
    risk_levels = definition.get("risk_levels")
    need(isinstance(risk_levels, list) and len(risk_levels) >= 2, _("Er zijn ten minste twee risiconiveaus nodig."))
    risk_codes = []
    for row in risk_levels if isinstance(risk_levels, list) else []:
        if not isinstance(row, dict) or not all(row.get(k) for k in ("code", "label_nl", "label_en")):
            errors.append(_("Elk risiconiveau heeft een code en een Nederlands en Engels label."))
            continue
        risk_codes.append(row["code"])
        try:
            need(
                0 <= _decimal(row.get("min_score"), row["code"]) <= 100,
                _("Risiconiveau %(code)s: drempel ligt tussen 0 en 100.") % {"code": row["code"]},
            )
        except ValidationError as exc:
            errors.extend(exc.message_dict["definition"])
    if isinstance(risk_levels, list) and not errors:
        lowest = min(Decimal(str(r["min_score"])) for r in risk_levels)
        need(lowest == 0, _("Het laagste risiconiveau begint bij 0."))
        need(len(risk_codes) == len(set(risk_codes)), _("Codes van risiconiveaus moeten uniek zijn."))
    manageable = definition.get("manageable_risk_levels", [])
    need(
        isinstance(manageable, list) and all(code in risk_codes for code in manageable),
        _("'manageable_risk_levels' noemt alleen bestaande risiconiveaus."),
    )
    need(
        definition.get("risk_rule", "weighted_mean") in RISK_RULES,
        _("'risk_rule' is 'weighted_mean' of 'highest_core'."),
    )
    for flag in ("broader_requires_crucial", "afstemming_in_outcome"):
        need(isinstance(definition.get(flag, False), bool), _("'%(f)s' is true of false.") % {"f": flag})
    low = definition.get("low_indicators_risk_levels", [])
    need(
        isinstance(low, list) and all(code in risk_codes for code in low),
        _("'low_indicators_risk_levels' noemt alleen bestaande risiconiveaus."),
    )
    _validate_variants(definition.get("checks"), need)
    spread = definition.get("disagreement_spread", 2)
    need(
        isinstance(spread, int) and not isinstance(spread, bool) and spread >= 1,
        _("'disagreement_spread' is een geheel getal van ten minste 1."),
    )
    if errors:
        raise ValidationError({"definition": list(dict.fromkeys(errors))})
    return definition


def _validate_variants(checks, need) -> None:
    """A check's wording per scope ground: known grounds, each wording a set of non-empty texts."""
    from cases.constants import ScopeGround

    for row in checks if isinstance(checks, list) else []:
        if not isinstance(row, dict) or "variants" not in row:
            continue
        variants = row["variants"]
        ok = isinstance(variants, dict) and all(
            ground in ScopeGround.values
            and isinstance(texts, dict)
            and texts
            and all(key in VARIANT_KEYS and isinstance(value, str) and value for key, value in texts.items())
            for ground, texts in variants.items()
        )
        need(
            ok,
            _("Toets %(code)s: varianten per reikwijdtegrond hebben een bekende grond en niet-lege teksten.")
            % {"code": row.get("code")},
        )
