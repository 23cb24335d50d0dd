"""What the assessment view reads once per process instead of on every request: a published
framework version's definition (its `Framework`, built once) and the labels in each language."""

import pytest
from django.utils import translation

from assessments.constants import AssessmentStatus, FrameworkStatus
from assessments.models import FrameworkVersion
from assessments.selectors import _label

pytestmark = pytest.mark.django_db


def test_a_published_version_read_without_its_definition_gives_the_framework_built_from_it(
    django_assert_num_queries,
):
    version = FrameworkVersion.objects.filter(status=FrameworkStatus.PUBLISHED).order_by("number").first()
    built = version.framework
    assert built.definition == version.definition
    deferred = FrameworkVersion.objects.defer("definition").get(pk=version.pk)
    with django_assert_num_queries(0):  # the definition is not read again
        assert deferred.framework is built


def test_a_draft_read_without_its_definition_reads_it(django_assert_num_queries):
    published = FrameworkVersion.objects.filter(status=FrameworkStatus.PUBLISHED).order_by("number").first()
    draft = FrameworkVersion.objects.create(number=900, name="Concept", definition=published.definition)
    first = draft.framework
    changed = {**published.definition, "changed": True}
    FrameworkVersion.objects.filter(pk=draft.pk).update(definition=changed)
    deferred = FrameworkVersion.objects.defer("definition").get(pk=draft.pk)
    with django_assert_num_queries(1):  # a draft's definition may change: read and compared
        assert deferred.framework is not first
    assert deferred.framework.definition == changed


def test_labels_follow_the_active_language():
    with translation.override("nl"):
        dutch = _label(AssessmentStatus, AssessmentStatus.APPROVED)
    with translation.override("en"):
        english = _label(AssessmentStatus, AssessmentStatus.APPROVED)
    assert (dutch, english) == ("Goedgekeurd", "Approved")
