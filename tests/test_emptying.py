"""A transactional test leaves every table empty but the content types and permissions, which stay
as the migrations wrote them (tests/emptying.py), as Django's flush would leave them."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import TransactionTestCase

from access.models import User
from cases.models import Case

from . import emptying

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class _Ended(TransactionTestCase):
    __test__ = False  # not a test: an instance only ends one

    def runTest(self):  # pragma: no cover - never run, the instance only ends a test
        pass


def _rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


def test_the_end_of_a_transactional_test_empties_what_it_wrote_and_keeps_the_content_types(case):
    content_types, permissions = ContentType.objects.count(), Permission.objects.count()
    assert content_types >= len(apps.get_models()) and permissions  # as the migrations left them
    case_type = ContentType.objects.get_for_model(Case)
    written = emptying.tables_with_rows(connection)
    assert {"cases_case", "access_user"} <= set(written)

    _Ended()._fixture_teardown()

    assert not User.objects.exists() and not Case.objects.exists()
    every = connection.introspection.django_table_names(only_existing=True, include_views=False)
    left = {table: _rows(table) for table in every if table not in emptying.KEPT}
    assert not {table: n for table, n in left.items() if n}, "tables the end of the test did not empty"
    assert (ContentType.objects.count(), Permission.objects.count()) == (content_types, permissions)
    assert ContentType.objects.get_for_model(Case).pk == case_type.pk
