"""The case list's counts table (`cases_case_list_count`, cases migration 0014; `cases.api.listing`):
after every kind of write to cases and teams (services, queryset updates, raw SQL, bulk inserts,
deletes, truncation), read from another connection, under concurrent writers and in the races of a
membership and a case write on the same case, the table's sums are exactly the cases each person's
list shows; the list's count is read from it in the page's own statement, without counting the cases.
Triggers and committed rows: transactional tests on PostgreSQL."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from access.models import Role
from cases.api import listing
from cases.models import Case, CaseCategory, CaseTeamMember
from cases.services import case_team_add, case_team_change_role, case_team_remove
from core.classification import Classification, rank
from tests.factories import make_case

pytestmark = [pytest.mark.fastpaths, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

KEPT = (
    "SELECT user_id, classification_rank, classification, state, urgency, SUM(n) FROM cases_case_list_count "
    "GROUP BY 1, 2, 3, 4, 5 HAVING SUM(n) <> 0"
)
TRUTH = (
    "SELECT m.user_id, c.classification_rank, c.classification, c.state, c.urgency, COUNT(*) "
    "FROM cases_caseteammember m JOIN cases_case c ON c.id = m.case_id "
    "WHERE m.role <> 'department_advisor' GROUP BY 1, 2, 3, 4, 5"
)


CATEGORY_KEPT = (
    "SELECT user_id, classification_rank, category, SUM(n) FROM cases_case_list_category_count "
    "GROUP BY 1, 2, 3 HAVING SUM(n) <> 0"
)
CATEGORY_TRUTH = (
    "SELECT m.user_id, c.classification_rank, k.category, COUNT(*) "
    "FROM cases_caseteammember m JOIN cases_case c ON c.id = m.case_id "
    "JOIN cases_casecategory k ON k.case_id = m.case_id "
    "WHERE m.role <> 'department_advisor' GROUP BY 1, 2, 3"
)


def _rows(cursor, sql) -> set[tuple]:
    cursor.execute(sql)
    return {tuple(row) for row in cursor.fetchall()}


def assert_list_counts_exact() -> None:
    """The counts table's sums equal the cases on each person's list, read from another connection
    (what is committed) and from this one."""
    for kept_sql, truth_sql in ((KEPT, TRUTH), (CATEGORY_KEPT, CATEGORY_TRUTH)):
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                kept, truth = _rows(cursor, kept_sql), _rows(cursor, truth_sql)
        finally:
            other.close()
        assert kept == truth, {"kept only": kept - truth, "missing": truth - kept}
        with connection.cursor() as cursor:
            assert _rows(cursor, kept_sql) == _rows(cursor, truth_sql)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the counts table and its triggers are PostgreSQL's")
    listing._COUNTS.clear()


@pytest.fixture
def cases(officer, officer2):
    return [make_case(officer=officer, title=f"Chip {n}", team={officer2: Role.CASE_OFFICER}) for n in range(3)]


def _create(ctx):
    make_case(officer=ctx["officer"], title="Nieuw", team={ctx["officer2"]: Role.CASE_OFFICER})


def _transition(ctx):
    from cases.services import case_transition

    case_transition(user=ctx["officer"], case=ctx["cases"][0], name="withdraw", reason="Ingetrokken.")


def _state_by_queryset(ctx):
    Case.objects.filter(pk__in=[c.pk for c in ctx["cases"][:2]]).update(state="intake")


def _reclassify(ctx):
    level = Classification.INTERN
    Case.objects.filter(pk=ctx["cases"][1].pk).update(classification=level, classification_rank=rank(level))


def _raw_sql_update(ctx):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET state = 'withdrawn', classification_rank = 1 WHERE id = %s", [ctx["cases"][2].pk]
        )


def _urgency_change(ctx):
    Case.objects.filter(pk__in=[c.pk for c in ctx["cases"][1:]]).update(urgency="immediate")


def _urgency_and_state_at_once(ctx):
    Case.objects.filter(pk=ctx["cases"][0].pk).update(urgency="immediate", state="intake")


def _category_added(ctx):
    CaseCategory.objects.create(case=ctx["cases"][0], category="wbni")


def _category_removed(ctx):
    CaseCategory.objects.filter(case=ctx["cases"][1], category="sensitive_technology").delete()


def _category_changed(ctx):
    CaseCategory.objects.filter(case=ctx["cases"][2], category="sensitive_technology").update(category="wbni")


def _categories_by_service(ctx):
    from cases.services import case_update

    case = Case.objects.get(pk=ctx["cases"][0].pk)
    case_update(
        user=ctx["officer"], case=case, data={"categories": ["wbni", "vital_provider"]}, expected_version=case.version
    )


def _version_only(ctx):
    Case.objects.filter(pk=ctx["cases"][2].pk).update(version=7)


def _team_add(ctx):
    case_team_add(user=ctx["officer"], case=ctx["cases"][0], member=ctx["outsider"], role=Role.CASE_OFFICER)


def _team_remove(ctx):
    case_team_remove(user=ctx["officer"], case=ctx["cases"][1], member=ctx["officer2"])


def _advisor_role(ctx):
    CaseTeamMember.objects.filter(case=ctx["cases"][2], user=ctx["officer2"]).update(role=Role.DEPARTMENT_ADVISOR)


def _role_change(ctx):
    CaseTeamMember.objects.filter(user=ctx["officer2"]).update(role=Role.DEPARTMENT_ADVISOR)
    case_team_change_role(user=ctx["officer"], case=ctx["cases"][0], member=ctx["officer2"], role=Role.CASE_OFFICER)


def _membership_moved(ctx):
    CaseTeamMember.objects.filter(case=ctx["cases"][0], user=ctx["officer2"]).update(user=ctx["outsider"])


def _sql_copies(case_ids) -> list[int]:
    """Copies of the cases and their teams, each table in one INSERT ... SELECT (the benchmark's loader
    does so): no timeline, categories or clocks, so that a copy may also be deleted (cases never are)."""
    cols = [
        f.column
        for f in Case._meta.concrete_fields
        if f.column not in ("id", "reference") and not getattr(f, "generated", False)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE copies ON COMMIT DROP AS SELECT id AS old_id, "
            "nextval(pg_get_serial_sequence('cases_case', 'id')) AS new_id FROM cases_case WHERE id = ANY(%s)",
            [list(case_ids)],
        )
        cursor.execute(
            f"INSERT INTO cases_case (id, reference, {', '.join(cols)}) "
            f"SELECT m.new_id, 'KOPIE-' || m.new_id, {', '.join('c.' + c for c in cols)} "
            "FROM copies m JOIN cases_case c ON c.id = m.old_id"
        )
        cursor.execute(
            "INSERT INTO cases_caseteammember (case_id, user_id, role, added_at, added_by_id) "
            "SELECT m.new_id, t.user_id, t.role, t.added_at, t.added_by_id "
            "FROM copies m JOIN cases_caseteammember t ON t.case_id = m.old_id"
        )
        cursor.execute("SELECT new_id FROM copies ORDER BY new_id")
        return [row[0] for row in cursor.fetchall()]


def _bulk_copy(ctx):
    assert len(_sql_copies([c.pk for c in ctx["cases"]])) == 3


def _delete_team_then_case(ctx):
    copy = _sql_copies([ctx["cases"][1].pk])[0]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseteammember WHERE case_id = %s", [copy])
        cursor.execute("DELETE FROM cases_case WHERE id = %s", [copy])


def _delete_case_then_team(ctx):
    """With Django's deferred foreign keys the case may go first, its team after, in one transaction."""
    copies = _sql_copies([c.pk for c in ctx["cases"][:2]])
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_case WHERE id = ANY(%s)", [copies])
        cursor.execute("DELETE FROM cases_caseteammember WHERE case_id = ANY(%s)", [copies])


