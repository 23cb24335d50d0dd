"""The letter about a follow-on investment states no stake that no record backs. The tester's walk:
after a € 50 mln follow-on the draft said "Het belang van de Staat in de onderneming bedraagt na deze
transactie 20%", the stake entered with the first investment, while a disbursement records only an
amount (and a dilution cannot raise a stake). Now that sentence is left out, and the drafter is told
to fill the stake in, unless a stake was recorded on or after the follow-on's date
(`bev.selectors.position_stake_recorded_on`: a dilution, a conversion)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction

from access.roles import Role
from bev import services as fund
from parliament import services
from parliament.composition import compose_letter
from parliament.models import LetterDraft

from .factories import add_liaisons, case_to_investment_preparation, fund_with_tranches, invest_in_case
from .test_kamerbrief_content import facts

pytestmark = pytest.mark.django_db

M = Decimal("1000000.00")
STAKE_SENTENCE = "Het belang van de Staat in de onderneming bedraagt na deze transactie"
NOTE = "Het belang van de Staat na deze vervolginvestering is niet vastgelegd"
INVESTED_ON, FOLLOW_ON = date(2026, 2, 2), date(2026, 9, 1)


@pytest.fixture
def kamer(make_user):
    return make_user("kamer", Role.PARLIAMENTARY_LIAISON)


@pytest.fixture
def invested(case, officer, manager, manager2, secretariat, secretariat2, kamer, django_capture_on_commit_callbacks):
    """€ 20 mln for a 20 % stake, then a follow-on of € 50 mln (the tester's figures); letters drafted.
    The approved proposal covers both (€ 70 mln): the first letter states no stake either, since it paid
    only part of the plan (test_kamerbrief_content)."""
    add_liaisons(case, by=officer, liaisons=[kamer])
    fund_with_tranches(user=manager)
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2, proposal_amount=70 * M)
    with django_capture_on_commit_callbacks(execute=True):
        position = invest_in_case(
            ready, proposer=manager, approver=manager2, amount=20 * M, booked_on=INVESTED_ON, ownership_percent=20
        )
    with django_capture_on_commit_callbacks(execute=True):
        proposal = fund.disbursement_propose(user=manager, position=position, amount=50 * M, idempotency_key="more")
        fund.disbursement_approve(user=manager2, disbursement=proposal, booked_on=FOLLOW_ON)
    return position


def letter(case, kind) -> LetterDraft:
    return LetterDraft.objects.get(case=case, chamber="tweede_kamer", kind=kind)


def test_the_follow_on_letter_leaves_the_unrecorded_stake_out_and_says_so(invested):
    follow_on = letter(invested.case, "follow_on_investment")
    assert "Het gaat om een investering van € 50.000.000 in de vorm van aandelen." in follow_on.body
    assert STAKE_SENTENCE not in follow_on.body and STAKE_SENTENCE not in follow_on.confidential_annex
    assert "20%" not in follow_on.body
    assert any(NOTE in note and "zelf in" in note for note in follow_on.drafting_notes)
    # the first investment's letter: a part of the plan, so no stake either, and its own note
    first = letter(invested.case, "first_investment")
    assert STAKE_SENTENCE not in first.body
    assert not any(NOTE in note for note in first.drafting_notes)
    assert any("is een deel van het goedgekeurde investeringsvoorstel" in note for note in first.drafting_notes)


def test_a_stake_recorded_on_or_after_the_follow_on_is_stated(invested, manager):
    fund.dilution_record(user=manager, position=invested, issued_on=FOLLOW_ON, ownership_after=Decimal("15"))
    with transaction.atomic():
        request = services.letter_requests_create(
            event=_follow_on_event(invested, manager, source_key="test:follow-on-after-dilution")
        )
    services.letter_drafts_make(request_id=request.pk, today=date(2026, 9, 2))
    draft = LetterDraft.objects.get(request=request, chamber="tweede_kamer")
    assert f"{STAKE_SENTENCE} 15%." in draft.body
    assert not any(NOTE in note for note in draft.drafting_notes)


def _follow_on_event(position, user, *, source_key):
    from bev.events import TransactionExecuted

    return TransactionExecuted(
        kind="follow_on_investment",
        case_id=position.case_id,
        position_id=position.pk,
        amount=50 * M,
        executed_on=FOLLOW_ON,
        user_id=user.pk,
        source_key=source_key,
    )


@pytest.mark.parametrize(
    "recorded_on, stated",
    [
        (None, False),  # only the stake entered with the position
        (date(2026, 8, 31), False),  # recorded before the follow-on: not the stake after it
        (date(2026, 9, 1), True),  # on its date
        ("2026-09-30", True),  # after it (as the stored facts hold dates: text)
    ],
)
def test_the_rule_on_hand_built_facts(recorded_on, stated):
    composed = compose_letter(
        facts(kind="follow_on_investment", executed_on=date(2026, 9, 1), stake_recorded_on=recorded_on)
    )
    assert (f"{STAKE_SENTENCE} 25%." in composed.body) is stated
    assert any(NOTE in note for note in composed.notes) is not stated


def test_other_transactions_and_positions_without_a_stake_are_unchanged():
    assert f"{STAKE_SENTENCE} 25%." in compose_letter(facts(kind="first_investment")).body
    loan = compose_letter(facts(kind="follow_on_investment", stake_percent=None))
    assert STAKE_SENTENCE not in loan.body and not any(NOTE in note for note in loan.notes)
