"""A value the input rules refuse in a list's filter (a GET query string: a date before 1900, an
invisible character in the search) is an error at that field of the filter form, on the list's own
page, as a form body's is (core.input_guard). It was a separate page naming the raw parameter
("Ongeldige invoer in „received_from”"), and the filter form was gone. A refused parameter that no
filter form has (the page number) still gets that page.

The audit trail asks for the right to read it before it reads its filter: an invalid filter showed
its page, empty, to anyone signed in."""

import re

import pytest

from access.roles import Role

from .factories import web_session

pytestmark = pytest.mark.django_db


def field_error(page: str, auto_id: str) -> str:
    found = re.search(rf'<div class="field-error" id="{re.escape(auto_id)}_error">(.*?)</div>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def the_list_with_an_error(response) -> str:
    page = response.content.decode()
    assert response.status_code == 400, (response.status_code, page[:300])
    assert "niets opgeslagen" not in page and "Ongeldige invoer in" not in page  # not the separate page
    return page


def test_a_date_before_1900_in_the_case_filter_is_an_error_at_that_field(client, officer, case):
    web_session(client, officer)
    page = the_list_with_an_error(client.get("/cases/?received_from=0001-01-01&state=open"))
    assert field_error(page, "id_received_from") == "Een datum vóór 1900 is niet toegestaan."
    assert 'name="received_from" value="0001-01-01"' in page  # shown back as typed
    assert '<option value="open" selected>' in page  # the rest of the filter kept
    assert case.reference in page  # the list, without the refused filter


def test_an_invisible_character_in_the_search_is_an_error_at_the_search_field(client, officer, case):
    web_session(client, officer)
    page = the_list_with_an_error(client.get("/cases/?q=%EF%BB%BFchip"))
    assert "U+FEFF" in field_error(page, "id_q")
    assert "\ufeff" not in page  # a character a page cannot show is not shown back


def test_a_refused_parameter_no_filter_has_is_the_page_naming_it(client, officer, case):
    web_session(client, officer)
    response = client.get("/cases/?received_from=0001-01-01&page=1%002")
    page = response.content.decode()
    assert response.status_code == 400 and "niets opgeslagen" in page
    assert "„received_from”" in page or "„page”" in page


def test_the_audit_filter_refuses_at_its_field_for_an_auditor(client, make_user):
    web_session(client, make_user("auditor1", role=Role.AUDITOR))
    page = the_list_with_an_error(client.get("/audit/?date_from=9999-12-31"))
    assert field_error(page, "id_date_from") == "Een datum na 2200 is niet toegestaan."


@pytest.mark.parametrize("query", ["date_from=2024-02-30", "date_from=0001-01-01", "user=%00"])
@pytest.mark.parametrize("path", ["/audit/", "/audit/export.csv"])
def test_an_invalid_audit_filter_shows_nothing_to_someone_without_the_trail(client, officer, path, query):
    web_session(client, officer)
    response = client.get(f"{path}?{query}")
    page = response.content.decode()
    assert response.status_code == 403, (response.status_code, page[:300])
    assert 'name="date_from"' not in page


def test_a_refused_document_search_is_an_error_at_the_field_and_the_case_read_is_recorded(client, officer, case):
    """The documents page reads the case file, which is recorded; the page with the refusal shows
    the case, so the record of that read stays (a form body's refusal is rolled back, a GET's read
    is not)."""
    from audit.models import AuditRecord

    web_session(client, officer)
    reads = AuditRecord.objects.filter(event="case.read", case_id=case.pk).count()
    page = the_list_with_an_error(client.get(f"/documents/cases/{case.pk}/?q=chip%E2%80%AEfdp"))
    assert "U+202E" in field_error(page, "id_q")
    assert case.reference in page
    assert AuditRecord.objects.filter(event="case.read", case_id=case.pk).count() == reads + 1


def test_a_refused_parameter_on_a_page_without_a_filter_keeps_nothing_the_view_did(client, officer, case):
    """The case page reads the case file, which is recorded; refused, its answer is the page naming
    the parameter, which shows nothing of the case, so no read is recorded either."""
    from audit.models import AuditRecord

    web_session(client, officer)
    reads = AuditRecord.objects.filter(event="case.read", case_id=case.pk).count()
    response = client.get(f"/cases/{case.pk}/?tab=%00")
    page = response.content.decode()
    assert response.status_code == 400 and "niets opgeslagen" in page and case.title not in page
    assert AuditRecord.objects.filter(event="case.read", case_id=case.pk).count() == reads


HOSTILE = {
    "nul": "a\x00b",
    "bidi": "chip\u202efdp",
    "zero width": "chip\u200bsoft",
    "markup": '"><script>alert(1)</script>',
    "long": "x" * 100_001,
    "year 1": "0001-01-01",
    "year 9999": "9999-12-31",
    "other digits": "\u0661\u0662",
    "exponent": "1e1",
}


@pytest.mark.parametrize("label", sorted(HOSTILE))
def test_every_filter_field_survives_hostile_values(client, officer, make_user, case, label):
    """Every field of every list's filter form, as a person who may see the list: a 200 or a 400,
    never a server error, and no markup comes back unescaped."""
    from audit.views import AuditFilterForm
    from bev.forms import LedgerFilterForm
    from cases.forms import CaseFilterForm
    from documents.forms import DocumentSearchForm

    from .factories import fund_establish_default

    fund_establish_default()
    pages = [
        (officer, "/cases/", CaseFilterForm),
        (officer, f"/documents/cases/{case.pk}/", DocumentSearchForm),
        (make_user("fonds1", role=Role.FUND_MANAGER), "/fund/ledger/", LedgerFilterForm),
        (make_user("auditor1", role=Role.AUDITOR), "/audit/", AuditFilterForm),
    ]
    client.raise_request_exception = False
    for user, path, form_class in pages:
        web_session(client, user)
        for name in form_class.base_fields:
            response = client.get(path, {name: HOSTILE[label]})
            assert response.status_code in (200, 400), (path, name, label, response.status_code)
            assert "<script>alert(1)</script>" not in response.content.decode(), (path, name)


@pytest.mark.parametrize("typed", ["BEV-1900-999", "999999"])
def test_a_case_the_auditor_cannot_find_is_an_error_at_the_audit_filters_field(client, make_user, typed):
    web_session(client, make_user("auditor1", role=Role.AUDITOR))
    page = the_list_with_an_error(client.get("/audit/", {"case": typed}))
    assert field_error(page, "id_case") == "Geen casus met dit nummer of kenmerk die u mag inzien."