def _rolled_back(ctx):
    with pytest.raises(RuntimeError), transaction.atomic():
        _create(ctx)
        _team_remove(ctx)
        raise RuntimeError("rolled back")


def _other_connection(ctx):
    def elsewhere():
        try:
            _create(ctx)
            _transition(ctx)
        finally:
            connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()


WRITES = [
    _create,
    _transition,
    _state_by_queryset,
    _reclassify,
    _raw_sql_update,
    _urgency_change,
    _urgency_and_state_at_once,
    _version_only,
    _category_added,
    _category_removed,
    _category_changed,
    _categories_by_service,
    _team_add,
    _team_remove,
    _advisor_role,
    _role_change,
    _membership_moved,
    _delete_team_then_case,
    _delete_case_then_team,
    _bulk_copy,
    _rolled_back,
    _other_connection,
]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__.lstrip("_") for w in WRITES])
def test_every_kind_of_write_keeps_the_counts_exact(api, cases, officer, officer2, outsider, monkeypatch, write):
    assert_list_counts_exact()
    write({"officer": officer, "officer2": officer2, "outsider": outsider, "cases": cases})
    assert_list_counts_exact()
    for user in (officer, officer2, outsider):
        client = api(user)
        for query in (
            "",
            "?state=signal",
            "?state=withdrawn&state=intake",
            "?classification=intern",
            "?urgency=immediate",
            "?urgency=normal&state=signal",
            "?urgency=immediate&classification=vertrouwelijk&state=intake",
            "?category=wbni",
            "?category=sensitive_technology&ordering=reference&page_size=1",
        ):
            with monkeypatch.context() as patched:  # DRF's own path: the ORM's COUNT(*)
                patched.setattr(listing, "page_rows", lambda *args, **kwargs: None)
                expected = client.get(f"/api/cases/{query}").json()
            assert client.get(f"/api/cases/{query}").json() == expected, (user, query)


