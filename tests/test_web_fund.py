"""The fund in the web UI: figures and charts, bookings with a confirm step showing the effect on
the liquidity, four-eyes disbursement, and a refused over-limit disbursement at the field."""

from decimal import Decimal

import pytest
from django.urls import reverse

from bev.models import Disbursement, JournalEntry, Position

from .factories import case_to_investment_preparation, fund_with_tranches, web_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def prepared(case, manager, secretariat, secretariat2):
    fund_with_tranches(user=manager)
    return case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)


@pytest.fixture
def position(prepared, manager):
    from bev.services import position_create

    return position_create(user=manager, case=prepared, instrument="equity", ownership_percent=Decimal("25"))


def test_fund_page_shows_figures_and_charts(client, manager, prepared):
    web_session(client, manager)
    body = client.get(reverse("bev:fund")).content.decode()
    assert "€ 100.000.000" in body
    assert "Liquide middelen in de tijd" in body and 'class="limit"' in body


def test_fund_page_is_refused_to_roles_without_fund_view(client, officer, prepared):
    web_session(client, officer)
    assert client.get(reverse("bev:fund")).status_code == 403


def test_position_form_refuses_an_instrument_without_its_terms(client, manager, prepared):
    web_session(client, manager)
    response = client.post(reverse("bev:case_positions", args=[prepared.pk]), {"instrument": "convertible_loan"})
    assert response.status_code == 400
    assert "field-invalid" in response.content.decode()
    assert Position.objects.count() == 0


def test_reservation_previews_then_books_once(client, manager, position):
    web_session(client, manager)
    url = reverse("bev:position_book", args=[position.pk, "reserve"])
    data = {"reserve-amount": "10.000.000", "reserve-idempotency_key": "web-res-1"}
    preview = client.post(url, data)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Na boeking" in body and "€ 90.000.000" in body  # available after
    assert not JournalEntry.objects.filter(kind="reservation").exists()
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302  # a retried confirm books once
    assert JournalEntry.objects.filter(kind="reservation").count() == 1


def test_a_booking_form_sent_again_with_another_amount_says_so_in_words(client, manager, position):
    """Found by trying the product: after a booking, Back, another amount and send gave "Deze
    idempotentiesleutel is al gebruikt voor een andere boeking": the API's word, not the page's."""
    web_session(client, manager)
    url = reverse("bev:position_book", args=[position.pk, "reserve"])
    data = {"reserve-amount": "10.000.000", "reserve-idempotency_key": "web-res-again", "confirm": "1"}
    assert client.post(url, data).status_code == 302
    again = client.post(url, {**data, "reserve-amount": "12.000.000"})
    body = again.content.decode()
    assert again.status_code == 400 and "idempotentiesleutel" not in body
    assert "Dit formulier is al eens verzonden met andere gegevens" in body
    assert JournalEntry.objects.filter(kind="reservation").count() == 1


