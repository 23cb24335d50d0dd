import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_healthz_is_503_when_the_broker_is_unreachable(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


@pytest.mark.redis
def test_healthz_with_a_real_broker(client, settings):
    if not settings.TEST_REDIS_URL:
        pytest.skip("REDIS_URL not set")
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=settings.TEST_REDIS_URL):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"]["detail"] == "redis"
