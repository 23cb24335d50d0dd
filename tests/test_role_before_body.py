"""A write the person's role never allows is 403 before the body is read (access.api.permissions.
RoleMayWrite with each viewset's `write_actions`): before, a role without the right got the body's
field errors (400) first, learning its shape from them, and the 403 only once the body was valid.

Walked over every write route of the fund, its positions, investment proposals and disbursements
and the creation of a case, with a body no serializer accepts, as roles that may do none of them.
(Elsewhere, assessments, letters and a case's own steps, the body is still read before the role:
docs/security.md.)"""

import json

import pytest

from access.roles import Role

from .factories import api_token
from .test_url_walk import concrete_paths, project_urls, world  # noqa: F401

pytestmark = pytest.mark.django_db

CHECKED = ("/api/fund/", "/api/positions/", "/api/investment-proposals/", "/api/disbursements/")
BAD_BODY = {"amount": "x" * 5, "case": "niet-een-id", "idempotency_key": None, "kind": ["x"], "title": {"a": 1}}


def _routes():
    for url in project_urls():
        if any(name == "format" for _c, name in url.params):
            continue
        if url.template.startswith(CHECKED) or url.template == "/api/cases/":
            yield url


def test_the_walk_covers_the_bookings():
    templates = {url.template for url in _routes()}
    assert {
        "/api/fund/tranches/",
        "/api/fund/loan-repayments/",
        "/api/positions/<pk>/exits/",
        "/api/cases/",
    } <= templates


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.PARLIAMENTARY_LIAISON, Role.RISK_ASSESSOR])
def test_a_role_without_the_right_gets_403_not_the_bodys_field_errors(role, world, make_user, client):
    person = make_user(f"walk_{role}", role)
    token = f"Token {api_token(person)}"
    shaped, refused = [], 0
    for url in _routes():
        for path in concrete_paths(url, world)[:1]:
            for method in ("post", "put", "patch"):
                response = getattr(client, method)(
                    path, data=json.dumps(BAD_BODY), content_type="application/json", HTTP_AUTHORIZATION=token
                )
                body = json.loads(response.content or b"{}") if response.content else {}
                if response.status_code == 400:
                    shaped.append(f"{method.upper()} {path} -> 400 {response.content[:100]!r}")
                elif response.status_code == 403 and body.get("code") == "permission_denied":
                    refused += 1
    assert not shaped, f"{role} learned a body's shape from its field errors before a 403:\n" + "\n".join(shaped)
    assert refused >= 25, refused  # the walk reached the writes