def test_over_limit_disbursement_is_refused_at_the_amount(client, manager, position):
    web_session(client, manager)
    response = client.post(
        reverse("bev:position_book", args=[position.pk, "disburse"]),
        {"disburse-amount": "150000000", "disburse-idempotency_key": "web-d-1"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Onvoldoende beschikbare liquiditeit" in body
    assert 'id="id_disburse-amount_error"' in body
    assert Disbursement.objects.count() == 0


def test_disbursement_needs_a_second_manager(client, manager, manager2, position):
    web_session(client, manager)
    url = reverse("bev:position_book", args=[position.pk, "disburse"])
    client.post(url, {"disburse-amount": "12500000", "disburse-idempotency_key": "web-d-2", "confirm": "1"})
    disbursement = Disbursement.objects.get()
    approve = reverse("bev:disbursement_decide", args=[disbursement.pk, "approve"])
    client.post(approve, {"confirm": "1"})
    disbursement.refresh_from_db()
    assert disbursement.status == "proposed"  # four eyes: not by the proposer
    client.logout()
    web_session(client, manager2)
    assert "Vier ogen: uitbetaling goedkeuren" in client.get(reverse("core:home")).content.decode()
    preview = client.post(approve)
    assert "€ 87.500.000" in preview.content.decode()
    assert client.post(approve, {"confirm": "1"}).status_code == 302
    disbursement.refresh_from_db()
    assert disbursement.status == "booked"
    position.case.refresh_from_db()
    assert position.case.state == "invested"
    # rejecting it now (a page left open): the page says why, at the top, where no reject form is
    reject = client.post(
        reverse("bev:disbursement_decide", args=[disbursement.pk, "reject"]), {f"r{disbursement.pk}-reason": "Te laat"}
    )
    assert reject.status_code == 400
    assert "Over deze uitbetaling is al besloten." in reject.content.decode()
    assert 'class="error-summary"' in reject.content.decode()


def test_fund_page_in_english(client, manager, prepared):
    web_session(client, manager)
    client.post(reverse("set_language"), {"language": "en"})
    body = client.get(reverse("bev:fund")).content.decode()
    assert 'lang="en"' in body
    assert "Liquid assets over time against the maximum of €150,000,000" in body  # the fund's own cap, English figures
    assert "Bookings at fund level" in body
    # dates in English too (issue 23): the page's "as of" date and the charts' axes
    from django.utils import timezone

    from core.formatting import MONTHS_EN, MONTHS_NL

    today = timezone.localdate()
    assert f"as of {today.day} {MONTHS_EN[today.month - 1]} {today.year}." in body  # the template filter
    chart = client.get(reverse("bev:fund")).context["liquid_chart"]
    assert chart["end"] == f"{today.day} {MONTHS_EN[today.month - 1]} {today.year}"  # the charts' axes
    assert MONTHS_NL[today.month - 1] == MONTHS_EN[today.month - 1] or MONTHS_NL[today.month - 1] not in body


def _steps(path: str) -> list[tuple[str, float]]:
    import re

    return [(cmd, float(value)) for cmd, value in re.findall(r"([MHV])(-?[\d.]+)", path)]


def test_the_deployed_chart_draws_the_ledger_including_a_booking_of_today(client, manager, manager2, prepared):
    """Issue 23: the chart drew €0 while €22.5m was invested (a balance booked today was a line of no
    length at the right edge) and its legend's colours did not follow the lines. The chart's data is
    the ledger's: each line ends at its account's balance, visibly, in its own colour."""
    import re

    from bev import selectors
    from bev.constants import Account
    from core.formatting import euro

    from .factories import charge_fee, invest_in_case

    invest_in_case(prepared, proposer=manager, approver=manager2, amount=Decimal("22500000.00"))
    charge_fee(user=manager, amount=Decimal("250000.00"), idempotency_key="chart-fee")
    web_session(client, manager)
    response = client.get(reverse("bev:fund"))
    chart = response.context["deployed_chart"]
    invested = next(s for s in chart["series"] if s["label"] == "Geïnvesteerd (kostprijs)")
    balance = selectors.account_history(fund=selectors.fund_get(), account=Account.INVESTMENTS)[-1]["balance"]
    assert balance == Decimal("22500000.00") and invested["last"] == euro(balance)
    steps = _steps(invested["d"])
    # the step up to the balance, then a line of positive length after it
    last_v = max(i for i, (cmd, _v) in enumerate(steps) if cmd == "V")
    x_of_step = next(v for cmd, v in reversed(steps[:last_v]) if cmd == "H")
    assert steps[-1][0] == "H" and steps[-1][1] > x_of_step
    # its height is the balance on the chart's scale (the line starts at €0 on the first day)
    zero_y = float(invested["d"].split()[0].split(",")[1])
    assert steps[last_v][1] < zero_y
    # legend and lines agree on colours, also with an empty series left out (nothing swept to the treasury)
    figure = response.content.decode().split('id="deployed-title"')[1].split("</figure>")[0]
    lines = re.findall(r'<path class="series-(\d)"', figure)
    swatches = re.findall(r'class="swatch swatch-(\d)"', figure)
    assert len(lines) == 2 and lines == swatches


def test_numbers_read_as_dutch_officials_write_them(client, manager, manager2, prepared):
    """Issue 23: MOIC as "1,06×", share counts with thousands separators."""
    from django.utils import timezone

    from bev.constants import ValuationMethod
    from bev.services import valuation_record
    from core.formatting import count_nl, multiple_nl

    from .factories import invest_in_case

    assert multiple_nl(Decimal("1.0625")) == "1,06×" and multiple_nl(None) == "–"
    assert count_nl(1250000) == "1.250.000" and count_nl(Decimal("12.5")) == "12,5" and count_nl(None) == "–"
    position = invest_in_case(
        prepared, proposer=manager, approver=manager2, amount=Decimal("22500000.00"), shares=1250000
    )
    valuation_record(
        user=manager,
        position=position,
        valued_on=timezone.localdate(),
        fair_value=Decimal("23850000.00"),
        method=ValuationMethod.values[0],
    )
    web_session(client, manager)
    body = client.get(reverse("bev:position", args=[position.pk])).content.decode()
    assert "1.250.000" in body and ">1250000<" not in body
    assert "1,06×" in body
    assert "1,06×" in client.get(reverse("bev:fund")).content.decode()


def test_the_fund_wide_ledger_newest_first_with_filters_paging_and_export(
    client, manager, manager2, prepared, make_user
):
    """Issue 23: the fund-wide ledger in the web UI (newest first, filters, paging, CSV/XLSX) and the
    API in the same order; a case's text stays hidden from people outside its team, in the export too."""
    import io

    from openpyxl import load_workbook

    from access.roles import Role
    from bev import selectors
    from bev.services import reservation_book

    from .factories import invest_in_case

    position = invest_in_case(prepared, proposer=manager, approver=manager2, amount=Decimal("2000000.00"))
    reservation_book(
        user=manager,
        position=position,
        amount=Decimal("1000.00"),
        idempotency_key="ledger-r",
        description="Reservering Voorbeeld Photonics",
    )
    entries = list(selectors.ledger_entries(fund=selectors.fund_get()))
    assert [(e.booked_on, e.pk) for e in entries] == sorted(((e.booked_on, e.pk) for e in entries), reverse=True)

    web_session(client, manager)
    page = client.get(reverse("bev:ledger"))
    body = page.content.decode()
    assert page.status_code == 200 and "Voorbeeld Photonics" in body
    assert body.index("Voorbeeld Photonics") < body.index(
        "Tranche achtergestelde lening"
    )  # newest first (the tranches last)
    only = client.get(reverse("bev:ledger"), {"kind": "reservation"})
    assert only.context["page"].paginator.count == 1
    bad = client.get(reverse("bev:ledger"), {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert bad.status_code == 400 and "De einddatum ligt voor de begindatum." in bad.content.decode()
    csv = client.get(reverse("bev:ledger"), {"kind": "reservation", "export": "csv"})
    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Disposition"].startswith("attachment;") and "Voorbeeld Photonics" in text
    xlsx = client.get(reverse("bev:ledger"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row - 1 == sum(len(e.lines.all()) for e in entries)

    # someone with fund.view who is not on the case's team: amounts yes, the case's text no
    auditor = make_user("ledger_auditor", Role.AUDITOR)
    client.logout()
    web_session(client, auditor)
    hidden = client.get(reverse("bev:ledger"), {"kind": "reservation"})
    assert hidden.status_code == 200 and "Photonics" not in hidden.content.decode()
    assert "(casusgegevens afgeschermd)" in hidden.content.decode()
    assert "Photonics" not in client.get(reverse("bev:ledger"), {"export": "csv"}).content.decode("utf-8-sig")
    # paging: 50 per page
    assert client.get(reverse("bev:ledger")).context["page"].paginator.per_page == 50


@pytest.mark.parametrize(("language", "label"), [("nl", "€ 37,5 mln"), ("en", "€37.5m")])
def test_chart_axis_labels_write_millions_in_the_pages_language(language, label):
    """Found by trying the product: the English charts read "€ 37,5m"."""
    from django.utils import translation

    from bev.views import _short_euro

    with translation.override(language):
        assert _short_euro(Decimal("37500000")) == label
