"""GET /api/positions/{id}/: one read of the position (which also says whether it has rights and
conditions), one audit INSERT, one read of its running figures, cash flows, valuations and sales
(one UNION ALL: issue 19's position target), and one each for its rights and its conditions with
their owners only when it has any, however many; the body keeps its shape."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditRecord
from bev import services
from tests.factories import case_to_investment_preparation, fund_with_tranches, invest_in_case

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
DETAIL_QUERIES = 3  # and one more for rights, one more for conditions, when it has them


@pytest.fixture
def position(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    return invest_in_case(ready, proposer=manager, approver=manager2, amount=M)


def _get(client, position):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/api/positions/{position.pk}/")
    assert response.status_code == 200
    return response.json(), len(ctx.captured_queries)


def test_the_detail_is_a_fixed_number_of_queries_whatever_its_rights_and_conditions(
    api, position, manager, manager2, officer
):
    client = api(manager)
    body, queries = _get(client, position)
    assert queries == DETAIL_QUERIES
    assert body["rights"] == [] and body["conditions"] == []
    services.follow_up_add(
        user=manager, position=position, what="right", kind="veto", description="Veto", owner=manager2
    )
    body, one_right = _get(client, position)
    assert one_right == DETAIL_QUERIES + 1
    assert [r["owner"] for r in body["rights"]] == ["manager2"] and body["conditions"] == []
    for i, owner in enumerate((manager, officer)):
        services.follow_up_add(
            user=manager, position=position, what="right", kind="board_seat", description=f"Zetel {i}", owner=owner
        )
    for i, owner in enumerate((manager, manager2, officer)):
        services.follow_up_add(
            user=manager, position=position, what="condition", description=f"Voorwaarde {i}", owner=owner
        )
    services.reservation_book(user=manager, position=position, amount=M, idempotency_key="r")
    services.valuation_record(
        user=manager,
        position=position,
        valued_on=timezone.localdate(position.created_at),
        fair_value=2 * M,
        method="multiples",
    )
    body, more = _get(client, position)
    assert more == DETAIL_QUERIES + 2
    assert [r["owner"] for r in body["rights"]] == ["manager2", "manager", "officer"]
    assert [c["owner"] for c in body["conditions"]] == ["manager", "manager2", "officer"]
    assert set(body["rights"][0]) == {
        "id",
        "description",
        "owner",
        "due_date",
        "status",
        "created_at",
        "updated_at",
        "kind",
    }
    assert set(body["conditions"][0]) == {
        "id",
        "description",
        "owner",
        "due_date",
        "status",
        "created_at",
        "updated_at",
    }


def test_the_detail_keeps_its_shape_and_figures(api, position, manager):
    services.reservation_book(user=manager, position=position, amount=M / 2, idempotency_key="r")
    services.return_book(user=manager, position=position, kind="dividend", amount=M / 10, idempotency_key="d")
    body, _ = _get(api(manager), position)
    assert list(body) == [
        "id",
        "case",
        "case_reference",
        "instrument",
        "instrument_label",
        "shares",
        "ownership_percent",
        "principal",
        "interest_rate_percent",
        "maturity_date",
        "conversion_terms",
        "warrant_terms",
        # added: whether the loan terms are the position's now, and its conversion (test_position_after_conversion)
        "loan_terms_current",
        "converted_on",
        "converted_from",
        "notes",
        "exited_on",
        "created_at",
        "metrics",
        "rights",
        "conditions",
    ]
    assert body["metrics"] == {
        "invested": "1000000.00",
        "cost_outstanding": "1000000.00",
        "reserved": "500000.00",
        "returns": "100000.00",
        # added: what `returns` is made of (tests/test_returns_split.py)
        "income": "100000.00",
        "dividend": "100000.00",
        "interest": "0.00",
        "principal_and_sale_proceeds": "0.00",
        "principal_repaid": "0.00",
        "sale_proceeds": "0.00",
        "sale_cost": "0.00",
        "realised_result": "0.00",
        "unrealised_value": "1000000.00",
        "unrealised_result": "0.00",
        "latest_valuation_on": None,
        "moic": "1.1000",
        "irr": body["metrics"]["irr"],
    }


def test_reading_the_detail_is_audited_and_need_to_know_holds(api, position, manager, outsider):
    before = AuditRecord.objects.filter(event="position.read").count()
    _get(api(manager), position)
    record = AuditRecord.objects.filter(event="position.read").latest("id")
    assert AuditRecord.objects.filter(event="position.read").count() == before + 1
    assert (record.actor_username, record.object_id, record.case_id) == ("manager", str(position.pk), position.case_id)
    assert api(outsider).get(f"/api/positions/{position.pk}/").status_code == 404
    assert AuditRecord.objects.filter(event="position.read").count() == before + 1


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_detail_is_what_its_serializer_gives(api, position, manager, language):
    """The body is built with `core.api.represent`; it must equal DRF's PositionDetailSerializer."""
    import json

    from django.utils import translation

    from bev.api.serializers import PositionDetailSerializer
    from bev.selectors import position_get

    services.follow_up_add(
        user=manager, position=position, what="right", kind="veto", description="Veto", owner=manager
    )
    services.follow_up_add(
        user=manager, position=position, what="condition", description="Exit binnen 5 jaar", owner=manager
    )
    services.return_book(user=manager, position=position, kind="dividend", amount=M / 10, idempotency_key="d")
    with translation.override(language):
        body = api(manager).get(f"/api/positions/{position.pk}/", HTTP_ACCEPT_LANGUAGE=language).json()
        expected = PositionDetailSerializer(
            position_get(user=manager, position_id=position.pk, audit_read=False, follow_ups=True)
        ).data
    assert body["rights"] and body["conditions"] and body["metrics"]
    assert body == json.loads(json.dumps(expected, default=str))
