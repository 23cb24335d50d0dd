"""The fund's manager is dated data (ManagerPeriod): everything that names it asks
`bev.selectors.manager_on` with the date in question. The cabinet aims to integrate Invest-NL and
Invest International "per 1 januari 2028" (2025 letter): with a manager period from that day, a report
or page dated after it names the new manager, one dated before it Invest-NL."""

from datetime import date

import pytest
from django.urls import reverse

from access.roles import Role
from bev import services
from bev.selectors import fund_overview, manager_on
from parliament.models import Report
from parliament.reports import build_annual_report
from tests.factories import fund_with_tranches, web_session

pytestmark = pytest.mark.django_db
INTEGRATED = "Geïntegreerde nationale financieringsinstelling (Invest-NL en Invest International)"


@pytest.fixture
def integrated(manager, make_user):
    fund_with_tranches(user=manager)  # Invest-NL manages from 1 September 2023
    administrator = make_user("beheerder", Role.ADMINISTRATOR)
    return services.manager_change(
        user=administrator,
        name=INTEGRATED,
        valid_from=date(2028, 1, 1),
        notes="Kamerbrief 4 juli 2025: integratie per 1 januari 2028.",
    )


def annual(year: int, user) -> dict:
    report = Report.objects.create(
        kind=Report.Kind.ANNUAL_TRANSACTIONS,
        year=year,
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        requested_by=user,
    )
    return build_annual_report(report).summary["fund"]


def test_the_manager_follows_the_date(integrated):
    assert manager_on(date(2023, 8, 31)) is None
    assert manager_on(date(2027, 12, 31)) == "Invest-NL"
    assert manager_on(date(2028, 1, 1)) == INTEGRATED
    assert fund_overview(as_of=date(2027, 6, 1))["manager"] == "Invest-NL"
    assert fund_overview(as_of=date(2028, 3, 1))["manager"] == INTEGRATED


def test_the_annual_report_and_the_api_name_the_manager_of_their_date(integrated, manager, api):
    assert annual(2027, manager)["manager"] == "Invest-NL"
    assert annual(2028, manager)["manager"] == INTEGRATED
    assert api(manager).get("/api/fund/?as_of=2028-01-02").json()["manager"] == INTEGRATED
    assert api(manager).get("/api/fund/?as_of=2027-12-31").json()["manager"] == "Invest-NL"


def test_the_fund_page_names_the_manager_of_today_and_the_role_not_invest_nl(integrated, manager, client):
    web_session(client, manager)
    page = client.get(reverse("bev:fund")).content.decode()
    assert "Beheerder: Invest-NL" in page and INTEGRATED not in page  # today is before 2028
    assert str(Role.FUND_MANAGER.label) == "Fondsbeheerder"
    assert "Lening EZK" in page and "niet ingesteld" in page  # no loan terms entered: no default rate


def test_a_successor_already_in_office_is_named_on_the_page(manager, make_user, client):
    fund_with_tranches(user=manager)
    services.manager_change(
        user=make_user("beheerder", Role.ADMINISTRATOR), name=INTEGRATED, valid_from=date(2026, 1, 1)
    )
    web_session(client, manager)
    assert f"Beheerder: {INTEGRATED}" in client.get(reverse("bev:fund")).content.decode()
