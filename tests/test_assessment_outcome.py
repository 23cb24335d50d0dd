"""The outcome rule of the afwegingskader on every combination of conditions and checks."""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.constants import AssessmentKind, CheckAnswer, ConditionStatus, Outcome
from assessments.models import FrameworkVersion
from assessments.outcome import Inputs, compute, final_level

pytestmark = pytest.mark.django_db

CONDITION_VALUES = list(ConditionStatus.values)
CHECK_VALUES = list(CheckAnswer.values)


@pytest.fixture
def framework(db):
    return FrameworkVersion.objects.get(number=1).framework


def expected_outcome(scope, conditions, checks, core_scored=True) -> str:
    """The rule as the issue states it, written independently of the implementation."""
    if scope is False or ConditionStatus.NOT_MET in conditions or CheckAnswer.NO in checks:
        return Outcome.DO_NOT_DEPLOY
    if (
        scope is None
        or ConditionStatus.UNDETERMINED in conditions
        or CheckAnswer.UNDETERMINED in checks
        or not core_scored
    ):
        return Outcome.INSUFFICIENT_INFORMATION
    return Outcome.DEPLOY


def inputs(framework, conditions, checks, scope=True, level=3):
    return Inputs(
        kind=AssessmentKind.INITIAL,
        scope_ground_confirmed=scope,
        conditions=dict(zip([c.code for c in framework.conditions], conditions)),
        checks=dict(zip([c.code for c in framework.checks], checks)),
        scores={i.code: [level] for i in framework.core_indicators},
    )


def test_every_combination_of_conditions_and_checks(framework):
    """3^2 condition states x 3^4 check answers = 729 combinations, each against the rule."""
    n_cond, n_check = len(framework.conditions), len(framework.checks)
    for conditions in itertools.product(CONDITION_VALUES, repeat=n_cond):
        for checks in itertools.product(CHECK_VALUES, repeat=n_check):
            result = compute(framework, inputs(framework, conditions, checks))
            assert result["outcome"] == expected_outcome(True, conditions, checks), (conditions, checks)


@settings(max_examples=200, deadline=None)
@given(
    scope=st.sampled_from([True, False, None]),
    conditions=st.lists(st.sampled_from(CONDITION_VALUES), min_size=2, max_size=2),
    checks=st.lists(st.sampled_from(CHECK_VALUES), min_size=4, max_size=4),
    core_scored=st.booleans(),
)
def test_outcome_rule_with_scope_and_scores(scope, conditions, checks, core_scored):
    framework = FrameworkVersion.objects.get(number=1).framework
    data = inputs(framework, conditions, checks, scope=scope)
    if not core_scored:
        data.scores.pop(framework.core_indicators[0].code)
    result = compute(framework, data)
    assert result["outcome"] == expected_outcome(scope, conditions, checks, core_scored)
    # Deterministic: the same inputs give the same result, word for word.
    assert compute(framework, data) == result


def test_deploy_is_explained_with_the_inputs_that_drove_it(framework):
    result = compute(framework, inputs(framework, ["met", "met"], ["yes"] * 4))
    assert result["outcome"] == "deploy"
    assert "inzetten" in result["explanation"]
    supporting = {d["code"] for d in result["drivers"] if d["effect"] == "supports"}
    assert supporting == {
        "scope_ground",
        "national_security_risk",
        "state_actor_influence",
        *[c.code for c in framework.checks],
    }
    assert result["risk_level"] == "hoog"  # all core indicators at 3, weight 1: mean 3.00


def test_do_not_deploy_names_the_reasons(framework):
    result = compute(framework, inputs(framework, ["met", "not_met"], ["yes", "yes", "no", "undetermined"]))
    assert result["outcome"] == "do_not_deploy"
    assert [r["code"] for r in result["reasons"]] == ["state_actor_influence", "no_strategic_behaviour"]
    assert "statelijke actor" in result["explanation"]
    assert "strategisch gedrag" in result["explanation"]


def test_insufficient_information_names_what_is_missing(framework):
    result = compute(framework, inputs(framework, ["met", "undetermined"], ["yes"] * 4))
    assert result["outcome"] == "insufficient_information"
    assert [m["code"] for m in result["missing"]] == ["state_actor_influence"]


@pytest.mark.parametrize(
    "levels,expected",
    [
        ([0] * 4, "laag"),
        ([1, 1, 2, 2], "midden"),
        ([2, 3, 3, 2], "hoog"),
        ([4, 4, 3, 3], "zeer_hoog"),
        ([3, 3, 4, 2], "hoog"),
        ([3, 3, 4, 3], "zeer_hoog"),
    ],
)
def test_risk_level_comes_from_the_weighted_indicators(framework, levels, expected):
    data = inputs(framework, ["met", "met"], ["yes"] * 4)
    data.scores = {item.code: [level] for item, level in zip(framework.core_indicators, levels)}
    assert compute(framework, data)["risk_level"] == expected


def test_broader_indicator_weighs_with_its_own_weight(framework):
    data = inputs(framework, ["met", "met"], ["yes"] * 4, level=2)
    data.scores["societal_challenges"] = [4]
    # (4 * 1 * 2 + 0.5 * 4) / 4.5 = 2.22
    assert compute(framework, data)["risk_score"] == "2.22"


@pytest.mark.parametrize(
    "levels,settled,expected",
    [
        ([], None, (None, "unscored")),
        ([2], None, (2, "agreed")),
        ([2, 3], None, (3, "agreed")),  # ties go to the higher level
        ([2, 2, 3], None, (2, "agreed")),
        ([1, 3], None, (None, "disagreement")),
        ([1, 3], 2, (2, "settled")),
    ],
)
def test_final_level_of_an_indicator(levels, settled, expected):
    assert final_level(levels, settled, 2) == expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 20) | st.text(max_size=5) | st.sampled_from(["1e999999", "NaN", "0.5"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(
    mutation=st.dictionaries(
        st.sampled_from(
            [
                "scale",
                "conditions",
                "indicators",
                "checks",
                "risk_levels",
                "manageable_risk_levels",
                "disagreement_spread",
            ]
        ),
        json_values,
        max_size=3,
    )
)
def test_a_definition_is_either_refused_or_computes(mutation):
    """Whatever an administrator sends, the version is refused with a message or it works."""
    from django.core.exceptions import ValidationError

    from assessments.framework import Framework, validate_definition

    definition = dict(FrameworkVersion.objects.get(number=1).definition, **mutation)
    try:
        validate_definition(definition)
    except ValidationError as exc:
        assert exc.message_dict["definition"]
        return
    framework = Framework(definition)
    data = Inputs(
        conditions={c.code: "met" for c in framework.conditions},
        checks={c.code: "yes" for c in framework.checks},
        scope_ground_confirmed=True,
        scores={i.code: [framework.max_level] for i in framework.indicators},
    )
    assert compute(framework, data)["outcome"] == Outcome.DEPLOY


@settings(max_examples=100, deadline=None)
@given(levels=st.lists(st.integers(0, 4), min_size=4, max_size=4), which=st.integers(0, 3))
def test_raising_an_indicator_never_lowers_the_risk_level(levels, which):
    framework = FrameworkVersion.objects.get(number=1).framework
    order = [r["code"] for r in framework.risk_levels]

    def level_of(values):
        data = Inputs(scores={i.code: [v] for i, v in zip(framework.core_indicators, values)})
        return order.index(compute(framework, data)["risk_level"])

    raised = list(levels)
    raised[which] = min(4, raised[which] + 1)
    assert level_of(raised) >= level_of(levels)
