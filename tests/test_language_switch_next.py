"""The language switch returns to a page that answers GET. On the answer to a form's POST (its errors
shown at the POST-only address) it returned to that address, and switching language gave 405 with an
empty page (found by trying the product: a suspension without a reason, then "English")."""

import re

import pytest
from django.urls import reverse

from .factories import web_session

pytestmark = pytest.mark.django_db


def _next(response) -> str:
    return re.search(r'name="next" type="hidden" value="([^"]*)"', response.content.decode()).group(1)


def test_after_a_refused_form_the_switch_returns_to_the_page_the_form_was_on(client, officer, case):
    web_session(client, officer)
    page = reverse("cases:detail", args=[case.pk])
    assert _next(client.get(page + "?tab=team")) == page + "?tab=team"
    refused = client.post(
        reverse("cases:suspend", args=[case.pk]), {"suspend-reason": ""}, HTTP_REFERER=f"http://testserver{page}"
    )
    assert refused.status_code == 400
    assert _next(refused) == page
    switched = client.post(reverse("set_language"), {"language": "en", "next": _next(refused)})
    assert switched.status_code == 302 and switched["Location"] == page
    assert client.get(switched["Location"]).status_code == 200


@pytest.mark.parametrize("referer", ["", "https://elsewhere.example/cases/", "http://testserver{post}"])
def test_without_a_page_of_this_site_to_return_to_it_is_the_home_page(client, officer, case, referer):
    web_session(client, officer)
    post = reverse("cases:suspend", args=[case.pk])
    refused = client.post(post, {"suspend-reason": ""}, HTTP_REFERER=referer.format(post=post))
    assert refused.status_code == 400
    assert _next(refused) == "/"
