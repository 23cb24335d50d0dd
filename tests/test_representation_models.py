"""The compiled read serializer (core.api.representation) reads a model instance's loaded fields
straight from the instance (as `getattr` would), and everything else through DRF's own
`get_attribute`: the same JSON as the serializer's `.data`."""

import json

import pytest
from rest_framework import fields as drf_fields

from cases.api.serializers import CaseDetailSerializer
from cases.models import Case
from core.api import representation
from tests.factories import make_case

pytestmark = [pytest.mark.fastpaths, pytest.mark.django_db]


def _plain(data):
    return json.loads(json.dumps(data, default=str))


def test_a_case_reads_its_loaded_fields_without_drfs_dispatch(officer, monkeypatch):
    case = make_case(officer=officer, categories=["wbni"])
    case = Case.objects.prefetch_related("category_rows").get(pk=case.pk)
    expected = _plain(CaseDetailSerializer(case).data)
    asked = []
    original = drf_fields.Field.get_attribute
    monkeypatch.setattr(
        drf_fields.Field,
        "get_attribute",
        lambda self, instance: asked.append(self.field_name) or original(self, instance),
    )
    assert _plain(representation.represent(CaseDetailSerializer, case)) == expected
    # Only what is not a plain stored field goes through DRF: the label, the categories, the state
    # (django-fsm's own descriptor), the related user.
    assert "reference" not in asked and "title" not in asked and "signal_received_at" not in asked
    assert len(asked) <= 6, asked


def test_a_deferred_field_is_loaded_as_drf_loads_it(officer):
    case = make_case(officer=officer, title="Uitgesteld veld")
    deferred = Case.objects.prefetch_related("category_rows").defer("title").get(pk=case.pk)
    assert "title" not in deferred.__dict__
    body = _plain(representation.represent(CaseDetailSerializer, deferred))
    assert body["title"] == "Uitgesteld veld"
    full = Case.objects.prefetch_related("category_rows").get(pk=case.pk)
    assert body == _plain(CaseDetailSerializer(full).data)
