"""`core.precompiled`: a read compiled once gives what the ORM gives for every value, falls back to
the ORM when it is derived from, refuses a query whose SQL is not a function of its parameters, and
finds nothing for a value out of its column's range (as the ORM does)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Value
from django.test.utils import CaptureQueriesContext

from access.models import Role
from bev import selectors, services
from bev.models import Position, Valuation
from cases.models import Case, CaseTeamMember
from core.exceptions import NotFound
from core.precompiled import Precompiled, PrecompileError
from tests.factories import case_to_investment_preparation, fund_with_tranches, invest_in_case, make_case

pytestmark = [pytest.mark.fastpaths, pytest.mark.django_db]

M = Decimal("1000000.00")


def _members_cases(user_id, clearance_rank):
    return (
        Case.objects.case_file_visible_to_member(user_id=user_id, clearance_rank=clearance_rank)
        .select_related("created_by")
        .annotate(has_advisor=Exists(CaseTeamMember.objects.filter(case=OuterRef("pk"), role=Role.DEPARTMENT_ADVISOR)))
        .order_by("id")
    )


def _as_compared(cases):
    return [
        (c.pk, c.reference, c.title, c.state, c.created_by.username, c.has_advisor, c.signal_received_at) for c in cases
    ]


def test_model_rows_with_joins_and_annotations_equal_the_orms_for_every_person(officer, officer2, secretariat):
    for n in range(3):
        make_case(officer=officer, title=f"Casus {n}", team={officer2: "case_officer"} if n else None)
    read = Precompiled(_members_cases, "user_id", "clearance_rank")
    for person in (officer, officer2, secretariat):
        for rank in (0, 2, person.clearance_rank):
            precompiled = list(read(user_id=person.pk, clearance_rank=rank))
            assert _as_compared(precompiled) == _as_compared(_members_cases(person.pk, rank))
    assert len(list(read(user_id=officer.pk, clearance_rank=officer.clearance_rank))) == 3
    assert len(list(read(user_id=officer2.pk, clearance_rank=officer2.clearance_rank))) == 2


def test_a_precompiled_read_is_one_query_and_compiles_nothing_after_the_first(officer, django_assert_num_queries):
    make_case(officer=officer)
    read = Precompiled(_members_cases, "user_id", "clearance_rank")
    list(read(user_id=officer.pk, clearance_rank=officer.clearance_rank))
    template = read._templates["default"]
    with django_assert_num_queries(1):
        assert len(list(read(user_id=officer.pk, clearance_rank=officer.clearance_rank))) == 1
    assert read._templates["default"] is template


def test_values_list_unions_equal_the_orms(case, manager, manager2, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=M)
    Valuation.objects.create(
        position=position, valued_on="2026-06-30", fair_value=Decimal("1250000.50"), method="dcf", valued_by=manager
    )

    def rows(position_id):
        valuations = Valuation.objects.filter(position_id=position_id).order_by()
        return valuations.values_list("position_id", "fair_value", Value("v")).union(
            valuations.values_list("position_id", "fair_value", Value("w")), all=True
        )

    read = Precompiled(rows, "position_id")
    got = sorted(read(position_id=position.pk))
    assert (
        got
        == sorted(rows(position.pk))
        == [(position.pk, Decimal("1250000.50"), "v"), (position.pk, Decimal("1250000.50"), "w")]
    )
    assert isinstance(got[0][1], Decimal)  # converted as the ORM converts
    assert list(read(position_id=position.pk + 1)) == []


def test_deriving_from_a_precompiled_queryset_is_an_ordinary_query(officer, officer2):
    mine = make_case(officer=officer, title="Mijn casus")
    make_case(officer=officer, title="Andere casus", team={officer2: "case_officer"})
    read = Precompiled(_members_cases, "user_id", "clearance_rank")
    ready = read(user_id=officer.pk, clearance_rank=officer.clearance_rank)
    assert ready.filter(title="Mijn casus").get() == mine
    assert read(user_id=officer2.pk, clearance_rank=officer2.clearance_rank).count() == 1
    assert read(user_id=officer.pk, clearance_rank=officer.clearance_rank)[1:].get().title == "Andere casus"
    assert (
        Case.objects.filter(pk__in=read(user_id=officer2.pk, clearance_rank=officer2.clearance_rank).values("pk"))
        .get()
        .title
        == "Andere casus"
    )


def test_a_constant_equal_to_a_stand_in_stays_a_constant(officer):
    case = make_case(officer=officer)
    # 32500 and 32600 are the stand-ins' first values; the constant must not be taken for a value.
    read = Precompiled(lambda pk: Case.objects.filter(pk=pk).exclude(pk=32500).exclude(pk=32600), "pk")
    assert list(read(pk=case.pk)) == [case]
    sql = read._templates["default"][1]
    with CaptureQueriesContext(connection) as ctx:
        list(read(pk=case.pk))
    assert "32500" in ctx.captured_queries[0]["sql"] and "32600" in ctx.captured_queries[0]["sql"]
    assert sql


def test_a_query_that_does_not_take_a_value_as_a_parameter_is_refused():
    with pytest.raises(PrecompileError):
        list(Precompiled(lambda pk, other: Case.objects.filter(pk=pk), "pk", "other")(pk=1, other=2))
    # A value that changes the SQL's text (here the LIMIT, which is inlined) is refused too.
    with pytest.raises(PrecompileError):
        list(Precompiled(lambda n: Case.objects.all()[:n], "n")(n=3))


def test_values_out_of_range_and_non_numbers(officer):
    make_case(officer=officer)
    read = Precompiled(_members_cases, "user_id", "clearance_rank")
    if connection.vendor == "postgresql":  # its integer columns have ranges (SQLite's do not)
        assert list(read(user_id=officer.pk, clearance_rank=2**40)) == []  # a smallint: no rows, no error
    assert list(read(user_id=2**62, clearance_rank=3)) == []
    with pytest.raises(ValueError):
        read(user_id="abc", clearance_rank=3)
    with pytest.raises(TypeError):
        read(user_id=officer.pk)


@pytest.mark.parametrize("position_id", ["99999999999999999999", "2147483648", "-1", "abc", "1.5"])
def test_position_detail_of_a_strange_id_is_not_found(api, manager, position_id):
    assert api(manager).get(f"/api/positions/{position_id}/").status_code == 404
    with pytest.raises(NotFound):
        selectors.position_get(user=manager, position_id=position_id)


def test_the_position_detail_equals_the_orms_read(case, manager, manager2, secretariat, secretariat2, outsider):
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    position = invest_in_case(ready, proposer=manager, approver=manager2, amount=M, booked_on=date(2025, 1, 2))
    services.valuation_record(
        user=manager, position=position, valued_on=date(2026, 6, 30), fair_value=Decimal("1400000.00"), method="dcf"
    )
    services.return_book(
        user=manager,
        position=position,
        kind="dividend",
        amount=Decimal("25000.00"),
        idempotency_key="precompiled-dividend",
    )
    got = selectors.position_get(user=manager, position_id=position.pk, follow_ups=True, audit_read=False)
    orm = selectors.position_list(user=manager).get(pk=position.pk)
    assert [getattr(got, f.attname) for f in Position._meta.concrete_fields] == [
        getattr(orm, f.attname) for f in Position._meta.concrete_fields
    ]
    assert got.case.reference == orm.case.reference and got.case.title == orm.case.title
    assert (got.has_rights, got.has_conditions) == (False, False)
    # One position's metrics (the precompiled reads) equal those of the ORM's reads for several.
    metrics = selectors.position_metrics(got)
    assert metrics == selectors.positions_metrics([got, orm])[got.pk]
    assert metrics["returns"] == Decimal("25000.00") and metrics["latest_valuation_on"] == date(2026, 6, 30)
    with pytest.raises(NotFound):  # not on the case's team
        selectors.position_get(user=outsider, position_id=position.pk)


def test_select_for_update_outside_a_transaction_is_refused_as_the_orm_refuses_it(officer, transactional_db):
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    case = make_case(officer=officer)
    read = Precompiled(lambda pk: Case.objects.select_for_update().filter(pk=pk), "pk")
    with transaction.atomic():
        assert list(read(pk=case.pk)) == [case]  # compiled here, inside a transaction
    with pytest.raises(TransactionManagementError):
        list(read(pk=case.pk))
