"""An English page writes its figures and dates the English way, and translates what the service
writes itself (found by an English-speaking official trying the web UI): the audit trail's changes
("€ 25.000.000,00", "7-12-2026"), its team lines ("Teamlid") and the masked object ("[afgeschermd]"),
the refusals' dates ("Dec. 7, 2026") and percentages ("25,00%"), the pages' moments ("7-12-2026
12:27", which a US reader takes for 12 July). The Dutch page keeps the Dutch notation."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from audit import labels
from audit.selectors import masked_repr
from cases.audit_events import _team_lines
from core.formatting import moment_display

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class _Record:
    def __init__(self, changes):
        self.changes = changes


@pytest.mark.parametrize(
    ("language", "amount", "day", "moment", "team", "masked"),
    [
        ("en", "€25,000,000.00", "7 December 2026", "7 December 2026 12:27", "Team member: ", "[masked]"),
        ("nl", "€ 25.000.000,00", "7 december 2026", "7 december 2026 12:27", "Teamlid: ", "[afgeschermd]"),
    ],
)
def test_the_trail_writes_in_the_pages_language(language, amount, day, moment, team, masked):
    with translation.override(language):
        assert labels._euro("25000000.00") == amount
        assert labels._day("2026-12-07") == day
        assert labels._moment("2026-12-07T11:27:00+00:00") == moment
        [line] = _team_lines(_Record({"team": {"before": None, "after": "frank:fund_manager"}}), {})
        assert line.startswith(team)
        assert masked_repr() == masked


def test_a_moment_on_a_page_reads_the_same_in_either_language_order():
    at = datetime(2026, 7, 12, 9, 5, 7, tzinfo=AMSTERDAM)
    with translation.override("en"):
        assert moment_display(at) == "12 July 2026 09:05"
        assert moment_display(at, seconds=True) == "12 July 2026 09:05:07"
    with translation.override("nl"):
        assert moment_display(at) == "12 juli 2026 09:05"


@pytest.mark.django_db
def test_a_refusal_names_its_date_in_the_pages_language(manager):
    """The ledger refuses a booking dated before the latest one, naming that date (it was written
    "Dec. 7, 2026" on an English page)."""
    from datetime import timedelta

    from django.utils import timezone

    from bev.services import tranche_receive
    from core.exceptions import RuleViolation
    from core.formatting import MONTHS_EN, MONTHS_NL

    from .factories import fund_establish_default

    fund_establish_default()
    today = timezone.localdate()
    tranche_receive(user=manager, amount="1000", idempotency_key="today", received_on=today)
    for language, months in (("en", MONTHS_EN), ("nl", MONTHS_NL)):
        with translation.override(language), pytest.raises(RuleViolation) as refused:
            tranche_receive(
                user=manager, amount="1000", idempotency_key=f"late-{language}", received_on=today - timedelta(days=1)
            )
        assert f"{today.day} {months[today.month - 1]} {today.year}" in str(refused.value), str(refused.value)


@pytest.mark.django_db
def test_the_case_timeline_writes_its_moments_in_words(client, case, officer):
    """The timeline wrote "7-12-2026 12:27", which a US reader takes for 12 July."""
    import re

    from django.utils import timezone

    from core.formatting import MONTHS_EN

    from .factories import web_session

    page = web_session(client, officer).get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    today = timezone.localdate()
    assert f"{today.day} {MONTHS_EN[today.month - 1]} {today.year}" in page
    assert not re.search(r"\b\d{1,2}-\d{1,2}-20\d\d \d\d:\d\d", page)
