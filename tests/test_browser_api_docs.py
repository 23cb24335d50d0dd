"""The interactive API docs (/api/docs/) in headless Chromium, under the service's own
Content-Security-Policy: Swagger UI renders the service's operations, no part of the page is refused
by the policy, and nothing is fetched from another site (no CDN: a ministry's network may reach none).
Before, the page loaded Swagger UI from a CDN with an inline init script and stayed blank."""

import re

import pytest

from access.roles import Role

from .factories import give_second_factor
from .test_browser_case_flow import _CODE_ITERATORS, CODES, Session, browser  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_the_operations_under_the_policy(browser, live_server, make_user):  # noqa: F811
    from playwright.sync_api import expect

    user = make_user("officer", Role.CASE_OFFICER)
    give_second_factor(user, backup_codes=CODES)
    _CODE_ITERATORS.pop(user.username, None)
    session = Session(browser, live_server, user)
    session.login()
    elsewhere = []
    session.page.on("request", lambda r: None if r.url.startswith(live_server.url) else elsewhere.append(r.url))
    session.page.goto(live_server.url + "/api/docs/")
    # every tag is listed, closed (config.settings.base: SWAGGER_UI_SETTINGS); opening one shows its operations
    tags = session.page.locator("h3.opblock-tag")
    expect(tags.filter(has_text=re.compile(r"^reports")).first).to_be_visible(timeout=20_000)  # the last tag
    assert tags.count() >= 12
    for tag, path in (("cases", "/api/cases/"), ("fund", "/api/fund/reversals/")):
        tags.filter(has_text=re.compile(rf"^{tag}")).first.click()
        expect(
            session.page.locator(".opblock-summary-path", has_text=re.compile(rf"^{re.escape(path)}$")).first
        ).to_be_visible(timeout=20_000)
    assert session.page.locator(".opblock").count() > 50
    assert elsewhere == []
    session.close()  # fails on any Content-Security-Policy refusal the console reported