def test_the_writes_above_do_change_what_is_counted(api, cases, officer, officer2, outsider):
    """The parametrised test would pass if the lists did not change: each write does change them."""
    ctx = {"officer": officer, "officer2": officer2, "outsider": outsider, "cases": cases}

    def count(user, query=""):
        return api(user).get(f"/api/cases/{query}").json()["count"]

    assert (count(officer), count(officer2), count(outsider)) == (3, 3, 0)
    _team_add(ctx)
    assert count(outsider) == 1
    _transition(ctx)
    assert count(officer2, "?state=withdrawn") == 1 and count(officer2, "?state=signal") == 2
    _reclassify(ctx)
    assert count(officer2, "?classification=intern") == 1
    assert count(officer2, "?urgency=immediate") == 0
    _urgency_change(ctx)
    assert count(officer2, "?urgency=immediate") == 2 and count(outsider, "?urgency=immediate") == 0
    assert count(officer2, "?urgency=immediate&classification=intern") == 1
    _advisor_role(ctx)
    assert count(officer2) == 2
    _bulk_copy(ctx)
    assert count(officer) == 6 and count(outsider) == 2 and count(officer2) == 4
    _delete_case_then_team(ctx)  # two more copies, deleted again
    assert count(officer) == 6 and count(outsider) == 2 and count(officer2) == 4


def test_the_count_is_read_from_the_table_in_the_pages_own_statement(api, cases, officer, officer2):
    """After a change the next page is one statement that sums the person's counts: it does not count
    the cases (COUNT(*)) nor read the change log."""
    client = api(officer2)
    assert client.get("/api/cases/?state=signal").json()["count"] == 3
    _create({"officer": officer, "officer2": officer2, "cases": cases})
    for query in (
        "",
        "?state=signal",
        "?classification=vertrouwelijk&ordering=reference&page_size=2&page=2",
        "?urgency=normal",
        "?urgency=normal&state=signal&ordering=-signal_received_at",
        "?category=sensitive_technology",
    ):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(f"/api/cases/{query}").json()
        assert body["count"] == 4 and body["results"]
        assert len(queries) == 1, [q["sql"] for q in queries]
        sql = queries[0]["sql"]
        assert "SUM(n)" in sql and sql.count("COUNT(*)") == 1  # the only COUNT(*): the person's rows
        table = "cases_case_list_category_count" if "category" in query else "cases_case_list_count"
        assert f"COUNT(*) FROM {table} WHERE" in sql
        assert "cases_case_list_change" not in sql


def test_filters_the_table_does_not_hold_are_counted(api, cases, officer2):
    client = api(officer2)
    for query in (
        "?search=Chip",
        "?category=wbni&state=signal",
        "?state=",
        "?state=bestaat_niet",
        "?urgency=bestaat_niet",
    ):
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/api/cases/{query}")
        assert all("cases_case_list_count" not in q["sql"] for q in queries), query


