"""The case's searchable text lives in its own table, `cases_casesearch`, with the trigram index (issue
25, cases/0020): written when a case is created and when its reference, title, target, acquirer or KvK
number change, never by a state change (which no longer re-enters every trigram); the list's search
reads it and keeps its need-to-know."""

import pytest
from django.db import connection

from cases.models import Case, CaseSearch
from cases.selectors import case_search
from cases.services import case_transition, case_update

from .factories import make_case

pytestmark = pytest.mark.django_db


def _row_version(case_id: int) -> str:
    """The search row's xmin (PostgreSQL: changes with every write of the row) or its text (SQLite)."""
    column = "xmin::text" if connection.vendor == "postgresql" else "search_text"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM cases_casesearch WHERE case_id = %s", [case_id])
        return cursor.fetchone()[0]


def test_a_new_case_has_its_search_text(officer):
    case = make_case(officer=officer, title="Fotonica Nederland")
    assert CaseSearch.objects.get(case=case).search_text == Case.objects.get(pk=case.pk).search_text
    assert list(case_search(Case.objects.all(), terms=["fotonica"])) == [case]


def test_a_state_change_leaves_the_search_row_alone(officer):
    case = make_case(officer=officer)
    before = _row_version(case.pk)
    case_transition(user=officer, case=Case.objects.get(pk=case.pk), name="start_intake")
    assert Case.objects.get(pk=case.pk).state == "intake"
    if connection.vendor == "postgresql":
        assert _row_version(case.pk) == before  # not written again


def test_a_new_title_is_found_and_the_old_one_not(officer):
    case = make_case(officer=officer, title="Oude naam")
    case_update(
        user=officer,
        case=Case.objects.get(pk=case.pk),
        data={"title": "Kwantumchips Twente"},
        expected_version=Case.objects.get(pk=case.pk).version,
    )
    assert CaseSearch.objects.get(case=case).search_text == Case.objects.get(pk=case.pk).search_text
    assert list(case_search(Case.objects.all(), terms=["kwantumchips", "twente"])) == [case]
    assert not case_search(Case.objects.all(), terms=["oude naam"]).exists()


def test_the_search_keeps_the_need_to_know(officer, outsider):
    case = make_case(officer=officer, title="Geheime Halfgeleiders")
    assert list(case_search(Case.objects.visible_to(officer), terms=["halfgeleiders"])) == [case]
    assert not case_search(Case.objects.visible_to(outsider), terms=["halfgeleiders"]).exists()
