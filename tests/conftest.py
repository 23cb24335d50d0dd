import os
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from access.roles import Role
from core.classification import Classification

from . import emptying, fastpath_need
from .factories import UserFactory, make_case


def pytest_configure(config):
    """A transactional test empties only the tables it wrote (tests/emptying.py). The first pass
    notes which tests ask the fast paths' switch (tests/fastpath_need.py)."""
    emptying.install()
    if os.environ.get(fastpath_need.RECORD):
        fastpath_need.install()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    directory = os.environ.get(fastpath_need.RECORD)
    if directory:
        fastpath_need.begin()
    yield
    if directory:
        fastpath_need.end(item.nodeid, directory)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """After pytest-django's order: within each of its groups the slow tests first, so that on
    several workers (pytest-xdist) a long walk starts early instead of running alone at the end. A
    slow test without the database (the walk of `make run`) goes before all of them: it cannot see
    or leave rows, and last in the run it kept one worker busy while the other had nothing to do.
    With the fast paths off (BEV_FAST_PATHS=off, the plain ORM and DRF), the tests of a fast path
    itself (its query counts, its kept state) do not apply; everything else runs unchanged."""
    from django.conf import settings

    items.sort(key=_run_order)
    if settings.BEV_FAST_PATHS:
        return
    # BEV_FAST_PATHS_NEED (scripts/run-tests.sh): the tests the first pass saw run without asking the
    # switch run the same code now; only the others run again (tests/fastpath_need.py).
    need = os.environ.get(fastpath_need.NEED)
    if need:
        same = fastpath_need.not_needed(need)
        config.hook.pytest_deselected(items=[item for item in items if item.nodeid in same])
        items[:] = [item for item in items if item.nodeid not in same]
    skip = pytest.mark.skip(reason="tests a fast path; BEV_FAST_PATHS is off")
    for item in items:
        if "fastpaths" in item.keywords:
            item.add_marker(skip)


def _run_order(item) -> tuple[int, bool]:
    group, slow = _django_group(item), "slow" in item.keywords
    return (-1 if group == 2 and slow else group, not slow)


def _django_group(item) -> int:
    """pytest-django's order: tests in a rolled-back transaction (0), transactional tests, which
    empty the tables (1), tests without the database (2). A test never moves to another group."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", [])
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    if transactional or "transactional_db" in fixtures or "live_server" in fixtures:
        return 1
    return 0 if (marker or "db" in fixtures) else 2


@pytest.fixture
def make_user(db):
    def _make(username: str, role: str = Role.CASE_OFFICER, clearance: str = Classification.GEHEIM, **kw):
        return UserFactory(username=username, role=role, clearance=clearance, **kw)

    return _make


@pytest.fixture
def officer(make_user):
    return make_user("officer", Role.CASE_OFFICER)


@pytest.fixture
def officer2(make_user):
    return make_user("officer2", Role.CASE_OFFICER)


@pytest.fixture
def assessor(make_user):
    return make_user("assessor", Role.RISK_ASSESSOR)


@pytest.fixture
def assessor2(make_user):
    return make_user("assessor2", Role.RISK_ASSESSOR)


@pytest.fixture
def secretariat(make_user):
    return make_user("secretariat", Role.CABINET_SECRETARIAT)


@pytest.fixture
def secretariat2(make_user):
    return make_user("secretariat2", Role.CABINET_SECRETARIAT)


@pytest.fixture
def manager(make_user):
    return make_user("manager", Role.FUND_MANAGER)


@pytest.fixture
def manager2(make_user):
    return make_user("manager2", Role.FUND_MANAGER)


@pytest.fixture
def outsider(make_user):
    return make_user("outsider", Role.CASE_OFFICER)


@pytest.fixture
def case(officer, officer2, assessor, assessor2, secretariat, secretariat2, manager, manager2):
    """A case whose team holds one or two people of each acting role."""
    return make_case(
        officer=officer,
        team={
            officer2: Role.CASE_OFFICER,
            assessor: Role.RISK_ASSESSOR,
            assessor2: Role.RISK_ASSESSOR,
            secretariat: Role.CABINET_SECRETARIAT,
            secretariat2: Role.CABINET_SECRETARIAT,
            manager: Role.FUND_MANAGER,
            manager2: Role.FUND_MANAGER,
        },
    )


@pytest.fixture
def stake_and_loan(case, manager, secretariat, secretariat2):
    """The booking set-up of the running-balance tests: a fund with 40m received and, on `case`
    ready for investment, an equity stake (30%) and a 3m loan with warrants at 5%, nothing booked."""
    from bev import services

    from .factories import case_to_investment_preparation, fund_with_tranches

    million = Decimal("1000000.00")
    fund_with_tranches(user=manager, amounts=(40 * million,))
    ready = case_to_investment_preparation(case, recorder=secretariat, confirmer=secretariat2)
    stake = services.position_create(user=manager, case=ready, instrument="equity", ownership_percent=30)
    loan = services.position_create(
        user=manager,
        case=ready,
        instrument="loan_with_warrants",
        principal=3 * million,
        interest_rate_percent=Decimal("5"),
        warrant_terms="Warrants op 5%.",
    )
    return stake, loan


@pytest.fixture
def api():
    """api(user) -> an APIClient authenticated as that user (token auth, as integrations do)."""

    def _client(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return _client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Cached figures are keyed on ids, which a rolled-back test database hands out again."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _dutch_by_default():
    """Every test starts in the service's language. A request in English leaves English active in
    the thread (LocaleMiddleware activates per request, nothing deactivates), which leaked into
    later tests that compose texts outside a request."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