def test_a_transactions_own_writes_are_in_its_count(api, cases, officer, officer2):
    client = api(officer2)
    with pytest.raises(RuntimeError), transaction.atomic():
        _create({"officer": officer, "officer2": officer2, "cases": cases})
        assert client.get("/api/cases/").json()["count"] == 4
        raise RuntimeError("rolled back")
    assert client.get("/api/cases/").json()["count"] == 3


def test_a_clearance_below_a_case_hides_it_from_the_count(api, cases, officer2):
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(urgency="immediate")
    Case.objects.filter(pk=cases[0].pk).update(classification_rank=officer2.clearance_rank + 1)
    assert_list_counts_exact()
    for query in ("", "?urgency=immediate", "?urgency=immediate&state=signal", "?category=sensitive_technology"):
        assert api(officer2).get(f"/api/cases/{query}").json()["count"] == 2, query


def test_a_case_outside_the_persons_teams_is_not_in_the_count(api, cases, officer, officer2):
    """Need-to-know: the count by urgency is the person's own (cases on their teams, not an
    advisor's), never all cases of that urgency."""
    make_case(officer=officer, title="Niet van officer2", urgency="immediate")
    advised = make_case(officer=officer, title="Adviseur", urgency="immediate", team={officer2: Role.CASE_OFFICER})
    CaseTeamMember.objects.filter(case=advised, user=officer2).update(role=Role.DEPARTMENT_ADVISOR)
    assert api(officer).get("/api/cases/?urgency=immediate").json()["count"] == 2
    assert api(officer2).get("/api/cases/?urgency=immediate").json()["count"] == 0
    assert api(officer2).get("/api/cases/?urgency=normal").json()["count"] == 3
    assert api(officer).get("/api/cases/?category=sensitive_technology").json()["count"] == 5
    assert api(officer2).get("/api/cases/?category=sensitive_technology").json()["count"] == 3
    CaseCategory.objects.create(case=advised, category="wbni")
    assert api(officer2).get("/api/cases/?category=wbni").json()["count"] == 0
    assert api(officer).get("/api/cases/?category=wbni").json()["count"] == 1


def test_a_truncate_empties_the_counts(cases):
    """As `manage.py flush` (and the test runner between transactional tests) empties the tables."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE cases_caseteammember, cases_case CASCADE")
        cursor.execute("SELECT COUNT(*) FROM cases_case_list_count")
        assert cursor.fetchone()[0] == 0


def test_readers_fold_a_persons_rows_keeping_the_sums(api, cases, officer, officer2):
    for _ in range(listing.COUNT_ROWS_TO_FOLD // 2 + 1):  # each pair adds two rows for officer2
        CaseTeamMember.objects.filter(case=cases[0], user=officer2).update(role=Role.DEPARTMENT_ADVISOR)
        CaseTeamMember.objects.filter(case=cases[0], user=officer2).update(role=Role.CASE_OFFICER)
    with connection.cursor() as cursor:
        cursor.execute(listing._TABLE_ROWS_SQL, [officer2.pk])
        assert cursor.fetchone()[0] > listing.COUNT_ROWS_TO_FOLD
    assert api(officer2).get("/api/cases/").json()["count"] == 3
    with connection.cursor() as cursor:
        cursor.execute(listing._TABLE_ROWS_SQL, [officer2.pk])
        assert cursor.fetchone()[0] == 1  # one classification, one state
    assert_list_counts_exact()
    assert api(officer2).get("/api/cases/").json()["count"] == 3


def _in_thread(work, failures):
    def run():
        try:
            work()
        except Exception as exc:  # reported by the test
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.parametrize("first", ["case_write", "team_write"])
def test_a_membership_and_a_case_write_at_once_are_both_counted(cases, officer, outsider, first):
    """One transaction moves a case to another state and holds it uncommitted while another puts a
    person on the same case's team (or the other way round). Neither sees the other's uncommitted row:
    without the team trigger's lock on the case (FOR SHARE) the newcomer is counted in the old state."""
    case, failures, held, release = cases[0], [], threading.Event(), threading.Event()

    def case_write():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE cases_case SET state = 'intake' WHERE id = %s", [case.pk])
            held.set()
            release.wait(10)

    def team_write():
        with transaction.atomic():
            CaseTeamMember.objects.create(case=case, user=outsider, role=Role.CASE_OFFICER)
            held.set()
            release.wait(10)

    holder = _in_thread(case_write if first == "case_write" else team_write, failures)
    assert held.wait(10)
    held.clear()
    second = _in_thread(team_write if first == "case_write" else case_write, failures)
    time.sleep(0.5)  # the second writer reaches the case's row lock (or, without it, commits)
    release.set()
    holder.join(10)
    second.join(10)
    assert not failures, failures
    assert_list_counts_exact()


