"""access/0003 carries DRF's plaintext tokens over as digests and drops the plaintext table (issue 22)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from rest_framework.test import APIClient

from access.models import ApiToken

pytestmark = pytest.mark.django_db

RECENT_KEY = "0123456789abcdef0123456789abcdef01234567"
OLD_KEY = "fedcba9876543210fedcba9876543210fedcba98"


def _status(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/cases/").status_code


@pytest.mark.skipif(connection.vendor != "postgresql", reason="builds DRF's table in PostgreSQL's DDL")
def test_existing_drf_tokens_are_hashed_and_the_plaintext_table_dropped(officer, outsider):
    MigrationExecutor(connection).migrate([("access", "0002_fund_manager_label")])
    now = timezone.now()
    with connection.cursor() as cursor:  # what rest_framework.authtoken left in a database
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            "created timestamp with time zone NOT NULL, user_id bigint NOT NULL UNIQUE)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token VALUES (%s, %s, %s), (%s, %s, %s)",
            [RECENT_KEY, now - timedelta(days=10), officer.pk, OLD_KEY, now - timedelta(days=100), outsider.pk],
        )
        cursor.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('authtoken', '0001_initial', now())")

    MigrationExecutor(connection).migrate([("access", "0003_api_token_hashed")])

    assert "authtoken_token" not in connection.introspection.table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'authtoken'")
        assert cursor.fetchone()[0] == 0
    executor = MigrationExecutor(connection)  # the later migrations again, so the models match the tables
    executor.migrate(executor.loader.graph.leaf_nodes())
    recent = ApiToken.objects.get(user=officer)
    assert recent.digest != RECENT_KEY
    assert abs(recent.expires_at - (now + timedelta(days=80))) < timedelta(seconds=5)
    assert _status(RECENT_KEY) == 200  # the integration keeps working
    assert _status(OLD_KEY) == 401  # older than BEV_API_TOKEN_TTL_DAYS: expired at the upgrade
