"""The assessment detail's fast body (assessments.api.representation) is byte for byte what
AssessmentDetailSerializer writes from the same dict, for every kind of assessment the body can
hold: initial and risk review, draft, submitted and approved (frozen result), framework versions 1
and 2, with and without advice requests (open, answered, waived), in Dutch and in English."""

import pytest
from django.test import override_settings
from django.utils import translation
from rest_framework.renderers import JSONRenderer

from access.roles import Role
from assessments import selectors
from assessments.api.representation import assessment_detail_body
from assessments.api.serializers import AssessmentDetailSerializer
from assessments.models import Assessment, FrameworkVersion
from assessments.services import assessment_approve, assessment_start, assessment_submit
from cases.models import Case

from .factories import answer_review_checks, fill_initial_assessment, make_case, start_risk_assessment
from .test_assessment_view_shape import assessments  # noqa: F401  (the fixture: v1, consultations)

pytestmark = [pytest.mark.fastpaths, pytest.mark.django_db]


def _bytes(assessment_id: int, *, user) -> dict[str, tuple[bytes, bytes]]:
    """{language: (fast body, serializer's body)} rendered as the API renders them."""
    assessment = selectors.assessment_get(user=user, assessment_id=assessment_id, for_detail=True)
    bodies = {}
    for language in ("nl", "en"):
        with translation.override(language):
            detail = selectors.assessment_detail(assessment=assessment)
            fast = JSONRenderer().render(assessment_detail_body(detail))
            plain = JSONRenderer().render(AssessmentDetailSerializer(detail).data)
        bodies[language] = (fast, plain)
    return bodies


def _assert_same(assessment, *, user, label: str) -> None:
    for language, (fast, plain) in _bytes(assessment.pk, user=user).items():
        assert fast == plain, f"{label} ({language})"


@override_settings(TIME_ZONE="Europe/Amsterdam")
def test_the_fast_body_is_the_serializers_byte_for_byte(assessments, assessor, assessor2, officer, manager):  # noqa: F811
    rows, _tokens = assessments
    # Version 1: approved with a frozen result and advice requests (answered, waived), its draft
    # revision (an open, overdue request), a draft risk review.
    for name in ("first", "second", "review"):
        assert rows[name].framework.number == 1
        _assert_same(rows[name], user=assessor, label=f"v1 {name}")

    for number in (2, 3):
        _newer_version(number, assessor=assessor, assessor2=assessor2, officer=officer, manager=manager)


def _pinned(assessment, number: int):
    Assessment.objects.filter(pk=assessment.pk).update(framework=FrameworkVersion.objects.get(number=number))
    assessment.refresh_from_db()
    return assessment


def _newer_version(number: int, *, assessor, assessor2, officer, manager) -> None:
    # An initial assessment without advice requests: draft, submitted and approved.
    case = make_case(officer=officer, team={assessor: Role.RISK_ASSESSOR, assessor2: Role.RISK_ASSESSOR})
    start_risk_assessment(case, officer=officer)
    initial = _pinned(assessment_start(user=assessor, case=case), number)
    _assert_same(initial, user=assessor, label=f"v{number} initial, empty draft")
    fill_initial_assessment(initial, lead=assessor)
    _assert_same(initial, user=assessor, label=f"v{number} initial, filled draft")
    assessment_submit(user=assessor, assessment=initial)
    _assert_same(initial, user=assessor, label=f"v{number} initial, submitted")
    initial = assessment_approve(user=assessor2, assessment=initial, comments="Akkoord.")
    assert initial.result
    _assert_same(initial, user=assessor, label=f"v{number} initial, approved")

    # A risk review answering the review questions: draft, submitted and approved.
    other = make_case(
        officer=officer, team={assessor: Role.RISK_ASSESSOR, assessor2: Role.RISK_ASSESSOR, manager: Role.FUND_MANAGER}
    )
    Case.objects.filter(pk=other.pk).update(state="monitoring")
    review = assessment_start(user=assessor, case=Case.objects.get(pk=other.pk), kind="risk_review")
    review = _pinned(review, number)
    _assert_same(review, user=assessor, label=f"v{number} review, empty draft")
    answer_review_checks(review, lead=assessor, answer="yes")
    assessment_submit(user=assessor, assessment=review)
    _assert_same(review, user=assessor, label=f"v{number} review, submitted")
    review = assessment_approve(user=assessor2, assessment=review)
    _assert_same(review, user=assessor, label=f"v{number} review, approved")