def test_concurrent_writers_lose_no_count(cases, officer, officer2, outsider):
    """Four connections add and remove people and move cases between states at once, on the same
    people: every +1 and -1 arrives (writers only insert rows: none waits on another's counter)."""
    extra = [make_case(officer=officer, title=f"Druk {n}") for n in range(4)]
    failures: list[Exception] = []

    def churn(case, n):
        def work():
            for i in range(15):
                case_team_add(user=officer, case=case, member=outsider, role=Role.CASE_OFFICER)
                Case.objects.filter(pk=case.pk).update(state="intake" if i % 2 else "signal")
                if n % 2:
                    case_team_add(user=officer, case=case, member=officer2, role=Role.CASE_OFFICER)
                    case_team_remove(user=officer, case=case, member=officer2)
                case_team_remove(user=officer, case=case, member=outsider)
            case_team_add(user=officer, case=case, member=outsider, role=Role.CASE_OFFICER)

        return work

    threads = [_in_thread(churn(case, n), failures) for n, case in enumerate(extra)]
    for thread in threads:
        thread.join(120)
    assert not failures, failures
    assert_list_counts_exact()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(SUM(n), 0) FROM cases_case_list_count WHERE user_id = %s", [outsider.pk])
        assert cursor.fetchone()[0] == 4


@pytest.mark.parametrize("first", ["category_write", "team_write", "case_write"])
def test_a_category_write_beside_a_membership_or_case_write_is_counted(cases, outsider, first):
    """A category added to a case while another transaction, uncommitted, puts a person on its team
    (or reclassifies it), either first. Without the category trigger's lock on the case (FOR NO KEY
    UPDATE, which waits for the team trigger's FOR SHARE and for the case's row lock, and they for
    it) the newcomer is never counted in that category, or counted at the old rank."""
    case, failures, held, release = cases[0], [], threading.Event(), threading.Event()

    def category_write():
        with transaction.atomic():
            CaseCategory.objects.create(case=case, category="wbni")
            held.set()
            release.wait(10)

    def team_write():
        with transaction.atomic():
            CaseTeamMember.objects.create(case=case, user=outsider, role=Role.CASE_OFFICER)
            held.set()
            release.wait(10)

    def case_write():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE cases_case SET classification_rank = 1 WHERE id = %s", [case.pk])
            held.set()
            release.wait(10)

    second_of = {"category_write": team_write, "team_write": category_write, "case_write": category_write}
    holder = _in_thread(
        {"category_write": category_write, "team_write": team_write, "case_write": case_write}[first], failures
    )
    assert held.wait(10)
    held.clear()
    second = _in_thread(second_of[first], failures)
    time.sleep(0.5)
    release.set()
    holder.join(10)
    second.join(10)
    assert not failures, failures
    assert_list_counts_exact()


def test_readers_fold_a_persons_category_rows_keeping_the_sums(api, cases, officer2):
    for _ in range(listing.COUNT_ROWS_TO_FOLD // 2 + 1):  # each pair adds two rows for officer2
        CaseTeamMember.objects.filter(case=cases[0], user=officer2).update(role=Role.DEPARTMENT_ADVISOR)
        CaseTeamMember.objects.filter(case=cases[0], user=officer2).update(role=Role.CASE_OFFICER)
    with connection.cursor() as cursor:
        cursor.execute(listing._CATEGORY_ROWS_SQL, [officer2.pk])
        assert cursor.fetchone()[0] > listing.COUNT_ROWS_TO_FOLD
    assert api(officer2).get("/api/cases/?category=sensitive_technology").json()["count"] == 3
    with connection.cursor() as cursor:
        cursor.execute(listing._CATEGORY_ROWS_SQL, [officer2.pk])
        assert cursor.fetchone()[0] == 2  # one rank, two categories
    assert_list_counts_exact()
    assert api(officer2).get("/api/cases/?category=defence_intelligence_supplier").json()["count"] == 3
