"""The admin shows money as the web pages do (`core.formatting.page_euro`, with cents): € 12.345.678,90
on a Dutch page, €12,345,678.90 on an English one, not the bare number Django's admin prints
(12345678,90). Display only: the amounts are stored as they were (`core.admin_money`)."""

import re
from decimal import Decimal

import pytest

from access.roles import Role
from bev.models import Fund, JournalEntry

from .factories import fund_with_tranches, make_case, web_session

pytestmark = pytest.mark.django_db

AMOUNT = Decimal("12345678.90")
BARE = ("12345678,90", "12345678.90", "12.345.678,9<", "Decimal(")


@pytest.fixture
def root(make_user):
    """A superuser with the administrator role (the role still decides what the admin shows)."""
    return make_user("root", Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def booked(manager):
    """The fund with one tranche of 12.345.678,90 received: a fund-wide ledger entry."""
    fund_with_tranches(user=manager, amounts=(AMOUNT,))
    return JournalEntry.objects.get(amount=AMOUNT)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    text = response.content.decode()
    for bare in BARE:
        assert bare not in text, (url, bare)
    return text


def test_the_ledger_changelist_and_entry_show_euros(client, root, booked):
    web_session(client, root)
    listed = page(client, "/admin/bev/journalentry/")
    assert "€ 12.345.678,90" in listed
    shown = page(client, f"/admin/bev/journalentry/{booked.pk}/change/")
    assert shown.count("€ 12.345.678,90") >= 3  # the entry's amount and its two lines (debit, credit)
    # The column still sorts by the amount.
    assert client.get("/admin/bev/journalentry/?o=4").status_code == 200


def test_the_fund_changelist_and_page_show_its_limits_and_tranches_in_euros(client, root, booked):
    web_session(client, root)
    fund = Fund.objects.get()
    listed = page(client, "/admin/bev/fund/")
    assert "€ 100.000.000,00" in listed and "€ 150.000.000,00" in listed
    assert "100000000,00" not in listed
    shown = page(client, f"/admin/bev/fund/{fund.pk}/change/")
    assert "€ 100.000.000,00" in shown and "€ 150.000.000,00" in shown
    # The label is the field's own.
    assert re.search(r"Maximaal toegezegd kapitaal \(EUR\)", shown)


def test_an_english_admin_shows_english_euros(client, root, booked):
    root.language = "en"
    root.save(update_fields=["language"])
    web_session(client, root)
    response = client.get("/admin/bev/journalentry/")
    assert "€12,345,678.90" in response.content.decode()


def test_a_cases_transaction_value_shows_in_euros(client, make_user):
    root_officer = make_user("root_officer", Role.CASE_OFFICER, is_staff=True, is_superuser=True)
    case = make_case(officer=root_officer, transaction_value=AMOUNT)
    web_session(client, root_officer)
    shown = page(client, f"/admin/cases/case/{case.pk}/change/")
    assert "€ 12.345.678,90" in shown


def test_the_amount_is_stored_as_it_was(client, root, booked):
    web_session(client, root)
    page(client, "/admin/bev/journalentry/")
    booked.refresh_from_db()
    assert booked.amount == AMOUNT and isinstance(booked.amount, Decimal)
